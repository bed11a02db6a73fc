import { and, asc, countDistinct, gte, lte, max, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { events } from '../db/schema.ts';
import type { ShopEvent } from '../model/events.ts';

/** Which part of the log a rebuild reads: events since `sinceTs`, up to sequence number `maxSeq`. */
export interface EventWindow {
  sinceTs: number;
  maxSeq: number;
  /** Distinct users in the window: sets the profile shard count every part agrees on. */
  users: number;
}

/** Fixes the window of a run now, so that every part of a split run reads the same events. */
export async function eventWindow(db: Database, days: number, now = Date.now()): Promise<EventWindow> {
  const sinceTs = now - days * 86_400_000;
  const row = await db
    .select({ maxSeq: max(events.seq) })
    .from(events)
    .get();
  const maxSeq = row?.maxSeq ?? 0;
  const users = await db
    .select({ n: countDistinct(events.userId) })
    .from(events)
    .where(and(gte(events.ts, sinceTs), lte(events.seq, maxSeq)))
    .get();
  return { sinceTs, maxSeq, users: users?.n ?? 0 };
}

/**
 * Reads the window in time order, one page per query, with keyset pagination on the
 * `(ts, seq)` index: never OFFSET, never the whole table in one result.
 */
export async function* readEventPages(db: Database, window: EventWindow, pageSize = 5000): AsyncGenerator<ShopEvent[]> {
  let after: { ts: number; seq: number } | undefined;
  for (;;) {
    const rows = await db
      .select({
        seq: events.seq,
        ts: events.ts,
        user: events.userId,
        item: events.itemId,
        type: events.type,
        value: events.value,
        session: events.session,
        rid: sql<string | null>`CASE WHEN ${events.rid} LIKE 'q-%' THEN ${events.rid} END`,
        query: sql<string | null>`CASE WHEN ${events.rid} LIKE 'q-%' THEN json_extract(${events.context}, '$.q') END`,
        context: events.context,
      })
      .from(events)
      .where(
        and(
          gte(events.ts, window.sinceTs),
          lte(events.seq, window.maxSeq),
          after ? sql`(${events.ts}, ${events.seq}) > (${after.ts}, ${after.seq})` : undefined,
        ),
      )
      .orderBy(asc(events.ts), asc(events.seq))
      .limit(pageSize);
    if (rows.length === 0) return;
    const last = rows[rows.length - 1]!;
    after = { ts: last.ts, seq: last.seq };
    yield rows.map(({ seq: _seq, ...event }) => event as ShopEvent);
    if (rows.length < pageSize) return;
  }
}

import { publicError } from '../security/public-error.ts';
import { and, desc, eq, gte, isNotNull } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { events } from '../db/schema.ts';
import type { EventType } from '../model/events.ts';
import type { HistoryEntry } from '../model/recommend.ts';

/** How far back serving looks in the log for what a user did since the last rebuild. */
export const FRESH_WINDOW_MS = 2 * 86_400_000;
/** At most this many of the user's newest events are read. */
export const FRESH_LIMIT = 30;

/**
 * The user's latest events straight from the log (one indexed query, newest first), so that a
 * view posted a second ago changes "for you" before any rebuild. `undefined` when D1 fails.
 */
export async function freshHistory(db: Database, user: string, now = Date.now()): Promise<HistoryEntry[] | undefined> {
  try {
    const rows = await db
      .select({ item: events.itemId, type: events.type, ts: events.ts })
      .from(events)
      .where(and(eq(events.userId, user), gte(events.ts, now - FRESH_WINDOW_MS), isNotNull(events.itemId)))
      .orderBy(desc(events.ts))
      .limit(FRESH_LIMIT);
    return rows.map((r) => ({ item: r.item!, type: r.type as EventType, ts: r.ts }));
  } catch (err) {
    console.error(`fresh history unavailable: ${publicError(err)}`);
    return undefined;
  }
}

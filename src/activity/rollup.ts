/**
 * The activity roll-up: reads the event log after a cursor (by `seq`, in pages) and adds each
 * page's figures to the daily tables in the same D1 batch that moves the cursor, so a page is
 * counted exactly once even when a cron runs twice or fails halfway. Bounded per invocation by
 * D1 statements, so a backlog is worked off over several crons.
 */
import { asc, eq, gt, inArray, sql } from 'drizzle-orm';
import { type Database, chunkRows, runBatch } from '../db/client.ts';
import { dailyActivity, dailyShoppers, events, items, settings } from '../db/schema.ts';
import { type ActivityEvent, aggregateActivity } from './aggregate.ts';

/** Settings key holding the last event `seq` rolled up. */
export const ACTIVITY_CURSOR = 'activity:seq';

/** Options of {@link rollUpActivity}. */
export interface ActivityRollupOptions {
  pageSize?: number;
  /** Most D1 statements one call may use (D1 allows 1,000 queries per invocation). */
  statementBudget?: number;
}

/** What a roll-up call did. */
export interface ActivityRollupResult {
  events: number;
  pages: number;
  cursor: number;
  /** True when events are left for the next call. */
  more: boolean;
}

async function readCursor(db: Database): Promise<number> {
  const row = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, ACTIVITY_CURSOR)).get();
  return row ? Number(row.value) : 0;
}

async function prices(db: Database, ids: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const chunk of chunkRows([...new Set(ids)], 1)) {
    const rows = await db.select({ id: items.id, price: items.price }).from(items).where(inArray(items.id, chunk)).all();
    for (const row of rows) if (row.price !== null) out.set(row.id, row.price);
  }
  return out;
}

/** Rolls the events logged since the last call into the daily activity tables. */
export async function rollUpActivity(db: Database, options: ActivityRollupOptions = {}, now = Date.now()): Promise<ActivityRollupResult> {
  const pageSize = options.pageSize ?? 5000;
  let budget = options.statementBudget ?? 600;
  let cursor = await readCursor(db);
  let total = 0;
  let pages = 0;
  for (;;) {
    const page: ActivityEvent[] = await db
      .select({ seq: events.seq, ts: events.ts, type: events.type, user: events.userId, item: events.itemId, value: events.value })
      .from(events)
      .where(gt(events.seq, cursor))
      .orderBy(asc(events.seq))
      .limit(pageSize)
      .all();
    budget--;
    if (page.length === 0) return { events: total, pages, cursor, more: false };
    const bought = page.filter((e) => e.type === 'purchase' && e.item).map((e) => e.item!);
    const priceById = await prices(db, bought);
    budget -= Math.ceil(new Set(bought).size / 100);
    const delta = aggregateActivity(page, (id) => priceById.get(id));
    const next = page[page.length - 1]!.seq;
    const statements = [
      ...chunkRows(delta.figures, 5).map((rows) =>
        db
          .insert(dailyActivity)
          .values(rows)
          .onConflictDoUpdate({
            target: [dailyActivity.day, dailyActivity.type],
            set: {
              events: sql`${dailyActivity.events} + excluded.events`,
              quantity: sql`${dailyActivity.quantity} + excluded.quantity`,
              revenue: sql`${dailyActivity.revenue} + excluded.revenue`,
            },
          }),
      ),
      ...chunkRows(delta.shoppers, 2).map((rows) =>
        db
          .insert(dailyShoppers)
          .values(rows.map((r) => ({ day: r.day, userId: r.user })))
          .onConflictDoNothing(),
      ),
      db
        .insert(settings)
        .values({ key: ACTIVITY_CURSOR, value: String(next), updatedAt: now })
        .onConflictDoUpdate({ target: settings.key, set: { value: String(next), updatedAt: now } }),
    ];
    await runBatch(db, statements);
    budget -= statements.length;
    cursor = next;
    total += page.length;
    pages++;
    if (page.length < pageSize) return { events: total, pages, cursor, more: false };
    if (budget < statements.length + 3) return { events: total, pages, cursor, more: true };
  }
}

import { type Database, chunkRows, runBatch } from '../db/client.ts';
import { events } from '../db/schema.ts';
import type { EventInput } from './event-schema.ts';

type EventRow = typeof events.$inferInsert;
const EVENT_COLUMNS = 12;

/** How many events were stored and how many were already there. */
export interface StoredEvents {
  accepted: number;
  duplicates: number;
}

/** The row an event becomes; every column is set so each row binds the same number of parameters. */
export function toEventRow(event: EventInput, receivedAt: number): EventRow {
  return {
    id: event.id,
    type: event.type,
    userId: event.user,
    itemId: event.type === 'impression' ? null : event.item,
    items: event.type === 'impression' ? JSON.stringify(event.items) : null,
    value: event.type === 'impression' ? null : (event.value ?? null),
    price: event.type === 'purchase' ? (event.price ?? null) : null,
    rid: event.rid ?? null,
    session: event.session ?? null,
    context: event.context ? JSON.stringify(event.context) : null,
    ts: event.ts ?? receivedAt,
    receivedAt,
  };
}

/**
 * Appends events to the log in one D1 batch (one transaction: all or nothing), at most 100
 * bound parameters per statement. An event id already in the log, or twice in the batch,
 * is a duplicate and stores nothing.
 */
export async function storeEvents(db: Database, batch: readonly EventInput[], now = Date.now()): Promise<StoredEvents> {
  const seen = new Set<string>();
  const rows: EventRow[] = [];
  for (const event of batch) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    rows.push(toEventRow(event, now));
  }
  if (rows.length === 0) return { accepted: 0, duplicates: batch.length };
  // Inserted rows are counted from RETURNING: D1's `changes` also counts the rows the
  // event-count triggers update.
  const statements = chunkRows(rows, EVENT_COLUMNS).map((chunk) => db.insert(events).values(chunk).onConflictDoNothing().returning({ seq: events.seq }));
  const results = (await runBatch(db, statements)) as unknown[][];
  const accepted = results.reduce<number>((sum, r) => sum + r.length, 0);
  return { accepted, duplicates: batch.length - accepted };
}

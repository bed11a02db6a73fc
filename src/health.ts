import { count, max } from 'drizzle-orm';
import type { Database } from './db/client.ts';
import { events, items } from './db/schema.ts';

/** What `/health` reports. */
export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  d1: { ok: boolean; error?: string };
  counts?: { eventsLogged: number; items: number };
}

/** Checks that D1 answers and reads cheap counts (the log's highest sequence number, not a full count). */
export async function checkHealth(db: Database, version: string): Promise<Health> {
  try {
    const [logged, catalog] = await db.batch([db.select({ n: max(events.seq) }).from(events), db.select({ n: count() }).from(items)]);
    return { status: 'ok', version, d1: { ok: true }, counts: { eventsLogged: logged[0]?.n ?? 0, items: catalog[0]?.n ?? 0 } };
  } catch (err) {
    return { status: 'degraded', version, d1: { ok: false, error: String(err) } };
  }
}

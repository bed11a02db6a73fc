import { count, eq } from 'drizzle-orm';
import type { Database } from './db/client.ts';
import { eventCount, items } from './db/schema.ts';
import { publicError } from './security/public-error.ts';

/** What `/health` reports. */
export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  d1: { ok: boolean; error?: string };
  counts?: { eventsLogged: number; items: number };
}

/**
 * Checks that D1 answers and reads two counts: events in the log (exact, a row kept by
 * triggers) and catalog items. The public answer never carries the raw D1 error.
 */
export async function checkHealth(db: Database, version: string): Promise<Health> {
  try {
    const [logged, catalog] = await db.batch([
      db.select({ n: eventCount.n }).from(eventCount).where(eq(eventCount.id, 1)),
      db.select({ n: count() }).from(items),
    ]);
    return { status: 'ok', version, d1: { ok: true }, counts: { eventsLogged: logged[0]?.n ?? 0, items: catalog[0]?.n ?? 0 } };
  } catch (err) {
    console.error(`health: D1 unavailable: ${publicError(err)}`);
    return { status: 'degraded', version, d1: { ok: false, error: 'D1 unavailable' } };
  }
}

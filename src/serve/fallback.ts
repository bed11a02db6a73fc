import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import { catalogEntry } from '../catalog/catalog-entry.ts';
import { toItem } from '../catalog/catalog-store.ts';
import type { Database } from '../db/client.ts';
import { events, items } from '../db/schema.ts';
import type { CatalogEntry } from '../rebuild/catalog-snapshot.ts';

/** Popular items with their catalog entries: what answers when the table store is down. */
export interface PopularSnapshot {
  source: string;
  list: [string, number][];
  entries: Map<string, CatalogEntry>;
}

let lastGood: (PopularSnapshot & { version: string }) | undefined;
let fromLog: { at: number; snapshot: PopularSnapshot } | undefined;
const LOG_TTL_MS = 60_000;
/** Ids per `IN (...)`: D1 binds at most 100 parameters per statement, one is the availability flag. */
const MAX_IDS_PER_QUERY = 90;

/** Remembers the last trending list read from the tables, with its catalog entries, for outages. */
export function rememberPopular(list: [string, number][], entry: (id: string) => CatalogEntry | undefined, version: string): void {
  if (lastGood?.version === version) return;
  const entries = new Map<string, CatalogEntry>();
  for (const [id] of list) {
    const e = entry(id);
    if (e) entries.set(id, e);
  }
  if (entries.size) lastGood = { source: 'recent trending', list, entries, version };
}

/**
 * Popular items when the table store fails: the isolate's last trending list if it has one,
 * else purchases and carts of the last two weeks counted in D1 (cached a minute).
 */
export async function popularFallback(db: Database, now = Date.now()): Promise<PopularSnapshot | undefined> {
  if (lastGood) return lastGood;
  if (fromLog && now - fromLog.at < LOG_TTL_MS) return fromLog.snapshot;
  try {
    const snapshot = await popularFromLog(db, now);
    fromLog = { at: now, snapshot };
    return snapshot;
  } catch (err) {
    console.error('fallback popular list unavailable', err);
    return undefined;
  }
}

/** Purchases and carts of the last two weeks counted in D1, with the items' catalog entries (available ones only). */
export async function popularFromLog(db: Database, now = Date.now()): Promise<PopularSnapshot> {
  const counted = await db
    .select({ id: events.itemId, n: sql<number>`count(*)` })
    .from(events)
    .where(and(gte(events.ts, now - 14 * 86_400_000), inArray(events.type, ['purchase', 'add_to_cart'])))
    .groupBy(events.itemId)
    .orderBy(desc(sql`count(*)`))
    .limit(100);
  const ids = counted.map((c) => c.id).filter((id): id is string => id !== null);
  const entries = new Map<string, CatalogEntry>();
  for (let i = 0; i < ids.length; i += MAX_IDS_PER_QUERY) {
    const rows = await db
      .select()
      .from(items)
      .where(and(inArray(items.id, ids.slice(i, i + MAX_IDS_PER_QUERY)), eq(items.available, true)));
    for (const r of rows) entries.set(r.id, catalogEntry(toItem(r)));
  }
  return {
    source: 'popular items',
    list: counted.filter((c) => c.id && entries.has(c.id)).map((c): [string, number] => [c.id!, c.n]),
    entries,
  };
}

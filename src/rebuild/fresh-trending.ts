import { and, asc, gt, inArray } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { events, items } from '../db/schema.ts';
import type { ShopEvent } from '../model/events.ts';
import type { TrendingList } from '../model/trending.ts';
import { updateTrending } from '../model/trending-update.ts';
import { tableKey } from '../tables/layout.ts';
import type { TableStore } from '../tables/table-store.ts';
import { publicError } from '../security/public-error.ts';
import { acquireLease, releaseLease } from './lease.ts';
import { readManifest } from './publish.ts';

/** The unversioned key holding trending lists kept fresh between full rebuilds. */
export const FRESH_TRENDING_KEY = 'tables:trending-fresh';

/** Trending lists moved forward from a version's lists with the events logged since. */
export interface FreshTrending {
  /** The table version whose lists these extend (ignored once another version is served). */
  version: string;
  /** Last log sequence number counted. */
  maxSeq: number;
  /** When the lists were last moved forward (ms). */
  at: number;
  global: TrendingList;
  byCategory: Record<string, TrendingList>;
}

/** What a refresh did. */
export interface TrendingRefresh {
  status: 'refreshed' | 'no-tables' | 'busy' | 'failed';
  events: number;
  version?: string;
  /** Why it failed (bounded, without connection details). */
  error?: string;
}

const PAGE = 5000;

/**
 * The cheap partial update between full rebuilds: reads only the events logged since the last
 * refresh (keyset on the sequence number, at most `maxEvents`), moves the trending lists
 * forward, and writes one key. Purchases and carts reach trending within one cron period.
 * A store or D1 failure is reported as `failed` (the lists served stay as they were).
 */
export async function refreshTrending(db: Database, store: TableStore, now = Date.now(), maxEvents = 50_000): Promise<TrendingRefresh> {
  try {
    return await moveTrending(db, store, now, maxEvents);
  } catch (err) {
    const error = publicError(err);
    console.error(`trending refresh failed: ${error}`);
    return { status: 'failed', events: 0, error };
  }
}

async function moveTrending(db: Database, store: TableStore, now: number, maxEvents: number): Promise<TrendingRefresh> {
  const manifest = await readManifest(store);
  if (!manifest) return { status: 'no-tables', events: 0 };
  const holder = `trending-${now}-${crypto.randomUUID().slice(0, 4)}`;
  if (!(await acquireLease(db, 'trending', holder, 5 * 60_000, now))) return { status: 'busy', events: 0 };
  try {
    const [stateValue, versionValue] = await store.getMany([FRESH_TRENDING_KEY, tableKey(manifest.version, 'tr')]);
    let state = stateValue ? (JSON.parse(stateValue) as FreshTrending) : undefined;
    if (!state || state.version !== manifest.version) {
      const lists = JSON.parse(versionValue ?? '{"global":[],"byCategory":{}}') as Pick<FreshTrending, 'global' | 'byCategory'>;
      state = {
        version: manifest.version,
        maxSeq: Number(manifest.stats.maxSeq ?? 0),
        at: manifest.builtAt,
        global: lists.global,
        byCategory: lists.byCategory,
      };
    }
    const fresh: (ShopEvent & { seq: number })[] = [];
    for (let after = state.maxSeq; fresh.length < maxEvents;) {
      const page = await db
        .select({ seq: events.seq, user: events.userId, item: events.itemId, type: events.type, value: events.value, ts: events.ts })
        .from(events)
        .where(gt(events.seq, after))
        .orderBy(asc(events.seq))
        .limit(Math.min(PAGE, maxEvents - fresh.length));
      fresh.push(...(page as (ShopEvent & { seq: number })[]));
      if (page.length === 0 || page.length < PAGE) break;
      after = page[page.length - 1]!.seq;
    }
    const categories = await categoriesOf(db, [...new Set(fresh.map((e) => e.item).filter((id): id is string => !!id))]);
    const lists = updateTrending(state, state.at, fresh, now, { categories: (id) => categories.get(id) ?? [] });
    const next: FreshTrending = { version: manifest.version, maxSeq: fresh.at(-1)?.seq ?? state.maxSeq, at: now, ...lists };
    await store.putMany([{ key: FRESH_TRENDING_KEY, value: JSON.stringify(next) }]);
    return { status: 'refreshed', events: fresh.length, version: manifest.version };
  } finally {
    await releaseLease(db, 'trending', holder).catch(() => undefined);
  }
}

async function categoriesOf(db: Database, ids: string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  for (let i = 0; i < ids.length; i += 90) {
    const rows = await db
      .select({ id: items.id, categories: items.categories })
      .from(items)
      .where(and(inArray(items.id, ids.slice(i, i + 90))));
    for (const row of rows) found.set(row.id, JSON.parse(row.categories) as string[]);
  }
  return found;
}

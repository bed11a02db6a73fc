import { FRESH_ENTRIES_KEY, type FreshEntries, OVERRIDES_KEY, parseFreshEntries, parseOverrides } from '../catalog/availability.ts';
import type { RequestTiming } from '../http/server-timing.ts';
import { type ContentScope, cachedContentCandidates, freshInCategory } from '../cold-start/content-candidates.ts';
import { liveEntry } from '../cold-start/live-entry.ts';
import { type Database, openDatabase } from '../db/client.ts';
import type { Env } from '../env.ts';
import { type HistoryEntry, scoredHistoryItems } from '../model/recommend.ts';
import { defaultChoice } from '../model/selection/model-choice.ts';
import { type UserProfile, profileHistory } from '../model/user-profile.ts';
import type { CatalogEntry } from '../rebuild/catalog-snapshot.ts';
import { FRESH_TRENDING_KEY, type FreshTrending } from '../rebuild/fresh-trending.ts';
import { DEFAULT_SERVING, type ServingConfig } from '../experiments/experiment-schema.ts';
import { newRid } from '../experiments/rid-tag.ts';
import { decideServing, servingState } from '../experiments/serving-decision.ts';
import { ApiError } from '../http/errors.ts';
import { ownValue } from '../security/own-key.ts';
import { activeRules } from '../rules/rules-store.ts';
import { type Manifest, type ShardedTable, shardOf, tableKey, unpackEntry, unpackShard } from '../tables/layout.ts';
import { StoreUnavailableError, guardedStore, storeBreaker, withTimeout } from '../tables/circuit-breaker.ts';
import { openTableStore } from '../tables/open-store.ts';
import { publicError } from '../security/public-error.ts';
import type { TableStore } from '../tables/table-store.ts';
import { baselineCandidates } from './baselines.ts';
import { type FlatList, forYouCandidates, fromList, pairsOf } from './candidates.ts';
import { type CatalogView, catalogView } from './catalog-view.ts';
import { popularFallback, rememberPopular } from './fallback.ts';
import { freshHistory } from './fresh-history.ts';
import { type IoClock, ioClock, timedStore } from './io-clock.ts';
import { type Candidate, type RankOptions, rankCandidates } from './rank.ts';
import { publicReason, reasonText } from './reasons.ts';
import { type TableRead, readMore, readTables } from './table-reader.ts';
import type { RecommendRequest, RecommendResponse, RecommendedItem } from './types.ts';

/** What serving reads from. */
export interface ServeDeps {
  store: TableStore;
  db: Database;
  /** Names the isolate cache (one per store). */
  cacheName: string;
  now?: number;
  /** Counts D1 waits as I/O (the store is wrapped by the caller). */
  clock?: IoClock;
}

/** Longest wait for the whole answer from the tables before answering from fallbacks. */
const STORE_TIMEOUT_MS = 1500;
/** What `degraded` says (never the store's own error, which names hosts and keys). */
const STORE_UNAVAILABLE = 'store unavailable';
const NO_TABLES = 'no tables published yet';
const NO_FRESH_HISTORY = 'recent activity unavailable';
/** Catalog snapshots of at most this many shards are read whole with the first request of an isolate. */
const PREFETCH_CATALOG_SHARDS = 8;

type Trending = {
  global: [string, number][];
  popular: [string, number][];
  byCategory: Record<string, [string, number][]>;
  /** Popular by distinct shoppers (the list the selected model blends); absent in versions before selection. */
  shoppers?: [string, number][];
};

/** Serving dependencies from a Worker's environment. */
export function serveDeps(env: Env): ServeDeps {
  const cacheName = env.TABLE_STORE === 'redis' ? 'redis' : 'kv';
  return { store: guardedStore(openTableStore(env), storeBreaker(cacheName)), db: openDatabase(env.DB), cacheName };
}

/** Where the time of a request went: waiting on stores, and computing (the rest). */
export type ServeTiming = RequestTiming;

/**
 * Answers one recommendation request (any kind) from the tables, or from fallbacks if the
 * store fails, served the way the running experiment (if any) assigns the shopper. `onTiming`
 * receives the split of the request's time (for `Server-Timing`).
 */
export async function recommend(env: Env, request: RecommendRequest, onTiming?: (timing: ServeTiming) => void): Promise<RecommendResponse> {
  const started = performance.now();
  const clock = ioClock();
  const deps = serveDeps(env);
  let assignMs = 0;
  if (!request.serving) {
    const state = await clock.wait(servingState(deps.db));
    const assignStarted = performance.now();
    request = { ...request, serving: decideServing(state, request) };
    assignMs = performance.now() - assignStarted;
  }
  const tables = { reads: 0, keys: 0, chars: 0 };
  const answer = await recommendWith({ ...deps, store: timedStore(deps.store, clock, tables), clock }, request);
  const totalMs = performance.now() - started;
  onTiming?.({ totalMs, ioMs: clock.ioMs(), cpuMs: Math.max(0, totalMs - clock.ioMs()), assignMs, tables });
  return answer;
}

/** The table version in service, as this isolate knows it (null before the first rebuild or when the store fails). */
export async function servedVersion(env: Env): Promise<string | null> {
  const deps = serveDeps(env);
  try {
    return (await readTables(deps.store, deps.cacheName, [], () => [])).manifest?.version ?? null;
  } catch {
    return null;
  }
}

/** {@link recommend} with explicit dependencies. */
export async function recommendWith(deps: ServeDeps, request: RecommendRequest): Promise<RecommendResponse> {
  const serving = request.serving ?? { config: DEFAULT_SERVING };
  const rid = newRid({ surface: request.kind, experiment: serving.experiment, armIndex: serving.armIndex });
  const tag = { rid, ...(serving.experiment ? { experiment: serving.experiment, arm: serving.arm } : {}) };
  if (serving.config.holdout) return { items: [], version: null, ...tag };
  try {
    return { ...(await withTimeout(fromTables(deps, request, serving.config), STORE_TIMEOUT_MS)), ...tag };
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const noTables = err instanceof NoTablesError;
    if (!noTables && !(err instanceof StoreUnavailableError)) console.error(`table store failed: ${publicError(err)}`);
    return { ...(await fromFallback(deps, request, noTables ? NO_TABLES : STORE_UNAVAILABLE)), ...tag };
  }
}

async function fromTables(deps: ServeDeps, request: RecommendRequest, config: ServingConfig): Promise<Omit<RecommendResponse, 'rid'>> {
  const now = deps.now ?? Date.now();
  const { kind, user } = request;
  const anchors = [...(request.item ? [request.item] : []), ...(request.items ?? [])];
  const recent = request.recent ?? [];
  const keysOf = (history: readonly HistoryEntry[]) => (m: Manifest) => {
    const sources = scoredHistoryItems(history, (m.model ?? defaultChoice).maxHistory);
    const keys = [tableKey(m.version, 'tr')];
    if (m.shards.ct <= PREFETCH_CATALOG_SHARDS) for (let s = 0; s < m.shards.ct; s++) keys.push(tableKey(m.version, 'ct', s));
    if (user) keys.push(shardKey(m, 'pf', user));
    for (const id of [...anchors, ...sources]) keys.push(shardKey(m, 'nb', id));
    for (const id of anchors) keys.push(shardKey(m, 'bt', id));
    return keys;
  };
  // A session sent with the request (`recent`) is the freshest history there is: the log is
  // not read then (no D1 on the request path). Otherwise the log and the tables are read at
  // the same time, and the neighbour lists the log's items need come after (usually cached).
  const readsLog = kind === 'for-you' && user !== undefined && recent.length === 0;
  const recentSession = kind === 'for-you' ? sessionHistory([], recent, now) : [];
  const [freshOrNone, rules, first] = await Promise.all([
    waitOn(deps, readsLog ? freshHistory(deps.db, user, now) : Promise.resolve([])),
    config.rules ? waitOn(deps, activeRules(deps.db, kind, now)) : Promise.resolve([]),
    readTables(deps.store, deps.cacheName, [OVERRIDES_KEY, FRESH_TRENDING_KEY, FRESH_ENTRIES_KEY], keysOf(recentSession), now),
  ]);
  const fresh = freshOrNone ?? [];
  const session = fresh.length ? sessionHistory(fresh, recent, now) : recentSession;
  const manifest = first.manifest;
  if (!manifest) throw new NoTablesError('no recommendation tables published yet');
  const sessionSources = scoredHistoryItems(session, (manifest.model ?? defaultChoice).maxHistory);
  let read = fresh.length ? await readMore(deps.store, deps.cacheName, first, keysOf(session)(manifest)) : first;
  const unknown = new Map<string, CatalogEntry>();
  const snapshot = (id: string) => entryOf<CatalogEntry>(read, manifest, 'ct', id);
  const written = freshEntries(read.value(FRESH_ENTRIES_KEY));
  const scope: ContentScope = { version: manifest.version, fresh: written };
  const catalog = catalogView((id) => snapshot(id) ?? unknown.get(id), parseOverrides(read.value(OVERRIDES_KEY)), written);
  const profile = user ? entryOf<UserProfile>(read, manifest, 'pf', user) : undefined;
  const trending = withFreshTrending(
    read.decoded<Trending>(tableKey(manifest.version, 'tr'), JSON.parse) ?? { global: [], popular: [], byCategory: {} },
    read.value(FRESH_TRENDING_KEY),
    manifest,
  );
  const content = new Map<string, [string, number][]>();
  const neighbours = (id: string) => {
    const list = cachedPairs(entryOf<FlatList>(read, manifest, 'nb', id));
    return list.length ? list : (content.get(id) ?? list);
  };
  const together = (id: string) => cachedPairs(entryOf<FlatList>(read, manifest, 'bt', id), 3);

  const bought = new Set([...(profile?.purchased ?? []).map(([id]) => id), ...fresh.filter((h) => h.type === 'purchase').map((h) => h.item)]);
  const exclude = new Set([...bought, ...anchors]);
  if (request.excludeSeen) for (const h of [...session, ...(profile ? profileHistory(profile) : [])]) exclude.add(h.item);
  let candidates: Candidate[];
  if (config.model !== 'default') candidates = baselineCandidates(config.model, trending.popular);
  else if (kind === 'for-you') {
    const newest = sessionSources.find((id) => neighbours(id).length === 0 && catalog.entry(id));
    if (newest) content.set(newest, pairsFrom(await contentMatches(deps, newest, catalog, unknown, 3 * request.k, scope)));
    candidates = forYouCandidates(profile, session, neighbours, {
      now,
      builtAt: manifest.builtAt,
      limit: 3 * request.k + (request.offset ?? 0) + exclude.size,
      model: manifest.model ?? defaultChoice,
      popular: trending.shoppers ?? trending.popular,
    });
  } else if (kind === 'similar') candidates = fromList(neighbours(request.item!), { kind: 'similar', item: request.item! });
  else if (kind === 'bought-together') candidates = fromList(together(request.item!), { kind: 'together', item: request.item! });
  else if (kind === 'cart')
    candidates = (request.items ?? []).flatMap((id) => [
      ...fromList(together(id), { kind: 'together', item: id }),
      ...fromList(neighbours(id), { kind: 'similar', item: id }, 0.5),
    ]);
  else if (request.category) candidates = fromList(ownValue(trending.byCategory, request.category) ?? [], { kind: 'trending', category: request.category });
  else candidates = fromList(trending.global, { kind: 'trending' });
  const category = request.category ?? (kind === 'for-you' ? profile?.categories[0]?.[0] : undefined);
  const fillable = kind !== 'similar' && kind !== 'bought-together';
  const fill = () => [
    ...(category ? fromList(ownValue(trending.byCategory, category) ?? [], { kind: 'trending', category }, 1e-3) : []),
    ...fromList(trending.global, { kind: 'trending' }, 1e-4),
    ...fromList(trending.popular, { kind: 'popular' }, 1e-5),
  ];

  if (manifest.shards.ct > PREFETCH_CATALOG_SHARDS) {
    const ids = [...anchors, ...[...candidates, ...(fillable ? fill() : [])].map((c) => c.id)];
    read = await readMore(deps.store, deps.cacheName, read, [...new Set(ids.map((id) => shardKey(manifest, 'ct', id)))].slice(0, 100));
  }
  const live = anchors.filter((id) => !catalog.entry(id));
  const rows = live.length ? await waitOn(deps, Promise.all(live.map((id) => liveEntry(deps.db, id)))) : [];
  live.forEach((id, i) => {
    const row = rows[i];
    if (row) unknown.set(id, row);
    else throw new ApiError(404, 'unknown_item', `Unknown item ${id} (not in the catalog)`, request.item ? 'id' : `items.${(request.items ?? []).indexOf(id)}`);
  });
  rememberPopular(trending.global.length ? trending.global : trending.popular, catalog.entry, manifest.version);
  const options: RankOptions = {
    k: request.k,
    offset: request.offset,
    exclude,
    category: request.category,
    rules,
    maxPerCategory: kind === 'for-you' && config.diversity ? Math.max(2, Math.ceil(request.k / 2)) : undefined,
  };
  let ranked = rankCandidates(candidates, catalog, options);
  if (fillable && ranked.length < request.k) ranked = rankCandidates([...candidates, ...fill()], catalog, options);
  let degraded = freshOrNone ? undefined : NO_FRESH_HISTORY;
  if (!fillable && ranked.length === 0 && (!request.offset || rankCandidates(candidates, catalog, { ...options, offset: 0 }).length === 0)) {
    const item = request.item!;
    const alike = await contentMatches(deps, item, catalog, unknown, request.k + (request.offset ?? 0) + exclude.size, scope);
    const categories = catalog.categories(item);
    const around = [
      ...alike,
      ...categories.flatMap((c, depth) =>
        fromList(ownValue(trending.byCategory, c) ?? [], { kind: 'trending', category: c }, 1e-3 / (categories.length - depth)),
      ),
      ...freshInCategory(written, categories, item),
      ...(categories.length ? [] : fromList(trending.global, { kind: 'trending' }, 1e-4)),
    ];
    read = await readMore(deps.store, deps.cacheName, read, [...new Set(around.map((c) => shardKey(manifest, 'ct', c.id)))].slice(0, 100));
    ranked = rankCandidates([...candidates, ...around], catalog, options);
    if (!snapshot(item)) degraded = `${item} is newer than the tables (${manifest.version}): answered from its category and title`;
  }
  const answer = {
    items: ranked.map((c) => shown(request.historyInReasons === false ? { ...c, reason: publicReason(c.reason) } : c, catalog, request.lang)),
    version: manifest.version,
  };
  return degraded ? { ...answer, degraded } : answer;
}

async function fromFallback(deps: ServeDeps, request: RecommendRequest, reason: string): Promise<Omit<RecommendResponse, 'rid'>> {
  const popular = await popularFallback(deps.db, deps.now);
  if (!popular) return { items: [], version: null, degraded: `${reason}; no fallback list available` };
  const catalog = catalogView((id) => popular.entries.get(id), {});
  const exclude = new Set([...(request.item ? [request.item] : []), ...(request.items ?? [])]);
  const ranked = rankCandidates(fromList(popular.list, { kind: 'popular' }), catalog, {
    k: request.k,
    offset: request.offset,
    exclude,
    category: request.category,
  });
  return {
    items: ranked.map((c) => shown(c, catalog, request.lang)),
    version: null,
    degraded: `${reason}; answered from ${popular.source}`,
  };
}

/** Content candidates of an item without neighbours; entries of fresh items they name join `unknown`. */
async function contentMatches(
  deps: ServeDeps,
  id: string,
  catalog: CatalogView,
  unknown: Map<string, CatalogEntry>,
  k: number,
  scope: ContentScope,
): Promise<Candidate[]> {
  const entry = catalog.entry(id);
  if (!entry) return [];
  const found = await cachedContentCandidates(deps, id, entry, k, scope);
  for (const [other, e] of found.entries) if (!catalog.entry(other)) unknown.set(other, e);
  return found.candidates;
}

function pairsFrom(candidates: readonly Candidate[]): [string, number][] {
  return candidates.map((c) => [c.id, c.score]);
}

let entriesCache: { value: string; parsed: FreshEntries } | undefined;

/** The fresh entries, parsed once per value (the key is read with every request). */
const NO_ENTRIES: FreshEntries = {};

function freshEntries(value: string | null | undefined): FreshEntries {
  if (!value) return NO_ENTRIES;
  if (entriesCache?.value !== value) entriesCache = { value, parsed: parseFreshEntries(value) };
  return entriesCache.parsed;
}

let freshCache: { value: string; parsed: FreshTrending } | undefined;

/** The version's trending lists, replaced by the fresher ones the 5-minute refresh keeps for the same version. */
function withFreshTrending(trending: Trending, value: string | null | undefined, manifest: Manifest): Trending {
  if (!value) return trending;
  if (freshCache?.value !== value) freshCache = { value, parsed: JSON.parse(value) as FreshTrending };
  const fresh = freshCache.parsed;
  return fresh.version === manifest.version ? { ...trending, global: fresh.global, byCategory: fresh.byCategory } : trending;
}

/** What the shopper did since the last rebuild: the session's items (`recent`, newest first) and their newest logged events. */
function sessionHistory(fresh: readonly HistoryEntry[], recent: readonly string[], now: number): HistoryEntry[] {
  return [...recent.map((item, i) => ({ item, ts: now - i * 1000, type: 'view' as const })), ...fresh];
}

function shown(c: Candidate, catalog: CatalogView, lang: 'en' | 'zh' = 'en'): RecommendedItem {
  const entry = catalog.entry(c.id);
  return {
    id: c.id,
    title: catalog.title(c.id, lang),
    price: entry?.[1] ?? null,
    score: Number(c.score.toPrecision(4)),
    reason: reasonText(c.reason, catalog, lang, c.id),
    url: entry?.[4] ?? null,
    image: entry?.[5] ?? null,
  };
}

const pairsCache = new WeakMap<FlatList, [string, number][]>();

/** A cached shard's list as pairs, made once per isolate (the lists are never changed). */
function cachedPairs(list: FlatList | undefined, stride = 1): [string, number][] {
  if (!list) return [];
  let pairs = pairsCache.get(list);
  if (!pairs) pairsCache.set(list, (pairs = pairsOf(list, stride)));
  return pairs;
}

function shardKey(m: Manifest, table: ShardedTable, id: string): string {
  return tableKey(m.version, table, shardOf(id, m.shards[table]));
}

/** One entry of a shard: profiles parse the shopper's line only; other shards are decoded once per isolate. */
function entryOf<T>(read: TableRead, m: Manifest, table: ShardedTable, id: string): T | undefined {
  const key = shardKey(m, table, id);
  if (table === 'pf') {
    const value = read.value(key);
    return value ? unpackEntry<T>(value, id) : undefined;
  }
  return read.decoded(key, unpackShard<T>)?.get(id);
}

function waitOn<T>(deps: ServeDeps, work: Promise<T>): Promise<T> {
  return deps.clock ? deps.clock.wait(work) : work;
}

class NoTablesError extends Error {}

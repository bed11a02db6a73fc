/**
 * The search request path. One bulk read brings the pointer (when stale), the fresh rows and
 * availability overrides, the shopper's profile shard, the clicks-per-query shard of the query
 * and the postings shards of its terms; the head (vocabulary and columns) is decoded once per
 * isolate and version, so a warm isolate knows the postings keys before reading. The page's
 * display fields come from the catalog snapshot (cached per isolate; a second read only for
 * shards not cached yet).
 */
import { OVERRIDES_KEY, parseOverrides } from '../catalog/availability.ts';
import type { UserProfile } from '../model/user-profile.ts';
import type { CatalogEntry } from '../rebuild/catalog-snapshot.ts';
import { activeRules } from '../rules/rules-store.ts';
import type { Rule } from '../serve/rank.ts';
import { popularFallback } from '../serve/fallback.ts';
import { freshHistory } from '../serve/fresh-history.ts';
import { type FlatList, pairsOf } from '../serve/candidates.ts';
import { scoredHistoryItems } from '../model/recommend.ts';
import { defaultChoice } from '../model/selection/model-choice.ts';
import { ioClock, timedStore } from '../serve/io-clock.ts';
import { type ServeDeps, type ServeTiming, serveDeps } from '../serve/recommend.ts';
import { StoreUnavailableError, withTimeout } from '../tables/circuit-breaker.ts';
import { publicError } from '../security/public-error.ts';
import { readMore, readTables, type TableRead } from '../serve/table-reader.ts';
import { type Manifest, shardOf, tableKey, unpackEntry } from '../tables/layout.ts';
import { joinedPostings, joinSegments, type SegmentLayout, termKeys } from './segments.ts';
import type { Env } from '../env.ts';
import type { TableStore } from '../tables/table-store.ts';
import { normalizeQuery } from './analyze.ts';
import { personalSignals } from './personal.ts';
import type { AnalyzedItem } from './analyzed-item.ts';
import { SEARCH_FORMAT, type SearchHead } from './build-index.ts';
import { DisplayCache } from './display-cache.ts';
import { postingLine } from './postings.ts';
import { FRESH_KEY, parseFresh } from './fresh.ts';
import { fallbackTerms, type LoadedIndex, loadIndex, queryPlan, runSearch, type SearchHit, type SearchQuery, type SearchResult } from './search.ts';
import { type PlannedSlot, plannedTerms } from './match.ts';
import type { SearchFilters } from './rank.ts';
import { reasonText } from './reasons.ts';

/** A search request (validated). */
export interface SearchRequest {
  q: string;
  user?: string;
  session?: string;
  filters: SearchFilters;
  k: number;
  offset?: number;
  lang?: 'en' | 'zh';
  /** False: the reasons must not say the shopper touched an item (no token for them under the public key). */
  historyInReasons?: boolean;
}

/** One item of a search answer. */
export interface SearchItem {
  id: string;
  title: string;
  price: number | null;
  score: number;
  reason: string;
  url: string | null;
  image: string | null;
}

/** The answer of `GET /v1/search`. */
export interface SearchResponse {
  items: SearchItem[];
  total: number;
  facets: { categories: { value: string; count: number }[]; prices: { min: number; max: number | null; count: number }[] };
  /** Set when nothing matched: the page holds the closest items (`closest`) or only trending (`trending`). */
  fallback?: 'closest' | 'trending';
  version: string | null;
  /** Search id: send it back as `rid` with clicks and purchases (and `context.q` with the impression). */
  qid: string;
  degraded?: string;
}

const STORE_TIMEOUT_MS = 1500;
/** Postings numbers an isolate keeps decoded (4 bytes each: 16 MB of the isolate's 128 MB). */
const TERM_CACHE_NUMBERS = 4_000_000;

/** Catalog entries of shown items an isolate keeps (2 MB of the isolate's 128 MB: about 6,000 items). */
const DISPLAY_CACHE_BYTES = 2 * 1024 * 1024;
const shown = new DisplayCache(DISPLAY_CACHE_BYTES);

const catalogKey = (m: Manifest, id: string) => tableKey(m.version, 'ct', shardOf(id, m.shards.ct));

/** No published version holds a search index yet (before the first rebuild that builds it). */
export class NoSearchIndexError extends Error {}
let loaded: { version: string; index: LoadedIndex; terms: TermCache; layout: SegmentLayout } | undefined;

/** Answers a search from a Worker's environment, reporting the split of its time. */
export async function search(env: Env, request: SearchRequest, onTiming?: (timing: ServeTiming) => void): Promise<SearchResponse> {
  const started = performance.now();
  const clock = ioClock();
  const deps = serveDeps(env);
  const tables = { reads: 0, keys: 0, chars: 0 };
  const steps = searchSteps();
  const store = timedStore(tallyByTable(deps.store, steps.counts), clock, tables);
  const answer = await searchWith({ ...deps, store, clock }, request, steps);
  const totalMs = performance.now() - started;
  onTiming?.({ totalMs, ioMs: clock.ioMs(), cpuMs: Math.max(0, totalMs - clock.ioMs()), tables, steps: steps.ms, counts: steps.counts });
  return answer;
}

/** Milliseconds and counts of a search's steps, for its Server-Timing header. */
export interface SearchSteps {
  ms: Record<string, number>;
  counts: Record<string, number>;
  /** Runs `work`, adding its time to step `name`. */
  time<T>(name: string, work: () => T): T;
}

/** A new step recorder. */
export function searchSteps(): SearchSteps {
  const ms: Record<string, number> = {};
  return {
    ms,
    counts: {},
    time(name, work) {
      const start = performance.now();
      try {
        return work();
      } finally {
        ms[name] = (ms[name] ?? 0) + performance.now() - start;
      }
    },
  };
}

/** A store that adds the keys and characters it returns per table to `counts` (`keys_sp`, `chars_sp`, ...). */
function tallyByTable(store: TableStore, counts: Record<string, number>): TableStore {
  return {
    kind: store.kind,
    putMany: (entries) => store.putMany(entries),
    deleteMany: (keys) => store.deleteMany(keys),
    getMany: async (keys) => {
      const values = await store.getMany(keys);
      keys.forEach((key, i) => {
        const table = key.startsWith('t:') ? (key.split(':')[2] ?? '') : 'other';
        counts[`keys_${table}`] = (counts[`keys_${table}`] ?? 0) + 1;
        counts[`chars_${table}`] = (counts[`chars_${table}`] ?? 0) + (values[i]?.length ?? 0);
      });
      return values;
    },
  };
}

const noSteps: SearchSteps = { ms: {}, counts: {}, time: (_, work) => work() };

/** {@link search} with explicit dependencies; a failing store answers from popular items, marked `degraded`. */
export async function searchWith(deps: ServeDeps, request: SearchRequest, steps = noSteps): Promise<SearchResponse> {
  const qid = `q-${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
  try {
    return { ...(await withTimeout(fromIndex(deps, request, steps), STORE_TIMEOUT_MS)), qid };
  } catch (err) {
    if (!(err instanceof StoreUnavailableError) && !(err instanceof NoSearchIndexError)) console.error(`search failed: ${publicError(err)}`);
    return { ...(await fromFallback(deps, request, err instanceof NoSearchIndexError ? 'no search index published yet' : 'store unavailable')), qid };
  }
}

/**
 * The loaded index of the version in service and the result of a query, for callers that shape
 * their own answer (the chat, the content match of items without neighbours). `options.rules`
 * replaces the search surface's merchandising rules (no D1 read).
 */
export async function searchIndex(
  deps: ServeDeps,
  request: SearchRequest,
  options: { rules?: readonly Rule[]; steps?: SearchSteps } = {},
): Promise<{ result: SearchResult; read: TableRead; manifest: Manifest; index: LoadedIndex }> {
  const steps = options.steps ?? noSteps;
  const now = deps.now ?? Date.now();
  const wait = <T>(work: Promise<T>) => (deps.clock ? deps.clock.wait(work) : work);
  const [rules, history] = await Promise.all([
    options.rules ?? wait(activeRules(deps.db, 'search', now)),
    request.user ? wait(freshHistory(deps.db, request.user, now)) : Promise.resolve([]),
  ]);
  const shopper = request.user ?? (request.session ? `session:${request.session}` : undefined);
  const query = normalizeQuery(request.q);
  let plan: PlannedSlot[] | undefined;
  const shardKeys = (index: LoadedIndex, layout: SegmentLayout, m: Manifest) => {
    plan ??= queryPlan(index, request.q);
    const keys = new Set<string>();
    for (const term of plannedTerms(plan)) if (!loaded?.terms.has(term)) for (const key of termKeys(m.version, layout, term)) keys.add(key);
    return [...keys];
  };
  const keysOf = (m: Manifest) => {
    const keys: string[] = [];
    const current = loaded?.version === m.version ? loaded : undefined;
    if (!current) for (let s = 0; s < (m.shards.sh ?? 0); s++) keys.push(tableKey(m.version, 'sh', s));
    if (shopper) keys.push(tableKey(m.version, 'pf', shardOf(shopper, m.shards.pf)));
    for (const id of scoredHistoryItems(history ?? [], (m.model ?? defaultChoice).maxHistory)) keys.push(neighboursKey(m, id));
    if (m.shards.sq && query) keys.push(tableKey(m.version, 'sq', shardOf(encodeURIComponent(query), m.shards.sq)));
    if (current) keys.push(...shardKeys(current.index, current.layout, m));
    return keys;
  };
  let read = await readTables(deps.store, `${deps.cacheName}:search`, [OVERRIDES_KEY, FRESH_KEY], keysOf, now);
  const manifest = read.manifest;
  if (!manifest?.shards.sh) throw new NoSearchIndexError();
  if (loaded?.version !== manifest.version) {
    const version = manifest.version;
    const heads = Array.from({ length: manifest.shards.sh }, (_, s) => JSON.parse(read.value(tableKey(version, 'sh', s)) ?? 'null') as SearchHead | null);
    if (heads.some((head) => !head || head.format !== SEARCH_FORMAT)) throw new NoSearchIndexError();
    const { head, layout } = steps.time('head', () => joinSegments(heads as SearchHead[]));
    const terms = new TermCache();
    loaded = { version, index: steps.time('head', () => loadIndex(head, (term) => terms.get(term))), terms, layout };
    plan = undefined;
    read = await readMore(deps.store, `${deps.cacheName}:search`, read, shardKeys(loaded.index, layout, manifest));
  }
  const { index, terms, layout } = loaded;
  plan ??= steps.time('plan', () => queryPlan(index, request.q));
  const decodeTerms = (wanted: readonly string[]) => {
    for (const term of wanted) {
      if (terms.has(term)) continue;
      const list = joinedPostings(manifest.version, layout, term, (key) => {
        const value = read.value(key);
        return value ? postingLine(value, term, index.head.asciiLines) : undefined;
      });
      steps.counts.decoded = (steps.counts.decoded ?? 0) + (list?.length ?? 0) / 2;
      terms.set(term, list);
    }
  };
  const used = plannedTerms(plan);
  steps.counts.terms = used.length;
  steps.counts.terms_cached = used.filter((t) => terms.has(t)).length;
  terms.trim(used);
  steps.time('decode', () => decodeTerms(used));
  const fresh = steps.time('fresh', () => freshItems(read.value(FRESH_KEY)));
  const profileValue = shopper ? read.value(tableKey(manifest.version, 'pf', shardOf(shopper, manifest.shards.pf))) : undefined;
  const profile = profileValue && shopper ? unpackEntry<UserProfile>(profileValue, shopper) : undefined;
  const clicksValue =
    manifest.shards.sq && query ? read.value(tableKey(manifest.version, 'sq', shardOf(encodeURIComponent(query), manifest.shards.sq))) : undefined;
  const view: LoadedIndex = { ...index, fresh };
  const neighbours = (id: string) => {
    const value = read.value(neighboursKey(manifest, id));
    const list = value ? unpackEntry<FlatList>(value, id) : undefined;
    return list ? pairsOf(list) : undefined;
  };
  const signals = personalSignals(view, profile, history ?? [], { neighbours, now, builtAt: manifest.builtAt, model: manifest.model ?? defaultChoice });
  signals.queryClicks = clicksOf(clicksValue, query);
  const asked: SearchQuery = {
    q: request.q,
    filters: request.filters,
    k: request.k,
    offset: request.offset,
    signals,
    rules,
    overrides: parseOverrides(read.value(OVERRIDES_KEY)),
  };
  let result = steps.time('rank', () => runSearch(view, plan!, asked));
  if (result.fallback) {
    // Nothing matched: the closest terms' postings may live in shards this request has not read.
    const closest = fallbackTerms(index, plan).filter((t) => !terms.has(t));
    if (closest.length > 0) {
      read = await readMore(deps.store, `${deps.cacheName}:search`, read, [...new Set(closest.flatMap((t) => termKeys(manifest.version, layout, t)))]);
      steps.time('decode', () => decodeTerms(closest));
      result = steps.time('rank', () => runSearch(view, plan!, asked));
    }
  }
  const unseen = result.hits.filter((h) => !h.fresh && shown.get(manifest.version, h.id) === undefined).map((h) => h.id);
  read = await readMore(deps.store, deps.cacheName, read, [...new Set(unseen.map((id) => catalogKey(manifest, id)))]);
  steps.counts.page_cached = result.hits.length - unseen.length;
  for (const id of unseen) {
    const value = read.value(catalogKey(manifest, id));
    if (value !== undefined) shown.set(manifest.version, id, (value && unpackEntry<CatalogEntry>(value, id)) || null);
  }
  return { result, read, manifest, index: view };
}

/** The display fields of hits: fresh rows carry their own, the rest come from the catalog snapshot. */
export function shownHits(
  hits: readonly SearchHit[],
  read: TableRead,
  manifest: Manifest,
  q: string,
  lang: 'en' | 'zh' = 'en',
  historyInReasons = true,
): SearchItem[] {
  // One line of the catalog shard per hit: decoding whole shards costs milliseconds per shard on a large catalog.
  const entry = (id: string) => {
    const cached = shown.get(manifest.version, id);
    if (cached !== undefined) return cached ?? undefined;
    const value = read.value(catalogKey(manifest, id));
    return value ? unpackEntry<CatalogEntry>(value, id) : undefined;
  };
  return hits.map((hit) => {
    const f = hit.fresh;
    const e = f ? undefined : entry(hit.id);
    const title = f ? (lang === 'zh' && f.titleZh) || f.title : e ? (lang === 'zh' && e[6]) || e[0] : hit.id;
    return {
      id: hit.id,
      title,
      price: f ? f.price : (e?.[1] ?? null),
      score: Number(hit.score.toPrecision(4)),
      reason: reasonText(
        historyInReasons || (hit.reason.kind !== 'recent' && hit.reason.kind !== 'suggested') ? hit.reason : { kind: 'match', exact: true },
        q,
        lang,
      ),
      url: f ? f.url : (e?.[4] ?? null),
      image: f ? f.image : (e?.[5] ?? null),
    };
  });
}

async function fromIndex(deps: ServeDeps, request: SearchRequest, steps: SearchSteps): Promise<Omit<SearchResponse, 'qid'>> {
  const { result, read, manifest } = await searchIndex(deps, request, { steps });
  return {
    items: steps.time('page', () => shownHits(result.hits, read, manifest, request.q, request.lang, request.historyInReasons)),
    total: result.total,
    facets: {
      categories: result.facets.categories.map(([value, count]) => ({ value, count })),
      prices: result.facets.prices,
    },
    ...(result.fallback ? { fallback: result.fallback } : {}),
    version: manifest.version,
  };
}

/** Store down: popular items whose title shares a word with the query (else popular items), marked degraded. */
async function fromFallback(deps: ServeDeps, request: SearchRequest, reason: string): Promise<Omit<SearchResponse, 'qid'>> {
  const popular = await popularFallback(deps.db, deps.now);
  const words = normalizeQuery(request.q).split(' ').filter(Boolean);
  const list = (popular?.list ?? []).filter(([id]) => popular?.entries.get(id)?.[3]);
  const matching = list.filter(([id]) => words.some((w) => popular!.entries.get(id)![0].toLowerCase().includes(w)));
  const chosen = (matching.length ? matching : list).slice(request.offset ?? 0, (request.offset ?? 0) + request.k);
  const lang = request.lang ?? 'en';
  return {
    items: chosen.map(([id, score]) => {
      const e = popular!.entries.get(id)!;
      return {
        id,
        title: (lang === 'zh' && e[6]) || e[0],
        price: e[1],
        score,
        reason: lang === 'zh' ? '店铺热销' : 'popular in the shop',
        url: e[4],
        image: e[5],
      };
    }),
    total: matching.length,
    facets: { categories: [], prices: [] },
    version: null,
    degraded: `${reason}; answered from ${popular?.source ?? 'nothing'}`,
  };
}

/**
 * Postings lists an isolate keeps decoded, least recently used out past a budget of numbers.
 * Trimmed before a request decodes its terms, never during it (a request's own lists stay).
 */
class TermCache {
  private lists = new Map<string, Int32Array | undefined>();
  private size = 0;
  private readonly budget = TERM_CACHE_NUMBERS;
  has(term: string): boolean {
    return this.lists.has(term);
  }
  get(term: string): Int32Array | undefined {
    return this.lists.get(term);
  }
  set(term: string, list: Int32Array | undefined): void {
    if (this.lists.has(term)) this.size -= this.lists.get(term)?.length ?? 0;
    this.lists.delete(term);
    this.lists.set(term, list);
    this.size += list?.length ?? 0;
  }
  /** Marks the terms a request uses as recent, then drops the oldest others past the budget. */
  trim(used: readonly string[]): void {
    for (const term of used) if (this.lists.has(term)) this.set(term, this.lists.get(term));
    const keep = new Set(used);
    for (const [old, list] of this.lists) {
      if (this.size <= this.budget) break;
      if (keep.has(old)) continue;
      this.lists.delete(old);
      this.size -= list?.length ?? 0;
    }
  }
}

let freshCache: { value: string; items: AnalyzedItem[] } | undefined;

function freshItems(value: string | null | undefined): AnalyzedItem[] {
  if (!value) return [];
  if (freshCache?.value === value) return freshCache.items;
  const items = Object.entries(parseFresh(value)).map(
    ([id, [, item]]): AnalyzedItem =>
      item ?? { id, tf: {}, lengths: [0, 0, 0, 0], categories: [], price: null, available: 0, title: id, titleZh: null, url: null, image: null },
  );
  freshCache = { value, items };
  return items;
}

const neighboursKey = (m: Manifest, id: string) => tableKey(m.version, 'nb', shardOf(id, m.shards.nb));

function clicksOf(value: string | null | undefined, query: string): Map<string, [number, number]> | undefined {
  const flat = value ? unpackEntry<(string | number)[]>(value, encodeURIComponent(query)) : undefined;
  if (!flat) return undefined;
  const out = new Map<string, [number, number]>();
  for (let i = 0; i + 2 < flat.length; i += 3) out.set(String(flat[i]), [Number(flat[i + 1]), Number(flat[i + 2])]);
  return out;
}

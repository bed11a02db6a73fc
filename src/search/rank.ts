/**
 * Ranking of matched items: text relevance first (documents matching every slot before
 * partial ones), then multiplied by the shopper's and the shop's signals: clicks and purchases
 * after this very query, the shopper's category affinity and recent items, popularity.
 * Merchandising rules (boost, bury, hide, pin among the results) and filters apply here, and
 * the facet counts of the filtered results are computed alongside.
 */
import type { Rule } from '../serve/rank.ts';
import type { TextMatches } from './match.ts';

/** What ranking needs to know of a document (base or fresh). */
export interface DocView {
  id(doc: number): string;
  /** Category numbers of a document (see {@link DocView.categoryName}). */
  cats(doc: number): readonly number[];
  categoryName(category: number): string;
  /** The number of a category name, if any document has it. */
  categoryOf(name: string): number | undefined;
  categoryCount: number;
  categories(doc: number): readonly string[];
  price(doc: number): number | null;
  available(doc: number): boolean;
  popularity(doc: number): number;
  /** The document that stands for an item id now (its fresh row when changed since the build). */
  docOfId(id: string): number | undefined;
}

/** The shopper and the query's history. */
export interface RankSignals {
  /** Item -> [clicks, purchases] after this query. */
  queryClicks?: ReadonlyMap<string, readonly [number, number]>;
  /** Category -> affinity in [0, 1] (profile and session). */
  affinity?: ReadonlyMap<string, number>;
  /** Items the shopper touched recently. */
  recent?: ReadonlySet<string>;
}

/** Filters of a search request. */
export interface SearchFilters {
  category?: string;
  priceMin?: number;
  priceMax?: number;
  /** `true` (default): available items only; `false`: unavailable only; `any`. */
  available?: 'true' | 'false' | 'any';
}

/** Weights of the signals (tuned on a development split, see src/search/README.md). */
export interface RankWeights {
  clicks: number;
  affinity: number;
  recent: number;
  popularity: number;
}

/** The shipped weights. */
export const RANK_WEIGHTS: RankWeights = { clicks: 1, affinity: 0.5, recent: 0.3, popularity: 0.3 };

/** Why an item is in the results. */
export type SearchReason =
  | { kind: 'match'; exact: boolean }
  | { kind: 'clicked' }
  | { kind: 'affinity'; category: string }
  | { kind: 'recent' }
  | { kind: 'popular' }
  | { kind: 'closest' }
  | { kind: 'trending'; category?: string }
  | { kind: 'pinned' };

/** A ranked document. */
export interface Hit {
  doc: number;
  score: number;
  reason: SearchReason;
}

/** One price band and its count. */
export interface PriceFacet {
  min: number;
  max: number | null;
  count: number;
}

/** Facet counts of the filtered results. */
export interface Facets {
  categories: [string, number][];
  prices: PriceFacet[];
}

/** The ranked page, the number of results, the facets. */
export interface Ranked {
  hits: Hit[];
  total: number;
  facets: Facets;
}

const FACET_CATEGORIES = 20;

/** The signals of a request resolved to document and category numbers once. */
interface Resolved {
  clicks: Map<number, number>;
  maxClicks: number;
  affinity: Float64Array;
  recent: Set<number>;
  itemRules: Map<number, Rule[]>;
  categoryRules: Map<number, Rule[]>;
}

function resolve(docs: DocView, signals: RankSignals, rules: readonly Rule[]): Resolved {
  const clicks = new Map<number, number>();
  let maxClicks = 0;
  for (const [id, [c, p]] of signals.queryClicks ?? []) {
    const doc = docs.docOfId(id);
    maxClicks = Math.max(maxClicks, c + 3 * p);
    if (doc !== undefined) clicks.set(doc, c + 3 * p);
  }
  const affinity = new Float64Array(docs.categoryCount);
  for (const [name, a] of signals.affinity ?? []) {
    const c = docs.categoryOf(name);
    if (c !== undefined) affinity[c] = a;
  }
  const recent = new Set<number>();
  for (const id of signals.recent ?? []) {
    const doc = docs.docOfId(id);
    if (doc !== undefined) recent.add(doc);
  }
  const itemRules = new Map<number, Rule[]>();
  const categoryRules = new Map<number, Rule[]>();
  for (const rule of rules) {
    if (rule.action === 'pin') continue;
    const key = rule.targetType === 'item' ? docs.docOfId(rule.target) : docs.categoryOf(rule.target);
    const into = rule.targetType === 'item' ? itemRules : categoryRules;
    if (key !== undefined) into.set(key, [...(into.get(key) ?? []), rule]);
  }
  return { clicks, maxClicks, affinity, recent, itemRules, categoryRules };
}

/**
 * Ranks matches: filters, facets, signals, rules, paging. Every match is scored with numbers
 * only; the page alone is sorted fully and given its reasons.
 *
 * @example rankMatches(matches, docs, {}, { available: 'true' }, [], [20, 50], { k: 10 })
 */
export function rankMatches(
  matches: TextMatches,
  docs: DocView,
  signals: RankSignals,
  filters: SearchFilters,
  rules: readonly Rule[],
  priceBands: readonly number[],
  page: { k: number; offset?: number; weights?: RankWeights },
): Ranked {
  const weights = page.weights ?? RANK_WEIGHTS;
  const r = resolve(docs, signals, rules);
  let best = 0;
  for (let i = 0; i < matches.count; i++) best = Math.max(best, matches.coverage[i]!);
  const availability = filters.available ?? 'true';
  const wanted = availability === 'true';
  const priced = filters.priceMin !== undefined || filters.priceMax !== undefined;
  const [low, high] = [filters.priceMin ?? 0, filters.priceMax ?? Infinity];
  const category = filters.category === undefined ? undefined : (docs.categoryOf(filters.category) ?? -1);
  const categoryCounts = new Int32Array(docs.categoryCount);
  const priceCounts = new Array<number>(priceBands.length + 1).fill(0);
  const keptDocs = new Int32Array(matches.count);
  const keptScores = new Float64Array(matches.count);
  const keptAt = new Int32Array(matches.count);
  let kept = 0;
  let total = 0;
  for (let i = 0; i < matches.count; i++) {
    const doc = matches.docs[i]!;
    if (availability !== 'any' && docs.available(doc) !== wanted) continue;
    const full = matches.coverage[i]! >= best - 1e-9;
    const price = docs.price(doc);
    const inPrice = !priced || (price !== null && price >= low && price <= high);
    const cats = docs.cats(doc);
    const inCategory = category === undefined || cats.includes(category);
    if (full && inPrice) for (const c of cats) categoryCounts[c]!++;
    if (full && inCategory && price !== null) priceCounts[bandOf(price, priceBands)]!++;
    if (!inPrice || !inCategory) continue;
    if (full) total++;
    let score = matches.text[i]! * matches.coverage[i]! * matches.coverage[i]! * (1 + bonusSum(doc, cats, docs, r, weights));
    if (!full) score *= 1e-3;
    score = applyRules(score, doc, cats, r);
    if (score < 0) continue;
    keptDocs[kept] = doc;
    keptScores[kept] = score;
    keptAt[kept++] = i;
  }
  const offset = page.offset ?? 0;
  const pins = rules.filter((rule) => rule.action === 'pin' && rule.targetType === 'item');
  const top = topOf(keptScores, keptDocs, kept, offset + page.k + pins.length, docs);
  for (const rule of pins) {
    const doc = docs.docOfId(rule.target);
    if (doc === undefined || top.some((t) => keptDocs[t] === doc)) continue;
    const at = keptDocs.subarray(0, kept).indexOf(doc);
    if (at >= 0) top.push(at);
  }
  const hits = top.map((t): Hit => {
    const doc = keptDocs[t]!;
    const i = keptAt[t]!;
    return { doc, score: keptScores[t]!, reason: reasonOf(doc, docs, r, weights, matches.exact[i] === 1) };
  });
  pin(hits, docs, pins);
  const categories: [string, number][] = [];
  categoryCounts.forEach((count, c) => count > 0 && categories.push([docs.categoryName(c), count]));
  return {
    hits: hits.slice(offset, offset + page.k),
    total,
    facets: {
      categories: categories.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, FACET_CATEGORIES),
      prices: priceCounts.map((count, i) => ({ min: i === 0 ? 0 : priceBands[i - 1]!, max: priceBands[i] ?? null, count })).filter((band) => band.count > 0),
    },
  };
}

/** The positions of the `m` best scores, best first (ties by id), without sorting everything. */
function topOf(scores: Float64Array, ids: Int32Array, count: number, m: number, docs: DocView): number[] {
  const better = (a: number, b: number) => scores[a]! > scores[b]! || (scores[a] === scores[b] && docs.id(ids[a]!) < docs.id(ids[b]!));
  const heap: number[] = [];
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < heap.length && better(heap[worst]!, heap[l]!)) worst = l;
      if (r < heap.length && better(heap[worst]!, heap[r]!)) worst = r;
      if (worst === i) return;
      [heap[i], heap[worst]] = [heap[worst]!, heap[i]!];
      i = worst;
    }
  };
  for (let t = 0; t < count; t++) {
    if (heap.length < m) {
      heap.push(t);
      for (let i = heap.length - 1; i > 0;) {
        const parent = (i - 1) >> 1;
        if (!better(heap[parent]!, heap[i]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (m > 0 && better(t, heap[0]!)) {
      heap[0] = t;
      down(0);
    }
  }
  return heap.sort((a, b) => (better(a, b) ? -1 : 1));
}

/** {@link bonus} without its parts (the hot loop allocates nothing). */
function bonusSum(doc: number, cats: readonly number[], docs: DocView, r: Resolved, weights: RankWeights): number {
  let sum = weights.popularity * docs.popularity(doc);
  if (r.maxClicks > 0) {
    const c = r.clicks.get(doc);
    if (c) sum += (weights.clicks * Math.log1p(c)) / Math.log1p(r.maxClicks);
  }
  let affinity = 0;
  for (const cat of cats) affinity = Math.max(affinity, r.affinity[cat]!);
  sum += weights.affinity * affinity;
  if (r.recent.size && r.recent.has(doc)) sum += weights.recent;
  return sum;
}

function bonus(doc: number, cats: readonly number[], docs: DocView, r: Resolved, weights: RankWeights) {
  const c = r.clicks.get(doc) ?? 0;
  const clicks = r.maxClicks > 0 && c > 0 ? Math.log1p(c) / Math.log1p(r.maxClicks) : 0;
  let affinity = 0;
  let liked = -1;
  for (const cat of cats) {
    if (r.affinity[cat]! > affinity) [affinity, liked] = [r.affinity[cat]!, cat];
  }
  const clicked = weights.clicks * clicks;
  const affine = weights.affinity * affinity;
  const recent = r.recent.has(doc) ? weights.recent : 0;
  const popular = weights.popularity * docs.popularity(doc);
  return { sum: clicked + affine + recent + popular, clicked, affine, recent, popular, liked };
}

function reasonOf(doc: number, docs: DocView, r: Resolved, weights: RankWeights, exact: boolean): SearchReason {
  const b = bonus(doc, docs.cats(doc), docs, r, weights);
  const value = Math.max(b.clicked, b.affine, b.recent, b.popular);
  if (value < 0.1 || value === b.popular) return { kind: 'match', exact };
  if (value === b.clicked) return { kind: 'clicked' };
  if (value === b.affine) return { kind: 'affinity', category: docs.categoryName(b.liked) };
  return { kind: 'recent' };
}

/** Applies boost, bury and hide: the new score, or -1 when hidden. */
function applyRules(score: number, doc: number, cats: readonly number[], r: Resolved): number {
  if (r.itemRules.size === 0 && r.categoryRules.size === 0) return score;
  const rules = [...(r.itemRules.get(doc) ?? []), ...cats.flatMap((c) => r.categoryRules.get(c) ?? [])];
  for (const rule of rules) {
    if (rule.action === 'hide') return -1;
    score *= rule.action === 'boost' ? (rule.amount ?? 2) : (rule.amount ?? 0.25);
  }
  return score;
}

/** Moves pinned items that are among the results to their position (search never shows an item the query did not find). */
function pin(hits: Hit[], docs: DocView, pins: readonly Rule[]): void {
  for (const rule of pins) {
    const at = hits.findIndex((h) => docs.id(h.doc) === rule.target);
    if (at < 0) continue;
    const [hit] = hits.splice(at, 1);
    hits.splice(Math.min(Math.max(0, rule.amount ?? 0), hits.length), 0, { ...hit!, reason: { kind: 'pinned' } });
  }
}

function bandOf(price: number, bands: readonly number[]): number {
  let i = 0;
  while (i < bands.length && price >= bands[i]!) i++;
  return i;
}

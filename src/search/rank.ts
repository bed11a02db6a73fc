/**
 * Ranking of matched items: text relevance first (documents matching every slot before
 * partial ones), then multiplied by the shopper's and the shop's signals: clicks and purchases
 * after this very query, the shopper's category affinity, recent items and personal candidates
 * (the neighbours of their history), popularity.
 * Merchandising rules (boost, bury, hide, pin among the results) and filters apply here, and
 * the facet counts of the filtered results are computed alongside.
 */
import type { Rule } from '../serve/rank.ts';
import { type DocColumns, ROW, ROW_CATEGORIES } from './columns.ts';
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
  /** Base documents (>= 0) as rows, as built (see {@link DocView.overridden}). */
  columns: DocColumns;
  /** Fresh documents, availability overrides applied: document `-(i + 1)` is row `i`. */
  freshColumns: DocColumns;
  /** Base documents whose availability changed since the build: doc -> available. */
  overridden: ReadonlyMap<number, 0 | 1>;
}

/** The shopper and the query's history. */
export interface RankSignals {
  /** Item -> [clicks, purchases] after this query. */
  queryClicks?: ReadonlyMap<string, readonly [number, number]>;
  /** Category -> affinity in [0, 1] (profile and session). */
  affinity?: ReadonlyMap<string, number>;
  /** Items the shopper touched recently. */
  recent?: ReadonlySet<string>;
  /** How much recent items lift a result, in [0, 1]: the shop's log's return factor (`SearchHead.returning`); absent: 1. */
  returning?: number;
  /** Item -> in [0, 1]: the shopper's personal candidates ("for you": the neighbours of their history), the best 1. */
  suggested?: ReadonlyMap<string, number>;
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
  suggested: number;
}

/** The shipped weights. */
export const RANK_WEIGHTS: RankWeights = { clicks: 1, affinity: 0.5, recent: 0.3, popularity: 0.3, suggested: 1 };

/** Why an item is in the results. */
export type SearchReason =
  | { kind: 'match'; exact: boolean }
  | { kind: 'clicked' }
  | { kind: 'affinity'; category: string }
  | { kind: 'recent' }
  | { kind: 'suggested' }
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
  /** The lowest score among the `offset + k` (plus pinned) best kept, -Infinity when fewer were kept. */
  floor: number;
}

const FACET_CATEGORIES = 20;

/** The signals of a request resolved to document and category numbers once. */
interface Resolved {
  clicks: Map<number, number>;
  maxClicks: number;
  affinity: Float64Array;
  recent: Set<number>;
  /** The recent items' bonus (weight x the log's return factor). */
  recentBonus: number;
  suggested: Map<number, number>;
  /** Boost, bury and hide as one factor per category (-1: hidden) and per item, for the hot loop. */
  categoryFactor: Float64Array | undefined;
  itemFactor: Map<number, number>;
}

function resolve(docs: DocView, signals: RankSignals, rules: readonly Rule[], weights: RankWeights): Resolved {
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
  const suggested = new Map<number, number>();
  for (const [id, score] of signals.suggested ?? []) {
    const doc = docs.docOfId(id);
    if (doc !== undefined && score > 0) suggested.set(doc, Math.min(1, score));
  }
  const itemRules = new Map<number, Rule[]>();
  const categoryRules = new Map<number, Rule[]>();
  for (const rule of rules) {
    if (rule.action === 'pin') continue;
    const key = rule.targetType === 'item' ? docs.docOfId(rule.target) : docs.categoryOf(rule.target);
    const into = rule.targetType === 'item' ? itemRules : categoryRules;
    if (key !== undefined) into.set(key, [...(into.get(key) ?? []), rule]);
  }
  const factorOf = (list: readonly Rule[]) => list.reduce((f, rule) => (rule.action === 'hide' || f < 0 ? -1 : f * ruleAmount(rule)), 1);
  let categoryFactor: Float64Array | undefined;
  if (categoryRules.size) {
    categoryFactor = new Float64Array(docs.categoryCount).fill(1);
    for (const [c, list] of categoryRules) categoryFactor[c] = factorOf(list);
  }
  const itemFactor = new Map([...itemRules].map(([doc, list]): [number, number] => [doc, factorOf(list)]));
  const recentBonus = weights.recent * Math.min(1, Math.max(0, signals.returning ?? 1));
  return { clicks, maxClicks, affinity, recent, recentBonus, suggested, categoryFactor, itemFactor };
}

const ruleAmount = (rule: Rule) => (rule.action === 'boost' ? (rule.amount ?? 2) : (rule.amount ?? 0.25));

/** Flags of base documents for the hot loop (set for a request's few clicked, recent and pinned documents, cleared after). */
const CLICKED = 1;
const RECENT = 2;
const PINNED = 4;
const OVERRIDDEN = 8;
const SUGGESTED = 16;
let flags = new Uint8Array(0);
/** Per match: its score, NaN when filtered out or hidden (reused between requests). */
let kept = new Float64Array(0);
/** Keeps the prefetching loop's reads from being optimized away. */
export let sink = 0;

/**
 * Ranks matches: filters, facets, signals, rules, paging. Every match is scored from typed
 * columns (no object, closure or map per match); the best `offset + k` are kept in a heap and
 * the page alone is sorted and given its reasons.
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
  const r = resolve(docs, signals, rules, weights);
  let best = 0;
  for (let i = 0; i < matches.count; i++) best = Math.max(best, matches.coverage[i]!);
  const availability = filters.available ?? 'true';
  const checkAvailable = availability !== 'any';
  const wanted = availability === 'true' ? 1 : 0;
  const priced = filters.priceMin !== undefined || filters.priceMax !== undefined;
  const [low, high] = [filters.priceMin ?? 0, filters.priceMax ?? Infinity];
  const category = filters.category === undefined ? undefined : (docs.categoryOf(filters.category) ?? -1);
  const categoryCounts = new Int32Array(docs.categoryCount);
  const priceCounts = new Array<number>(priceBands.length + 1).fill(0);
  const offset = page.offset ?? 0;
  const pins = rules.filter((rule) => rule.action === 'pin' && rule.targetType === 'item');
  const pinnedDocs = new Set<number>();
  for (const rule of pins) {
    const doc = docs.docOfId(rule.target);
    if (doc !== undefined) pinnedDocs.add(doc);
  }
  const pinned = new Map<number, [number, number]>();
  const m = offset + page.k + pins.length;
  const top = new TopScores(m);
  if (kept.length < matches.count) kept = new Float64Array(matches.count);
  const base = docs.columns;
  const fresh = docs.freshColumns;
  const docCount = base.catStart.length - 1;
  if (flags.length < docCount) flags = new Uint8Array(docCount);
  const marked: number[] = [];
  const mark = (doc: number, flag: number) => {
    if (doc < 0) return;
    if (flags[doc] === 0) marked.push(doc);
    flags[doc]! |= flag;
  };
  if (r.maxClicks > 0) for (const doc of r.clicks.keys()) mark(doc, CLICKED);
  for (const doc of r.recent) mark(doc, RECENT);
  for (const doc of r.suggested.keys()) mark(doc, SUGGESTED);
  for (const doc of pinnedDocs) mark(doc, PINNED);
  for (const doc of docs.overridden.keys()) mark(doc, OVERRIDDEN);
  const clickScale = r.maxClicks > 0 ? Math.log1p(r.maxClicks) : 1;
  const ruled = r.categoryFactor !== undefined || r.itemFactor.size > 0;
  let total = 0;
  // Reading every matched row first, in a loop of independent reads, lets the processor fetch many at once.
  let touched = 0;
  for (let i = 0; i < matches.count; i++) {
    const doc = matches.docs[i]!;
    if (doc >= 0) touched += base.ints[2 * ROW * doc + 4]! + flags[doc]!;
  }
  sink = touched;
  kept.fill(NaN, 0, matches.count);
  try {
    for (let i = 0; i < matches.count; i++) {
      const doc = matches.docs[i]!;
      const c = doc < 0 ? fresh : base;
      const d = doc < 0 ? -doc - 1 : doc;
      const flag = doc < 0 ? CLICKED | RECENT | PINNED | SUGGESTED : flags[doc]!;
      const meta = c.ints[2 * ROW * d + 4]!;
      if (checkAvailable && (flag & OVERRIDDEN ? docs.overridden.get(doc)! : meta & 1) !== wanted) continue;
      const coverage = matches.coverage[i]!;
      const full = coverage >= best - 1e-9;
      const price = c.rows[ROW * d]!;
      const hasPrice = price === price;
      const inPrice = !priced || (hasPrice && price >= low && price <= high);
      // The document's categories: in its row, or all in catList.
      const inRow = meta >>> 1 <= ROW_CATEGORIES;
      const list = inRow ? c.ints : c.catList;
      const from = inRow ? 2 * ROW * d + 5 : c.catStart[d]!;
      const to = inRow ? from + (meta >>> 1) : c.catStart[d + 1]!;
      let inCategory = category === undefined;
      for (let k = from; k < to && !inCategory; k++) inCategory = list[k] === category;
      if (full && inPrice) for (let k = from; k < to; k++) categoryCounts[list[k]!]!++;
      if (full && inCategory && hasPrice) priceCounts[bandOf(price, priceBands)]!++;
      if (!inPrice || !inCategory) continue;
      if (full) total++;
      let sum = weights.popularity * c.rows[ROW * d + 1]!;
      if (flag & CLICKED && r.maxClicks > 0) {
        const clicks = r.clicks.get(doc);
        if (clicks) sum += (weights.clicks * Math.log1p(clicks)) / clickScale;
      }
      let affinity = 0;
      for (let k = from; k < to; k++) affinity = Math.max(affinity, r.affinity[list[k]!]!);
      sum += weights.affinity * affinity;
      if (flag & RECENT && r.recent.has(doc)) sum += r.recentBonus;
      if (flag & SUGGESTED) sum += weights.suggested * (r.suggested.get(doc) ?? 0);
      let score = matches.text[i]! * coverage * coverage * (1 + sum);
      if (!full) score *= 1e-3;
      if (ruled) {
        let factor = r.itemFactor.get(doc) ?? 1;
        for (let k = from; r.categoryFactor && k < to && factor >= 0; k++) factor = r.categoryFactor[list[k]!]! < 0 ? -1 : factor * r.categoryFactor[list[k]!]!;
        if (factor < 0) continue;
        score *= factor;
      }
      if (score < 0) continue;
      kept[i] = score;
      if (score > top.floor) top.offer(score);
      if (flag & PINNED && pinnedDocs.has(doc)) pinned.set(doc, [score, matches.exact[i]!]);
    }
  } finally {
    for (const doc of marked) flags[doc] = 0;
  }
  const floor = top.floor;
  const hits = bestOf(kept, matches, m, floor, docs).map((i): Hit => {
    const doc = matches.docs[i]!;
    return { doc, score: kept[i]!, reason: reasonOf(doc, docs, r, weights, matches.exact[i] === 1) };
  });
  for (const rule of pins) {
    const doc = docs.docOfId(rule.target);
    const seen = doc === undefined ? undefined : pinned.get(doc);
    if (doc === undefined || !seen || hits.some((h) => h.doc === doc)) continue;
    hits.push({ doc, score: seen[0], reason: reasonOf(doc, docs, r, weights, seen[1] === 1) });
  }
  pin(hits, docs, pins);
  const categories: [string, number][] = [];
  categoryCounts.forEach((count, c) => count > 0 && categories.push([docs.categoryName(c), count]));
  return {
    hits: hits.slice(offset, offset + page.k),
    total,
    floor,
    facets: {
      categories: categories.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, FACET_CATEGORIES),
      prices: priceCounts.map((count, i) => ({ min: i === 0 ? 0 : priceBands[i - 1]!, max: priceBands[i] ?? null, count })).filter((band) => band.count > 0),
    },
  };
}

/**
 * An upper bound of the score {@link rankMatches} gives a document that matches only part of
 * the query (`text` bounds its text relevance): coverage at most 1, the largest bonus the
 * signals allow, the partial-match factor, the largest product of boosts. Infinity when a
 * weight is negative (no bound).
 */
export function partialScoreBound(text: number, signals: RankSignals, rules: readonly Rule[], weights: RankWeights = RANK_WEIGHTS): number {
  if (weights.clicks < 0 || weights.affinity < 0 || weights.recent < 0 || weights.popularity < 0 || weights.suggested < 0) return Infinity;
  let affinity = 0;
  for (const a of signals.affinity?.values() ?? []) affinity = Math.max(affinity, a);
  const clicked = [...(signals.queryClicks?.values() ?? [])].some(([c, p]) => c + 3 * p > 0);
  let suggested = 0;
  for (const score of signals.suggested?.values() ?? []) suggested = Math.max(suggested, Math.min(1, score));
  const bonus =
    weights.popularity +
    (clicked ? weights.clicks : 0) +
    weights.affinity * affinity +
    (signals.recent?.size ? weights.recent : 0) +
    weights.suggested * suggested;
  const boost = rules.reduce((f, rule) => (rule.action === 'boost' || rule.action === 'bury' ? f * Math.max(1, ruleAmount(rule)) : f), 1);
  return text * (1 + bonus) * 1e-3 * boost * (1 + 1e-9);
}

/**
 * The m-th largest of the offered scores (-Infinity until m were offered), in a min-heap of
 * numbers: a score not above it is never pushed.
 */
class TopScores {
  /** The lowest of the `m` largest scores offered, -Infinity while fewer were offered. */
  floor = -Infinity;
  private readonly heap: Float64Array;
  private size = 0;
  constructor(m: number) {
    this.heap = new Float64Array(m);
    if (m === 0) this.floor = Infinity;
  }
  offer(score: number): void {
    const heap = this.heap;
    const m = heap.length;
    let i: number;
    if (this.size < m) {
      i = this.size++;
      while (i > 0 && heap[(i - 1) >> 1]! > score) {
        heap[i] = heap[(i - 1) >> 1]!;
        i = (i - 1) >> 1;
      }
    } else {
      i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= m) break;
        const c = l + 1 < m && heap[l + 1]! < heap[l]! ? l + 1 : l;
        if (heap[c]! >= score) break;
        heap[i] = heap[c]!;
        i = c;
      }
    }
    heap[i] = score;
    if (this.size === m) this.floor = heap[0]!;
  }
}

/**
 * The positions of the `m` best kept scores (NaN: not kept), best first, ties by item id: all
 * above the m-th score `floor`, then those equal to it by id (ids compared for the ties alone).
 */
function bestOf(scores: Float64Array, matches: TextMatches, m: number, floor: number, docs: DocView): number[] {
  const above: number[] = [];
  const ties: number[] = [];
  for (let i = 0; i < matches.count; i++) {
    const score = scores[i]!;
    if (score > floor) above.push(i);
    else if (score === floor) ties.push(i);
  }
  const id = (i: number) => docs.id(matches.docs[i]!);
  const byId = (a: number, b: number) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0);
  const chosen = [...above, ...ties.sort(byId).slice(0, Math.max(0, m - above.length))];
  return chosen.sort((a, b) => scores[b]! - scores[a]! || byId(a, b));
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
  const recent = r.recent.has(doc) ? r.recentBonus : 0;
  const popular = weights.popularity * docs.popularity(doc);
  const suggested = weights.suggested * (r.suggested.get(doc) ?? 0);
  return { sum: clicked + affine + recent + popular + suggested, clicked, affine, recent, popular, suggested, liked };
}

function reasonOf(doc: number, docs: DocView, r: Resolved, weights: RankWeights, exact: boolean): SearchReason {
  const b = bonus(doc, docs.cats(doc), docs, r, weights);
  const value = Math.max(b.clicked, b.affine, b.recent, b.popular, b.suggested);
  if (value < 0.1 || value === b.popular) return { kind: 'match', exact };
  if (value === b.clicked) return { kind: 'clicked' };
  if (value === b.affine) return { kind: 'affinity', category: docs.categoryName(b.liked) };
  if (value === b.suggested) return { kind: 'suggested' };
  return { kind: 'recent' };
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

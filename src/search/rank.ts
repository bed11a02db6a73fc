/**
 * Ranking of matched items: text relevance first (documents matching every slot before
 * partial ones), then multiplied by the shopper's and the shop's signals: clicks and purchases
 * after this very query, the shopper's category affinity and recent items, popularity.
 * Merchandising rules (boost, bury, hide, pin among the results) and filters apply here, and
 * the facet counts of the filtered results are computed alongside.
 */
import type { Rule } from '../serve/rank.ts';
import type { TextMatch } from './match.ts';

/** What ranking needs to know of a document (base or fresh). */
export interface DocView {
  id(doc: number): string;
  categories(doc: number): readonly string[];
  price(doc: number): number | null;
  available(doc: number): boolean;
  popularity(doc: number): number;
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

/**
 * Ranks matches: filters, facets, signals, rules, paging.
 *
 * @example rankMatches(matches, docs, {}, { available: 'true' }, [], [20, 50], { k: 10 })
 */
export function rankMatches(
  matches: readonly TextMatch[],
  docs: DocView,
  signals: RankSignals,
  filters: SearchFilters,
  rules: readonly Rule[],
  priceBands: readonly number[],
  page: { k: number; offset?: number; weights?: RankWeights },
): Ranked {
  const weights = page.weights ?? RANK_WEIGHTS;
  const best = matches.reduce((m, x) => Math.max(m, x.coverage), 0);
  const availability = filters.available ?? 'true';
  const passesAvailability = (doc: number) => availability === 'any' || docs.available(doc) === (availability === 'true');
  const passesPrice = (doc: number) => {
    if (filters.priceMin === undefined && filters.priceMax === undefined) return true;
    const price = docs.price(doc);
    return price !== null && price >= (filters.priceMin ?? 0) && price <= (filters.priceMax ?? Infinity);
  };
  const passesCategory = (doc: number) => !filters.category || docs.categories(doc).includes(filters.category);
  const categoryCounts = new Map<string, number>();
  const priceCounts = new Array<number>(priceBands.length + 1).fill(0);
  const maxClicks = Math.max(0, ...[...(signals.queryClicks?.values() ?? [])].map(([c, p]) => c + 3 * p));
  const kept: Hit[] = [];
  let total = 0;
  for (const match of matches) {
    const full = match.coverage >= best - 1e-9;
    const { doc } = match;
    if (!passesAvailability(doc)) continue;
    const inPrice = passesPrice(doc);
    const inCategory = passesCategory(doc);
    if (full && inPrice) for (const c of docs.categories(doc)) categoryCounts.set(c, (categoryCounts.get(c) ?? 0) + 1);
    if (full && inCategory) {
      const price = docs.price(doc);
      if (price !== null) priceCounts[bandOf(price, priceBands)]!++;
    }
    if (!inPrice || !inCategory) continue;
    if (full) total++;
    const hit = scored(match, docs, signals, weights, maxClicks);
    if (!full) hit.score *= 1e-3;
    if (applyRules(hit, docs, rules)) kept.push(hit);
  }
  kept.sort((a, b) => b.score - a.score || (docs.id(a.doc) < docs.id(b.doc) ? -1 : 1));
  pin(kept, docs, rules);
  const offset = page.offset ?? 0;
  return {
    hits: kept.slice(offset, offset + page.k),
    total,
    facets: {
      categories: [...categoryCounts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, FACET_CATEGORIES),
      prices: priceCounts.map((count, i) => ({ min: i === 0 ? 0 : priceBands[i - 1]!, max: priceBands[i] ?? null, count })).filter((band) => band.count > 0),
    },
  };
}

function scored(match: TextMatch, docs: DocView, signals: RankSignals, weights: RankWeights, maxClicks: number): Hit {
  const id = docs.id(match.doc);
  const [c, p] = signals.queryClicks?.get(id) ?? [0, 0];
  const clicks = maxClicks > 0 ? Math.log1p(c + 3 * p) / Math.log1p(maxClicks) : 0;
  let affinity = 0;
  let liked = '';
  for (const category of docs.categories(match.doc)) {
    const a = signals.affinity?.get(category) ?? 0;
    if (a > affinity) [affinity, liked] = [a, category];
  }
  const recent = signals.recent?.has(id) ? 1 : 0;
  const parts = {
    clicked: weights.clicks * clicks,
    affinity: weights.affinity * affinity,
    recent: weights.recent * recent,
    popular: weights.popularity * docs.popularity(match.doc),
  };
  const bonus = parts.clicked + parts.affinity + parts.recent + parts.popular;
  const score = match.text * match.coverage * match.coverage * (1 + bonus);
  const [top, value] = Object.entries(parts).sort((a, b) => b[1] - a[1])[0]!;
  let reason: SearchReason = { kind: 'match', exact: match.exact };
  if (value >= 0.1 && top === 'clicked') reason = { kind: 'clicked' };
  else if (value >= 0.1 && top === 'affinity') reason = { kind: 'affinity', category: liked };
  else if (value >= 0.1 && top === 'recent') reason = { kind: 'recent' };
  return { doc: match.doc, score, reason };
}

const touches = (rule: Rule, id: string, categories: readonly string[]) => (rule.targetType === 'item' ? rule.target === id : categories.includes(rule.target));

/** Applies boost, bury and hide; false when hidden. */
function applyRules(hit: Hit, docs: DocView, rules: readonly Rule[]): boolean {
  for (const rule of rules) {
    if (rule.action === 'pin' || !touches(rule, docs.id(hit.doc), docs.categories(hit.doc))) continue;
    if (rule.action === 'hide') return false;
    hit.score *= rule.action === 'boost' ? (rule.amount ?? 2) : (rule.amount ?? 0.25);
  }
  return true;
}

/** Moves pinned items that are among the results to their position (search never shows an item the query did not find). */
function pin(hits: Hit[], docs: DocView, rules: readonly Rule[]): void {
  for (const rule of rules) {
    if (rule.action !== 'pin' || rule.targetType !== 'item') continue;
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

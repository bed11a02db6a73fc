/**
 * One search over a loaded index, storage-free: plan the query, match, rank, and fall back to
 * the closest items and trending when nothing matches. The request path, the offline
 * evaluation and the benchmark all call this.
 */
import { compileSynonyms, type SynonymMap } from '../text/synonyms.ts';
import { tokenize } from '../text/tokenize.ts';
import { ownValue } from '../security/own-key.ts';
import type { Rule } from '../serve/rank.ts';
import type { AnalyzedItem } from './analyzed-item.ts';
import { availableAt, columnsOf, docColumns, ROW, setAvailable } from './columns.ts';
import type { SearchHead } from './build-index.ts';
import { vocabulary } from './expand.ts';
import { type IndexView, matchQuery, planQuery, type PlannedSlot, plannedTerms, type TextMatches, textBound } from './match.ts';
import { closestPlan, guessCategory, trendingIn } from './no-result.ts';
import {
  type DocView,
  type Facets,
  type Hit,
  partialScoreBound,
  type Ranked,
  rankMatches,
  type RankSignals,
  type RankWeights,
  type SearchFilters,
} from './rank.ts';

/** An index ready to answer queries (decoded once per isolate and version). */
export interface LoadedIndex extends IndexView {
  synonyms: SynonymMap;
}

/** Decodes a head into a loaded index; `postings` reads the postings of a term. */
export function loadIndex(head: SearchHead, postings: IndexView['postings'], fresh: readonly AnalyzedItem[] = []): LoadedIndex {
  const aliases = head.synonyms.flatMap((group) => {
    const phrases = group.map((term) => tokenize(term).words).filter((words) => words.length > 0);
    const canonical = phrases[0] && phrases.length > 1 ? `~${phrases[0].join('_')}` : undefined;
    return canonical ? phrases.map((words): [string, string] => [words.join(' '), canonical]) : [];
  });
  return {
    head,
    vocab: vocabulary(head.terms, head.df, aliases),
    postings,
    fresh,
    docOf: new Map(head.ids.map((id, doc) => [id, doc])),
    synonyms: compileSynonyms(head.synonyms),
  };
}

/** A search as the engine runs it. */
export interface SearchQuery {
  q: string;
  filters: SearchFilters;
  k: number;
  offset?: number;
  signals?: RankSignals;
  rules?: readonly Rule[];
  /** Availability changes since the build: id -> available. */
  overrides?: Readonly<Record<string, readonly [0 | 1, number]>>;
  weights?: RankWeights;
  /** Rank every document matching any word, never only those matching every word (the same answer, slower; for tests). */
  exhaustive?: boolean;
}

/** A ranked hit with its item id. */
export interface SearchHit extends Hit {
  id: string;
  /** A fresh item (changed since the build) when set. */
  fresh?: AnalyzedItem;
}

/** The answer: hits, the number of matching items, facets, and whether a fallback answered. */
export interface SearchResult {
  hits: SearchHit[];
  total: number;
  facets: Facets;
  /** `closest`/`trending`: nothing matched; the page holds the closest items, then trending. */
  fallback?: 'closest' | 'trending';
}

/** The terms a query may read postings of (to fetch their shards before matching). */
export function queryPlan(index: Pick<LoadedIndex, 'synonyms' | 'vocab'>, q: string): PlannedSlot[] {
  return planQuery(q, index.synonyms, index.vocab);
}

/** The terms a query that matches nothing falls back to (read them before {@link runSearch} answers with the closest items). */
export function fallbackTerms(index: Pick<LoadedIndex, 'vocab'>, plan: readonly PlannedSlot[]): string[] {
  return plannedTerms(closestPlan(plan, index.vocab));
}

/**
 * Runs a search.
 *
 * @example runSearch(index, queryPlan(index, 'green tea'), { q: 'green tea', filters: {}, k: 10 })
 */
export function runSearch(index: LoadedIndex, plan: readonly PlannedSlot[], query: SearchQuery): SearchResult {
  const docs = docView(index, query.overrides ?? {});
  const rules = query.rules ?? [];
  const page = { k: query.k, offset: query.offset, weights: query.weights };
  const signals = query.signals ?? {};
  const ranked = rankedMatches(index, plan, docs, query);
  if (ranked.total > 0 || plan.length === 0) return { hits: ranked.hits.map((h) => withId(h, docs, index)), total: ranked.total, facets: ranked.facets };
  const closest = rankMatches(matchQuery(closestPlan(plan, index.vocab), index), docs, signals, query.filters, rules, index.head.priceBands, {
    ...page,
    k: query.k + (query.offset ?? 0),
    offset: 0,
  }).hits.map((h): Hit => ({ ...h, reason: { kind: 'closest' } }));
  const favourite = [...(signals.affinity?.entries() ?? [])].sort((a, b) => b[1] - a[1])[0]?.[0];
  const category = query.filters.category ?? guessCategory(closest, docs, favourite);
  const first = closest.slice(0, Math.ceil(query.k / 2));
  const offset = query.offset ?? 0;
  const trending = trendingIn(
    docs,
    index.head.ids.length,
    category,
    new Set(first.map((h) => h.doc)),
    offset + query.k,
    (doc) => priceOk(docs.price(doc), query.filters) && (!query.filters.category || docs.categories(doc).includes(query.filters.category)),
  );
  const all = [...first, ...trending];
  return {
    hits: all.slice(offset, offset + query.k).map((h) => withId(h, docs, index)),
    total: 0,
    facets: ranked.facets,
    fallback: closest.length > 0 ? 'closest' : 'trending',
  };
}

/**
 * The ranked matches of a plan. A query of several words first ranks only the documents that
 * match every word (the results, the total and the facets count those alone; the others only
 * fill a page they leave short): when the page fills and its lowest score is above what any
 * partial match could score, that is the answer, and the documents matching some words only
 * (a common word matches tens of thousands in a large catalog) are never visited. Otherwise,
 * and with pinning rules, every document matching any word is ranked. Both give the same page.
 */
function rankedMatches(index: LoadedIndex, plan: readonly PlannedSlot[], docs: DocView, query: SearchQuery): Ranked {
  const rules = query.rules ?? [];
  const signals = query.signals ?? {};
  const page = { k: query.k, offset: query.offset, weights: query.weights };
  const rank = (matches: TextMatches) => rankMatches(matches, docs, signals, query.filters, rules, index.head.priceBands, page);
  if (plan.length > 1 && !query.exhaustive && !rules.some((rule) => rule.action === 'pin')) {
    const every = matchQuery(plan, index, 'every');
    let full = false;
    for (let i = 0; i < every.count && !full; i++) full = every.coverage[i] === 1;
    if (full) {
      const ranked = rank(every);
      if (ranked.floor > partialScoreBound(textBound(plan, index), signals, rules, query.weights)) return ranked;
    }
  }
  return rank(matchQuery(plan, index));
}

function priceOk(price: number | null, filters: SearchFilters): boolean {
  if (filters.priceMin === undefined && filters.priceMax === undefined) return true;
  return price !== null && price >= (filters.priceMin ?? 0) && price <= (filters.priceMax ?? Infinity);
}

function withId(hit: Hit, docs: DocView, index: LoadedIndex): SearchHit {
  return { ...hit, id: docs.id(hit.doc), ...(hit.doc < 0 ? { fresh: index.fresh[-hit.doc - 1] } : {}) };
}

/** Documents as ranking sees them: fresh items by negative numbers, availability overrides applied. */
export function docView(index: LoadedIndex, overrides: Readonly<Record<string, readonly [0 | 1, number]>>): DocView {
  const { head, fresh } = index;
  const names = [...head.categories];
  const numbers = categoryNumbers(head);
  const freshCats = fresh.map((item) => item.categories.map((name) => numbers.get(name) ?? (numbers.set(name, names.push(name) - 1), names.length - 1)));
  const replaced = new Map<string, number>();
  fresh.forEach((item, i) => replaced.set(item.id, -(i + 1)));
  const freshColumns = docColumns({
    cats: freshCats,
    price: fresh.map((item) => item.price),
    avail: fresh.map((item) => item.available),
    pop: fresh.map((item) => {
      const doc = index.docOf.get(item.id);
      return doc === undefined ? 0 : head.pop[doc]!;
    }),
  });
  const overridden = new Map<number, 0 | 1>();
  for (const id of Object.keys(overrides)) {
    const doc = replaced.get(id) ?? index.docOf.get(id);
    if (doc === undefined) continue;
    const value = ownValue(overrides, id)![0] === 1 ? 1 : 0;
    if (doc < 0) setAvailable(freshColumns, -doc - 1, value);
    else overridden.set(doc, value);
  }
  const f = (doc: number) => fresh[-doc - 1]!;
  const id = (doc: number) => (doc < 0 ? f(doc).id : head.ids[doc]!);
  const cats = (doc: number) => (doc < 0 ? freshCats[-doc - 1]! : head.cats[doc]!);
  return {
    id,
    cats,
    categoryName: (c) => names[c]!,
    categoryOf: (name) => numbers.get(name),
    categoryCount: names.length,
    categories: (doc) => cats(doc).map((c) => names[c]!),
    price: (doc) => (doc < 0 ? f(doc).price : head.price[doc]!),
    available: (doc) => (doc < 0 ? availableAt(freshColumns, -doc - 1) : (overridden.get(doc) ?? head.avail[doc]) === 1),
    popularity: (doc) => (doc < 0 ? freshColumns.rows[ROW * (-doc - 1) + 1]! : head.pop[doc]!),
    docOfId: (itemId) => replaced.get(itemId) ?? index.docOf.get(itemId),
    columns: columnsOf(head),
    freshColumns,
    overridden,
  };
}

const categoryMaps = new WeakMap<LoadedIndex['head'], Map<string, number>>();

/** Category name -> number, per head (a copy per request, since fresh items may add names). */
function categoryNumbers(head: LoadedIndex['head']): Map<string, number> {
  let numbers = categoryMaps.get(head);
  if (!numbers) categoryMaps.set(head, (numbers = new Map(head.categories.map((name, c) => [name, c]))));
  return new Map(numbers);
}

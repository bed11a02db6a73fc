/**
 * Builds the search index from the catalog and what the log taught (popularity, clicks per
 * query). Pure: items and signals in, the values to store out.
 *
 * - the head: every item's id, categories, price, availability and popularity (columns), the
 *   sorted vocabulary with document frequencies (prefix and typo expansion), price bands,
 *   popular past queries (suggestions) and the synonym groups the index was built with;
 * - postings, sharded by term: term -> `[doc, impact, doc, impact, ...]` in the compact form of
 *   `postings.ts`, impacts being precomputed BM25F scores, so a query adds integers;
 * - clicks per query, sharded by query: query -> flat `[item, clicks, purchases, ...]`.
 */
import { compileSynonyms } from '../text/synonyms.ts';
import { packShard, shardOf } from '../tables/layout.ts';
import { analyzeItem, type IndexableItem } from './analyzed-item.ts';
import { FIELDS, idf, impact } from './bm25f.ts';
import { encodePostings } from './postings.ts';
import type { SearchSignals } from './learn.ts';

/** Format of the stored head; a reader refuses another. */
export const SEARCH_FORMAT = 2;

/** The head of a search index: columns per document and the vocabulary. */
export interface SearchHead {
  format: number;
  builtAt: number;
  ids: string[];
  /** Per document: indexes into `categories`. */
  cats: number[][];
  price: (number | null)[];
  avail: (0 | 1)[];
  /** Popularity in [0, 1] (log-scaled interactions in the window). */
  pop: number[];
  categories: string[];
  /** Sorted vocabulary and its document frequencies. */
  terms: string[];
  df: number[];
  avgLengths: number[];
  postingShards: number;
  queryShards: number;
  /** Ascending upper bounds of the price bands (the last band is open). */
  priceBands: number[];
  /** Popular past queries, most searched first: `[query, distinct searches]`. */
  queries: [string, number][];
  synonyms: string[][];
}

/** A built index: the head and the packed shard values. */
export interface BuiltSearchIndex {
  head: SearchHead;
  postings: string[];
  queries: string[];
  stats: { items: number; terms: number; postings: number; postingBytes: number };
}

/** Postings bytes aimed at per shard (KV values may be 25 MiB; a query reads only its terms' shards, so small ones read fast and cache well). */
export const POSTING_SHARD_BYTES = 128 * 1024;
/** Queries per clicks-per-query shard. */
const QUERIES_PER_SHARD = 256;
/** Items kept per query in the click statistics. */
const ITEMS_PER_QUERY = 20;

/**
 * Builds the index.
 *
 * @example buildSearchIndex(items, emptySignals(), { synonyms: [['matcha', '抹茶']], builtAt: Date.now() })
 */
export function buildSearchIndex(items: Iterable<IndexableItem>, signals: SearchSignals, options: { synonyms: string[][]; builtAt: number }): BuiltSearchIndex {
  const synonyms = compileSynonyms(options.synonyms);
  const ids: string[] = [];
  const cats: number[][] = [];
  const price: (number | null)[] = [];
  const avail: (0 | 1)[] = [];
  const categoryIndex = new Map<string, number>();
  const termIndex = new Map<string, number>();
  const df: number[] = [];
  const docTerms: Int32Array[] = [];
  const docTf: Uint16Array[] = [];
  const docLengths: Uint16Array[] = [];
  const totals = [0, 0, 0, 0];
  for (const item of items) {
    const analyzed = analyzeItem(item, synonyms);
    ids.push(item.id);
    cats.push(analyzed.categories.map((c) => categoryIndex.get(c) ?? (categoryIndex.set(c, categoryIndex.size), categoryIndex.size - 1)));
    price.push(analyzed.price);
    avail.push(analyzed.available);
    const terms = Object.keys(analyzed.tf);
    const termIds = new Int32Array(terms.length);
    const tf = new Uint16Array(terms.length * FIELDS.length);
    terms.forEach((term, i) => {
      let id = termIndex.get(term);
      if (id === undefined) termIndex.set(term, (id = df.push(0) - 1));
      df[id]!++;
      termIds[i] = id;
      analyzed.tf[term]!.forEach((n, f) => (tf[i * FIELDS.length + f] = Math.min(n, 65535)));
    });
    docTerms.push(termIds);
    docTf.push(tf);
    docLengths.push(Uint16Array.from(analyzed.lengths, (n) => Math.min(n, 65535)));
    analyzed.lengths.forEach((n, f) => (totals[f]! += n));
  }
  const n = ids.length;
  const avgLengths = totals.map((t) => (n ? t / n : 1));
  const termList = [...termIndex.keys()];
  const lists: number[][] = termList.map(() => []);
  let postingCount = 0;
  for (let doc = 0; doc < n; doc++) {
    const termIds = docTerms[doc]!;
    const tf = docTf[doc]!;
    for (let i = 0; i < termIds.length; i++) {
      const id = termIds[i]!;
      const value = impact(tf.subarray(i * FIELDS.length, (i + 1) * FIELDS.length), docLengths[doc]!, avgLengths, idf(n, df[id]!));
      lists[id]!.push(doc, value);
      postingCount++;
    }
  }
  const order = termList.map((_, i) => i).sort((a, b) => (termList[a]! < termList[b]! ? -1 : termList[a]! > termList[b]! ? 1 : 0));
  const encoded = lists.map((list) => encodePostings(list));
  lists.length = 0;
  const bytes = encoded.reduce((sum, text, id) => sum + text.length + termList[id]!.length + 4, 0);
  const postingShards = Math.max(1, Math.ceil(bytes / POSTING_SHARD_BYTES));
  const postingLines: [string, string][][] = Array.from({ length: postingShards }, () => []);
  for (const id of order) postingLines[shardOf(termList[id]!, postingShards)]!.push([termList[id]!, encoded[id]!]);

  const clickQueries = [...signals.clicks.entries()];
  const queryShards = Math.max(1, Math.ceil(clickQueries.length / QUERIES_PER_SHARD));
  const queryLines: [string, (string | number)[]][][] = Array.from({ length: queryShards }, () => []);
  for (const [query, perItem] of clickQueries) {
    const best = [...perItem.entries()].sort((a, b) => b[1][0] + 3 * b[1][1] - (a[1][0] + 3 * a[1][1])).slice(0, ITEMS_PER_QUERY);
    queryLines[shardOf(query, queryShards)]!.push([encodeURIComponent(query), best.flatMap(([item, [c, p]]) => [item, c, p])]);
  }

  const maxPop = Math.max(1, ...signals.popularity.values());
  const head: SearchHead = {
    format: SEARCH_FORMAT,
    builtAt: options.builtAt,
    ids,
    cats,
    price,
    avail,
    pop: ids.map((id) => Number((Math.log1p(signals.popularity.get(id) ?? 0) / Math.log1p(maxPop)).toFixed(3))),
    categories: [...categoryIndex.keys()],
    terms: order.map((id) => termList[id]!),
    df: order.map((id) => df[id]!),
    avgLengths: avgLengths.map((a) => Number(a.toFixed(3))),
    postingShards,
    queryShards,
    priceBands: priceBands(price),
    queries: signals.queries,
    synonyms: options.synonyms,
  };
  return {
    head,
    postings: postingLines.map((lines) => packShard(lines)),
    queries: queryLines.map((lines) => packShard(lines)),
    stats: { items: n, terms: termList.length, postings: postingCount, postingBytes: bytes },
  };
}

const NICE = [1, 2, 5];

/** Up to five price bands at round numbers near the catalog's price quintiles. */
export function priceBands(prices: readonly (number | null)[]): number[] {
  const sorted = prices.filter((p): p is number => p !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const bands = new Set<number>();
  for (const q of [0.2, 0.4, 0.6, 0.8]) {
    const value = sorted[Math.floor(q * (sorted.length - 1))]!;
    if (value <= 0) continue;
    const magnitude = 10 ** Math.floor(Math.log10(value));
    const nice = NICE.map((m) => m * magnitude).find((v) => v >= value) ?? 10 * magnitude;
    bands.add(nice);
  }
  return [...bands].sort((a, b) => a - b);
}

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
import { type IndexableItem, itemTerms } from './analyzed-item.ts';
import { FIELDS, idf, impact } from './bm25f.ts';
import { encodePostings, postingLineKey } from './postings.ts';
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
  /** How much the shopper's recent items lift a result, in [0, 1], learned from the log (`returningFactor`); absent: fully. */
  returning?: number;
  /**
   * This head's segment and the number of segments (absent: the only one). A split rebuild
   * indexes the catalog in segments (items by id hash), one per rebuild part, each with its own
   * documents, vocabulary statistics and postings shards; serving joins them.
   */
  segment?: number;
  segments?: number;
  /** Postings lines keyed by {@link postingLineKey} (ASCII shards); absent in heads built before. */
  asciiLines?: boolean;
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
/** Rebuild parts per index segment: a run of `p` parts indexes in `ceil(p / 4)` segments (see {@link searchSegments}). */
const PARTS_PER_SEGMENT = 4;

/**
 * Segments a run of `parts` indexes the catalog in. A part writes at most 800 keys and the
 * tables other than search take about one key per 10 items, so a part stands for at most
 * about 8,200 items and a segment for at most about 33,000 (bench:search measures its build).
 */
export function searchSegments(parts: number): number {
  return Math.max(1, Math.ceil(parts / PARTS_PER_SEGMENT));
}

/** The segment of an item. */
export function segmentOf(id: string, segments: number): number {
  return segments > 1 ? shardOf(`s:${id}`, segments) : 0;
}

/** The store shard number of a segment's postings shard `local` (segments interleave, so every segment's keys stay distinct). */
export function postingKeyShard(segment: number, segments: number, local: number): number {
  return segment + segments * local;
}

/** Queries per clicks-per-query shard. */
const QUERIES_PER_SHARD = 256;
/** Items kept per query in the click statistics. */
const ITEMS_PER_QUERY = 20;

/** How an index (or one segment of it) is built. */
export interface SearchBuildOptions {
  synonyms: string[][];
  builtAt: number;
  /** This segment and the count (default: 0 of 1). */
  segment?: number;
  segments?: number;
  /** Postings lines keyed by {@link postingLineKey} (ASCII shards); absent in heads built before. */
  asciiLines?: boolean;
}

/** A growable list of 32-bit integers (postings while the index is built: 8 bytes a posting, no boxed numbers). */
class IntList {
  data = new Int32Array(4);
  length = 0;
  push(a: number, b: number): void {
    if (this.length + 2 > this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = a;
    this.data[this.length++] = b;
  }
}

/** Term frequencies of the four fields in one integer (8 bits each, capped at 255). */
const packTf = (tf: readonly number[]) => tf.reduce((packed, n, f) => packed | (Math.min(n, 255) << (8 * f)), 0);

/**
 * Builds the index item by item, keeping per item only its columns and field lengths and per
 * term a packed postings list, so the catalog can be streamed in pages and dropped (a 100k-item
 * catalog is about 5M postings: 40 MB here, instead of boxed arrays per item and per term).
 *
 * @example const b = createSearchIndexBuilder({ synonyms: [], builtAt: 0 }); b.add(item); b.finish(emptySignals())
 */
export function createSearchIndexBuilder(options: SearchBuildOptions) {
  const synonyms = compileSynonyms(options.synonyms);
  const ids: string[] = [];
  const cats: number[][] = [];
  const price: (number | null)[] = [];
  const avail: (0 | 1)[] = [];
  const categoryIndex = new Map<string, number>();
  const termIndex = new Map<string, number>();
  const lists: IntList[] = [];
  let lengths = new Uint16Array(1024 * FIELDS.length);
  const totals = [0, 0, 0, 0];
  return {
    add(item: IndexableItem): void {
      const analyzed = itemTerms(item, synonyms);
      const doc = ids.push(item.id) - 1;
      cats.push(item.categories.map((c) => categoryIndex.get(c) ?? (categoryIndex.set(c, categoryIndex.size), categoryIndex.size - 1)));
      price.push(item.price);
      avail.push(item.available ? 1 : 0);
      for (const [term, tf] of analyzed.tf) {
        let id = termIndex.get(term);
        if (id === undefined) termIndex.set(term, (id = lists.push(new IntList()) - 1));
        lists[id]!.push(doc, packTf(tf));
      }
      if ((doc + 1) * FIELDS.length > lengths.length) {
        const grown = new Uint16Array(lengths.length * 2);
        grown.set(lengths);
        lengths = grown;
      }
      analyzed.lengths.forEach((n, f) => {
        lengths[doc * FIELDS.length + f] = Math.min(n, 65535);
        totals[f]! += n;
      });
    },
    finish(signals: SearchSignals): BuiltSearchIndex {
      return finishIndex({ ids, cats, price, avail, categoryIndex, termIndex, lists, lengths, totals }, signals, options);
    },
  };
}

/**
 * Builds the index.
 *
 * @example buildSearchIndex(items, emptySignals(), { synonyms: [['matcha', '抹茶']], builtAt: Date.now() })
 */
export function buildSearchIndex(items: Iterable<IndexableItem>, signals: SearchSignals, options: SearchBuildOptions): BuiltSearchIndex {
  const builder = createSearchIndexBuilder(options);
  for (const item of items) builder.add(item);
  return builder.finish(signals);
}

function finishIndex(
  built: {
    ids: string[];
    cats: number[][];
    price: (number | null)[];
    avail: (0 | 1)[];
    categoryIndex: Map<string, number>;
    termIndex: Map<string, number>;
    lists: IntList[];
    lengths: Uint16Array;
    totals: number[];
  },
  signals: SearchSignals,
  options: SearchBuildOptions,
): BuiltSearchIndex {
  const { ids, cats, price, avail, categoryIndex, termIndex, lists, lengths, totals } = built;
  const n = ids.length;
  const avgLengths = totals.map((t) => (n ? t / n : 1));
  const termList = [...termIndex.keys()];
  const df = lists.map((list) => list.length / 2);
  let postingCount = 0;
  const tf = [0, 0, 0, 0];
  const docLengths = [0, 0, 0, 0];
  const encoded = lists.map((list, id) => {
    const termIdf = idf(n, df[id]!);
    const flat: number[] = [];
    for (let i = 0; i < list.length; i += 2) {
      const doc = list.data[i]!;
      const packed = list.data[i + 1]!;
      for (let f = 0; f < FIELDS.length; f++) {
        tf[f] = (packed >>> (8 * f)) & 255;
        docLengths[f] = lengths[doc * FIELDS.length + f]!;
      }
      flat.push(doc, impact(tf, docLengths, avgLengths, termIdf));
    }
    postingCount += list.length / 2;
    lists[id] = new IntList();
    return encodePostings(flat);
  });
  const bytes = encoded.reduce((sum, text, id) => sum + text.length + termList[id]!.length + 4, 0);
  const segments = options.segments ?? 1;
  const segment = options.segment ?? 0;
  // A query reads its terms' shard in every segment: smaller shards keep the bytes read per term as one segment's.
  const postingShards = Math.max(1, Math.ceil((bytes * segments) / POSTING_SHARD_BYTES));
  const postingLines: [string, string][][] = Array.from({ length: postingShards }, () => []);
  const order = termList.map((_, i) => i).sort((a, b) => (termList[a]! < termList[b]! ? -1 : termList[a]! > termList[b]! ? 1 : 0));
  for (const id of order) postingLines[shardOf(termList[id]!, postingShards)]!.push([postingLineKey(termList[id]!), encoded[id]!]);

  // Learned query statistics are the same in every segment: the first writes them.
  const clickQueries = segment === 0 ? [...signals.clicks.entries()] : [];
  const queryShards = Math.max(1, Math.ceil(clickQueries.length / QUERIES_PER_SHARD));
  const queryLines: [string, (string | number)[]][][] = Array.from({ length: queryShards }, () => []);
  for (const [query, perItem] of clickQueries) {
    const best = [...perItem.entries()].sort((a, b) => b[1][0] + 3 * b[1][1] - (a[1][0] + 3 * a[1][1])).slice(0, ITEMS_PER_QUERY);
    queryLines[shardOf(query, queryShards)]!.push([encodeURIComponent(query), best.flatMap(([item, [c, p]]) => [item, c, p])]);
  }

  let maxPop = 1;
  for (const value of signals.popularity.values()) maxPop = Math.max(maxPop, value);
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
    ...(signals.returning === undefined ? {} : { returning: signals.returning }),
    synonyms: options.synonyms,
    ...(segments > 1 ? { segment, segments } : {}),
    asciiLines: true,
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

/**
 * The items of a category whose titles share words with a given title, straight from the
 * search index's postings: the title's index terms, one bulk read of the postings shards that
 * hold them, the precomputed BM25F impacts summed per item. No query planning (prefixes, typos,
 * n-gram fallbacks), facets or fresh rows: what an item without neighbours needs, at a fraction
 * of a search's CPU. The head is parsed once per isolate and version; the category's items and
 * each term's postings are kept per isolate.
 */
import type { SearchHead } from '../search/build-index.ts';
import { indexTerms } from '../search/analyze.ts';
import { decodePostings } from '../search/postings.ts';
import type { TableRead } from '../serve/table-reader.ts';
import { type Manifest, shardOf, tableKey, unpackEntry } from '../tables/layout.ts';
import { compileSynonyms, NO_SYNONYMS, type SynonymMap } from '../text/synonyms.ts';

/** The part of the search head a title match reads, decoded once per isolate and version. */
export interface TitleIndex {
  version: string;
  ids: readonly string[];
  terms: readonly string[];
  synonyms: SynonymMap;
  postingShards: number;
  /** Category -> a document mask, built on first use. */
  members: Map<string, Uint8Array>;
  head: SearchHead;
}

/** A matched item and its summed impact. */
export type TitleHit = [id: string, score: number];

/** Postings numbers kept decoded per isolate (4 bytes each). */
const CACHED_NUMBERS = 1_000_000;
let postings = new Map<string, Int32Array | null>();
let cachedNumbers = 0;
let synonymsOf: { version: string; synonyms: SynonymMap } | undefined;

/** The keys a title match needs: the head and the postings shards of the title's terms (synonyms as last known for the version). */
export function titleKeys(manifest: Manifest, title: string): string[] {
  const shards = manifest.shards.sp;
  if (manifest.shards.sh !== 1 || !shards) return [];
  const synonyms = synonymsOf?.version === manifest.version ? synonymsOf.synonyms : NO_SYNONYMS;
  const keys = new Set([tableKey(manifest.version, 'sh')]);
  for (const term of indexTerms(title, synonyms))
    if (!postings.has(`${manifest.version}\n${term}`)) keys.add(tableKey(manifest.version, 'sp', shardOf(term, shards)));
  return [...keys];
}

/** The title index of a read's version, or undefined when the version has no search index. */
export function titleIndex(read: TableRead, manifest: Manifest): TitleIndex | undefined {
  // An index in segments (a split rebuild, src/search/segments.ts) is not read here yet: as if the version had none.
  if (manifest.shards.sh !== 1 || !manifest.shards.sp) return undefined;
  const index = read.decoded(tableKey(manifest.version, 'sh'), (value): TitleIndex | null => {
    const head = JSON.parse(value) as SearchHead;
    const synonyms = compileSynonyms(head.synonyms);
    return {
      version: manifest.version,
      ids: head.ids,
      terms: head.terms,
      synonyms,
      postingShards: manifest.shards.sp ?? head.postingShards,
      members: new Map(),
      head,
    };
  });
  if (!index) return undefined;
  if (synonymsOf?.version !== index.version) {
    synonymsOf = { version: index.version, synonyms: index.synonyms };
    postings = new Map();
    cachedNumbers = 0;
  }
  return index;
}

/** The postings shard keys of the title's terms not read yet (after {@link titleIndex}: synonyms applied). */
export function missingTermKeys(index: TitleIndex, read: TableRead, title: string): string[] {
  const keys = new Set<string>();
  for (const term of indexTerms(title, index.synonyms)) {
    const key = tableKey(index.version, 'sp', shardOf(term, index.postingShards));
    if (!postings.has(`${index.version}\n${term}`) && read.value(key) === undefined) keys.add(key);
  }
  return [...keys];
}

/**
 * The `k` items of `category` (any, when undefined) that score best against `title`, best first,
 * `except` left out. Terms outside the index's vocabulary count for nothing.
 *
 * @example
 * const hits = matchTitle(index, read, 'Wireless earbuds with noise cancelling', 'audio', 10, 'sku-new');
 */
export function matchTitle(index: TitleIndex, read: TableRead, title: string, category: string | undefined, k: number, except: string): TitleHit[] {
  const inCategory = category === undefined ? undefined : membersOf(index, category);
  if (inCategory === null) return [];
  const scores = new Map<number, number>();
  for (const term of new Set(indexTerms(title, index.synonyms))) {
    const list = termPostings(index, read, term);
    if (!list) continue;
    for (let i = 0; i < list.length; i += 2) {
      const doc = list[i]!;
      if (inCategory && !inCategory[doc]) continue;
      scores.set(doc, (scores.get(doc) ?? 0) + list[i + 1]!);
    }
  }
  const hits: TitleHit[] = [];
  for (const [doc, score] of scores) if (index.ids[doc] !== except) hits.push([index.ids[doc]!, score]);
  hits.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return hits.slice(0, k);
}

/** A mask of the category's documents, or null when the index does not know the category. */
function membersOf(index: TitleIndex, category: string): Uint8Array | null {
  const known = index.members.get(category);
  if (known) return known;
  const c = index.head.categories.indexOf(category);
  if (c < 0) return null;
  const mask = new Uint8Array(index.ids.length);
  index.head.cats.forEach((cats, doc) => {
    if (cats.includes(c)) mask[doc] = 1;
  });
  index.members.set(category, mask);
  return mask;
}

function termPostings(index: TitleIndex, read: TableRead, term: string): Int32Array | null {
  const key = `${index.version}\n${term}`;
  const known = postings.get(key);
  if (known !== undefined) return known;
  if (!inVocabulary(index.terms, term)) return remember(key, null);
  const value = read.value(tableKey(index.version, 'sp', shardOf(term, index.postingShards)));
  if (value === undefined) return null;
  const text = value === null ? undefined : unpackEntry<string>(value, term);
  return remember(key, text ? decodePostings(text) : null);
}

function remember(key: string, list: Int32Array | null): Int32Array | null {
  if (cachedNumbers + (list?.length ?? 0) > CACHED_NUMBERS) {
    postings = new Map();
    cachedNumbers = 0;
  }
  postings.set(key, list);
  cachedNumbers += list?.length ?? 0;
  return list;
}

/** Binary search in the sorted vocabulary. */
function inVocabulary(terms: readonly string[], term: string): boolean {
  let lo = 0;
  let hi = terms.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = terms[mid]!;
    if (t === term) return true;
    if (t < term) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * The items of a category whose titles share words with a given title, straight from the
 * search index's postings: the title's index terms, one bulk read of the postings shards that
 * hold them, the precomputed BM25F impacts summed per item. No query planning (prefixes, typos,
 * n-gram fallbacks), facets or fresh rows: what an item without neighbours needs, at a fraction
 * of a search's CPU. The head is parsed once per isolate and version; the category's items and
 * each term's postings are kept per isolate.
 */
import type { SearchHead } from '../search/build-index.ts';
import { SEARCH_FORMAT } from '../search/build-index.ts';
import { indexTerms } from '../search/analyze.ts';
import { joinedPostings, joinSegments, type SegmentLayout, termKeys } from '../search/segments.ts';
import type { TableRead } from '../serve/table-reader.ts';
import { type Manifest, tableKey } from '../tables/layout.ts';
import { postingLine } from '../search/postings.ts';
import { compileSynonyms, NO_SYNONYMS, type SynonymMap } from '../text/synonyms.ts';

/**
 * The part of the search index a title match reads, decoded once per isolate and version: the
 * heads of every segment (a split rebuild indexes in segments, src/search/segments.ts) joined.
 */
export interface TitleIndex {
  version: string;
  ids: readonly string[];
  terms: readonly string[];
  synonyms: SynonymMap;
  /** Where each segment's documents start and how many postings shards it has. */
  layout: SegmentLayout;
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
let current: TitleIndex | undefined;

/**
 * The keys a title match needs, for one bulk read: every segment's head and the postings shards
 * of the title's terms in every segment (synonyms as last known for the version). Before the
 * heads are known, a segment's shard count is taken as the manifest's share (segments of a run
 * are about equal); {@link missingTermKeys} reads what that guess missed.
 */
export function titleKeys(manifest: Manifest, title: string): string[] {
  const segments = manifest.shards.sh;
  const shards = manifest.shards.sp;
  if (!segments || !shards) return [];
  const known = current?.version === manifest.version ? current : undefined;
  const layout = known?.layout ?? { offsets: [], shards: Array.from({ length: segments }, () => Math.max(1, Math.round(shards / segments))) };
  const keys = new Set(Array.from({ length: segments }, (_, s) => tableKey(manifest.version, 'sh', s)));
  for (const term of indexTerms(title, known?.synonyms ?? NO_SYNONYMS))
    if (!postings.has(`${manifest.version}\n${term}`)) for (const key of termKeys(manifest.version, layout, term)) keys.add(key);
  return [...keys];
}

/** The title index of a read's version (its segments joined), or undefined when the version has no search index. */
export function titleIndex(read: TableRead, manifest: Manifest): TitleIndex | undefined {
  const segments = manifest.shards.sh;
  if (!segments || !manifest.shards.sp) return undefined;
  if (current?.version === manifest.version) return current;
  const heads: SearchHead[] = [];
  for (let s = 0; s < segments; s++) {
    const value = read.value(tableKey(manifest.version, 'sh', s));
    const head = value ? (JSON.parse(value) as SearchHead) : undefined;
    if (!head || head.format !== SEARCH_FORMAT) return undefined;
    heads.push(head);
  }
  const { head, layout } = joinSegments(heads);
  current = { version: manifest.version, ids: head.ids, terms: head.terms, synonyms: compileSynonyms(head.synonyms), layout, members: new Map(), head };
  postings = new Map();
  cachedNumbers = 0;
  return current;
}

/** The postings shard keys of the title's terms not read yet (after {@link titleIndex}: synonyms applied, each segment's own shard count). */
export function missingTermKeys(index: TitleIndex, read: TableRead, title: string): string[] {
  const keys = new Set<string>();
  for (const term of indexTerms(title, index.synonyms)) {
    if (postings.has(`${index.version}\n${term}`)) continue;
    for (const key of termKeys(index.version, index.layout, term)) if (read.value(key) === undefined) keys.add(key);
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
  if (termKeys(index.version, index.layout, term).some((k) => read.value(k) === undefined)) return null;
  const list = joinedPostings(index.version, index.layout, term, (k) => {
    const value = read.value(k);
    return value ? postingLine(value, term, index.head.asciiLines) : undefined;
  });
  return remember(key, list ?? null);
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

/**
 * A split rebuild indexes the catalog in segments (see `searchSegments`): each has its own
 * head (documents, vocabulary with document frequencies) and postings shards. Serving joins
 * the heads into one, documents numbered segment after segment, and a term's postings are its
 * lists of every segment, shifted by the segment's first document.
 */
import { shardOf, tableKey } from '../tables/layout.ts';
import type { SearchHead } from './build-index.ts';
import { postingKeyShard } from './build-index.ts';
import { decodePostings } from './postings.ts';

/** Where the segments of a joined index live. */
export interface SegmentLayout {
  /** First document of each segment in the joined head. */
  offsets: number[];
  /** Postings shards of each segment. */
  shards: number[];
}

/** Joins segment heads (in segment order) into one head; a single head is returned as is. */
export function joinSegments(heads: readonly SearchHead[]): { head: SearchHead; layout: SegmentLayout } {
  const first = heads[0]!;
  const offsets: number[] = [];
  let docs = 0;
  for (const h of heads) {
    offsets.push(docs);
    docs += h.ids.length;
  }
  const layout = { offsets, shards: heads.map((h) => h.postingShards) };
  if (heads.length === 1) return { head: first, layout };
  const categories: string[] = [];
  const categoryIndex = new Map<string, number>();
  const cats: number[][] = [];
  for (const h of heads) {
    const global = h.categories.map((name) => categoryIndex.get(name) ?? (categoryIndex.set(name, categories.push(name) - 1), categories.length - 1));
    for (const list of h.cats) cats.push(list.map((c) => global[c]!));
  }
  let terms = first.terms;
  let df = first.df;
  for (const h of heads.slice(1)) [terms, df] = mergeVocabulary(terms, df, h.terms, h.df);
  const avgLengths = first.avgLengths.map((_, f) => heads.reduce((sum, h) => sum + h.avgLengths[f]! * h.ids.length, 0) / Math.max(1, docs));
  return {
    head: {
      ...first,
      ids: heads.flatMap((h) => h.ids),
      cats,
      price: heads.flatMap((h) => h.price),
      avail: heads.flatMap((h) => h.avail),
      pop: heads.flatMap((h) => h.pop),
      categories,
      terms,
      df,
      avgLengths,
      postingShards: layout.shards.reduce((a, b) => a + b, 0),
    },
    layout,
  };
}

/** Two sorted vocabularies merged, document frequencies of a shared term added. */
function mergeVocabulary(a: readonly string[], adf: readonly number[], b: readonly string[], bdf: readonly number[]): [string[], number[]] {
  const terms: string[] = [];
  const df: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! < b[j]!)) {
      terms.push(a[i]!);
      df.push(adf[i++]!);
    } else if (i >= a.length || b[j]! < a[i]!) {
      terms.push(b[j]!);
      df.push(bdf[j++]!);
    } else {
      terms.push(a[i]!);
      df.push(adf[i++]! + bdf[j++]!);
    }
  }
  return [terms, df];
}

/** The store keys holding a term's postings, one per segment. */
export function termKeys(version: string, layout: SegmentLayout, term: string): string[] {
  const segments = layout.shards.length;
  return layout.shards.map((shards, s) => tableKey(version, 'sp', postingKeyShard(s, segments, shardOf(term, shards))));
}

/**
 * A term's postings over every segment (documents shifted to the joined numbering), from its
 * packed line in each segment's shard (`line(key)`); undefined when no segment has it.
 */
export function joinedPostings(version: string, layout: SegmentLayout, term: string, line: (key: string) => string | undefined): Int32Array | undefined {
  const parts: Int32Array[] = [];
  let length = 0;
  termKeys(version, layout, term).forEach((key, s) => {
    const text = line(key);
    if (!text) return;
    const list = decodePostings(text);
    const offset = layout.offsets[s]!;
    if (offset) for (let i = 0; i < list.length; i += 2) list[i]! += offset;
    parts.push(list);
    length += list.length;
  });
  if (parts.length <= 1) return parts[0];
  const out = new Int32Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

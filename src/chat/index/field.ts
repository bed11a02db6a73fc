/**
 * One inverted field of the FAQ index: postings of (doc, term frequency) and
 * document lengths, scored with BM25. Plain typed arrays so a field
 * serializes to JSON and back without rebuilding.
 */

/** An inverted field over the index's documents (one document per phrasing). */
export interface Field {
  docCount: number;
  avgLength: number;
  lengths: Uint16Array;
  /** term -> interleaved [doc, tf, doc, tf, ...]. */
  postings: Map<string, Uint32Array>;
}

/** The JSON form of a field. */
export interface FieldJson {
  lengths: number[];
  postings: Record<string, number[]>;
}

/** BM25 term-frequency saturation and length normalization. */
export interface Bm25 {
  k1: number;
  b: number;
}

/** The textbook BM25 parameters. */
export const BM25: Bm25 = { k1: 1.2, b: 0.75 };

/** Builds a field from the token list of each document. */
export function buildField(docs: readonly (readonly string[])[]): Field {
  const lists = new Map<string, number[]>();
  const lengths = new Uint16Array(docs.length);
  let total = 0;
  docs.forEach((tokens, doc) => {
    lengths[doc] = Math.min(tokens.length, 65535);
    total += tokens.length;
    const counts = new Map<string, number>();
    for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
    for (const [token, tf] of counts) {
      const list = lists.get(token) ?? [];
      list.push(doc, tf);
      lists.set(token, list);
    }
  });
  const postings = new Map<string, Uint32Array>();
  for (const [token, list] of lists) postings.set(token, Uint32Array.from(list));
  return { docCount: docs.length, avgLength: docs.length ? total / docs.length || 1 : 1, lengths, postings };
}

/** Inverse document frequency (BM25+ style, never negative). Unseen terms get the largest value. */
export function idf(field: Field, df: number): number {
  return Math.log(1 + (field.docCount - df + 0.5) / (df + 0.5));
}

/**
 * Adds `weight x BM25(term)` to `scores[doc]` for every document holding the
 * term, and returns the term's idf (its best possible contribution per unit).
 */
export function accumulateTerm(field: Field, term: string, weight: number, scores: Float64Array, bm25: Bm25 = BM25): number {
  const list = field.postings.get(term);
  const termIdf = idf(field, list ? list.length / 2 : 0);
  if (!list) return termIdf;
  const { k1, b } = bm25;
  const lengthScale = k1 / field.avgLength;
  for (let i = 0; i < list.length; i += 2) {
    const doc = list[i]!;
    const tf = list[i + 1]!;
    const norm = k1 * (1 - b) + lengthScale * b * field.lengths[doc]!;
    scores[doc] = scores[doc]! + (weight * termIdf * tf * (k1 + 1)) / (tf + norm);
  }
  return termIdf;
}

/** Serializes a field for KV. */
export function fieldToJson(field: Field): FieldJson {
  const postings: Record<string, number[]> = {};
  for (const [term, list] of field.postings) postings[term] = Array.from(list);
  return { lengths: Array.from(field.lengths), postings };
}

/** Restores a field from its JSON form (no tokenizing: cheap). */
export function fieldFromJson(json: FieldJson): Field {
  const lengths = Uint16Array.from(json.lengths);
  let total = 0;
  for (const length of lengths) total += length;
  const postings = new Map<string, Uint32Array>();
  for (const term in json.postings) postings.set(term, Uint32Array.from(json.postings[term]!));
  return { docCount: lengths.length, avgLength: lengths.length ? total / lengths.length || 1 : 1, lengths, postings };
}

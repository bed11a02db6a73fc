/**
 * BM25F over the item fields: each field's term frequency is normalized by the field's length
 * and weighted, the sum is saturated once (k1), and multiplied by the term's idf. The index
 * stores the result per (term, item) as an integer impact, so a query only adds numbers.
 */
import { FIELD_WEIGHTS, type SearchField } from './analyze.ts';

/** Field order in the compact per-document arrays. */
export const FIELDS: readonly SearchField[] = ['title', 'categories', 'attributes', 'description'];

const K1 = 1.2;
const B = 0.75;
/** Impacts are stored as integers: score x IMPACT_SCALE. */
export const IMPACT_SCALE = 100;

/** Inverse document frequency, never negative. */
export function idf(docCount: number, df: number): number {
  return Math.log(1 + (docCount - df + 0.5) / (df + 0.5));
}

/**
 * The BM25F impact of one term in one document, as a stored integer.
 *
 * @param tf term frequency per field, in {@link FIELDS} order
 * @param lengths the document's field lengths, same order
 * @param avgLengths the index's average field lengths, same order
 */
export function impact(tf: ArrayLike<number>, lengths: ArrayLike<number>, avgLengths: ArrayLike<number>, termIdf: number): number {
  let weighted = 0;
  for (let f = 0; f < FIELDS.length; f++) {
    const count = tf[f]!;
    if (count === 0) continue;
    const norm = 1 - B + (B * lengths[f]!) / (avgLengths[f]! || 1);
    weighted += (FIELD_WEIGHTS[FIELDS[f]!] * count) / norm;
  }
  return Math.max(1, Math.round((IMPACT_SCALE * termIdf * weighted * (K1 + 1)) / (weighted + K1)));
}

import type { NeighbourList } from '../neighbour-list.ts';
import { contentIndex } from './content-blend.ts';
import type { ItemVectors, SparseVector } from './item-vectors.ts';

/**
 * Each item's top-`k` neighbours by cosine of the TF-IDF vectors, one item at a time, through
 * an inverted index (feature -> items): memory is the index (one entry per item feature) plus
 * two vectors of the item count, never items x items. `include` limits whose rows are computed.
 *
 * @example
 * for (const [item, list] of contentNeighbours(itemVectors(catalog), 50)) save(item, list);
 */
export function* contentNeighbours(vectors: ItemVectors, k: number, include?: (item: string) => boolean): Generator<[string, NeighbourList]> {
  const index = contentIndex(vectors);
  for (const id of vectors.ids) {
    if (include && !include(id)) continue;
    const row = index.row(id, k);
    if (row && row.length > 0) yield [id, row];
  }
}

/** Cosine of two sparse vectors (both L2-normalised, features ascending). */
export function cosine(a: SparseVector, b: SparseVector): number {
  let sum = 0;
  for (let x = 0, y = 0; x < a.features.length && y < b.features.length;) {
    if (a.features[x] === b.features[y]) sum += a.weights[x++]! * b.weights[y++]!;
    else if (a.features[x]! < b.features[y]!) x++;
    else y++;
  }
  return sum;
}

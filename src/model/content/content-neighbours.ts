import { roundWeight, type NeighbourList } from '../neighbour-list.ts';
import { createTopK } from '../top-k.ts';
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
  const { ids } = vectors;
  const postings = invertedIndex(vectors);
  const sums = new Float64Array(ids.length);
  const stamp = new Int32Array(ids.length);
  const touched = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    if (include && !include(ids[i]!)) continue;
    const v = vectors.vectors[i]!;
    let count = 0;
    for (let f = 0; f < v.features.length; f++) {
      const list = postings[v.features[f]!]!;
      const w = v.weights[f]!;
      for (let p = 0; p < list.items.length; p++) {
        const j = list.items[p]!;
        if (stamp[j] !== i + 1) {
          stamp[j] = i + 1;
          sums[j] = 0;
          touched[count++] = j;
        }
        sums[j]! += w * list.weights[p]!;
      }
    }
    const top = createTopK<number>(k);
    for (let n = 0; n < count; n++) {
      const j = touched[n]!;
      if (j !== i && sums[j]! > 0 && sums[j]! > top.floor()) top.push(j, sums[j]!);
    }
    const row: NeighbourList = top.drain().map(([j, s]) => [ids[j]!, roundWeight(s)]);
    if (row.length > 0) yield [ids[i]!, row];
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

function invertedIndex(vectors: ItemVectors): Array<{ items: Int32Array; weights: Float32Array }> {
  const counts = new Int32Array(vectors.features.length);
  for (const v of vectors.vectors) for (const f of v.features) counts[f]!++;
  const postings = Array.from(counts, (n) => ({ items: new Int32Array(n), weights: new Float32Array(n) }));
  const fill = new Int32Array(vectors.features.length);
  vectors.vectors.forEach((v, i) => {
    for (let f = 0; f < v.features.length; f++) {
      const at = v.features[f]!;
      postings[at]!.items[fill[at]!] = i;
      postings[at]!.weights[fill[at]!++] = v.weights[f]!;
    }
  });
  return postings;
}

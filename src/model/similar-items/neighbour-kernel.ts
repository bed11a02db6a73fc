import type { InteractionGraph } from '../interaction-graph.ts';
import { roundWeight, type NeighbourList } from '../neighbour-list.ts';
import { createTopK } from '../top-k.ts';

/**
 * What distinguishes one similarity model from another: the weight of each
 * item->user and user->item edge, and the final score of an accumulated pair.
 * Everything else (sparse accumulation, pruning to top K) is shared.
 */
export interface EdgeWeighting {
  /** Weight of each item->user edge, aligned with `graph.itemUsers`. */
  fromItem: ArrayLike<number>;
  /** Weight of each user->item edge, aligned with `graph.userItems`. */
  toItem: ArrayLike<number>;
  /** The similarity of `i` to `j` given the summed two-step weight; <= 0 drops the pair. */
  score(i: number, j: number, sum: number): number;
}

/**
 * Yields each item's top-`k` neighbours, one item at a time: for item i it sums
 * fromItem(i->u) * toItem(u->j) over its users u and their items j in a scratch
 * vector, scores the touched j and keeps the best k. Memory: two vectors of the
 * item count plus the row being yielded.
 */
export function* neighbourRows(
  graph: InteractionGraph,
  weighting: EdgeWeighting,
  k: number,
  include?: (item: string) => boolean,
): Generator<[string, NeighbourList]> {
  const { itemIds, itemStart, itemUsers, userStart, userItems } = graph;
  const { fromItem, toItem } = weighting;
  const sums = new Float64Array(itemIds.length);
  const touched = new Int32Array(itemIds.length);
  const stamp = new Int32Array(itemIds.length);
  for (let i = 0; i < itemIds.length; i++) {
    if (itemStart[i] === itemStart[i + 1] || (include && !include(itemIds[i]!))) continue;
    let count = 0;
    for (let p = itemStart[i]!; p < itemStart[i + 1]!; p++) {
      const a = fromItem[p]!;
      if (a === 0) continue;
      const u = itemUsers[p]!;
      for (let q = userStart[u]!; q < userStart[u + 1]!; q++) {
        const j = userItems[q]!;
        if (stamp[j] !== i + 1) {
          stamp[j] = i + 1;
          sums[j] = 0;
          touched[count++] = j;
        }
        sums[j]! += a * toItem[q]!;
      }
    }
    const top = createTopK<number>(k);
    for (let n = 0; n < count; n++) {
      const j = touched[n]!;
      if (j === i) continue;
      const score = weighting.score(i, j, sums[j]!);
      if (score > 0 && score > top.floor()) top.push(j, score);
    }
    const list: NeighbourList = top.drain().map(([j, s]) => [itemIds[j]!, roundWeight(s)]);
    if (list.length > 0) yield [itemIds[i]!, list];
  }
}

import type { InteractionGraph } from '../interaction-graph.ts';
import type { EdgeWeighting } from './neighbour-kernel.ts';

/** Parameters of {@link cosineWeighting}. */
export interface CosineOptions {
  /** Added to the norm product, damping pairs seen by few users. Default 10. */
  shrink?: number;
  /** Weight each user by log((1 + items) / items the user touched), damping heavy users. Default true. */
  inverseUserFrequency?: boolean;
}

/**
 * Item cosine: sim(i, j) = sum_u w_ui * w_uj * f(u) / (|i| * |j| + shrink), where
 * f is the inverse user frequency (or 1) and |i| = sqrt(sum_u w_ui^2 * f(u)).
 *
 * @example
 * neighbourRows(graph, cosineWeighting(graph, { shrink: 5 }), 50);
 */
export function cosineWeighting(graph: InteractionGraph, options: CosineOptions = {}): EdgeWeighting {
  const shrink = options.shrink ?? 10;
  const useIuf = options.inverseUserFrequency ?? true;
  const { itemIds, userCount, userStart, userWeights, itemStart, itemUsers, itemWeights } = graph;
  const userFactor = new Float64Array(userCount);
  for (let u = 0; u < userCount; u++) {
    const degree = userStart[u + 1]! - userStart[u]!;
    userFactor[u] = useIuf ? Math.log((1 + itemIds.length) / Math.max(1, degree)) : 1;
  }
  const toItem = new Float32Array(userWeights.length);
  for (let u = 0; u < userCount; u++) {
    for (let q = userStart[u]!; q < userStart[u + 1]!; q++) toItem[q] = userWeights[q]! * userFactor[u]!;
  }
  const norms = new Float64Array(itemIds.length);
  for (let i = 0; i < itemIds.length; i++) {
    let squares = 0;
    for (let p = itemStart[i]!; p < itemStart[i + 1]!; p++) {
      squares += itemWeights[p]! * itemWeights[p]! * userFactor[itemUsers[p]!]!;
    }
    norms[i] = Math.sqrt(squares);
  }
  return {
    fromItem: itemWeights,
    toItem,
    score: (i, j, sum) => sum / (norms[i]! * norms[j]! + shrink),
  };
}

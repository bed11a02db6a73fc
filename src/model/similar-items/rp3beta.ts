import type { InteractionGraph } from '../interaction-graph.ts';
import type { EdgeWeighting } from './neighbour-kernel.ts';

/** Parameters of {@link rp3betaWeighting}. */
export interface Rp3betaOptions {
  /** Exponent on each random-walk transition probability. Default 1. */
  alpha?: number;
  /** Popularity penalty: the score of j is divided by (users of j)^beta. Default 0.5. */
  beta?: number;
}

/**
 * RP3beta (Paudel et al. 2017): the probability of a three-step random walk
 * item i -> user u -> item j, each step's probability raised to alpha, divided by
 * popularity(j)^beta so that neighbours are not just best sellers.
 *
 * @example
 * neighbourRows(graph, rp3betaWeighting(graph, { alpha: 0.8, beta: 0.3 }), 100);
 */
export function rp3betaWeighting(graph: InteractionGraph, options: Rp3betaOptions = {}): EdgeWeighting {
  const alpha = options.alpha ?? 1;
  const beta = options.beta ?? 0.5;
  const { itemIds, userCount, userStart, userWeights, itemStart, itemWeights } = graph;
  const fromItem = rowProbabilities(itemStart, itemWeights, itemIds.length, alpha);
  const toItem = rowProbabilities(userStart, userWeights, userCount, alpha);
  const penalty = new Float64Array(itemIds.length);
  for (let j = 0; j < itemIds.length; j++) {
    penalty[j] = Math.pow(Math.max(1, itemStart[j + 1]! - itemStart[j]!), beta);
  }
  return { fromItem, toItem, score: (_i, j, sum) => sum / penalty[j]! };
}

function rowProbabilities(start: Int32Array, weights: Float32Array, rows: number, alpha: number): Float32Array {
  const out = new Float32Array(weights.length);
  for (let r = 0; r < rows; r++) {
    let total = 0;
    for (let p = start[r]!; p < start[r + 1]!; p++) total += weights[p]!;
    if (total <= 0) continue;
    for (let p = start[r]!; p < start[r + 1]!; p++) out[p] = Math.pow(weights[p]! / total, alpha);
  }
  return out;
}

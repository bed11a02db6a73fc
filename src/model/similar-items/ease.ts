import type { InteractionGraph } from '../interaction-graph.ts';
import { roundWeight, type NeighbourList } from '../neighbour-list.ts';
import { createTopK } from '../top-k.ts';

/** Parameters of {@link easeRows}. */
export interface EaseOptions {
  /** L2 regularisation added to the Gram matrix diagonal. Default 250. */
  lambda?: number;
  /**
   * Only the `maxItems` most popular items take part (required: EASE holds a dense
   * maxItems^2 matrix of doubles, 8 * maxItems^2 bytes, and inverts it in O(maxItems^3)).
   */
  maxItems: number;
}

/**
 * EASE (Steck 2019): the closed-form item-item regression B = I - P / diag(P) with
 * P = (X^T X + lambda I)^-1, pruned to the top `k` positive weights per row.
 * Items beyond `maxItems` get no neighbours and are never recommended.
 *
 * @example
 * for (const [item, list] of easeRows(graph, { maxItems: 2000 }, 100)) save(item, list);
 */
export function* easeRows(graph: InteractionGraph, options: EaseOptions, k: number): Generator<[string, NeighbourList]> {
  for (const row of easeRowSteps(graph, options, k)) if (row) yield row;
}

/** Users summed into the Gram matrix between two steps of {@link easeRowSteps}. */
const USERS_PER_STEP = 512;

/**
 * {@link easeRows} with an `undefined` step between slices of its work (users summed into the
 * Gram matrix, each pivot of the inversion): a caller can pause there instead of holding its
 * isolate for the whole O(maxItems^3) inversion.
 */
export function* easeRowSteps(graph: InteractionGraph, options: EaseOptions, k: number): Generator<[string, NeighbourList] | undefined> {
  const lambda = options.lambda ?? 250;
  const { itemIds, itemStart, userCount, userStart, userItems, userWeights } = graph;
  const chosen = popularItems(itemStart, itemIds.length, options.maxItems);
  const n = chosen.length;
  const position = new Int32Array(itemIds.length).fill(-1);
  chosen.forEach((item, at) => (position[item] = at));
  const gram = new Float64Array(n * n);
  const rowItems: number[] = [];
  const rowWeights: number[] = [];
  for (let u = 0; u < userCount; u++) {
    if (u % USERS_PER_STEP === 0) yield undefined;
    rowItems.length = 0;
    rowWeights.length = 0;
    for (let q = userStart[u]!; q < userStart[u + 1]!; q++) {
      const at = position[userItems[q]!]!;
      if (at < 0) continue;
      rowItems.push(at);
      rowWeights.push(userWeights[q]!);
    }
    for (let a = 0; a < rowItems.length; a++) {
      const base = rowItems[a]! * n;
      for (let b = 0; b < rowItems.length; b++) gram[base + rowItems[b]!]! += rowWeights[a]! * rowWeights[b]!;
    }
  }
  for (let d = 0; d < n; d++) gram[d * n + d]! += lambda;
  yield* invertInPlace(gram, n);
  for (let r = 0; r < n; r++) {
    const top = createTopK<number>(k);
    for (let c = 0; c < n; c++) {
      if (c === r) continue;
      const weight = -gram[r * n + c]! / gram[c * n + c]!;
      if (weight > 0 && weight > top.floor()) top.push(c, weight);
    }
    const list: NeighbourList = top.drain().map(([c, w]) => [itemIds[chosen[c]!]!, roundWeight(w)]);
    if (list.length > 0) yield [itemIds[chosen[r]!]!, list];
  }
}

function popularItems(itemStart: Int32Array, items: number, maxItems: number): number[] {
  const order: number[] = [];
  for (let i = 0; i < items; i++) if (itemStart[i + 1]! > itemStart[i]!) order.push(i);
  const degree = (i: number): number => itemStart[i + 1]! - itemStart[i]!;
  order.sort((a, b) => degree(b) - degree(a) || a - b);
  return order.slice(0, Math.max(0, maxItems));
}

/** Gauss-Jordan inversion of a symmetric positive definite n x n matrix, in place; a step per pivot. */
function* invertInPlace(m: Float64Array, n: number): Generator<undefined> {
  for (let p = 0; p < n; p++) {
    yield undefined;
    const pivotRow = p * n;
    const inverse = 1 / m[pivotRow + p]!;
    m[pivotRow + p] = 1;
    for (let c = 0; c < n; c++) m[pivotRow + c]! *= inverse;
    for (let r = 0; r < n; r++) {
      if (r === p) continue;
      const row = r * n;
      const factor = m[row + p]!;
      if (factor === 0) continue;
      m[row + p] = 0;
      for (let c = 0; c < n; c++) m[row + c]! -= factor * m[pivotRow + c]!;
    }
  }
}

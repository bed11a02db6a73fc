import { packInteractionGraph, type InteractionGraph, type UserRow } from '../interaction-graph.ts';

/**
 * The graph without each removed (shopper, item) edge: the training part of a selection,
 * built from the rebuild's graph instead of a second pass over the log. Needs `userKeys`
 * (graphs from {@link createInteractionLog} have them). Memory: one more copy of the graph.
 *
 * @example
 * const train = graphWithout(graph, new Map([['u1', ['sku-9']]]));
 */
export function graphWithout(graph: InteractionGraph, removed: ReadonlyMap<string, readonly string[]>): InteractionGraph {
  const { userKeys, userStart, userItems, userWeights, userAges, itemIds } = graph;
  if (!userKeys) throw new Error('graphWithout needs a graph with userKeys');
  const itemIndex = new Map<string, number>();
  const wanted = new Set([...removed.values()].flat());
  itemIds.forEach((item, at) => {
    if (wanted.has(item)) itemIndex.set(item, at);
  });
  let dropped = 0;
  const drop = new Map<number, Set<number>>();
  for (let u = 0; u < graph.userCount; u++) {
    const items = removed.get(userKeys[u]!);
    if (!items) continue;
    const indexes = new Set(items.map((item) => itemIndex.get(item)).filter((i) => i !== undefined));
    for (let q = userStart[u]!; q < userStart[u + 1]!; q++) if (indexes.has(userItems[q]!)) dropped++;
    if (indexes.size > 0) drop.set(u, indexes);
  }
  function* rows(): Generator<UserRow> {
    for (let u = 0; u < graph.userCount; u++) {
      const from = userStart[u]!;
      const to = userStart[u + 1]!;
      const out = drop.get(u);
      if (!out) {
        yield { items: userItems.subarray(from, to), weights: userWeights.subarray(from, to), ...(userAges ? { ages: userAges.subarray(from, to) } : {}) };
        continue;
      }
      const items: number[] = [];
      const weights: number[] = [];
      const ages: number[] = [];
      for (let q = from; q < to; q++) {
        if (out.has(userItems[q]!)) continue;
        items.push(userItems[q]!);
        weights.push(userWeights[q]!);
        ages.push(userAges?.[q] ?? 0);
      }
      yield { items, weights, ...(userAges ? { ages } : {}) };
    }
  }
  const train = packInteractionGraph(itemIds, rows(), userItems.length - dropped, graph.userCount, userKeys);
  return graph.agedAt === undefined ? train : { ...train, agedAt: graph.agedAt };
}

const HOUR = 3_600_000;

/**
 * The graph as it stood at `cut` (ms): only the interactions whose latest event is at or before
 * it, aged from it. Needs ages (`userAges`, `agedAt`); an interaction touched both before and
 * after the cut is left out with the later events. Memory: one more copy of what is kept.
 *
 * @example
 * const then = graphAsOf(graph, graph.agedAt! - 30 * 86_400_000);
 */
export function graphAsOf(graph: InteractionGraph, cut: number): InteractionGraph {
  const { userKeys, userStart, userItems, userWeights, userAges, itemIds, agedAt } = graph;
  if (!userAges || agedAt === undefined) throw new Error('graphAsOf needs a graph with ages');
  const back = Math.fround(Math.max(0, agedAt - cut) / HOUR);
  let kept = 0;
  for (let q = 0; q < userAges.length; q++) if (userAges[q]! >= back) kept++;
  function* rows(): Generator<UserRow> {
    for (let u = 0; u < graph.userCount; u++) {
      const items: number[] = [];
      const weights: number[] = [];
      const ages: number[] = [];
      for (let q = userStart[u]!; q < userStart[u + 1]!; q++) {
        if (userAges![q]! < back) continue;
        items.push(userItems[q]!);
        weights.push(userWeights[q]!);
        ages.push(userAges![q]! - back);
      }
      yield { items, weights, ages };
    }
  }
  return { ...packInteractionGraph(itemIds, rows(), kept, graph.userCount, userKeys), agedAt: cut };
}

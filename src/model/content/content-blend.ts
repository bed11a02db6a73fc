import type { InteractionGraph } from '../interaction-graph.ts';
import { roundWeight, type NeighbourList } from '../neighbour-list.ts';
import { createTopK } from '../top-k.ts';
import type { ItemVectors } from './item-vectors.ts';

/** Content neighbours on demand: one item's row at a time through an inverted index. */
export interface ContentIndex {
  /** The item's top-`k` neighbours by cosine of the TF-IDF vectors; undefined for an unknown item. */
  row(item: string, k: number): NeighbourList | undefined;
  /** Every item with a vector. */
  ids: readonly string[];
}

/** Neighbours kept per content row where they are blended (a rare item's list needs no more). */
export const CONTENT_K = 20;

/**
 * Postings one row reads at most. A row reads its item's features rarest first (the highest
 * weights) and stops before a feature whose postings would pass this budget, so a row costs a
 * bounded CPU on any catalog (on a large one, the common features carried by thousands of items
 * are left out of the sum); a catalog whose features stay under it gets the exact cosine.
 */
export const ROW_POSTINGS = 5_000;

/**
 * An index over item vectors: memory is one posting (8 bytes) per item feature plus four
 * arrays of the item count, never items x items; a row costs the postings of its features,
 * at most {@link ROW_POSTINGS}.
 *
 * @example
 * const content = contentIndex(itemVectors(catalogItems));
 * content.row('sku-1', 20); // [['sku-7', 0.61], ...]
 */
export function contentIndex(vectors: ItemVectors, rowPostings = ROW_POSTINGS): ContentIndex {
  const { ids, offsets, featureIds, weights } = vectors;
  const at = new Map(ids.map((id, n) => [id, n]));
  const start = new Int32Array(vectors.features.length + 1);
  for (const f of featureIds) start[f + 1]!++;
  for (let f = 0; f < vectors.features.length; f++) start[f + 1]! += start[f]!;
  const items = new Int32Array(featureIds.length);
  const postingWeights = new Float32Array(featureIds.length);
  const fill = start.slice(0, -1);
  for (let i = 0; i < ids.length; i++)
    for (let p = offsets[i]!; p < offsets[i + 1]!; p++) {
      const f = featureIds[p]!;
      items[fill[f]!] = i;
      postingWeights[fill[f]!++] = weights[p]!;
    }
  const sums = new Float64Array(ids.length);
  const stamp = new Int32Array(ids.length);
  const touched = new Int32Array(ids.length);
  const order: number[] = [];
  let calls = 0;
  return {
    ids,
    row(item, k) {
      const i = at.get(item);
      if (i === undefined) return undefined;
      const mark = ++calls;
      let count = 0;
      order.length = 0;
      for (let p = offsets[i]!; p < offsets[i + 1]!; p++) order.push(p);
      order.sort((a, b) => start[featureIds[a]! + 1]! - start[featureIds[a]!]! - (start[featureIds[b]! + 1]! - start[featureIds[b]!]!) || a - b);
      let read = 0;
      for (const p of order) {
        const f = featureIds[p]!;
        const w = weights[p]!;
        const to = start[f + 1]!;
        if (read > 0 && read + to - start[f]! > rowPostings) break;
        read += to - start[f]!;
        for (let q = start[f]!; q < to; q++) {
          const j = items[q]!;
          if (stamp[j] !== mark) {
            stamp[j] = mark;
            sums[j] = 0;
            touched[count++] = j;
          }
          sums[j]! += w * postingWeights[q]!;
        }
      }
      const top = createTopK<number>(k);
      for (let n = 0; n < count; n++) {
        const j = touched[n]!;
        if (j !== i && sums[j]! > 0 && sums[j]! > top.floor()) top.push(j, sums[j]!);
      }
      return top.drain().map(([j, s]) => [ids[j]!, roundWeight(s)]);
    },
  };
}

/**
 * The content share of an item with `interactions` distinct shoppers: weight / (weight +
 * interactions). A new item (0) is all content, a best seller almost all behaviour; 0: none.
 */
export function contentShare(interactions: number, weight: number): number {
  return weight > 0 ? weight / (weight + Math.max(0, interactions)) : 0;
}

/**
 * One item's similar list from its behaviour and content lists, each scaled so its best is 1,
 * mixed by {@link contentShare}; best `k` first (ties by id).
 *
 * @example
 * blendByInteractions([['b', 2]], [['c', 0.5]], 1, 1, 10); // [['b', 0.5], ['c', 0.5]]
 */
export function blendByInteractions(
  behaviour: ReadonlyArray<readonly [string, number]> | undefined,
  content: ReadonlyArray<readonly [string, number]> | undefined,
  interactions: number,
  weight: number,
  k: number,
): NeighbourList {
  const share = contentShare(interactions, weight);
  const scores = new Map<string, number>();
  const add = (list: ReadonlyArray<readonly [string, number]> | undefined, w: number) => {
    const top = list?.reduce((m, [, s]) => Math.max(m, s), 0) ?? 0;
    if (!list || !(top > 0) || !(w > 0)) return;
    for (const [id, s] of list) if (s > 0) scores.set(id, (scores.get(id) ?? 0) + (w * s) / top);
  };
  add(behaviour, 1 - share);
  add(content, share);
  return [...scores]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, k)
    .map(([id, s]) => [id, roundWeight(s)]);
}

/**
 * The published similar lists with content blended in ({@link blendByInteractions}, `weight`
 * as the selection chose it): each behaviour row blended with the item's content row, then a
 * content-only row for every catalog item that had no behaviour row (new and rare items),
 * `include` limiting those to the rows a part writes. Without `content` or weight, `rows` as is.
 *
 * @example
 * for (const [item, list] of withContent(similarityRows(graph, model, 100), content, 5, shoppersOf(graph), 100)) write(item, list);
 */
export function* withContent(
  rows: Iterable<[string, NeighbourList]>,
  content: ContentIndex | undefined,
  weight: number | undefined,
  shoppers: (item: string) => number,
  k: number,
  include?: (item: string) => boolean,
): Generator<[string, NeighbourList]> {
  if (!content || !weight) {
    yield* rows;
    return;
  }
  const done = new Set<string>();
  for (const [item, list] of rows) {
    done.add(item);
    const n = shoppers(item);
    yield [item, contentShare(n, weight) < 0.01 ? list : blendByInteractions(list, content.row(item, CONTENT_K), n, weight, k)];
  }
  for (const item of content.ids) {
    if (done.has(item) || (include && !include(item))) continue;
    const list = blendByInteractions(undefined, content.row(item, CONTENT_K), shoppers(item), weight, k);
    if (list.length > 0) yield [item, list];
  }
}

/** Distinct shoppers per item of a graph, by id (0 for an item it does not hold). */
export function shoppersOf(graph: InteractionGraph): (item: string) => number {
  const at = new Map(graph.itemIds.map((id, i) => [id, i]));
  return (item) => {
    const i = at.get(item);
    return i === undefined ? 0 : graph.itemStart[i + 1]! - graph.itemStart[i]!;
  };
}

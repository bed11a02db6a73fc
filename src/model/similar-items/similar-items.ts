import type { ShopEvent } from '../events.ts';
import type { InteractionGraph } from '../interaction-graph.ts';
import { createInteractionLog, type InteractionLogStats } from '../interaction-log.ts';
import type { InteractionOptions } from '../interaction-weights.ts';
import type { NeighbourList, NeighbourTable } from '../neighbour-list.ts';
import { cosineWeighting, type CosineOptions } from './cosine.ts';
import { easeRows, easeRowSteps, type EaseOptions } from './ease.ts';
import { neighbourRows } from './neighbour-kernel.ts';
import { rp3betaWeighting, type Rp3betaOptions } from './rp3beta.ts';

/** Which similarity model computes the neighbours, with its parameters. */
export type SimilarityModel = ({ model: 'rp3beta' } & Rp3betaOptions) | ({ model: 'cosine' } & CosineOptions) | ({ model: 'ease' } & EaseOptions);

/** The default model and parameters, chosen by the offline evaluation (src/model/README.md). */
export const defaultSimilarity: SimilarityModel = { model: 'rp3beta', alpha: 0.6, beta: 0.5 };

/** Options of {@link createSimilarItemsBuilder}. */
export interface SimilarItemsOptions extends InteractionOptions {
  /** As in {@link InteractionOptions}, but default true here: binary interactions ranked better offline. */
  binary?: boolean;
  /** Neighbours kept per item. Default 100. */
  k?: number;
  similarity?: SimilarityModel;
}

/** A finished neighbour model: rows are computed lazily, one item at a time. */
export interface SimilarItems {
  /**
   * Each item with at least one neighbour, and its list (best first). Iterate once per call.
   * `include` skips the computation of the other items' rows (a part of a split rebuild).
   */
  rows(include?: (item: string) => boolean): Iterable<[string, NeighbourList]>;
  /** All rows in one plain object; only for catalogs small enough to hold whole. */
  toTable(): NeighbourTable;
  graph: InteractionGraph;
}

/** Streaming builder of item-to-item neighbours: feed event pages, then finish. */
export interface SimilarItemsBuilder {
  add(events: Iterable<ShopEvent>): void;
  finish(now?: number): SimilarItems;
  stats(): InteractionLogStats;
}

/**
 * Builds `similarItems` neighbour lists from the event log, streaming: memory
 * grows with kept interactions (capped per user) and kept pairs, never users x items.
 *
 * @example
 * const builder = createSimilarItemsBuilder({ k: 100 });
 * for await (const page of readEventPages(db)) builder.add(page);
 * for (const [item, neighbours] of builder.finish().rows()) shard.push([item, neighbours]);
 */
export function createSimilarItemsBuilder(options: SimilarItemsOptions = {}): SimilarItemsBuilder {
  const log = createInteractionLog({ ...options, binary: options.binary ?? true });
  const k = options.k ?? 100;
  const similarity = options.similarity ?? defaultSimilarity;
  return {
    add: (events) => log.add(events),
    stats: () => log.stats(),
    finish(now) {
      const graph = log.finish(now);
      const rows = (include?: (item: string) => boolean): Iterable<[string, NeighbourList]> => similarityRows(graph, similarity, k, include);
      return {
        graph,
        rows,
        toTable() {
          const table: NeighbourTable = {};
          for (const [item, list] of rows()) table[item] = list;
          return table;
        },
      };
    },
  };
}

/**
 * Each item's top-`k` neighbours under `similarity`, computed lazily from a finished graph
 * (`include` skips the other items' rows; EASE computes all and filters).
 */
export function similarityRows(
  graph: InteractionGraph,
  similarity: SimilarityModel,
  k: number,
  include?: (item: string) => boolean,
): Iterable<[string, NeighbourList]> {
  switch (similarity.model) {
    case 'cosine':
      return neighbourRows(graph, cosineWeighting(graph, similarity), k, include);
    case 'rp3beta':
      return neighbourRows(graph, rp3betaWeighting(graph, similarity), k, include);
    case 'ease':
      return include ? [...easeRows(graph, similarity, k)].filter(([item]) => include(item)) : easeRows(graph, similarity, k);
  }
}

/**
 * {@link similarityRows} with `undefined` between slices of work that no row marks (EASE's
 * Gram matrix and inversion): the model selection pauses at each step.
 */
export function similarityRowSteps(
  graph: InteractionGraph,
  similarity: SimilarityModel,
  k: number,
  include?: (item: string) => boolean,
): Iterable<[string, NeighbourList] | undefined> {
  if (similarity.model !== 'ease') return similarityRows(graph, similarity, k, include);
  const steps = easeRowSteps(graph, similarity, k);
  return include ? filterSteps(steps, include) : steps;
}

function* filterSteps(
  steps: Iterable<[string, NeighbourList] | undefined>,
  include: (item: string) => boolean,
): Generator<[string, NeighbourList] | undefined> {
  for (const step of steps) yield step === undefined || include(step[0]) ? step : undefined;
}

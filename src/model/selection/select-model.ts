import type { InteractionGraph } from '../interaction-graph.ts';
import type { NeighbourList } from '../neighbour-list.ts';
import { scoredHistoryItems, type HistoryEntry } from '../recommend.ts';
import { similarityRowSteps, type SimilarityModel } from '../similar-items/similar-items.ts';
import { runSteps, type Steps } from '../steps.ts';
import type { HoldoutSample } from './holdout-sample.ts';
import { choiceName, defaultChoice, rankWithChoice, type ModelChoice } from './model-choice.ts';
import { graphWithout } from './train-graph.ts';

/** Bounds and grid of {@link selectModel}. */
export interface SelectionOptions {
  /** Neighbours per item (as published). Default 100. */
  k?: number;
  /** EASE is a candidate only when the graph has at most this many items (8 x n^2 bytes, O(n^3)). Default 1500; 0: never. */
  easeMaxItems?: number;
  /** Neighbour rows the selection holds at most (shoppers are admitted until their history items reach it). Default 4000. */
  maxRows?: number;
  /** History entries scored at most per fold (shoppers are admitted until reached). Default 100000. */
  maxHistoryEntries?: number;
  /** Fewer evaluated shoppers than this: no selection, the default is kept. Default 20. */
  minShoppers?: number;
}

/** One candidate's figures on the selection's held-out items. */
export interface CandidateFigures {
  name: string;
  choice: ModelChoice;
  ndcg10: number;
  hr10: number;
}

/** The outcome of a selection. */
export interface Selection {
  winner: ModelChoice;
  name: string;
  /** Held-out items ranked (shoppers summed over the folds). */
  shoppers: number;
  /** Every candidate scored, in the order scored. */
  candidates: CandidateFigures[];
  /** Why the default was kept without a selection, when it was. */
  skipped?: string;
}

const HOUR = 3_600_000;
/** Rolling-origin folds the rebuild and the evaluation use. */
export const SELECTION_FOLDS = 2;
/** Longest history the grid scores (and the sample's history items that need rows). */
const MAX_HISTORY = 20;
const POPULAR_LIMIT = 100;
/** Rows materialised as lists while one candidate is scored, when a fold needs at most this many. */
const CACHED_ROWS = 1500;

/** The neighbour models tried first, each with the default scoring. */
export function similarityGrid(items: number, easeMaxItems: number): SimilarityModel[] {
  const grid: SimilarityModel[] = [
    defaultChoice.similarity,
    { model: 'rp3beta', alpha: 0.8, beta: 0.3 },
    { model: 'cosine', shrink: 10, inverseUserFrequency: true },
  ];
  if (easeMaxItems > 0 && items <= easeMaxItems) grid.push({ model: 'ease', lambda: 250, maxItems: easeMaxItems });
  return grid;
}

/** History length and half-life tried with the best neighbour model. */
export const SCORING_GRID: ReadonlyArray<Pick<ModelChoice, 'maxHistory' | 'halfLifeMs'>> = [
  { maxHistory: 2, halfLifeMs: 6 * HOUR },
  { maxHistory: MAX_HISTORY, halfLifeMs: 24 * HOUR },
  { maxHistory: MAX_HISTORY, halfLifeMs: null },
];

/** Popularity weights tried with the best neighbour configuration (`only`: popularity alone). */
export const POPULAR_GRID: ReadonlyArray<ModelChoice['popular']> = [0.1, 0.3, 1, 3, 10, 'only'];

/**
 * The most popular items of a graph by distinct shoppers, best first: the list blended with
 * personal scores (the rebuild publishes it as `shoppers` in the trending key).
 */
export function popularByShoppers(graph: InteractionGraph, limit = POPULAR_LIMIT): Array<[string, number]> {
  const order: number[] = [];
  for (let i = 0; i < graph.itemIds.length; i++) if (graph.itemStart[i + 1]! > graph.itemStart[i]!) order.push(i);
  const degree = (i: number) => graph.itemStart[i + 1]! - graph.itemStart[i]!;
  order.sort((a, b) => degree(b) - degree(a) || a - b);
  return order.slice(0, limit).map((i) => [graph.itemIds[i]!, degree(i)]);
}

/** Neighbour rows kept compact (item indexes and weights) while candidates are scored. */
type CompactRows = Map<string, { ids: Int32Array; weights: Float64Array }>;

/** One fold's training graph, shoppers and the rows its candidates need. */
interface Fold {
  train: InteractionGraph;
  popular: Array<[string, number]>;
  shoppers: Array<[string, string, HistoryEntry[]]>;
  needed: Set<string>;
}

/**
 * Chooses the personal model of a shop on its own log: for each fold of the sample (fold 0:
 * each sampled shopper's newest item held out, as the evaluation's test; fold 1: the next
 * newest, rolling origin), removes those items from `graph` (the whole window's graph, with
 * user keys), and scores each candidate on the held-out items by NDCG@10 summed over the folds,
 * with the serving composition ({@link rankWithChoice}), in three rounds: every neighbour model
 * with the default scoring; history length and half-life for the best; popularity blends
 * for the best so far. Ties keep the earlier candidate (the default first). Memory: a copy of the graph
 * per fold and the compact rows of the sampled histories' items (`maxRows` per fold).
 *
 * @example
 * const selection = selectModel(model.graph, sampler.finish(2));
 * const rows = similarityRows(model.graph, selection.winner.similarity, 100);
 */
export function selectModel(graph: InteractionGraph, samples: readonly HoldoutSample[], options: SelectionOptions = {}): Selection {
  return runSteps(selectionSteps(graph, samples, options));
}

/**
 * {@link selectModel} as steps: it yields after every neighbour row, shopper scored or fold
 * prepared, so a rebuild runs it with {@link runStepsYielding} and its isolate keeps serving.
 *
 * @example
 * const selection = await runStepsYielding(selectionSteps(model.graph, sampler.finish(2)));
 */
export function* selectionSteps(graph: InteractionGraph, samples: readonly HoldoutSample[], options: SelectionOptions = {}): Steps<Selection> {
  const k = options.k ?? 100;
  const maxRows = options.maxRows ?? 4000;
  const maxEntries = options.maxHistoryEntries ?? 100_000;
  const folds: Fold[] = [];
  for (const sample of samples) {
    yield;
    const shoppers: Fold['shoppers'] = [];
    const needed = new Set<string>();
    let entries = 0;
    for (const [user, item] of sample.heldOut) {
      const history = sample.histories.get(user) ?? [];
      const items = scoredHistoryItems(history, MAX_HISTORY);
      entries += history.length;
      if ((needed.size + items.length > maxRows || entries > maxEntries) && shoppers.length > 0) break;
      for (const i of items) needed.add(i);
      shoppers.push([user, item, history]);
    }
    const train = graphWithout(graph, new Map(shoppers.map(([user]) => [user, sample.removed.get(user) ?? []])));
    yield;
    folds.push({ train, popular: popularByShoppers(train), shoppers, needed });
  }
  const evaluated = folds.reduce((n, f) => n + f.shoppers.length, 0);
  if (evaluated < (options.minShoppers ?? 20)) {
    return { winner: defaultChoice, name: choiceName(defaultChoice), shoppers: evaluated, candidates: [], skipped: 'too few shoppers with 2 or more items' };
  }
  const tables = new Map<string, CompactRows[]>();
  function* rowsOf(similarity: SimilarityModel): Steps<CompactRows[]> {
    const key = JSON.stringify(similarity);
    let perFold = tables.get(key);
    if (!perFold) {
      perFold = [];
      for (const { train, needed } of folds) {
        const index = new Map<string, number>();
        train.itemIds.forEach((id, at) => index.set(id, at));
        const rows: CompactRows = new Map();
        for (const row of similarityRowSteps(train, similarity, k, (i) => needed.has(i))) {
          yield;
          if (!row) continue;
          const [item, list] = row;
          rows.set(item, { ids: Int32Array.from(list, ([id]) => index.get(id)!), weights: Float64Array.from(list, ([, w]) => w) });
        }
        perFold.push(rows);
      }
      tables.set(key, perFold);
    }
    return perFold;
  }
  const candidates: CandidateFigures[] = [];
  function* score(choice: ModelChoice): Steps<CandidateFigures> {
    const perFold = yield* rowsOf(choice.similarity);
    let hits = 0;
    let gain = 0;
    for (const [f, fold] of folds.entries()) {
      const rows = perFold[f]!;
      const ids = fold.train.itemIds;
      const cache = rows.size <= CACHED_ROWS ? new Map<string, NeighbourList>() : undefined;
      const neighbours = (item: string): NeighbourList | undefined => {
        const cached = cache?.get(item);
        if (cached) return cached;
        const row = rows.get(item);
        if (!row) return undefined;
        const list: NeighbourList = new Array(row.ids.length);
        for (let n = 0; n < row.ids.length; n++) list[n] = [ids[row.ids[n]!]!, row.weights[n]!];
        cache?.set(item, list);
        return list;
      };
      for (const [, item, history] of fold.shoppers) {
        yield;
        const rank = rankWithChoice(choice, { neighbours, popular: fold.popular }, history, 10).indexOf(item);
        if (rank >= 0) {
          hits++;
          gain += 1 / Math.log2(rank + 2);
        }
      }
    }
    const figures = { name: choiceName(choice), choice, ndcg10: gain / evaluated, hr10: hits / evaluated };
    candidates.push(figures);
    return figures;
  }
  const best = (list: readonly CandidateFigures[]) => list.reduce((a, b) => (b.ndcg10 > a.ndcg10 ? b : a));

  const first: CandidateFigures[] = [];
  for (const similarity of similarityGrid(graph.itemIds.length, options.easeMaxItems ?? 1500)) first.push(yield* score({ ...defaultChoice, similarity }));
  const leaders = [...first].sort((a, b) => b.ndcg10 - a.ndcg10).slice(0, 1);
  for (const key of [...tables.keys()]) if (!leaders.some((l) => JSON.stringify(l.choice.similarity) === key)) tables.delete(key);
  const second: CandidateFigures[] = [];
  for (const leader of leaders) for (const scoring of SCORING_GRID) second.push(yield* score({ ...leader.choice, ...scoring }));
  const neighbourBest = best([...first, ...second]);
  for (const popularWeight of POPULAR_GRID) yield* score({ ...neighbourBest.choice, popular: popularWeight });
  const winner = best(candidates);
  return { winner: winner.choice, name: winner.name, shoppers: evaluated, candidates };
}

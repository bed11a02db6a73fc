import type { InteractionGraph } from '../interaction-graph.ts';
import { blendByInteractions, CONTENT_K, type ContentIndex } from '../content/content-blend.ts';
import { roundWeight, type NeighbourList } from '../neighbour-list.ts';
import { scoredHistoryItems, type HistoryEntry } from '../recommend.ts';
import { similarityRowSteps, type SimilarityModel } from '../similar-items/similar-items.ts';
import { runSteps, type Steps } from '../steps.ts';
import type { HoldoutSample } from './holdout-sample.ts';
import { choiceName, defaultChoice, rankWithChoice, type ModelChoice } from './model-choice.ts';
import { graphAsOf, graphWithout } from './train-graph.ts';

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
  /** Content neighbours of the catalog: the blend by interaction count becomes a candidate. */
  content?: ContentIndex;
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
/** The rebuild and the evaluation add a time-ordered sample (holdout-sample.ts) to the folds. */
export const SELECTION_TIMED = true;
/** Longest history the grid scores (and the sample's history items that need rows). */
const MAX_HISTORY = 20;
const POPULAR_LIMIT = 100;
/** Rows materialised as lists while one candidate is scored, when a fold needs at most this many. */
const CACHED_ROWS = 1500;

/** The neighbour models tried first, each with the default scoring: popularity penalties beta 0.5, 0.3 and 0 span sparse and dense logs. */
export function similarityGrid(items: number, easeMaxItems: number): SimilarityModel[] {
  const grid: SimilarityModel[] = [
    defaultChoice.similarity,
    { model: 'rp3beta', alpha: 0.8, beta: 0.3 },
    { model: 'rp3beta', alpha: 0.8, beta: 0 },
    { model: 'cosine', shrink: 10, inverseUserFrequency: true },
  ];
  if (easeMaxItems > 0 && items <= easeMaxItems) grid.push({ model: 'ease', lambda: 250, maxItems: easeMaxItems });
  return grid;
}

/** History length and half-life tried with the best neighbour models. */
export const SCORING_GRID: ReadonlyArray<Pick<ModelChoice, 'maxHistory' | 'halfLifeMs'>> = [
  { maxHistory: 2, halfLifeMs: 6 * HOUR },
  { maxHistory: 10, halfLifeMs: 24 * HOUR },
  { maxHistory: MAX_HISTORY, halfLifeMs: null },
];

/**
 * Position half-lives tried with the best configuration (its 20 newest items, no time decay): judged
 * on the time-ordered targets only, like the popular list's recency.
 */
export const POSITION_GRID: readonly number[] = [1, 2, 4];

/** Popularity weights tried with the best neighbour configuration (`only`: popularity alone). */
/** Content weights tried with the best configuration: an item with this many shoppers takes half its list from content. */
export const CONTENT_GRID: readonly number[] = [1, 5, 25];

export const POPULAR_GRID: ReadonlyArray<ModelChoice['popular']> = [0.3, 1, 3, 'only'];

/** The recent-popularity half-life tried, as a share of the time the graph spans. */
const POPULAR_SPAN_SHARE = 1 / 4;

/**
 * The most popular items of a graph by distinct shoppers, best first: the list blended with
 * personal scores (the rebuild publishes it as `shoppers` in the trending key). With a
 * half-life (and a graph with ages), each shopper counts 2^(-age / half-life).
 */
export function popularByShoppers(graph: InteractionGraph, limit = POPULAR_LIMIT, halfLifeMs: number | null = null, hoursBack = 0): Array<[string, number]> {
  const score = new Float64Array(graph.itemIds.length);
  const ages = halfLifeMs && halfLifeMs > 0 ? graph.userAges : undefined;
  const perHour = halfLifeMs ? HOUR / halfLifeMs : 0;
  for (let q = 0; q < graph.userItems.length; q++) {
    if (!ages) score[graph.userItems[q]!]! += 1;
    else if (ages[q]! >= hoursBack) score[graph.userItems[q]!]! += Math.pow(2, -(ages[q]! - hoursBack) * perHour);
  }
  const order: number[] = [];
  for (let i = 0; i < graph.itemIds.length; i++) if (score[i]! > 0) order.push(i);
  order.sort((a, b) => score[b]! - score[a]! || a - b);
  return order.slice(0, limit).map((i) => [graph.itemIds[i]!, roundWeight(score[i]!)]);
}

/** The recent-popularity half-life a graph is offered: a share of the time it spans; null without ages. */
export function popularHalfLife(graph: InteractionGraph): number | null {
  const ages = graph.userAges;
  if (!ages || ages.length === 0) return null;
  let span = 0;
  for (let q = 0; q < ages.length; q++) if (ages[q]! > span) span = ages[q]!;
  return span > 0 ? Math.max(1, Math.round(span * POPULAR_SPAN_SHARE)) * HOUR : null;
}

/** Neighbour rows kept compact (item indexes and weights) while candidates are scored. */
type CompactRows = Map<string, { ids: Int32Array; weights: Float64Array }>;

/** One held-out item and the history that predicts it. */
type Target = [item: string, history: HistoryEntry[]];

/** A group of sampled shoppers: the graph without their held-out items, their targets, the rows they need. */
interface Group {
  removed: Map<string, string[]>;
  targets: Target[];
  needed: Set<string>;
  train?: InteractionGraph;
  index?: Map<string, number>;
  popular: Map<string, Array<[string, number]>>;
  /** A time-ordered group: the graph as of this time (ms) instead of without `removed`. */
  cut?: number;
}

/** Shopper groups: each is held out of its own copy of the graph, so a copy loses only a share of the shoppers' items. */
export const SELECTION_GROUPS = 2;

/**
 * Chooses the personal model of a shop on its own log. The sampled shoppers (lowest hash first,
 * until `maxRows` history items or `maxHistoryEntries` entries) are dealt into
 * {@link SELECTION_GROUPS} groups; each group is scored on the graph (the whole window's, with
 * user keys) minus its own shoppers' held-out items, so the training graph is as close to the
 * whole log as the test's (one item per shopper of a group, not of everyone). Each sample
 * (fold f: each shopper's (f+1)-th newest item, rolling origin) gives a target per shopper. A
 * time-ordered sample (`cut` set) is a group of its own, scored on the graph as of its cut
 * ({@link graphAsOf}: no interaction after it, popular lists aged from it), its targets the
 * shoppers' first new items after the cut, as serving meets them after a rebuild; it counts
 * when it has at least `minShoppers` targets.
 * Candidates are scored by NDCG@10 over all targets with the serving composition
 * ({@link rankWithChoice}), in rounds that each may replace the incumbent: every neighbour model
 * with the default scoring (another model replaces the default only when its paired gain over it
 * exceeds one standard error, {@link pairedGap}); history length and half-life for the incumbent
 * and the best other model (the best by NDCG); with a time-ordered group, the incumbent's model
 * scored by order ({@link POSITION_GRID}), taken when its paired gain on the time-ordered targets
 * alone exceeds one standard error; popularity blends (all-time and recent popularity)
 * of the incumbent, the list (all-time or recent) decided by the best blend on the time-ordered
 * targets alone when that group counts (the folds' popular lists are computed after their own
 * targets, so they cannot judge recency), on all targets otherwise, then the weight among that
 * list's blends by the pooled rule; and with `options.content` content blends by interaction
 * count; each blend taken only when beyond one standard error better than the incumbent. Ties keep the incumbent. Memory:
 * one copy of the graph per group (the time-ordered one: what precedes the cut) and the
 * compact rows of its shoppers' history items.
 *
 * @example
 * const selection = selectModel(model.graph, sampler.finish(1));
 * const rows = similarityRows(model.graph, selection.winner.similarity, 100);
 */
export function selectModel(graph: InteractionGraph, samples: readonly HoldoutSample[], options: SelectionOptions = {}): Selection {
  return runSteps(selectionSteps(graph, samples, options));
}

/**
 * {@link selectModel} as steps: it yields after every neighbour row, shopper scored or group
 * prepared, so a rebuild runs it with {@link runStepsYielding} and its isolate keeps serving.
 *
 * @example
 * const selection = await runStepsYielding(selectionSteps(model.graph, sampler.finish(2)));
 */
export function* selectionSteps(graph: InteractionGraph, samples: readonly HoldoutSample[], options: SelectionOptions = {}): Steps<Selection> {
  const k = options.k ?? 100;
  const maxRows = options.maxRows ?? 4000;
  const perSample = options.maxHistoryEntries ?? 100_000;
  const folds = samples.filter((sample) => sample.cut === undefined);
  const maxEntries = perSample * Math.max(1, folds.length);
  const groups: Group[] = Array.from({ length: folds.length > 0 ? SELECTION_GROUPS : 0 }, () => ({
    removed: new Map(),
    targets: [],
    needed: new Set<string>(),
    popular: new Map(),
  }));
  let entries = 0;
  let admitted = 0;
  for (const user of folds[0]?.heldOut.keys() ?? []) {
    const group = groups[admitted % groups.length]!;
    const own: Target[] = [];
    const items = new Set<string>();
    let size = 0;
    for (const sample of folds) {
      const item = sample.heldOut.get(user);
      const history = sample.histories.get(user);
      if (item === undefined || !history) continue;
      own.push([item, history]);
      size += history.length;
      for (const i of scoredHistoryItems(history, MAX_HISTORY)) if (!group.needed.has(i)) items.add(i);
    }
    if ((group.needed.size + items.size > maxRows || entries + size > maxEntries) && admitted > 0) break;
    admitted++;
    entries += size;
    for (const i of items) group.needed.add(i);
    group.targets.push(...own);
    group.removed.set(user, [...new Set(folds.flatMap((sample) => sample.removed.get(user) ?? []))]);
  }
  for (const sample of samples) {
    if (sample.cut === undefined) continue;
    const group: Group = { removed: new Map(), targets: [], needed: new Set<string>(), popular: new Map(), cut: sample.cut };
    let size = 0;
    for (const [user, item] of sample.heldOut) {
      const history = sample.histories.get(user)!;
      const items = scoredHistoryItems(history, MAX_HISTORY).filter((i) => !group.needed.has(i));
      if (group.needed.size + items.length > maxRows || size + history.length > perSample) break;
      size += history.length;
      for (const i of items) group.needed.add(i);
      group.targets.push([item, history]);
    }
    if (group.targets.length >= (options.minShoppers ?? 20)) groups.push(group);
  }
  const total = groups.reduce((n, g) => n + g.targets.length, 0);
  if (total < (options.minShoppers ?? 20)) {
    return { winner: defaultChoice, name: choiceName(defaultChoice), shoppers: total, candidates: [], skipped: 'too few shoppers with 2 or more items' };
  }
  for (const group of groups) {
    yield;
    group.train = group.cut === undefined ? graphWithout(graph, group.removed) : graphAsOf(graph, group.cut);
    group.index = new Map(group.train.itemIds.map((id, at) => [id, at]));
  }
  const recentLife = popularHalfLife(graph);
  const popularOf = (group: Group, life: number | null) => {
    const key = `${life}`;
    let list = group.popular.get(key);
    if (!list) group.popular.set(key, (list = popularByShoppers(group.train!, POPULAR_LIMIT, life)));
    return list;
  };
  const tables = new Map<string, CompactRows[]>();
  function* rowsOf(similarity: SimilarityModel): Steps<CompactRows[]> {
    const key = JSON.stringify(similarity);
    let perGroup = tables.get(key);
    if (!perGroup) {
      perGroup = [];
      for (const { train, index, needed } of groups) {
        const rows: CompactRows = new Map();
        for (const row of similarityRowSteps(train!, similarity, k, (i) => needed.has(i))) {
          yield;
          if (!row) continue;
          const [item, list] = row;
          rows.set(item, { ids: Int32Array.from(list, ([id]) => index!.get(id)!), weights: Float64Array.from(list, ([, w]) => w) });
        }
        perGroup.push(rows);
      }
      tables.set(key, perGroup);
    }
    return perGroup;
  }
  const contentRows = new Map<string, NeighbourList | undefined>();
  const contentRow = (item: string) => {
    if (!contentRows.has(item)) contentRows.set(item, options.content?.row(item, CONTENT_K));
    return contentRows.get(item);
  };
  const candidates: CandidateFigures[] = [];
  const gainsOf = new Map<CandidateFigures, Float64Array>();
  function* score(choice: ModelChoice): Steps<CandidateFigures> {
    const perGroup = yield* rowsOf(choice.similarity);
    let hits = 0;
    let gain = 0;
    const gains = new Float64Array(total);
    let at = 0;
    for (const [g, group] of groups.entries()) {
      const rows = perGroup[g]!;
      const ids = group.train!.itemIds;
      const cache = rows.size <= CACHED_ROWS ? new Map<string, NeighbourList>() : undefined;
      const train = group.train!;
      const neighbours = (item: string): NeighbourList | undefined => {
        const cached = cache?.get(item);
        if (cached) return cached;
        const row = rows.get(item);
        let list: NeighbourList | undefined;
        if (row) {
          list = new Array(row.ids.length);
          for (let n = 0; n < row.ids.length; n++) list[n] = [ids[row.ids[n]!]!, row.weights[n]!];
        }
        if (choice.content) {
          const at = group.index!.get(item);
          const shoppers = at === undefined ? 0 : train.itemStart[at + 1]! - train.itemStart[at]!;
          list = blendByInteractions(list, contentRow(item), shoppers, choice.content, k);
        }
        if (list) cache?.set(item, list);
        return list;
      };
      const popular = popularOf(group, choice.popularHalfLifeMs ?? null);
      for (const [item, history] of group.targets) {
        yield;
        const rank = rankWithChoice(choice, { neighbours, popular }, history, 10).indexOf(item);
        if (rank >= 0) {
          hits++;
          gain += gains[at] = 1 / Math.log2(rank + 2);
        }
        at++;
      }
    }
    const figures = { name: choiceName(choice), choice, ndcg10: gain / total, hr10: hits / total };
    candidates.push(figures);
    gainsOf.set(figures, gains);
    return figures;
  }
  const best = (list: readonly CandidateFigures[]) => list.reduce((a, b) => (b.ndcg10 > a.ndcg10 ? b : a));
  /** The challenger replaces the incumbent only when its paired gain is beyond `z` standard errors. */
  const beats = (challenger: CandidateFigures, incumbent: CandidateFigures, z = CHANGE_Z) =>
    challenger !== incumbent && pairedGap(gainsOf.get(challenger)!, gainsOf.get(incumbent)!) > z;

  const first: CandidateFigures[] = [];
  for (const similarity of similarityGrid(graph.itemIds.length, options.easeMaxItems ?? 1500)) first.push(yield* score({ ...defaultChoice, similarity }));
  let incumbent = beats(best(first), first[0]!) ? best(first) : first[0]!;
  const leaders = [incumbent, best(first.filter((c) => c !== incumbent))];
  for (const key of [...tables.keys()]) if (!leaders.some((l) => JSON.stringify(l.choice.similarity) === key)) tables.delete(key);
  const second: CandidateFigures[] = [...leaders];
  for (const leader of leaders) for (const scoring of SCORING_GRID) second.push(yield* score({ ...leader.choice, ...scoring }));
  incumbent = best(second);
  const timed = groups.findIndex((group) => group.cut !== undefined);
  const timedFrom = groups.slice(0, Math.max(0, timed)).reduce((n, g) => n + g.targets.length, 0);
  if (timed >= 0) {
    const ordered: CandidateFigures[] = [];
    for (const positionHalfLife of POSITION_GRID)
      ordered.push(yield* score({ ...incumbent.choice, maxHistory: MAX_HISTORY, halfLifeMs: null, positionHalfLife }));
    const top = bestOnRange(ordered, gainsOf, timedFrom, total);
    if (pairedGap(gainsOf.get(top)!.subarray(timedFrom, total), gainsOf.get(incumbent)!.subarray(timedFrom, total)) > CHANGE_Z) incumbent = top;
  }
  const third: CandidateFigures[] = [];
  for (const life of recentLife ? [null, recentLife] : [null])
    for (const popularWeight of POPULAR_GRID)
      third.push(yield* score({ ...incumbent.choice, popular: popularWeight, ...(life ? { popularHalfLifeMs: life } : {}) }));
  const life = timed >= 0 ? bestOnRange(third, gainsOf, timedFrom, total).choice.popularHalfLifeMs : undefined;
  const blends = timed >= 0 ? third.filter((c) => c.choice.popularHalfLifeMs === life) : third;
  if (beats(best(blends), incumbent)) incumbent = best(blends);
  if (options.content && incumbent.choice.popular !== 'only') {
    const fourth: CandidateFigures[] = [];
    for (const weight of CONTENT_GRID) fourth.push(yield* score({ ...incumbent.choice, content: weight }));
    if (beats(best(fourth), incumbent)) incumbent = best(fourth);
  }
  const winner = incumbent;
  return { winner: winner.choice, name: winner.name, shoppers: total, candidates };
}

/** The candidate with the highest gain summed over targets `from` to `to` (the first of equals). */
function bestOnRange(list: readonly CandidateFigures[], gainsOf: Map<CandidateFigures, Float64Array>, from: number, to: number): CandidateFigures {
  const sum = (c: CandidateFigures) =>
    gainsOf
      .get(c)!
      .subarray(from, to)
      .reduce((a, b) => a + b, 0);
  let top = list[0]!;
  let topSum = sum(top);
  for (const c of list.slice(1)) {
    const s = sum(c);
    if (s > topSum) [top, topSum] = [c, s];
  }
  return top;
}

/** A change of the incumbent needs a paired gain above this many standard errors. */
const CHANGE_Z = 1;

/**
 * The paired gain of `a` over `b` in standard errors: the mean per-item difference divided by
 * its standard error (0 when they never differ, +/-Infinity when they always differ the same way).
 */
export function pairedGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length < 2) return 0;
  const { mean, se } = pairedDifference(a, b);
  return se > 0 ? mean / se : mean === 0 ? 0 : mean * Infinity;
}

/**
 * The mean per-item difference `a - b` and its standard error (0 with fewer than 2 items).
 *
 * @example
 * pairedDifference([1, 0, 0, 0], [0, 0, 0, 0]); // { mean: 0.25, se: 0.25 }
 */
export function pairedDifference(a: ArrayLike<number>, b: ArrayLike<number>): { mean: number; se: number } {
  const n = a.length;
  if (n < 2) return { mean: n === 1 ? a[0]! - b[0]! : 0, se: 0 };
  let sum = 0;
  for (let t = 0; t < n; t++) sum += a[t]! - b[t]!;
  const mean = sum / n;
  let squares = 0;
  for (let t = 0; t < n; t++) squares += (a[t]! - b[t]! - mean) ** 2;
  return { mean, se: Math.sqrt(squares / (n - 1) / n) };
}

import { eventItem, type ShopEvent } from '../model/events.ts';
import { startHeapProbe } from './heap-probe.ts';
import type { Split } from './leave-last-out.ts';
import { createMetrics } from './metrics.ts';
import type { Recommender } from './recommenders.ts';
import { pairedDifference } from '../model/selection/select-model.ts';

/**
 * One model's figures on one split: `hr<k>`, `ndcg<k>`, `hr<2k>`, `cov<k>` (k = 10
 * gives hr10, ndcg10, hr20, cov10), build time, and peak heap above the pre-build
 * baseline, sampled during the build (see heap-probe.ts).
 */
export type ModelResult = Record<string, number> & { buildMs: number; peakHeapMB: number };

/** The whole evaluation: data size and every model's figures, same split, same run. */
export interface EvaluationReport {
  protocol: string;
  users: number;
  items: number;
  evaluated: number;
  models: Record<string, ModelResult>;
  /** The row of what the engine would serve. */
  default: string;
  /** The model selection run on the training part (the eval CLI adds it). */
  selection?: Record<string, unknown>;
  /** The default against the best other model of the run, when there is one. */
  defaultVsBest?: DefaultVsBest;
}

/**
 * How far the default is from the best other model of the same run, on the same held-out
 * items: NDCG@k ratio (unrounded figures), and the mean per-user NDCG difference (default -
 * best) with its standard error, so a shortfall can be told from the test split's own noise.
 */
export interface DefaultVsBest {
  best: string;
  ratio: number;
  gap: number;
  se: number;
}

/** What {@link evaluate} compares, and how. */
export interface EvaluationPlan {
  protocol: string;
  split: Split;
  recommenders: readonly Recommender[];
  defaultModel: string;
  /** Ranking cutoff. Default 10. */
  k?: number;
}

/**
 * Builds each recommender on the training events and ranks every evaluated
 * user's unseen items against the held-out item. Coverage counts the whole catalog
 * of `events`.
 */
export function evaluate(events: readonly ShopEvent[], plan: EvaluationPlan): EvaluationReport {
  const { split, k = 10 } = plan;
  const catalog = new Set<string>();
  for (const event of events) {
    const item = eventItem(event);
    if (item !== undefined) catalog.add(item);
  }
  const models: Record<string, ModelResult> = {};
  const gains = new Map<string, Float64Array>();
  for (const recommender of plan.recommenders) {
    const probe = startHeapProbe();
    const started = performance.now();
    const rank = recommender.build(split.train, probe.sample);
    const buildMs = performance.now() - started;
    const metrics = createMetrics(catalog.size, k);
    const perUser = new Float64Array(split.heldOut.size);
    let at = 0;
    for (const [user, item] of split.heldOut) {
      const ranked = rank(split.histories.get(user) ?? [], 2 * k);
      metrics.add(ranked, item);
      const position = ranked.indexOf(item);
      perUser[at++] = position >= 0 && position < k ? 1 / Math.log2(position + 2) : 0;
    }
    gains.set(recommender.name, perUser);
    const m = metrics.result();
    models[recommender.name] = {
      [`hr${k}`]: round(m.hitRate),
      [`ndcg${k}`]: round(m.ndcg),
      [`hr${2 * k}`]: round(m.hitRate2k),
      [`cov${k}`]: round(m.coverage),
      buildMs: Math.round(buildMs),
      peakHeapMB: Math.round(probe.peakMB() * 10) / 10,
    };
  }
  const defaultVsBest = compareDefault(gains, plan.defaultModel);
  return {
    protocol: plan.protocol,
    users: split.histories.size,
    items: catalog.size,
    evaluated: split.heldOut.size,
    models,
    default: plan.defaultModel,
    ...(defaultVsBest ? { defaultVsBest } : {}),
  };
}

function compareDefault(gains: ReadonlyMap<string, Float64Array>, name: string): DefaultVsBest | undefined {
  const mine = gains.get(name);
  const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
  let best: [string, Float64Array] | undefined;
  for (const entry of gains) if (entry[0] !== name && (!best || sum(entry[1]) > sum(best[1]))) best = entry;
  if (!mine || !best || mine.length === 0) return undefined;
  const { mean, se } = pairedDifference(mine, best[1]);
  const top = sum(best[1]);
  return { best: best[0], ratio: top > 0 ? Math.round((sum(mine) / top) * 1000) / 1000 : 1, gap: roundTo(mean, 6), se: roundTo(se, 6) };
}

function round(x: number): number {
  return roundTo(x, 4);
}

function roundTo(x: number, digits: number): number {
  return Math.round(x * 10 ** digits) / 10 ** digits;
}

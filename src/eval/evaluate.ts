import { eventItem, type ShopEvent } from '../model/events.ts';
import { startHeapProbe } from './heap-probe.ts';
import type { Split } from './leave-last-out.ts';
import { createMetrics } from './metrics.ts';
import type { Recommender } from './recommenders.ts';

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
  for (const recommender of plan.recommenders) {
    const probe = startHeapProbe();
    const started = performance.now();
    const rank = recommender.build(split.train, probe.sample);
    const buildMs = performance.now() - started;
    const metrics = createMetrics(catalog.size, k);
    for (const [user, item] of split.heldOut) metrics.add(rank(split.histories.get(user) ?? [], 2 * k), item);
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
  return {
    protocol: plan.protocol,
    users: split.histories.size,
    items: catalog.size,
    evaluated: split.heldOut.size,
    models,
    default: plan.defaultModel,
  };
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

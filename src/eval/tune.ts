import type { ShopEvent } from '../model/events.ts';
import type { SimilarityModel } from '../model/similar-items/similar-items.ts';
import { validationSplit } from './leave-last-out.ts';
import { createMetrics } from './metrics.ts';
import { neighbourModel, type Recommender } from './recommenders.ts';

/** One grid point's result on the validation split. */
export interface TuningResult {
  name: string;
  hr10: number;
  ndcg10: number;
}

const HOUR = 3_600_000;

/** The grid: scoring history (size, half-life) x RP3beta alpha, beta; cosine shrink, IUF; EASE lambda. */
export function tuningGrid(): Recommender[] {
  const models: Array<[string, SimilarityModel]> = [];
  for (const alpha of [0.3, 0.4, 0.6]) {
    for (const beta of [0.4, 0.5, 0.6, 0.7]) models.push([`rp3beta alpha=${alpha} beta=${beta}`, { model: 'rp3beta', alpha, beta }]);
  }
  for (const shrink of [0, 10, 50]) {
    for (const iuf of [false, true]) models.push([`cosine shrink=${shrink} iuf=${iuf}`, { model: 'cosine', shrink, inverseUserFrequency: iuf }]);
  }
  for (const lambda of [100, 250, 500]) models.push([`ease lambda=${lambda}`, { model: 'ease', lambda, maxItems: 2000 }]);
  const grid: Recommender[] = [];
  for (const maxHistory of [5, 10, 20]) {
    for (const halfLifeMs of [6 * HOUR, 24 * HOUR]) {
      for (const [name, similarity] of models) {
        grid.push(neighbourModel(`${name} history=${maxHistory} halfLife=${halfLifeMs / HOUR}h`, { similarity }, { maxHistory, halfLifeMs }));
      }
    }
  }
  return grid;
}

/**
 * Scores every grid point on the validation split (the test items are removed
 * before anything is seen), best NDCG@10 first.
 */
export function tune(events: readonly ShopEvent[], grid: readonly Recommender[] = tuningGrid()): TuningResult[] {
  const split = validationSplit(events);
  const items = new Set(split.train.map((e) => e.item)).size;
  const results: TuningResult[] = [];
  for (const recommender of grid) {
    const rank = recommender.build(split.train, () => {});
    const metrics = createMetrics(items, 10);
    for (const [user, item] of split.heldOut) metrics.add(rank(split.histories.get(user) ?? [], 10), item);
    const { hitRate, ndcg } = metrics.result();
    results.push({ name: recommender.name, hr10: hitRate, ndcg10: ndcg });
  }
  return results.sort((a, b) => b.ndcg10 - a.ndcg10);
}

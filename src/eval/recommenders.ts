import { eventItem, type ShopEvent } from '../model/events.ts';
import type { NeighbourList } from '../model/neighbour-list.ts';
import { recommendFromHistory, type RecommendOptions } from '../model/recommend.ts';
import { createSimilarItemsBuilder, type SimilarItemsOptions } from '../model/similar-items/similar-items.ts';

/** Ranks items for one user from that user's training events, best first. */
export type Ranker = (history: readonly ShopEvent[], count: number) => string[];

/**
 * Anything the evaluation can compare: built once from the training events.
 * `probe` is called between pages and rows so that peak heap can be sampled.
 */
export interface Recommender {
  name: string;
  build(train: readonly ShopEvent[], probe: () => void): Ranker;
}

/** Rebuild page size: the D1 log is read in pages of this many events. */
export const PAGE_SIZE = 1000;

/** Baseline: the items with the most distinct users, minus the user's own. */
export function popularity(): Recommender {
  return {
    name: 'popularity',
    build(train, probe) {
      const users = new Map<string, Set<string>>();
      for (const event of train) {
        const item = eventItem(event);
        if (item === undefined) continue;
        let set = users.get(item);
        if (!set) users.set(item, (set = new Set()));
        set.add(event.user);
      }
      probe();
      const ranked = [...users].sort((a, b) => b[1].size - a[1].size).map(([item]) => item);
      return (history, count) => {
        const seen = new Set(history.map((e) => e.item));
        const out: string[] = [];
        for (const item of ranked) {
          if (out.length === count) break;
          if (!seen.has(item)) out.push(item);
        }
        return out;
      };
    },
  };
}

/** Scoring options the evaluation passes to {@link recommendFromHistory}. */
export type ScoringOptions = Pick<RecommendOptions, 'halfLifeMs' | 'maxHistory'>;

/**
 * A neighbour model built through the production path (streaming builder fed in
 * pages) and ranked through the production scoring function.
 */
export function neighbourModel(name: string, options: SimilarItemsOptions, scoring: ScoringOptions = {}): Recommender {
  return {
    name,
    build(train, probe) {
      const builder = createSimilarItemsBuilder(options);
      for (let at = 0; at < train.length; at += PAGE_SIZE) {
        builder.add(train.slice(at, at + PAGE_SIZE));
        probe();
      }
      const model = builder.finish();
      probe();
      const table = new Map<string, NeighbourList>();
      for (const [item, list] of model.rows()) {
        table.set(item, list);
        if (table.size % 64 === 0) probe();
      }
      probe();
      return (history, count) =>
        recommendFromHistory({
          history: history.map((e) => ({ item: e.item!, ts: e.ts, type: e.type })),
          neighbours: table,
          limit: count,
          ...scoring,
        }).map((r) => r.item);
    },
  };
}

/**
 * Serving's composition: the model's list, filled up from the fallback's list
 * (popularity) when the model has fewer than `count` items for a user.
 */
export function withFallback(model: Recommender, fallback: Recommender): Recommender {
  return {
    name: `${model.name}+${fallback.name}`,
    build(train, probe) {
      const first = model.build(train, probe);
      const second = fallback.build(train, probe);
      return (history, count) => {
        const ranked = first(history, count);
        if (ranked.length >= count) return ranked;
        const chosen = new Set(ranked);
        for (const item of second(history, count + ranked.length)) {
          if (ranked.length === count) break;
          if (!chosen.has(item)) ranked.push(item);
        }
        return ranked;
      };
    },
  };
}

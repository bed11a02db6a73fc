import { catalogLookup, type CatalogMaps } from './catalog.ts';
import { eventItem, type ShopEvent } from './events.ts';
import { decay, defaultEventWeights, eventWeight, type EventWeights } from './interaction-weights.ts';
import { roundWeight } from './neighbour-list.ts';
import { createTopK } from './top-k.ts';

/** Items with their decayed, weighted event counts, best first. */
export type TrendingList = Array<[string, number]>;

/** The global list and one list per category. */
export interface TrendingLists {
  global: TrendingList;
  byCategory: Record<string, TrendingList>;
}

/** Options of {@link createTrendingBuilder}. */
export interface TrendingOptions {
  /** Half-life of an event's weight. Default 2 days; `Infinity` gives all-time popularity. */
  halfLifeMs?: number;
  /** Items per list. Default 100. */
  limit?: number;
  weights?: Partial<EventWeights>;
  /** Where an item's categories come from. */
  catalog?: CatalogMaps;
}

/** Streaming builder of trending (or, undecayed, popular) lists. */
export interface TrendingBuilder {
  add(events: Iterable<ShopEvent>): void;
  /** Decays every count to `now` (default: the latest event) and ranks. */
  finish(now?: number): TrendingLists;
}

/**
 * Counts events per item, each weighted by its type and decayed by age, globally
 * and per category: the lists for cold start and fallbacks. Memory grows with items.
 *
 * @example
 * const trending = createTrendingBuilder({ halfLifeMs: 86_400_000, catalog: { categories } });
 * const popular = createTrendingBuilder({ halfLifeMs: Infinity });
 * for (const page of pages) { trending.add(page); popular.add(page); }
 * trending.finish().byCategory['tents'];
 */
export function createTrendingBuilder(options: TrendingOptions = {}): TrendingBuilder {
  const halfLifeMs = options.halfLifeMs ?? 2 * 86_400_000;
  const limit = options.limit ?? 100;
  const weights = { ...defaultEventWeights, ...options.weights };
  const catalog = catalogLookup(options.catalog);
  const counts = new Map<string, { score: number; ts: number }>();
  let latest = -Infinity;

  return {
    add(events) {
      for (const event of events) {
        const item = eventItem(event);
        const weight = eventWeight(event, weights);
        if (item === undefined || weight === 0) continue;
        latest = Math.max(latest, event.ts);
        const count = counts.get(item);
        if (!count) {
          if (weight > 0) counts.set(item, { score: weight, ts: event.ts });
        } else if (event.ts >= count.ts) {
          count.score = Math.max(0, count.score * decay(event.ts - count.ts, halfLifeMs) + weight);
          count.ts = event.ts;
        } else {
          count.score = Math.max(0, count.score + weight * decay(count.ts - event.ts, halfLifeMs));
        }
      }
    },
    finish(now = latest) {
      const global = createTopK<string>(limit);
      const perCategory = new Map<string, ReturnType<typeof createTopK<string>>>();
      for (const [item, { score, ts }] of counts) {
        const decayed = score * decay(now - ts, halfLifeMs);
        if (decayed <= 0) continue;
        global.push(item, decayed);
        for (const category of catalog.categories(item)) {
          let top = perCategory.get(category);
          if (!top) perCategory.set(category, (top = createTopK<string>(limit)));
          top.push(item, decayed);
        }
      }
      const rounded = (list: TrendingList): TrendingList => list.map(([item, s]) => [item, roundWeight(s)]);
      const byCategory: Record<string, TrendingList> = {};
      for (const [category, top] of perCategory) byCategory[category] = rounded(top.drain());
      return { global: rounded(global.drain()), byCategory };
    },
  };
}

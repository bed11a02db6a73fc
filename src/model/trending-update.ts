import type { ShopEvent } from './events.ts';
import { decay, defaultEventWeights, eventWeight } from './interaction-weights.ts';
import { roundWeight } from './neighbour-list.ts';
import type { TrendingList, TrendingLists } from './trending.ts';

/** Options of {@link updateTrending}. */
export interface TrendingUpdateOptions {
  /** Must match the half-life the lists were built with. Default 2 days. */
  halfLifeMs?: number;
  /** Items per list. Default 100. */
  limit?: number;
  /** An item's categories (from the catalog snapshot). */
  categories: (item: string) => readonly string[];
}

/**
 * Moves trending lists from time `at` to `now` with the events in between: every score decays,
 * each event adds its weight to its item (globally and in its categories), lists are cut to
 * `limit` again. Cheap and incremental, so purchases reach trending minutes after they happen;
 * an item outside a list starts from zero there (the next full rebuild is exact again).
 */
export function updateTrending(lists: TrendingLists, at: number, events: Iterable<ShopEvent>, now: number, options: TrendingUpdateOptions): TrendingLists {
  const halfLifeMs = options.halfLifeMs ?? 2 * 86_400_000;
  const limit = options.limit ?? 100;
  const aged = decay(now - at, halfLifeMs);
  const global = new Map(lists.global.map(([id, s]) => [id, s * aged]));
  const byCategory = new Map(Object.entries(lists.byCategory).map(([c, list]) => [c, new Map(list.map(([id, s]) => [id, s * aged]))]));
  for (const event of events) {
    if (!event.item || event.type === 'impression') continue;
    const weight = eventWeight(event, defaultEventWeights) * decay(now - event.ts, halfLifeMs);
    if (weight === 0) continue;
    global.set(event.item, Math.max(0, (global.get(event.item) ?? 0) + weight));
    for (const category of options.categories(event.item)) {
      let list = byCategory.get(category);
      if (!list) byCategory.set(category, (list = new Map()));
      list.set(event.item, Math.max(0, (list.get(event.item) ?? 0) + weight));
    }
  }
  const ranked = (scores: Map<string, number>): TrendingList =>
    [...scores]
      .filter(([, s]) => s > 0)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, limit)
      .map(([id, s]) => [id, roundWeight(s)]);
  return { global: ranked(global), byCategory: Object.fromEntries([...byCategory].map(([c, scores]) => [c, ranked(scores)])) };
}

import { cosine } from '../model/content/content-neighbours.ts';
import { itemVectors, vectorAt, type ContentItem } from '../model/content/item-vectors.ts';
import { eventItem, historyKey, type ShopEvent } from '../model/events.ts';
import { scoredHistoryItems } from '../model/recommend.ts';
import { unitHash } from '../model/selection/holdout-sample.ts';
import { createMetrics, type RankingMetrics } from './metrics.ts';

/** Options of {@link coldStart}. */
export interface ColdStartOptions {
  /** Share of the interacted items made new (all their interactions held out). Default 0.1. */
  share?: number;
  /** History items (most recent distinct) the content score sums over. Default 20. */
  maxHistory?: number;
  k?: number;
  seed?: number;
}

/** The cold-start figures: content similarity alone against popularity in the shopper's categories. */
export interface ColdStartReport {
  protocol: 'cold-start';
  newItems: number;
  evaluated: number;
  /** HR@k of a random order of the new items (k / new items). */
  chance: number;
  models: Record<'content' | 'popularity-in-category', RankingMetrics>;
}

/**
 * Cold start: a hashed sample of the interacted items (`share`) becomes "new products" with
 * every interaction held out; each shopper who touched one and has training history is asked
 * to rank the new items only, and their earliest new item is the target. `content` scores a new
 * item by the summed cosine (catalog TF-IDF: title words, categories, price band, attributes)
 * to the shopper's `maxHistory` most recent training items; `popularity-in-category` by the
 * shopper's share of history in the item's categories, ties by the category's popularity in training.
 *
 * @example
 * coldStart(events, catalogItems).models.content.hitRate;
 */
export function coldStart(events: readonly ShopEvent[], catalog: readonly ContentItem[], options: ColdStartOptions = {}): ColdStartReport {
  const share = options.share ?? 0.1;
  const k = options.k ?? 10;
  const known = new Map(catalog.map((item) => [item.id, item]));
  const interacted = new Set<string>();
  for (const e of events) {
    const item = eventItem(e);
    if (item !== undefined && known.has(item)) interacted.add(item);
  }
  const fresh = [...interacted].filter((item) => unitHash(item, options.seed ?? 0) < share).sort();
  const isNew = new Set(fresh);
  const histories = new Map<string, ShopEvent[]>();
  const targets = new Map<string, { item: string; ts: number }>();
  const categoryCount = new Map<string, number>();
  for (const e of events) {
    const item = eventItem(e);
    const user = historyKey(e);
    if (item === undefined || user === undefined || !known.has(item)) continue;
    if (isNew.has(item)) {
      const t = targets.get(user);
      if (!t || e.ts < t.ts) targets.set(user, { item, ts: e.ts });
      continue;
    }
    let list = histories.get(user);
    if (!list) histories.set(user, (list = []));
    list.push(e);
    for (const c of known.get(item)!.categories ?? []) categoryCount.set(c, (categoryCount.get(c) ?? 0) + 1);
  }
  const vectors = itemVectors(catalog);
  const vectorOf = new Map(vectors.ids.map((id, n) => [id, vectorAt(vectors, n)]));
  const content = createMetrics(fresh.length, k);
  const byCategory = createMetrics(fresh.length, k);
  let evaluated = 0;
  for (const [user, target] of targets) {
    const history = histories.get(user);
    if (!history?.length) continue;
    evaluated++;
    const recent = scoredHistoryItems(
      history.map((e) => ({ item: e.item!, ts: e.ts })),
      options.maxHistory ?? 20,
    );
    const rank = (score: (item: string) => number) =>
      fresh
        .map((item) => [item, score(item)] as const)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, 2 * k)
        .map(([item]) => item);
    content.add(
      rank((item) => recent.reduce((sum, h) => sum + cosine(vectorOf.get(h)!, vectorOf.get(item)!), 0)),
      target.item,
    );
    const affinity = new Map<string, number>();
    for (const e of history) for (const c of known.get(e.item!)!.categories ?? []) affinity.set(c, (affinity.get(c) ?? 0) + 1 / history.length);
    byCategory.add(
      rank((item) => (known.get(item)!.categories ?? []).reduce((sum, c) => sum + (affinity.get(c) ?? 0) + 1e-9 * (categoryCount.get(c) ?? 0), 0)),
      target.item,
    );
  }
  return {
    protocol: 'cold-start',
    newItems: fresh.length,
    evaluated,
    chance: fresh.length ? Math.min(1, k / fresh.length) : 0,
    models: { content: content.result(), 'popularity-in-category': byCategory.result() },
  };
}

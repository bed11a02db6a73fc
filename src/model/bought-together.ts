import { eventItem, historyKey, type ShopEvent } from './events.ts';
import { roundWeight } from './neighbour-list.ts';

/**
 * Items bought with one item, best first: `[item, confidence, lift, support]` where
 * support = baskets holding both, confidence = support / baskets holding the first,
 * lift = confidence / share of baskets holding the second.
 */
export type BoughtTogetherList = Array<[string, number, number, number]>;

/** Every item's bought-together list (plain object, JSON-able). */
export type BoughtTogetherTable = Record<string, BoughtTogetherList>;

/** Thresholds and basket rules of {@link createBoughtTogetherBuilder}. */
export interface BoughtTogetherOptions {
  /** Minimum baskets holding both items. Default 2. */
  minSupport?: number;
  /** Minimum P(second | first). Default 0.05. */
  minConfidence?: number;
  /** Minimum lift: > 1 means bought together more often than chance. Default 1.5. */
  minLift?: number;
  /** Purchases of one session (or, without one, one user) this close together form one basket. Default 1 hour. */
  basketGapMs?: number;
  /** Baskets larger than this count for items but add no pairs (wholesale orders). Default 50. */
  maxBasketSize?: number;
  /** Items kept per list. Default 20. */
  k?: number;
}

/** The thresholds and basket rules when {@link BoughtTogetherOptions} leaves them out. */
export const BOUGHT_TOGETHER_DEFAULTS: Readonly<Required<BoughtTogetherOptions>> = {
  minSupport: 2,
  minConfidence: 0.05,
  minLift: 1.5,
  basketGapMs: 3_600_000,
  maxBasketSize: 50,
  k: 20,
};

/** Streaming builder of bought-together lists from purchase events. */
export interface BoughtTogetherBuilder {
  add(events: Iterable<ShopEvent>): void;
  finish(): { baskets: number; table: BoughtTogetherTable };
}

/**
 * Groups purchases into baskets (one session, or one user's purchases less than
 * `basketGapMs` apart), counts items and pairs per basket, and keeps the pairs that
 * pass support, confidence and lift thresholds, so only real complements survive. A list is
 * ranked by confidence, lift breaking near ties, then id, so it does not depend on the order of the log
 * (the offline rebuild's SQL, src/offline/sql/05-bought-together.sql, ranks the same way).
 *
 * @example
 * const builder = createBoughtTogetherBuilder({ minSupport: 3 });
 * builder.add(page);
 * const { table } = builder.finish(); // table['tent'] = [['pegs', 0.4, 3.1, 12]]
 */
export function createBoughtTogetherBuilder(options: BoughtTogetherOptions = {}): BoughtTogetherBuilder {
  const d = BOUGHT_TOGETHER_DEFAULTS;
  const { minSupport = d.minSupport, minConfidence = d.minConfidence, minLift = d.minLift, k = d.k } = options;
  const { basketGapMs: gap = d.basketGapMs, maxBasketSize = d.maxBasketSize } = options;
  const open = new Map<string, { items: Set<string>; lastTs: number }>();
  const itemBaskets = new Map<string, number>();
  const pairs = new Map<string, Map<string, number>>();
  let baskets = 0;
  let latest = -Infinity;

  function close(items: Set<string>): void {
    baskets++;
    const list = [...items].sort();
    for (const item of list) itemBaskets.set(item, (itemBaskets.get(item) ?? 0) + 1);
    if (list.length > maxBasketSize) return;
    for (let a = 0; a < list.length; a++) {
      let row = pairs.get(list[a]!);
      if (!row) pairs.set(list[a]!, (row = new Map()));
      for (let b = a + 1; b < list.length; b++) row.set(list[b]!, (row.get(list[b]!) ?? 0) + 1);
    }
  }

  function closeIdle(before: number): void {
    for (const [key, basket] of open) {
      if (basket.lastTs < before) {
        close(basket.items);
        open.delete(key);
      }
    }
  }

  /** A rule's rank: confidence, lift breaking near ties. */
  const score = (entry: readonly [string, number, number, number]) => entry[1] + entry[2] * 1e-9;

  function rule(from: string, to: string, support: number, lists: Map<string, Array<[string, number, number, number]>>): void {
    const confidence = support / itemBaskets.get(from)!;
    const lift = (confidence * baskets) / itemBaskets.get(to)!;
    if (confidence < minConfidence || lift < minLift) return;
    let list = lists.get(from);
    if (!list) lists.set(from, (list = []));
    list.push([to, confidence, lift, support]);
  }

  return {
    add(events) {
      for (const event of events) {
        const item = eventItem(event);
        const owner = event.session ? `session:${event.session}` : historyKey(event);
        if (event.type !== 'purchase' || item === undefined || owner === undefined) continue;
        latest = Math.max(latest, event.ts);
        const basket = open.get(owner);
        if (basket && Math.abs(event.ts - basket.lastTs) <= gap) {
          basket.items.add(item);
          basket.lastTs = Math.max(basket.lastTs, event.ts);
        } else {
          if (basket) close(basket.items);
          open.set(owner, { items: new Set([item]), lastTs: event.ts });
        }
      }
      closeIdle(latest - gap);
    },
    finish() {
      closeIdle(Infinity);
      const lists = new Map<string, Array<[string, number, number, number]>>();
      for (const [a, row] of pairs) {
        for (const [b, support] of row) {
          if (support < minSupport) continue;
          rule(a, b, support, lists);
          rule(b, a, support, lists);
        }
      }
      const table: BoughtTogetherTable = {};
      for (const [item, list] of lists) {
        list.sort((x, y) => score(y) - score(x) || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
        table[item] = list.slice(0, k).map(([to, confidence, lift, support]) => [to, roundWeight(confidence), roundWeight(lift), support]);
      }
      return { baskets, table };
    },
  };
}

import { eventItem, historyKey, type ShopEvent } from './events.ts';
import { packInteractionGraph, type InteractionGraph, type UserRow } from './interaction-graph.ts';
import { decay, eventWeight, resolveInteractionOptions, type InteractionOptions } from './interaction-weights.ts';

/** Counters of what the interaction log kept and dropped. */
export interface InteractionLogStats {
  events: number;
  ignored: number;
  duplicates: number;
  evicted: number;
  users: number;
  items: number;
  interactions: number;
}

/** Accepts events page by page and turns them into a weighted, de-duplicated, capped graph. */
export interface InteractionLog {
  add(events: Iterable<ShopEvent>): void;
  /** Decays every weight to `now` (default: the latest event seen) and packs the graph. */
  finish(now?: number): InteractionGraph;
  stats(): InteractionLogStats;
}

const STRIDE = 4;
const HOUR = 3_600_000;
const TYPE_CODES: Record<string, number> = {
  view: 1,
  click: 2,
  add_to_cart: 3,
  remove_from_cart: 4,
  purchase: 5,
  rating: 6,
};

/**
 * Streams events into per-user histories: one entry per (user, item) holding the
 * decayed sum of its event weights; an exact repeat (same item, type and time) is
 * skipped; beyond `maxItemsPerUser` the least recently touched item is dropped.
 *
 * @example
 * const log = createInteractionLog({ halfLifeMs: 7 * 86_400_000 });
 * for (const page of pages) log.add(page);
 * const graph = log.finish();
 */
export function createInteractionLog(options: InteractionOptions = {}): InteractionLog {
  const { weights, halfLifeMs, maxItemsPerUser, binary } = resolveInteractionOptions(options);
  const itemIndex = new Map<string, number>();
  const itemIds: string[] = [];
  const histories = new Map<string, number[]>();
  const counts = { events: 0, ignored: 0, duplicates: 0, evicted: 0 };
  let latest = -Infinity;

  function touch(history: number[], item: number, weight: number, ts: number, code: number): void {
    for (let at = history.length - STRIDE; at >= 0; at -= STRIDE) {
      if (history[at] !== item) continue;
      const lastTs = history[at + 2]!;
      if (lastTs === ts && history[at + 3] === code) {
        counts.duplicates++;
        return;
      }
      if (ts >= lastTs) {
        history[at + 1] = Math.max(0, history[at + 1]! * decay(ts - lastTs, halfLifeMs) + weight);
        history[at + 2] = ts;
        history[at + 3] = code;
      } else {
        history[at + 1] = Math.max(0, history[at + 1]! + weight * decay(lastTs - ts, halfLifeMs));
      }
      return;
    }
    if (weight <= 0) return;
    history.push(item, weight, ts, code);
    if (history.length > maxItemsPerUser * STRIDE) evictOldest(history);
  }

  function evictOldest(history: number[]): void {
    let oldest = 0;
    for (let at = STRIDE; at < history.length; at += STRIDE) {
      if (history[at + 2]! < history[oldest + 2]!) oldest = at;
    }
    const last = history.length - STRIDE;
    for (let n = 0; n < STRIDE; n++) history[oldest + n] = history[last + n]!;
    history.length = last;
    counts.evicted++;
  }

  function* rows(now: number, keys: string[]): Generator<UserRow> {
    for (const [key, history] of histories) {
      keys.push(key);
      const items: number[] = [];
      const kept: number[] = [];
      const ages: number[] = [];
      for (let at = 0; at < history.length; at += STRIDE) {
        const w = history[at + 1]! * decay(now - history[at + 2]!, halfLifeMs);
        if (w <= 1e-9) continue;
        items.push(history[at]!);
        kept.push(binary ? 1 : w);
        ages.push(Math.max(0, now - history[at + 2]!) / HOUR);
      }
      histories.delete(key);
      yield { items, weights: kept, ages };
    }
  }

  return {
    add(events) {
      for (const event of events) {
        counts.events++;
        const item = eventItem(event);
        const key = historyKey(event);
        const weight = eventWeight(event, weights);
        if (item === undefined || key === undefined || weight === 0 || !Number.isFinite(event.ts)) {
          counts.ignored++;
          continue;
        }
        let index = itemIndex.get(item);
        if (index === undefined) {
          index = itemIds.length;
          itemIndex.set(item, index);
          itemIds.push(item);
        }
        let history = histories.get(key);
        if (!history) histories.set(key, (history = []));
        if (event.ts > latest) latest = event.ts;
        touch(history, index, weight, event.ts, TYPE_CODES[event.type] ?? 0);
      }
    },
    finish(now = latest) {
      let interactions = 0;
      for (const history of histories.values()) interactions += history.length / STRIDE;
      const keys: string[] = [];
      return { ...packInteractionGraph(itemIds, rows(now, keys), interactions, histories.size, keys), agedAt: now };
    },
    stats() {
      let interactions = 0;
      for (const history of histories.values()) interactions += history.length / STRIDE;
      return { ...counts, users: histories.size, items: itemIds.length, interactions };
    },
  };
}

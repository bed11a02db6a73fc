import { eventItem, historyKey, type EventType, type ShopEvent } from '../events.ts';
import type { HistoryEntry } from '../recommend.ts';

/** Options of {@link createHoldoutSample}. */
export interface HoldoutSampleOptions {
  /** Shoppers evaluated at most per fold (those with at least 2 distinct items). Default 10000. */
  maxShoppers?: number;
  /** Events tracked at most (the sample shrinks to stay below). Default 200000. */
  maxTrackedEvents?: number;
  /** Events kept per tracked shopper (the newest). Default 300. */
  maxEventsPerShopper?: number;
  /** Varies which shoppers are sampled. Default 0 (the same sample every run on the same log). */
  seed?: number;
}

/** The validation part of a selection: each sampled shopper's held-out item and the rest of their history. */
export interface HoldoutSample {
  /** Shopper (history key) -> the item of their newest event, held out. */
  heldOut: Map<string, string>;
  /** Shopper -> their other events, oldest first (what scoring sees). */
  histories: Map<string, HistoryEntry[]>;
  /** Shopper -> every item taken out of the training part: the held-out one and, in later folds, the newer ones. */
  removed: Map<string, string[]>;
  /**
   * A time-ordered sample: the cut time (ms). Each history holds the shopper's events up to the
   * cut, the held-out item is their first new item after it, and the training part is the graph
   * as of the cut (nothing after it), so `removed` is empty.
   */
  cut?: number;
}

/** Streams event pages and keeps a bounded, deterministic sample of shoppers. */
export interface HoldoutSampler {
  add(events: Iterable<ShopEvent>): void;
  /**
   * The sample, one split per fold: fold 0 holds out each shopper's newest item; fold f first
   * removes the f newest items, then holds out the newest of the rest (rolling origin). With
   * `timed`, one more sample cut in time ({@link timedSample}) follows the folds.
   */
  finish(folds?: number, timed?: boolean): HoldoutSample[];
}

const TYPES: EventType[] = ['view', 'click', 'add_to_cart', 'remove_from_cart', 'purchase', 'rating'];

/**
 * Mirrors the evaluation's leave-last-out on a sample: a shopper (user, or session without a
 * user) is kept when a hash of their key falls below a threshold that halves whenever more than
 * `maxTrackedEvents` events are tracked, so memory stays bounded on any log. At the end, the
 * tracked shoppers with at least 2 distinct items, lowest hash first, up to `maxShoppers`, have
 * the item of their newest event (ties: the later in input order) held out with all its events.
 *
 * @example
 * const sampler = createHoldoutSample({ maxShoppers: 10_000 });
 * for (const page of pages) sampler.add(page);
 * const [{ heldOut, histories }] = sampler.finish();
 */
export function createHoldoutSample(options: HoldoutSampleOptions = {}): HoldoutSampler {
  const maxShoppers = options.maxShoppers ?? 10_000;
  const maxTracked = options.maxTrackedEvents ?? 200_000;
  const maxEvents = options.maxEventsPerShopper ?? 300;
  const seed = options.seed ?? 0;
  const tracked = new Map<string, { hash: number; events: Array<[string, number, number]> }>();
  let threshold = 1;
  let trackedEvents = 0;
  return {
    add(events) {
      for (const event of events) {
        const item = eventItem(event);
        const key = historyKey(event);
        const type = TYPES.indexOf(event.type);
        if (item === undefined || key === undefined || type < 0 || !Number.isFinite(event.ts)) continue;
        let shopper = tracked.get(key);
        if (!shopper) {
          const hash = unitHash(key, seed);
          if (hash >= threshold) continue;
          tracked.set(key, (shopper = { hash, events: [] }));
        }
        shopper.events.push([item, event.ts, type]);
        trackedEvents++;
        if (shopper.events.length > 2 * maxEvents) {
          trackedEvents -= shopper.events.length - maxEvents;
          dropOldest(shopper.events, maxEvents);
        }
        while (trackedEvents > maxTracked) {
          threshold /= 2;
          for (const [k, s] of tracked) {
            if (s.hash < threshold) continue;
            trackedEvents -= s.events.length;
            tracked.delete(k);
          }
        }
      }
    },
    finish(folds = 1, timed = false) {
      const eligible: Array<[string, number, Array<[string, number, number]>]> = [];
      for (const [key, { hash, events }] of tracked) {
        if (events.length > maxEvents) dropOldest(events, maxEvents);
        if (new Set(events.map((e) => e[0])).size >= 2) eligible.push([key, hash, events]);
      }
      eligible.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
      const out: HoldoutSample[] = [];
      for (let fold = 0; fold < folds; fold++) {
        const heldOut = new Map<string, string>();
        const histories = new Map<string, HistoryEntry[]>();
        const removed = new Map<string, string[]>();
        for (const [key, , events] of eligible) {
          if (heldOut.size === maxShoppers) break;
          let rest = events;
          const newer: string[] = [];
          for (let n = 0; n < fold && rest.length > 0; n++) {
            const item = latestItem(rest);
            newer.push(item);
            rest = rest.filter((e) => e[0] !== item);
          }
          if (new Set(rest.map((e) => e[0])).size < 2) continue;
          const latest = latestItem(rest);
          heldOut.set(key, latest);
          removed.set(key, [...newer, latest]);
          histories.set(
            key,
            rest
              .filter((e) => e[0] !== latest)
              .sort((a, b) => a[1] - b[1])
              .map(([item, ts, type]) => ({ item, ts, type: TYPES[type]! })),
          );
        }
        out.push({ heldOut, histories, removed });
      }
      if (timed) out.push(timedSample(eligible, maxShoppers));
      tracked.clear();
      return out;
    },
  };
}

/**
 * The time-ordered split, as serving sees a shop: the cut T that the most sampled shoppers (those
 * with 2 distinct items) straddle, i.e. first touched an item at or before T and a new one after
 * it (the later of equal counts: more of the log before it); each of them is held out: history =
 * their events up to T, target = the first item after T they had not touched before (ties in
 * time: the earlier in input order). Shoppers are admitted lowest hash first (the order of
 * `eligible`).
 */
function timedSample(eligible: ReadonlyArray<[string, number, Array<[string, number, number]>]>, maxShoppers: number): HoldoutSample {
  const oldest: number[] = [];
  const newest: number[] = [];
  for (const [, , events] of eligible) {
    const first = new Map<string, number>();
    for (const [item, ts] of events) if (!(ts >= (first.get(item) ?? Infinity))) first.set(item, ts);
    const times = [...first.values()];
    oldest.push(Math.min(...times));
    newest.push(Math.max(...times));
  }
  oldest.sort((a, b) => a - b);
  newest.sort((a, b) => a - b);
  let cut = oldest[0] ?? 0;
  let most = 0;
  for (let o = 0, n = 0; o < oldest.length; o++) {
    const t = oldest[o]!;
    while (n < newest.length && newest[n]! <= t) n++;
    if (o + 1 - n >= most) [most, cut] = [o + 1 - n, t];
  }
  const heldOut = new Map<string, string>();
  const histories = new Map<string, HistoryEntry[]>();
  for (const [key, , events] of eligible) {
    if (heldOut.size === maxShoppers) break;
    const before = events.filter((e) => e[1] <= cut).sort((a, b) => a[1] - b[1]);
    if (before.length === 0) continue;
    const seen = new Set(before.map((e) => e[0]));
    let target: [string, number, number] | undefined;
    for (const e of events) if (e[1] > cut && !seen.has(e[0]) && (!target || e[1] < target[1])) target = e;
    if (!target) continue;
    heldOut.set(key, target[0]);
    histories.set(
      key,
      before.map(([item, ts, type]) => ({ item, ts, type: TYPES[type]! })),
    );
  }
  return { heldOut, histories, removed: new Map(), cut };
}

function latestItem(events: ReadonlyArray<[string, number, number]>): string {
  let latest = events[0]!;
  for (const e of events) if (e[1] >= latest[1]) latest = e;
  return latest[0];
}

/** Keeps the newest `keep` events (stable for equal times). */
function dropOldest(events: Array<[string, number, number]>, keep: number): void {
  const order = events.map((e, n) => [e[1], n] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cut = new Set(order.slice(0, events.length - keep).map(([, n]) => n));
  let at = 0;
  for (let n = 0; n < events.length; n++) if (!cut.has(n)) events[at++] = events[n]!;
  events.length = at;
}

/** A hash of `key` in [0, 1) (FNV-1a mixed with the seed). */
export function unitHash(key: string, seed = 0): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  hash ^= hash >>> 12;
  return (hash >>> 0) / 4294967296;
}

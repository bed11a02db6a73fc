/**
 * The neighbour lists the offline for-you scoring reads, held compactly: each list as its
 * neighbours' ids (one shared string per item id) and a Float64Array of weights, about 21 bytes
 * per neighbour instead of the ~117 of parsed `[id, weight]` pairs. Up to `capacity` lists stay
 * between runs of profiles; when a run needs room, the lists it does not need go, least recently
 * needed first, so a list is parsed about once per phase rather than once per run.
 */
import type { NeighbourLookup } from '../model/neighbour-list.ts';

interface CompactList {
  ids: string[];
  weights: Float64Array;
}

/** A bounded store of neighbour lists for {@link NeighbourListCache.lookup}. */
export class NeighbourListCache {
  readonly #lists = new Map<string, CompactList>();
  readonly #ids = new Map<string, string>();
  /** Lists parsed so far (a list parsed twice counts twice). */
  parsed = 0;

  /** Lists held at most (a run of profiles needs at most this many). */
  readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Lists held now. */
  get size(): number {
    return this.#lists.size;
  }

  /**
   * Readies the cache for a run that needs `items`: marks the held ones as just needed, drops
   * lists the run does not need until the missing ones fit, and returns the missing ones.
   */
  prepare(items: ReadonlySet<string>): string[] {
    const missing: string[] = [];
    for (const item of items) {
      const list = this.#lists.get(item);
      if (list === undefined) missing.push(item);
      else {
        this.#lists.delete(item);
        this.#lists.set(item, list);
      }
    }
    let excess = this.#lists.size + missing.length - this.capacity;
    if (excess > 0)
      for (const item of this.#lists.keys()) {
        if (excess <= 0) break;
        if (items.has(item)) continue;
        this.#lists.delete(item);
        excess--;
      }
    return missing;
  }

  /** Adds `item`'s list as published (`[id, weight, id, weight, ...]` JSON). */
  add(item: string, packed: string): void {
    const flat = JSON.parse(packed) as Array<string | number>;
    const n = flat.length / 2;
    const ids: string[] = new Array(n);
    const weights = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const id = flat[2 * k] as string;
      let shared = this.#ids.get(id);
      if (shared === undefined) this.#ids.set(id, (shared = id));
      ids[k] = shared;
      weights[k] = flat[2 * k + 1] as number;
    }
    this.#lists.set(item, { ids, weights });
    this.parsed++;
  }

  /** The scoring's view: an item's list as `[id, weight]` pairs, made on demand. */
  readonly lookup: NeighbourLookup = (item: string) => {
    const list = this.#lists.get(item);
    if (list === undefined) return undefined;
    const pairs: Array<[string, number]> = new Array(list.ids.length);
    for (let k = 0; k < pairs.length; k++) pairs[k] = [list.ids[k]!, list.weights[k]!];
    return pairs;
  };
}

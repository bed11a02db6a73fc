/**
 * The neighbour lists the offline for-you scoring reads, held compactly: each list as its
 * neighbours' numbers (an Int32Array into one shared table of ids) and a Float64Array of weights,
 * 12 bytes per neighbour instead of the ~117 of parsed `[id, weight]` pairs, and numbers the
 * scorer can index arrays with ({@link createForYouScorer}). Up to `capacity` lists stay between
 * runs of profiles; when a run needs room, the lists it does not need go, least recently needed
 * first, so a list is parsed about once per phase rather than once per run.
 */
import type { NeighbourLookup } from '../model/neighbour-list.ts';

/** One held list: its neighbours' numbers ({@link NeighbourListCache.name}) and weights, best first. */
export interface CompactList {
  ids: Int32Array;
  weights: Float64Array;
}

/** A bounded store of neighbour lists, each neighbour numbered. */
export class NeighbourListCache {
  readonly #lists = new Map<string, CompactList>();
  readonly #numbers = new Map<string, number>();
  readonly #names: string[] = [];
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

  /** Neighbour ids numbered so far: every number is below this. */
  get numbered(): number {
    return this.#names.length;
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
    const ids = new Int32Array(n);
    const weights = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const id = flat[2 * k] as string;
      let number = this.#numbers.get(id);
      if (number === undefined) {
        number = this.#names.length;
        this.#numbers.set(id, number);
        this.#names.push(id);
      }
      ids[k] = number;
      weights[k] = flat[2 * k + 1] as number;
    }
    this.#lists.set(item, { ids, weights });
    this.parsed++;
  }

  /** `item`'s list, if held. */
  list(item: string): CompactList | undefined {
    return this.#lists.get(item);
  }

  /** The number of neighbour id `id`, if some held or dropped list had it. */
  numberOf(id: string): number | undefined {
    return this.#numbers.get(id);
  }

  /** The neighbour id numbered `number`. */
  name(number: number): string {
    return this.#names[number]!;
  }

  /** The model's view: an item's list as `[id, weight]` pairs, made on demand. */
  readonly lookup: NeighbourLookup = (item: string) => {
    const list = this.#lists.get(item);
    if (list === undefined) return undefined;
    const pairs: Array<[string, number]> = new Array(list.ids.length);
    for (let k = 0; k < pairs.length; k++) pairs[k] = [this.#names[list.ids[k]!]!, list.weights[k]!];
    return pairs;
  };
}

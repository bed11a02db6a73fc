/**
 * The neighbour lists the offline for-you scoring reads, held compactly: each list as its
 * neighbours' numbers (the engine's item numbers, iidx, in an Int32Array) and a Float64Array of
 * weights, 12 bytes per neighbour instead of the ~117 of parsed `[id, weight]` pairs, read from
 * the engine as numbers (no JSON to parse, no id to look up) and ready to index the scorer's
 * arrays ({@link createForYouScorer}). Up to `capacity` lists stay between runs of profiles; when a
 * run needs room, the lists it does not need go, least recently needed first, so a list is read
 * about once per phase rather than once per run.
 */
import type { NeighbourLookup } from '../model/neighbour-list.ts';

/** One held list: its neighbours' numbers ({@link NeighbourListCache.name}) and weights, best first. */
export interface CompactList {
  ids: Int32Array;
  weights: Float64Array;
}

/** A bounded store of neighbour lists over numbered items. */
export class NeighbourListCache {
  readonly #lists = new Map<number, CompactList>();
  readonly #names: readonly string[];
  readonly #numbers: Map<string, number>;
  /** Lists read so far (a list read twice counts twice). */
  parsed = 0;

  /** Lists held at most (a run of profiles needs at most this many). */
  readonly capacity: number;

  /** A store of at most `capacity` lists; `names[n]` is the item numbered `n`. */
  constructor(capacity: number, names: readonly string[]) {
    this.capacity = capacity;
    this.#names = names;
    this.#numbers = new Map(names.map((name, n) => [name, n]));
  }

  /** Lists held now. */
  get size(): number {
    return this.#lists.size;
  }

  /** Items numbered: every number is below this. */
  get numbered(): number {
    return this.#names.length;
  }

  /**
   * Readies the cache for a run that needs the lists of `items`: marks the held ones as just
   * needed, drops lists the run does not need until the missing ones fit, and returns the missing
   * ones' numbers (an item without a number has no list).
   */
  prepare(items: ReadonlySet<string>): number[] {
    const needed = new Set<number>();
    for (const item of items) {
      const number = this.#numbers.get(item);
      if (number !== undefined) needed.add(number);
    }
    const missing: number[] = [];
    for (const number of needed) {
      const list = this.#lists.get(number);
      if (list === undefined) missing.push(number);
      else {
        this.#lists.delete(number);
        this.#lists.set(number, list);
      }
    }
    let excess = this.#lists.size + missing.length - this.capacity;
    if (excess > 0)
      for (const number of this.#lists.keys()) {
        if (excess <= 0) break;
        if (needed.has(number)) continue;
        this.#lists.delete(number);
        excess--;
      }
    return missing;
  }

  /** Adds the list of the item numbered `number`. */
  add(number: number, list: CompactList): void {
    this.#lists.set(number, list);
    this.parsed++;
  }

  /** `item`'s list, if held. */
  list(item: string): CompactList | undefined {
    const number = this.#numbers.get(item);
    return number === undefined ? undefined : this.#lists.get(number);
  }

  /** The number of item `item`, if it has one. */
  numberOf(item: string): number | undefined {
    return this.#numbers.get(item);
  }

  /** The item numbered `number`. */
  name(number: number): string {
    return this.#names[number]!;
  }

  /** The model's view: an item's list as `[id, weight]` pairs, made on demand. */
  readonly lookup: NeighbourLookup = (item: string) => {
    const list = this.list(item);
    if (list === undefined) return undefined;
    const pairs: Array<[string, number]> = new Array(list.ids.length);
    for (let k = 0; k < pairs.length; k++) pairs[k] = [this.#names[list.ids[k]!]!, list.weights[k]!];
    return pairs;
  };
}

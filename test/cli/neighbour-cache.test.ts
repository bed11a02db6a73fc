import { describe, expect, it } from 'vitest';
import { neighboursOf } from '../../src/model/neighbour-list.ts';
import { type CompactList, NeighbourListCache } from '../../src/offline/neighbour-cache.ts';

const names = ['a', 'b', 'c', 'd', 'lamp "deluxe"', 'sleeping-bag', 'stove', 'tent'];
const compact = (list: Array<[string, number]>): CompactList => ({
  ids: Int32Array.from(list.map(([id]) => names.indexOf(id))),
  weights: Float64Array.from(list.map(([, weight]) => weight)),
});

describe('the for-you scoring’s store of neighbour lists', () => {
  it('gives each list back as the published pairs, by item or by number', () => {
    const cache = new NeighbourListCache(10, names);
    const tent: Array<[string, number]> = [
      ['sleeping-bag', 0.4121],
      ['stove', 1e-7],
      ['lamp "deluxe"', 0],
    ];
    cache.add(names.indexOf('tent'), compact(tent));
    cache.add(names.indexOf('stove'), compact([['sleeping-bag', 0.25]]));
    const lookup = neighboursOf(cache.lookup);
    expect(lookup('tent')).toEqual(tent);
    expect(lookup('stove')).toEqual([['sleeping-bag', 0.25]]);
    expect(lookup('a')).toBeUndefined();
    expect(lookup('not an item')).toBeUndefined();
    expect(cache.numberOf('stove')).toBe(6);
    expect(cache.name(6)).toBe('stove');
    expect(cache.numbered).toBe(names.length);
  });

  it('keeps what a run needs, reads only what it lacks, and drops the least recently needed others', () => {
    const cache = new NeighbourListCache(3, names);
    const need = (...items: string[]) => {
      const missing = cache.prepare(new Set(items));
      for (const number of missing) cache.add(number, compact([['tent', 1]]));
      return missing.map((number) => cache.name(number));
    };
    expect(need('a', 'b', 'no such item')).toEqual(['a', 'b']);
    expect(need('b', 'c')).toEqual(['c']);
    expect(cache.size).toBe(3);
    // 'a' was needed least recently: it goes for 'd'; 'b' and 'c' stay.
    expect(need('c', 'd')).toEqual(['d']);
    expect(cache.size).toBe(3);
    expect(need('b')).toEqual([]);
    // Now 'd' is the least recently needed: it goes for 'a'.
    expect(need('a', 'b', 'c')).toEqual(['a']);
    expect(neighboursOf(cache.lookup)('d')).toBeUndefined();
    expect(cache.size).toBe(3);
    expect(cache.parsed).toBe(5);
  });
});

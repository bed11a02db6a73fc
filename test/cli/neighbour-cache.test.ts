import { describe, expect, it } from 'vitest';
import { neighboursOf } from '../../src/model/neighbour-list.ts';
import { NeighbourListCache } from '../../src/offline/neighbour-cache.ts';

const packed = (list: Array<[string, number]>) => JSON.stringify(list.flat());

describe('the for-you scoring’s store of neighbour lists', () => {
  it('gives each list back as the published pairs, ids shared between lists', () => {
    const cache = new NeighbourListCache(10);
    const tent: Array<[string, number]> = [
      ['sleeping-bag', 0.4121],
      ['stove', 1e-7],
      ['lamp "deluxe"', 0],
    ];
    cache.add('tent', packed(tent));
    cache.add('stove', packed([['sleeping-bag', 0.25]]));
    const lookup = neighboursOf(cache.lookup);
    expect(lookup('tent')).toEqual(tent);
    expect(lookup('stove')).toEqual([['sleeping-bag', 0.25]]);
    expect(lookup('lamp')).toBeUndefined();
    expect(lookup('tent')![0]![0]).toBe(lookup('stove')![0]![0]);
  });

  it('keeps what a run needs, reads only what it lacks, and drops the least recently needed others', () => {
    const cache = new NeighbourListCache(3);
    const need = (...items: string[]) => {
      const missing = cache.prepare(new Set(items));
      for (const item of missing) cache.add(item, packed([[`${item}-n`, 1]]));
      return missing;
    };
    expect(need('a', 'b')).toEqual(['a', 'b']);
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

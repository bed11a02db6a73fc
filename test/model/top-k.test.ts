import { describe, expect, it } from 'vitest';
import { roundWeight } from '../../src/model/neighbour-list.ts';
import { createTopK } from '../../src/model/top-k.ts';

describe('createTopK', () => {
  it('keeps the k best, best first, first pushed winning ties', () => {
    const top = createTopK<string>(3);
    for (const [id, s] of [
      ['a', 1],
      ['b', 5],
      ['c', 3],
      ['d', 5],
      ['e', 0],
      ['f', 4],
    ] as const)
      top.push(id, s);
    expect(top.drain()).toEqual([
      ['b', 5],
      ['d', 5],
      ['f', 4],
    ]);
  });

  it('rounds weights to 4 significant digits', () => {
    expect(roundWeight(0.000123456)).toBe(0.0001235);
    expect(roundWeight(1234.56)).toBe(1235);
  });
});

import { describe, expect, it } from 'vitest';
import type { NeighbourList } from '../../src/model/neighbour-list.ts';
import { recommendFromHistory } from '../../src/model/recommend.ts';

const H = 3_600_000;
const neighbours = new Map<string, NeighbourList>([
  [
    'h1',
    [
      ['x', 0.5],
      ['y', 0.4],
    ],
  ],
  [
    'h2',
    [
      ['y', 0.3],
      ['z', 0.9],
      ['p', 0.8],
      ['h1', 0.7],
    ],
  ],
]);
// h1 counts 1 (now), h2 counts 0.5 (one half-life ago): x = 0.5, y = 0.4 + 0.15, z = 0.45.
const history = [
  { item: 'h1', ts: 10 * H, weight: 1 },
  { item: 'h2', ts: 9 * H, weight: 1 },
  { item: 'p', ts: 0, type: 'purchase' as const, weight: 0 },
];

describe('recommendFromHistory', () => {
  it('sums recency-weighted neighbour weights and names the strongest source', () => {
    expect(recommendFromHistory({ history, neighbours, halfLifeMs: H })).toEqual([
      { item: 'y', score: 0.55, because: 'h1' },
      { item: 'x', score: 0.5, because: 'h1' },
      { item: 'z', score: 0.45, because: 'h2' },
    ]);
  });

  it('never returns bought, seen or excluded items, and honours the limit', () => {
    const result = recommendFromHistory({ history, neighbours, halfLifeMs: H, exclude: new Set(['y']), limit: 1 });
    expect(result).toEqual([{ item: 'x', score: 0.5, because: 'h1' }]);
    const seen = recommendFromHistory({ history, neighbours, halfLifeMs: H, includeSeen: true });
    expect(seen.map((r) => r.item)).toEqual(['y', 'x', 'z', 'h1']);
  });

  it('accepts a lookup function or a plain table, and only the most recent history', () => {
    const table = Object.fromEntries(neighbours);
    const fromTable = recommendFromHistory({ history, neighbours: table, halfLifeMs: H });
    const fromFunction = recommendFromHistory({ history, neighbours: (item) => neighbours.get(item), halfLifeMs: H });
    expect(fromFunction).toEqual(fromTable);
    const recentOnly = recommendFromHistory({ history, neighbours, halfLifeMs: H, maxHistory: 1 });
    expect(recentOnly.map((r) => r.because)).toEqual(['h1', 'h1']);
  });

  it('halves an item every positionHalfLife places back from the newest, whatever the times', () => {
    const sameSecond = [
      { item: 'h2', ts: 5 * H, weight: 1 },
      { item: 'h1', ts: 5 * H + 1, weight: 1 },
    ];
    // h1 is the newest (place 0, weight 1), h2 one place back (weight 1/2): x 0.5, y 0.4 + 0.15, z 0.45.
    const byOrder = recommendFromHistory({ history: sameSecond, neighbours, halfLifeMs: Infinity, positionHalfLife: 1 });
    expect(byOrder.map((r) => [r.item, +r.score.toFixed(6)])).toEqual([
      ['y', 0.55],
      ['x', 0.5],
      ['z', 0.45],
      ['p', 0.4],
    ]);
    const flat = recommendFromHistory({ history: sameSecond, neighbours, halfLifeMs: Infinity });
    expect(flat[0]).toEqual({ item: 'z', score: 0.9, because: 'h2' });
  });

  it('weighs history by event type when no weight is given', () => {
    const result = recommendFromHistory({
      history: [
        { item: 'h1', ts: 0, type: 'view' },
        { item: 'h2', ts: 0, type: 'add_to_cart' },
      ],
      neighbours,
    });
    expect(result[0]).toEqual({ item: 'z', score: 3.6, because: 'h2' });
  });
});

import { describe, expect, it } from 'vitest';
import { createTrendingBuilder } from '../../src/model/trending.ts';

describe('trending', () => {
  it('decays weighted counts globally and per category', () => {
    const H = 1000;
    const builder = createTrendingBuilder({
      halfLifeMs: H,
      catalog: { categories: { a: ['tents'], b: ['tents', 'sale'], c: ['sale'] } },
    });
    builder.add([
      { user: 'u1', item: 'a', type: 'purchase', ts: 0 },
      { user: 'u2', item: 'b', type: 'view', ts: H },
      { user: 'u3', item: 'b', type: 'view', ts: H },
      { user: 'u3', item: 'c', type: 'impression', ts: H },
    ]);
    expect(builder.finish(H)).toEqual({
      global: [
        ['a', 4],
        ['b', 2],
      ],
      byCategory: {
        tents: [
          ['a', 4],
          ['b', 2],
        ],
        sale: [['b', 2]],
      },
    });
  });

  it('without decay counts all time, and a later recent burst overtakes under decay', () => {
    const events = [
      ...Array.from({ length: 4 }, (_, n) => ({ user: `o${n}`, item: 'old', type: 'view' as const, ts: 0 })),
      ...Array.from({ length: 2 }, (_, n) => ({ user: `n${n}`, item: 'new', type: 'view' as const, ts: 10_000 })),
    ];
    const popular = createTrendingBuilder({ halfLifeMs: Infinity });
    const trending = createTrendingBuilder({ halfLifeMs: 1000 });
    popular.add(events);
    trending.add(events);
    expect(popular.finish().global.map(([item]) => item)).toEqual(['old', 'new']);
    expect(trending.finish().global.map(([item]) => item)).toEqual(['new', 'old']);
  });
});

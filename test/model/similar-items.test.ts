import { describe, expect, it } from 'vitest';
import type { ShopEvent } from '../../src/model/events.ts';
import { createSimilarItemsBuilder, type SimilarityModel } from '../../src/model/similar-items/similar-items.ts';

const baskets: Record<string, string[]> = { u1: ['a', 'b'], u2: ['a', 'b', 'c'], u3: ['a', 'c'] };
const events: ShopEvent[] = Object.entries(baskets).flatMap(([user, items]) => items.map((item, n) => ({ user, item, type: 'view' as const, ts: n })));

function build(similarity: SimilarityModel, k = 10, pages: ShopEvent[][] = [events]) {
  const builder = createSimilarItemsBuilder({ binary: true, halfLifeMs: Infinity, k, similarity });
  for (const page of pages) builder.add(page);
  return builder.finish().toTable();
}

describe('similar items', () => {
  it('computes the hand-checked cosine co-occurrence', () => {
    expect(build({ model: 'cosine', shrink: 0, inverseUserFrequency: false })).toEqual({
      a: [
        ['b', 0.8165],
        ['c', 0.8165],
      ],
      b: [
        ['a', 0.8165],
        ['c', 0.5],
      ],
      c: [
        ['a', 0.8165],
        ['b', 0.5],
      ],
    });
  });

  it('damps pairs with shrinkage', () => {
    const table = build({ model: 'cosine', shrink: 1, inverseUserFrequency: false });
    expect(table.a?.[0]).toEqual(['b', 0.5798]);
  });

  it('computes the hand-checked RP3beta random walk and popularity penalty', () => {
    expect(build({ model: 'rp3beta', alpha: 1, beta: 0 }).b).toEqual([
      ['a', 0.4167],
      ['c', 0.1667],
    ]);
    expect(build({ model: 'rp3beta', alpha: 1, beta: 1 }).b).toEqual([
      ['a', 0.1389],
      ['c', 0.08333],
    ]);
  });

  it('prunes each list to the top K', () => {
    const table = build({ model: 'rp3beta', alpha: 1, beta: 1 }, 1);
    expect(Object.values(table).map((list) => list.length)).toEqual([1, 1, 1]);
  });

  it('gives the same table whether events arrive in one page or many', () => {
    const similarity: SimilarityModel = { model: 'cosine', shrink: 2 };
    expect(
      build(
        similarity,
        10,
        events.map((event) => [event]),
      ),
    ).toEqual(build(similarity));
  });

  it('computes the hand-checked EASE weights and respects the item cap', () => {
    const two = events.filter((event) => event.item !== 'c');
    const builder = createSimilarItemsBuilder({ binary: true, halfLifeMs: Infinity, similarity: { model: 'ease', lambda: 1, maxItems: 10 } });
    builder.add(two);
    expect(builder.finish().toTable()).toEqual({ a: [['b', 0.5]], b: [['a', 0.6667]] });
    const capped = build({ model: 'ease', lambda: 1, maxItems: 1 });
    expect(capped).toEqual({});
  });
});

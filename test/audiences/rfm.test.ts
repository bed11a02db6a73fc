import { describe, expect, it } from 'vitest';
import { type RfmScores, quintileCuts, quintileScore, rfmGroup, rfmScores } from '../../src/audiences/rfm.ts';
import { audienceScore } from '../../src/audiences/product-audience.ts';
import { assignSegments } from '../../src/audiences/segment-definitions.ts';
import { matchesRules } from '../../src/audiences/segment-rules.ts';
import type { ShopperFacts } from '../../src/audiences/shopper-facts.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 30);

function facts(overrides: Partial<ShopperFacts> = {}): ShopperFacts {
  return {
    firstSeen: NOW - 30 * DAY,
    lastSeen: NOW - DAY,
    lastPurchase: null,
    orders: 0,
    monetary: 0,
    categories: [],
    recent: [],
    purchased: [],
    ...overrides,
  };
}

describe('quintile scores', () => {
  it('splits ten distinct values into pairs, best fifth scoring 5, for both directions', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const cuts = quintileCuts(values);
    expect(cuts).toEqual([2, 4, 6, 8]);
    expect(values.map((v) => quintileScore(v, cuts))).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(values.map((v) => quintileScore(v, cuts, true))).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
  });

  it('gives tied values one score', () => {
    const cuts = quintileCuts([1, 1, 1, 1, 1, 1, 1, 2, 3, 9]);
    expect(quintileScore(1, cuts)).toBe(1);
    expect(quintileScore(9, cuts)).toBe(5);
  });
});

describe('the RFM grid', () => {
  const cases: Array<[RfmScores, string]> = [
    [[5, 5, 5], 'champions'],
    [[5, 4, 4], 'champions'],
    [[4, 5, 4], 'loyal'],
    [[3, 4, 5], 'loyal'],
    [[5, 2, 3], 'potential-loyalists'],
    [[4, 3, 2], 'potential-loyalists'],
    [[5, 1, 1], 'new'],
    [[4, 1, 1], 'promising'],
    [[3, 3, 3], 'need-attention'],
    [[3, 1, 2], 'about-to-sleep'],
    [[2, 4, 3], 'at-risk'],
    [[1, 5, 5], 'cannot-lose'],
    [[2, 2, 1], 'hibernating'],
    [[1, 1, 1], 'hibernating'],
  ];
  it.each(cases)('%j is %s', (scores, group) => expect(rfmGroup(scores)).toBe(group));

  it('covers every cell of the 5x5 grid with one of the ten named groups', () => {
    const seen = new Set<string>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) seen.add(rfmGroup([r, f, f]));
    expect(seen.size).toBe(10);
  });

  it('scores a buyer against cut points', () => {
    const cuts = { recencyDays: [2, 4, 6, 8], orders: [1, 2, 3, 4], monetary: [10, 20, 30, 40] };
    expect(rfmScores({ recencyDays: 1, orders: 5, monetary: 45 }, cuts)).toEqual([5, 5, 5]);
    expect(rfmScores({ recencyDays: 9, orders: 1, monetary: 5 }, cuts)).toEqual([1, 1, 1]);
  });
});

describe('built-in segments', () => {
  const cuts = { recencyDays: [2, 4, 6, 8], orders: [1, 2, 3, 4], monetary: [10, 20, 30, 40] };

  it('puts a lapsed buyer in lapsed and a fresh non-buyer in new visitors, with category affinities', () => {
    const lapsed = assignSegments(
      facts({
        lastPurchase: NOW - 70 * DAY,
        orders: 1,
        monetary: 5,
        categories: [
          ['audio', 0.6],
          ['books', 0.3],
          ['toys', 0.1],
        ],
      }),
      cuts,
      [],
      NOW,
    );
    expect(Object.keys(lapsed.segments).sort()).toEqual(['affinity:audio', 'affinity:books', 'lapsed', 'rfm:hibernating']);
    const visitor = assignSegments(facts({ firstSeen: NOW - 2 * DAY }), cuts, [], NOW);
    expect(Object.keys(visitor.segments)).toEqual(['new-visitors']);
    expect(visitor.rfm).toBeNull();
  });

  it('gives a shopper who opted out no segment at all', () => {
    const out = assignSegments(facts({ lastPurchase: NOW - DAY, orders: 5, monetary: 50, optOut: true, categories: [['audio', 1]] }), cuts, [], NOW);
    expect(out.segments).toEqual({});
  });
});

describe('product audience scores', () => {
  const categories = (item: string) => (item.startsWith('tent') ? ['outdoor'] : ['books']);
  const profile = (purchased: string[]) => ({
    recent: [],
    purchased: purchased.map((i): [string, number] => [i, NOW]),
    categories: [['outdoor', 0.5]] as Array<[string, number]>,
    lastSeen: NOW,
    lastPurchase: null,
    orders: 0,
    monetary: 0,
    forYou: [
      ['tent-1', 0.8, 0],
      ['tent-2', 0.4, 0],
      ['novel-1', 0.3, 0],
    ] as Array<[string, number, number]>,
  });

  it('scores an item from the candidates and a category from its items and share; buyers score zero', () => {
    expect(audienceScore(profile([]), { item: 'tent-2' }, categories)).toBe(0.4);
    expect(audienceScore(profile(['tent-2']), { item: 'tent-2' }, categories)).toBe(0);
    expect(audienceScore(profile([]), { category: 'outdoor' }, categories)).toBeCloseTo(0.8 + 0.4 + 0.5);
    expect(audienceScore(profile(['tent-9']), { category: 'outdoor' }, categories)).toBe(0);
  });
});

describe('custom rules', () => {
  const subject = (f: Partial<ShopperFacts>) => ({ facts: facts(f), rfm: null, group: null, now: NOW });

  it('combines conditions with all and any, text case-insensitively, dates and category shares', () => {
    const de = subject({ country: 'DE', device: 'mobile', firstSeen: Date.UTC(2026, 9, 1), categories: [['audio', 0.41]] });
    const all = {
      match: 'all' as const,
      rules: [
        { field: 'country', op: 'eq' as const, value: 'de' },
        { field: 'device', op: 'in' as const, value: ['mobile', 'tablet'] },
      ],
    };
    expect(matchesRules(de, all)).toBe(true);
    expect(matchesRules(subject({ country: 'DE', device: 'desktop' }), all)).toBe(false);
    const any = {
      match: 'any' as const,
      rules: [
        { field: 'orders', op: 'gte' as const, value: 3 },
        { field: 'category.audio', op: 'gte' as const, value: 0.4 },
      ],
    };
    expect(matchesRules(de, any)).toBe(true);
    expect(matchesRules(subject({ categories: [['audio', 0.2]] }), any)).toBe(false);
    expect(matchesRules(de, { match: 'all', rules: [{ field: 'firstSeen', op: 'lt', value: '2026-10-02' }] })).toBe(true);
    expect(matchesRules(de, { match: 'all', rules: [{ field: 'firstSeen', op: 'gt', value: '2026-10-02' }] })).toBe(false);
  });

  it('never matches on a value the shopper does not have', () => {
    expect(matchesRules(subject({}), { match: 'all', rules: [{ field: 'country', op: 'ne', value: 'DE' }] })).toBe(false);
    expect(matchesRules(subject({}), { match: 'all', rules: [{ field: 'daysSinceLastPurchase', op: 'lt', value: 30 }] })).toBe(false);
  });
});

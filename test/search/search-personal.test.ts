import { describe, expect, it } from 'vitest';
import type { IndexableItem } from '../../src/search/analyzed-item.ts';
import { buildSearchIndex } from '../../src/search/build-index.ts';
import { builtPostings } from '../../src/search/eval/engine.ts';
import { interestSet } from '../../src/search/eval/interest-set.ts';
import { createSearchSignalsBuilder, emptySignals, returningFactor } from '../../src/search/learn.ts';
import type { ShopEvent } from '../../src/model/events.ts';
import { personalSignals } from '../../src/search/personal.ts';
import { loadIndex, queryPlan, runSearch } from '../../src/search/search.ts';
import { defaultChoice } from '../../src/model/selection/model-choice.ts';
import type { UserProfile } from '../../src/model/user-profile.ts';

const item = (id: string, title: string, categories: string[]): IndexableItem => ({ id, title, categories, price: 10, available: true, attributes: {} });
const items = [
  item('m1', 'Comedy of Errors', ['comedy']),
  item('m2', 'Comedy Night', ['comedy']),
  item('m3', 'Comedy Club', ['comedy']),
  item('m4', 'Space Comedy', ['comedy', 'sci-fi']),
  item('m5', 'Alien Planet', ['sci-fi']),
];
const built = buildSearchIndex(items, emptySignals(), { synonyms: [], builtAt: 0 });
const index = loadIndex(built.head, builtPostings(built));
const search = (q: string, signals = {}) => runSearch(index, queryPlan(index, q), { q, filters: {}, k: 5, signals }).hits.map((h) => h.id);
const now = Date.UTC(2026, 0, 10);
const profile: UserProfile = {
  recent: [['m5', now - 86_400_000, 'view']],
  purchased: [],
  categories: [['sci-fi', 1]],
  lastSeen: now,
  lastPurchase: null,
  orders: 0,
  monetary: 0,
};

describe('personalised search', () => {
  it("ranks the shopper's personal candidates first among equal text matches", () => {
    const plain = search('comedy');
    expect(plain).toHaveLength(4);
    const last = plain.at(-1)!;
    const suggested = search('comedy', { suggested: new Map([[last, 1]]) });
    expect(suggested[0]).toBe(last);
    const hit = runSearch(index, queryPlan(index, 'comedy'), { q: 'comedy', filters: {}, k: 1, signals: { suggested: new Map([[last, 1]]) } }).hits[0]!;
    expect(hit.reason).toEqual({ kind: 'suggested' });
  });

  it('takes the personal candidates from the session\'s neighbour lists and the profile, as "for you" does', () => {
    const neighbours = new Map<string, [string, number][]>([
      [
        'm5',
        [
          ['m2', 0.6],
          ['m3', 0.3],
        ],
      ],
    ]);
    const session = [{ item: 'm5', ts: now - 60_000, type: 'view' as const }];
    const suggesting = { neighbours: (id: string) => neighbours.get(id), now, builtAt: now - 3_600_000, model: defaultChoice };
    const signals = personalSignals(index, { ...profile, forYou: [['m1', 0.1, 0]] }, session, suggesting);
    expect(signals.suggested?.get('m2')).toBe(1);
    expect(signals.suggested?.get('m3')).toBeCloseTo(0.5, 5);
    expect(signals.suggested?.get('m1')).toBeGreaterThan(0);
    expect(search('comedy', signals)[0]).toBe('m2');
    expect(personalSignals(index, profile, session, { ...suggesting, model: { ...defaultChoice, popular: 'only' } }).suggested).toBeUndefined();
    expect(personalSignals(index, profile, session).suggested).toBeUndefined();
  });

  it('affinity: the categories of the profile and of the session', () => {
    const signals = personalSignals(index, profile, [{ item: 'm2', ts: now, type: 'view' }]);
    expect(signals.affinity).toEqual(
      new Map([
        ['sci-fi', 1],
        ['comedy', 0.8],
      ]),
    );
    expect(signals.recent).toEqual(new Set(['m2', 'm5']));
  });
});

describe('recent items, lifted as much as the log says shoppers come back', () => {
  const day = 86_400_000;
  /** 30 shoppers, 10 events each over 40 items: each a new item, or (`back`) every other one an item they touched before. */
  const logOf = (back: boolean): ShopEvent[] =>
    Array.from({ length: 300 }, (_, n) => {
      const [user, i] = [`u${n % 30}`, Math.floor(n / 30)];
      const item = back && i % 2 === 1 ? `i${(n % 30) + i - 1}` : `i${((n % 30) + i) % 40}`;
      return { user, item, type: 'view', ts: n * day };
    });
  const factorOf = (log: ShopEvent[]) => {
    const builder = createSearchSignalsBuilder();
    builder.add(log);
    return builder.finish().returning;
  };

  it('learns 0 from a log where nobody comes back to an item, full lift where they often do, nothing from a short log', () => {
    expect(factorOf(logOf(false))).toBe(0);
    expect(factorOf(logOf(true))).toBe(1);
    expect(factorOf(logOf(true).slice(0, 60))).toBeUndefined();
    expect(returningFactor(10, 8, 500)).toBeCloseTo(0.25, 5);
  });

  it('a recent item gets no lift when the factor is 0, and its lift otherwise', () => {
    const plain = search('comedy');
    const last = plain.at(-1)!;
    expect(search('comedy', { recent: new Set([last]) })[0]).toBe(last);
    expect(search('comedy', { recent: new Set([last]), returning: 0 })).toEqual(plain);
    const withHead = personalSignals({ ...index, head: { ...index.head, returning: 0 } }, profile, []);
    expect(withHead.returning).toBe(0);
  });
});

describe('known-item set of a log with known interests', () => {
  const day = 86_400_000;
  const log = [
    ...['m1', 'm2', 'm3', 'm5', 'm4'].map((id, i) => ({ user: 'u1', item: id, type: 'rating' as const, value: 4, ts: i * day })),
    { user: 'u2', item: 'm1', type: 'rating' as const, value: 3, ts: 10 * day },
    { user: 'u1', item: 'm1', type: 'rating' as const, value: 5, ts: 20 * day },
    { user: 'u1', item: 'm5', type: 'rating' as const, value: 5, ts: 20.5 * day },
    { user: 'u1', item: 'm2', type: 'rating' as const, value: 5, ts: 24 * day },
  ];

  it('splits in time, tests shoppers with a history and gives each query the session serving would read', () => {
    const set = interestSet(items, log, { testShare: 3 / 9, minHistory: 5, seed: 3 });
    expect(set.cut).toBe(20 * day);
    expect(set.history).toHaveLength(6);
    expect(set.queries.map((q) => q.item)).toEqual(['m1', 'm5', 'm2']);
    expect(set.queries.map((q) => q.session.map((h) => h.item))).toEqual([[], ['m1'], []]);
    for (const q of set.queries) expect(['title', 'word', 'category']).toContain(q.kind);
    const categoryOnly = interestSet(items, log, { testShare: 3 / 9, mix: { title: 0, word: 0, category: 1 } });
    expect(categoryOnly.queries.map((q) => q.q)).toEqual(['comedy', 'sci-fi', 'comedy']);
  });
});

import { describe, expect, it } from 'vitest';
import { type Exposure, type LoggedEvent, PageAttribution, type Touch } from '../../src/reports/attribution.ts';

const T0 = Date.parse('2026-11-10T10:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const RID = 'r-0123456789abcdef.similar';
const EXP_RID = 'r-0123456789abcdef.for-you.x-exp.1';
let seq = 0;

function event(type: string, fields: Partial<LoggedEvent>): LoggedEvent {
  return { seq: ++seq, type, user: 'u1', item: null, items: null, value: null, price: null, rid: null, context: null, ts: T0, ...fields };
}
const impression = (items: string[], ts: number, rid = RID, user = 'u1') => event('impression', { items: JSON.stringify(items), rid, ts, user });

function attribute(events: LoggedEvent[], options: { touches?: Touch[]; exposures?: Exposure[]; viewMs?: number; clickMs?: number } = {}) {
  const page = new PageAttribution(
    {
      touch: (user, item, kind) => options.touches?.find((t) => t.user === user && t.item === item && t.kind === kind),
      exposures: (user) => options.exposures?.filter((e) => e.unit === user) ?? [],
      armName: (experiment, index) => (experiment === 'x-exp' ? ['control', 'treatment'][index] : undefined),
      price: (item) => ({ a: 10, b: 4 })[item],
    },
    { viewMs: options.viewMs ?? HOUR, clickMs: options.clickMs ?? 24 * HOUR },
  );
  for (const e of events) page.add(e);
  const rows = [...page.reportRows.values()];
  const sum = (name: keyof (typeof rows)[number]) => rows.reduce((s, r) => s + Number(r[name]), 0);
  return { page, rows, sum };
}

describe('attribution', () => {
  it('attributes events that carry a rid to its surface; revenue is price x quantity, the catalog price when the event has none', () => {
    const { rows, sum, page } = attribute([
      impression(['a', 'b'], T0),
      event('click', { item: 'a', rid: RID, ts: T0 + MIN }),
      event('purchase', { item: 'a', rid: RID, value: 3, price: 12.5, ts: T0 + 2 * MIN }),
      event('purchase', { item: 'b', rid: RID, value: 2, ts: T0 + 3 * MIN }),
    ]);
    expect(rows.every((r) => r.surface === 'similar' && r.experimentId === '')).toBe(true);
    expect([sum('impressions'), sum('clicks'), sum('inferredClicks'), sum('purchases'), sum('revenue')]).toEqual([1, 1, 0, 2, 37.5 + 8]);
    expect([sum('clickThroughPurchases'), sum('viewThroughPurchases')]).toEqual([0, 0]);
    expect([...page.days.values()]).toEqual([{ day: '2026-11-10', purchases: 2, revenue: 45.5 }]);
    expect([...page.itemShows.values()].map((s) => s.item)).toEqual(['a', 'b']);
  });

  it('counts search answers (qid) under the search surface, and leaves campaign impressions and clicks to the campaigns', () => {
    const QID = 'q-0123456789abcdef';
    const CAMPAIGN = 'c~spring~0123456789ab';
    const { rows, sum, page } = attribute([
      impression(['a'], T0, QID),
      event('click', { item: 'a', rid: QID, ts: T0 + MIN }),
      impression(['campaign:spring'], T0, CAMPAIGN),
      event('click', { item: 'campaign:spring', rid: CAMPAIGN, ts: T0 + MIN }),
      event('purchase', { item: 'b', rid: CAMPAIGN, ts: T0 + 2 * MIN }),
    ]);
    expect(rows.map((r) => r.surface)).toEqual(['search']);
    expect([sum('impressions'), sum('clicks'), sum('purchases')]).toEqual([1, 1, 0]);
    expect([...page.itemShows.values()].map((s) => s.item)).toEqual(['a']);
    expect([...page.days.values()]).toEqual([{ day: '2026-11-10', purchases: 1, revenue: 4 }]);
  });

  it('infers a click without rid from an impression of the item to the same user within the view window (view-through), and only then', () => {
    const events = [
      impression(['a', 'b'], T0),
      event('click', { item: 'a', ts: T0 + 59 * MIN }),
      event('click', { item: 'b', ts: T0 + 61 * MIN }),
      event('click', { item: 'a', user: 'u2', ts: T0 + MIN }),
      event('click', { item: 'c', ts: T0 + MIN }),
    ];
    const { sum } = attribute(events);
    expect([sum('clicks'), sum('inferredClicks')]).toEqual([1, 1]);
    const wider = attribute(events, { viewMs: 2 * HOUR });
    expect([wider.sum('clicks'), wider.sum('inferredClicks')]).toEqual([2, 2]);
  });

  it('infers a purchase without rid from a recommendation click within the click window (click-through), else from an impression (view-through)', () => {
    const { sum } = attribute([
      impression(['a', 'b'], T0),
      event('click', { item: 'a', rid: RID, ts: T0 + MIN }),
      event('purchase', { item: 'a', ts: T0 + 23 * HOUR }),
      event('purchase', { item: 'b', ts: T0 + 30 * MIN }),
      event('purchase', { item: 'b', ts: T0 + 2 * HOUR }),
      event('add_to_cart', { item: 'a', ts: T0 + 2 * HOUR }),
    ]);
    expect([sum('purchases'), sum('clickThroughPurchases'), sum('viewThroughPurchases'), sum('addToCarts')]).toEqual([2, 1, 1, 1]);
    expect([sum('clickThroughRevenue'), sum('viewThroughRevenue'), sum('revenue')]).toEqual([10, 4, 14]);
    const late = attribute([event('click', { item: 'a', rid: RID, ts: T0 }), event('purchase', { item: 'a', ts: T0 + 25 * HOUR })]);
    expect(late.sum('purchases')).toBe(0);
    const longer = attribute([event('click', { item: 'a', rid: RID, ts: T0 }), event('purchase', { item: 'a', ts: T0 + 25 * HOUR })], { clickMs: 48 * HOUR });
    expect(longer.sum('clickThroughPurchases')).toBe(1);
  });

  it('never counts one purchase twice, and uses touches from earlier pages', () => {
    const earlier: Touch[] = [
      { user: 'u1', item: 'a', kind: 'shown', ts: T0 - 10 * MIN, rid: RID, surface: 'similar' },
      { user: 'u1', item: 'a', kind: 'clicked', ts: T0 - 5 * MIN, rid: RID, surface: 'similar' },
    ];
    const { sum, rows } = attribute(
      [event('purchase', { item: 'a', ts: T0 }), event('purchase', { item: 'a', rid: 'r-fedcba9876543210.cart', ts: T0 + MIN })],
      {
        touches: earlier,
      },
    );
    expect([sum('purchases'), sum('clickThroughPurchases'), sum('viewThroughPurchases')]).toEqual([2, 1, 0]);
    expect(rows.map((r) => [r.surface, r.purchases]).sort()).toEqual([
      ['cart', 1],
      ['similar', 1],
    ]);
  });

  it('enters experiment units at first exposure (also an empty holdout impression, which is not an impression) and counts every later purchase for their arm', () => {
    const { page } = attribute([
      event('purchase', { item: 'a', ts: T0 - HOUR, user: 'u1' }),
      impression([], T0, EXP_RID, 'u1'),
      impression(['a'], T0 + MIN, EXP_RID, 'u1'),
      event('purchase', { item: 'b', value: 2, ts: T0 + 2 * HOUR, user: 'u1' }),
      event('purchase', { item: 'a', ts: T0 + 26 * HOUR, user: 'u1' }),
      event('click', { item: 'a', rid: EXP_RID, ts: T0 + 2 * MIN, user: 'u3' }),
      event('purchase', { item: 'a', ts: T0, user: 'u4' }),
    ]);
    const units = [...page.units.values()];
    expect(units.find((u) => u.unit === 'u1')).toMatchObject({
      experimentId: 'x-exp',
      arm: 'treatment',
      firstExposure: T0,
      exposureDay: '2026-11-10',
      impressions: 1,
      clicks: 0,
      conversions: 2,
      revenue: 18,
    });
    expect(units.find((u) => u.unit === 'u3')).toMatchObject({ clicks: 1, impressions: 0 });
    expect(units.some((u) => u.unit === 'u4')).toBe(false);
    const days = [...page.unitDays.values()].filter((d) => d.unit === 'u1').map((d) => [d.since, d.conversions, d.revenue]);
    expect(days.sort()).toEqual([
      [0, 1, 8],
      [1, 1, 10],
    ]);
  });

  it('keeps the arm of an earlier exposure and ignores rids of unknown experiments', () => {
    const exposure: Exposure = { experimentId: 'x-exp', arm: 'control', unit: 'u1', firstExposure: T0 - HOUR, exposureDay: '2026-11-10' };
    const { page, rows } = attribute([impression(['a'], T0, EXP_RID), impression(['a'], T0, 'r-0123456789abcdef.for-you.x-gone.0')], { exposures: [exposure] });
    expect([...page.units.values()]).toMatchObject([{ arm: 'control', impressions: 1, firstExposure: T0 - HOUR }]);
    expect(rows.map((r) => [r.experimentId, r.arm]).sort()).toEqual([
      ['', ''],
      ['x-exp', 'treatment'],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import type { Campaign } from '../../src/campaigns/campaign.ts';
import { decisionOrder } from '../../src/campaigns/decision-order.ts';
import { eligibleCampaigns } from '../../src/campaigns/eligibility.ts';
import { paceAllowance } from '../../src/campaigns/pacing.ts';
import { shopDay, shopWeek } from '../../src/campaigns/shop-calendar.ts';
import { seededRandom } from '../../src/random.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 2, 12);

function campaign(id: string, overrides: Partial<Campaign> = {}): Campaign {
  return {
    id,
    name: id,
    enabled: true,
    creative: { title: id },
    target: {},
    placements: [],
    tier: 'contract',
    weight: 1,
    startsAt: NOW - DAY,
    endsAt: null,
    goal: null,
    caps: {},
    createdAt: 0,
    served: 0,
    impressions: 0,
    clicks: 0,
    ...overrides,
  };
}

const context = { segments: new Set<string>(), optedOut: false, placement: 'home', now: NOW };

describe('decision order', () => {
  it('serves a higher tier first, and splits a tier by weight within a few percent over many picks', () => {
    const eligible = eligibleCampaigns(
      [campaign('house', { tier: 'house', weight: 100 }), campaign('a', { weight: 1 }), campaign('b', { weight: 3 })],
      context,
    );
    const random = seededRandom(7);
    const first = new Map<string, number>();
    const draws = 20_000;
    for (let i = 0; i < draws; i++) {
      const order = decisionOrder(eligible, random);
      expect(order[2]!.campaign.id).toBe('house');
      first.set(order[0]!.campaign.id, (first.get(order[0]!.campaign.id) ?? 0) + 1);
    }
    expect(first.get('b')! / draws).toBeGreaterThan(0.73);
    expect(first.get('b')! / draws).toBeLessThan(0.77);
    expect(decisionOrder(eligible, random)[0]!.reason).toMatch(/^contract tier, shown to everyone, weight [13] of 4 among 2 in the tier$/);
  });

  it('with Thompson sampling prefers the campaign with the clearly better click-through rate', () => {
    const eligible = eligibleCampaigns([campaign('low', { impressions: 1000, clicks: 10 }), campaign('high', { impressions: 1000, clicks: 60 })], context);
    const random = seededRandom(3);
    let high = 0;
    for (let i = 0; i < 2000; i++) if (decisionOrder(eligible, random, 'thompson')[0]!.campaign.id === 'high') high++;
    expect(high / 2000).toBeGreaterThan(0.99);
    const even = eligibleCampaigns([campaign('x'), campaign('y')], context);
    let x = 0;
    for (let i = 0; i < 2000; i++) if (decisionOrder(even, random, 'thompson')[0]!.campaign.id === 'x') x++;
    expect(x / 2000).toBeGreaterThan(0.45);
    expect(x / 2000).toBeLessThan(0.55);
  });
});

describe('eligibility', () => {
  const list = [
    campaign('everyone'),
    campaign('champions', { target: { segments: ['rfm:champions', 'rfm:loyal'] } }),
    campaign('de-mobile', { target: { countries: ['DE'], devices: ['mobile'] } }),
    campaign('not-lapsed', { target: { excludeSegments: ['lapsed'] } }),
    campaign('checkout-only', { placements: ['checkout'] }),
    campaign('later', { startsAt: NOW + DAY }),
    campaign('off', { enabled: false }),
  ];
  const ids = (ctx: Partial<typeof context> & { country?: string; device?: string }) =>
    eligibleCampaigns(list, { ...context, ...ctx }).map((e) => e.campaign.id);

  it('keeps campaigns whose target, placement and schedule fit', () => {
    expect(ids({})).toEqual(['everyone', 'not-lapsed']);
    expect(ids({ segments: new Set(['rfm:loyal', 'lapsed']), country: 'de', device: 'Mobile' })).toEqual(['everyone', 'champions', 'de-mobile']);
    expect(ids({ placement: 'checkout' })).toEqual(['everyone', 'not-lapsed', 'checkout-only']);
    expect(eligibleCampaigns(list, { ...context, segments: new Set(['rfm:champions']) })[1]!.reason).toBe('targets shoppers in segment rfm:champions');
  });

  it('gives a shopper who opted out only untargeted campaigns', () => {
    expect(ids({ optedOut: true, segments: new Set(['rfm:champions']), country: 'DE', device: 'mobile' })).toEqual(['everyone']);
  });

  it('drops a campaign ahead of its even pace', () => {
    const paced = campaign('paced', { goal: { type: 'impressions', total: 1000 }, startsAt: NOW - 5 * DAY, endsAt: NOW + 5 * DAY });
    expect(paceAllowance(paced, NOW)).toBe(510);
    expect(eligibleCampaigns([{ ...paced, served: 509 }], context)).toHaveLength(1);
    expect(eligibleCampaigns([{ ...paced, served: 510 }], context)).toHaveLength(0);
    const clicks = { ...paced, goal: { type: 'clicks' as const, total: 100 }, served: 10_000 };
    expect(eligibleCampaigns([{ ...clicks, clicks: 50 }], context)).toHaveLength(1);
    expect(eligibleCampaigns([{ ...clicks, clicks: 51 }], context)).toHaveLength(0);
    expect(paceAllowance({ ...paced, endsAt: null }, NOW)).toBe(1000);
  });
});

describe('the shop calendar', () => {
  it('counts days in the shop time zone and weeks from Monday (ISO)', () => {
    expect(shopDay(Date.UTC(2026, 0, 1, 23, 30), 'UTC')).toBe('2026-01-01');
    expect(shopDay(Date.UTC(2026, 0, 1, 23, 30), 'Europe/Berlin')).toBe('2026-01-02');
    expect(shopDay(Date.UTC(2026, 0, 2, 3), 'America/New_York')).toBe('2026-01-01');
    expect(shopWeek(Date.UTC(2026, 0, 1), 'UTC')).toBe('2026-W01');
    expect(shopWeek(Date.UTC(2027, 0, 1), 'UTC')).toBe('2026-W53');
    expect(shopWeek(Date.UTC(2026, 11, 6, 12), 'UTC')).toBe('2026-W49');
    expect(shopWeek(Date.UTC(2026, 11, 7, 12), 'UTC')).toBe('2026-W50');
  });
});

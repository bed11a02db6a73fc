import { describe, expect, it } from 'vitest';
import { createUserProfilesBuilder, profileHistory } from '../../src/model/user-profile.ts';

describe('user profiles', () => {
  it('summarises recent and bought items, interest tags and RFM', () => {
    const HOUR = 3_600_000;
    const builder = createUserProfilesBuilder({
      halfLifeMs: Infinity,
      maxRecent: 2,
      catalog: {
        categories: { tent: ['outdoor'], pegs: ['outdoor'], mug: ['kitchen'] },
        prices: { tent: 100, pegs: 2.5 },
      },
    });
    builder.add([
      { user: 'u1', item: 'mug', type: 'view', ts: 0 },
      { user: 'u1', item: 'tent', type: 'view', ts: 1 },
      { user: 'u1', item: 'tent', type: 'purchase', ts: 2, value: 1 },
      { user: 'u1', item: 'pegs', type: 'purchase', ts: 3, value: 4 },
      { user: 'u1', item: 'mug', type: 'purchase', ts: 5 * HOUR },
      { user: 'u2', item: 'mug', type: 'view', ts: 7 },
    ]);
    // outdoor: view 1 + purchases 8 + 8 = 17; kitchen: view 1 + purchase 8 = 9; shares of 26.
    const profiles = new Map(builder.finish());
    expect(profiles.get('u1')).toEqual({
      recent: [
        ['mug', 5 * HOUR, 'purchase'],
        ['pegs', 3, 'purchase'],
      ],
      purchased: [
        ['mug', 5 * HOUR],
        ['pegs', 3],
        ['tent', 2],
      ],
      categories: [
        ['outdoor', 0.654],
        ['kitchen', 0.346],
      ],
      lastSeen: 5 * HOUR,
      lastPurchase: 5 * HOUR,
      orders: 2,
      monetary: 110,
    });
    expect(profiles.get('u2')?.orders).toBe(0);
    expect(profileHistory(profiles.get('u2')!)).toEqual([{ item: 'mug', ts: 7, type: 'view' }]);
  });
});

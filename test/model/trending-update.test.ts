import { describe, expect, it } from 'vitest';
import { updateTrending } from '../../src/model/trending-update.ts';

const DAY = 86_400_000;
const categories = (item: string) => (item.startsWith('tent') ? ['outdoor'] : ['kitchen']);

describe('updateTrending', () => {
  it('decays old scores by the half-life and adds new events by type weight', () => {
    const lists = {
      global: [['tent-1', 8] as [string, number], ['mug-1', 4] as [string, number]],
      byCategory: { outdoor: [['tent-1', 8] as [string, number]] },
    };
    const now = 10 * DAY;
    const updated = updateTrending(lists, now - 2 * DAY, [{ user: 'u', item: 'mug-1', type: 'purchase', ts: now }], now, { categories, halfLifeMs: 2 * DAY });
    expect(updated.global).toEqual([
      ['mug-1', 10],
      ['tent-1', 4],
    ]);
    expect(updated.byCategory.outdoor).toEqual([['tent-1', 4]]);
    expect(updated.byCategory.kitchen).toEqual([['mug-1', 8]]);
  });

  it('lets a removal lower a score and keeps lists to the limit', () => {
    const now = DAY;
    const events = [
      { user: 'u', item: 'tent-2', type: 'add_to_cart' as const, ts: now },
      { user: 'u', item: 'tent-2', type: 'remove_from_cart' as const, ts: now },
      { user: 'u', item: 'tent-3', type: 'view' as const, ts: now },
      { user: 'u', item: 'tent-4', type: 'click' as const, ts: now },
    ];
    const updated = updateTrending({ global: [], byCategory: {} }, now, events, now, { categories, limit: 1 });
    expect(updated.global).toEqual([['tent-4', 2]]);
    expect(updated.byCategory.outdoor).toEqual([['tent-4', 2]]);
  });
});

import { describe, expect, it } from 'vitest';
import type { ShopEvent } from '../../src/model/events.ts';
import type { InteractionGraph } from '../../src/model/interaction-graph.ts';
import { createInteractionLog } from '../../src/model/interaction-log.ts';
import { decay, eventWeight, defaultEventWeights } from '../../src/model/interaction-weights.ts';

function weightsOf(graph: InteractionGraph): Record<string, number> {
  const out: Record<string, number> = {};
  for (let u = 0; u < graph.userCount; u++) {
    for (let p = graph.userStart[u]!; p < graph.userStart[u + 1]!; p++) {
      out[`${u}:${graph.itemIds[graph.userItems[p]!]}`] = graph.userWeights[p]!;
    }
  }
  return out;
}

const e = (user: string, item: string, type: ShopEvent['type'], ts: number, value?: number): ShopEvent => ({ user, item, type, ts, value });

describe('interaction weights', () => {
  it('orders purchase > cart > click > view and weighs ratings by stars', () => {
    const w = (type: ShopEvent['type'], value?: number) => eventWeight(e('u', 'i', type, 0, value), defaultEventWeights);
    expect(w('purchase')).toBeGreaterThan(w('add_to_cart'));
    expect(w('add_to_cart')).toBeGreaterThan(w('click'));
    expect(w('click')).toBeGreaterThan(w('view'));
    expect(w('rating', 4)).toBe(2 * w('rating', 2));
    expect(w('impression')).toBe(0);
  });

  it('halves per half-life', () => {
    expect(decay(10, 10)).toBe(0.5);
    expect(decay(20, 10)).toBe(0.25);
    expect(decay(5, Infinity)).toBe(1);
  });
});

describe('createInteractionLog', () => {
  it('decays weights to the finish time', () => {
    const log = createInteractionLog({ halfLifeMs: 10 });
    log.add([e('u1', 'a', 'view', 0), e('u1', 'b', 'view', 10)]);
    expect(weightsOf(log.finish(10))).toEqual({ '0:a': 0.5, '0:b': 1 });
  });

  it('sums repeated events on one item and skips exact duplicates', () => {
    const log = createInteractionLog({ halfLifeMs: Infinity });
    log.add([e('u1', 'a', 'view', 1), e('u1', 'a', 'view', 1), e('u1', 'a', 'purchase', 2)]);
    expect(log.stats().duplicates).toBe(1);
    expect(weightsOf(log.finish())).toEqual({ '0:a': 9 });
  });

  it('lets a removal cancel the cart weight', () => {
    const log = createInteractionLog({ halfLifeMs: Infinity });
    log.add([e('u1', 'a', 'view', 1), e('u1', 'a', 'add_to_cart', 2), e('u1', 'a', 'remove_from_cart', 3)]);
    log.add([e('u1', 'b', 'add_to_cart', 4), e('u1', 'b', 'remove_from_cart', 5)]);
    expect(weightsOf(log.finish())).toEqual({ '0:a': 1 });
  });

  it('keeps only the most recent items of a heavy user', () => {
    const log = createInteractionLog({ halfLifeMs: Infinity, maxItemsPerUser: 2 });
    log.add([e('bot', 'a', 'view', 1), e('bot', 'b', 'view', 2), e('bot', 'a', 'view', 3), e('bot', 'c', 'view', 4)]);
    expect(log.stats().evicted).toBe(1);
    expect(weightsOf(log.finish())).toEqual({ '0:a': 2, '0:c': 1 });
  });

  it('uses the session when there is no user and ignores impressions', () => {
    const log = createInteractionLog({ halfLifeMs: Infinity, binary: true });
    log.add([
      { user: '', session: 's1', item: 'a', type: 'view', ts: 1 },
      { user: '', session: 's1', item: 'b', type: 'click', ts: 2 },
      { user: 'u1', item: null, type: 'impression', ts: 3 },
      { user: '', item: 'c', type: 'view', ts: 4 },
    ]);
    expect(log.stats().ignored).toBe(2);
    const graph = log.finish();
    expect(graph.userCount).toBe(1);
    expect(weightsOf(graph)).toEqual({ '0:a': 1, '0:b': 1 });
    expect([...graph.itemUsers]).toEqual([0, 0]);
  });
});

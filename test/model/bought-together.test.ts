import { describe, expect, it } from 'vitest';
import { createBoughtTogetherBuilder } from '../../src/model/bought-together.ts';
import type { ShopEvent } from '../../src/model/events.ts';

const HOUR = 3_600_000;
const buy = (user: string, item: string, ts: number, session?: string): ShopEvent => ({ user, item, type: 'purchase', ts, session });

// Baskets: {x,y} {x,y} {x,z} {z,w} {w}: x in 3, y 2, z 2, w 2 of 5; pair xy in 2.
const events: ShopEvent[] = [
  buy('u1', 'x', 0),
  buy('u1', 'y', 60_000),
  buy('u1', 'x', 10 * HOUR),
  buy('u1', 'y', 10 * HOUR),
  buy('u2', 'x', 11 * HOUR, 's1'),
  buy('u2', 'z', 11 * HOUR + 1, 's1'),
  buy('u3', 'z', 12 * HOUR),
  buy('u3', 'w', 12 * HOUR),
  buy('u4', 'w', 13 * HOUR),
  { user: 'u4', item: 'x', type: 'view', ts: 13 * HOUR },
];

describe('bought together', () => {
  it('keeps pairs that pass support, confidence and lift, with hand-checked figures', () => {
    const builder = createBoughtTogetherBuilder({ minSupport: 2, minConfidence: 0.1, minLift: 1.5 });
    builder.add(events.slice(0, 4));
    builder.add(events.slice(4));
    const { baskets, table } = builder.finish();
    expect(baskets).toBe(5);
    expect(table).toEqual({
      x: [['y', 0.6667, 1.667, 2]],
      y: [['x', 1, 1.667, 2]],
    });
  });

  it('drops pairs below the lift threshold even when support allows them', () => {
    const builder = createBoughtTogetherBuilder({ minSupport: 1, minConfidence: 0, minLift: 1.2 });
    builder.add(events);
    const { table } = builder.finish();
    expect(table.x).toEqual([['y', 0.6667, 1.667, 2]]);
    expect(table.z).toEqual([['w', 0.5, 1.25, 1]]);
    expect(table.w).toEqual([['z', 0.5, 1.25, 1]]);
  });

  it('ranks equal scores by id, whatever order the baskets came in', () => {
    // a with each of d, c, b in two baskets: three rules from a with the same confidence and lift.
    const baskets = [['a', 'd'], ['a', 'd'], ['a', 'c'], ['a', 'c'], ['a', 'b'], ['a', 'b'], ['e'], ['e']];
    const log = (order: string[][]) => order.flatMap((items, n) => items.map((item) => buy(`u${n}`, item, n * 10 * HOUR)));
    const table = (order: string[][]) => {
      const builder = createBoughtTogetherBuilder({ minSupport: 2, minConfidence: 0, minLift: 1, k: 2 });
      builder.add(log(order));
      return builder.finish().table;
    };
    expect(table(baskets).a).toEqual([
      ['b', 0.3333, 1.333, 2],
      ['c', 0.3333, 1.333, 2],
    ]);
    expect(table([...baskets].reverse())).toEqual(table(baskets));
  });
});

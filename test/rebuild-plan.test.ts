import { describe, expect, it } from 'vitest';
import { planParts } from '../src/rebuild/run-rebuild.ts';
import { ENTRIES_PER_SHARD } from '../src/tables/layout.ts';

const writesOf = (items: number, users: number) =>
  Math.ceil(items / ENTRIES_PER_SHARD.nb) +
  Math.ceil(items / ENTRIES_PER_SHARD.bt) +
  Math.ceil(items / ENTRIES_PER_SHARD.ct) +
  Math.ceil(users / ENTRIES_PER_SHARD.pf);

describe('planParts', () => {
  it('keeps a small shop in one invocation', () => {
    expect(planParts(320, 3000, 100, 'auto')).toBe(1);
  });

  it('splits a large shop so that every part stays under 800 KV writes', () => {
    for (const [items, users] of [
      [10_000, 30_000],
      [50_000, 100_000],
      [200_000, 1_000_000],
    ] as const) {
      const parts = planParts(items, users, 100, 'auto');
      expect(parts).toBeGreaterThan(1);
      expect(writesOf(items, users) / parts).toBeLessThanOrEqual(800);
    }
  });

  it('takes a configured number as it is', () => {
    expect(planParts(320, 3000, 100, 4)).toBe(4);
  });
});

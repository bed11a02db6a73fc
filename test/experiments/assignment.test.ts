import { describe, expect, it } from 'vitest';
import { assignArm, bucketOf } from '../../src/experiments/assignment.ts';
import { newRid, parseRid } from '../../src/experiments/rid-tag.ts';

const units = Array.from({ length: 20_000 }, (_, i) => `u-${i}`);

describe('assignment', () => {
  it('is deterministic: the same unit and experiment always get the same arm', () => {
    for (const unit of units.slice(0, 200)) expect(assignArm(unit, 'x-a', [0.5, 0.5])).toBe(assignArm(unit, 'x-a', [0.5, 0.5]));
    expect(bucketOf('u-1', 'x-a')).toBe(bucketOf('u-1', 'x-a'));
  });

  it('splits traffic by the shares (20,000 units; each share within 1.5 points, about 4 standard errors)', () => {
    const shares = [0.2, 0.3, 0.5];
    const counts = [0, 0, 0];
    for (const unit of units) counts[assignArm(unit, 'x-shares', shares)]!++;
    counts.forEach((count, i) => expect(Math.abs(count / units.length - shares[i]!)).toBeLessThan(0.015));
  });

  it('is independent between experiments: each cell of the cross-tab holds the product of the shares', () => {
    const cells = [
      [0, 0],
      [0, 0],
    ];
    for (const unit of units) cells[assignArm(unit, 'x-one', [0.5, 0.5])]![assignArm(unit, 'x-two', [0.5, 0.5])]!++;
    for (const row of cells) for (const cell of row) expect(Math.abs(cell / units.length - 0.25)).toBeLessThan(0.015);
  });

  it('moves few units when bandit shares move a little', () => {
    const before = units.map((u) => assignArm(u, 'x-b', [0.5, 0.5]));
    const after = units.map((u) => assignArm(u, 'x-b', [0.55, 0.45]));
    const moved = before.filter((arm, i) => arm !== after[i]).length / units.length;
    expect(moved).toBeGreaterThan(0.03);
    expect(moved).toBeLessThan(0.07);
  });
});

describe('rid tags', () => {
  it('carry the surface and the experiment arm, and survive a round trip', () => {
    const rid = newRid({ surface: 'for-you', experiment: 'x-1a2b', armIndex: 2 });
    expect(rid).toMatch(/^r-[0-9a-f]{16}\.for-you\.x-1a2b\.2$/);
    expect(parseRid(rid)).toEqual({ surface: 'for-you', experiment: 'x-1a2b', armIndex: 2 });
    expect(parseRid(newRid({ surface: 'similar' }))).toEqual({ surface: 'similar' });
    expect(parseRid('r-2')).toEqual({ surface: 'unknown' });
    expect(parseRid('r-abc.trending.x-1.notanumber')).toEqual({ surface: 'trending' });
  });
});

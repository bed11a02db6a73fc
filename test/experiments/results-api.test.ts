import { describe, expect, it } from 'vitest';
import { assignArm } from '../../src/experiments/assignment.ts';
import { newRid } from '../../src/experiments/rid-tag.ts';
import { seededRandom } from '../../src/random.ts';
import { ADMIN, call, send, uniq } from '../support/api.ts';

type Metric = { value: number | null; low: number | null; high: number | null; lift: { value: number | null } | null; pValue: number | null };
type Results = {
  arms: {
    name: string;
    users: number;
    impressions: number;
    clicks: number;
    conversions: number;
    revenue: number;
    ctr: Metric;
    conversion: Metric;
    revenuePerUser: Metric;
    stopped: { reason: string } | null;
  }[];
  srm: { pValue: number | null; flagged: boolean };
  verdict: { winner: string | null; reason: string };
  byDay: { day: string; arms: { name: string; users: number }[] }[];
  bySinceExposure: { since: number; arms: { name: string; users: number; clicks: number }[] }[];
};
type Behaviour = { ctr: number; buy: number; price: number };

async function create(surface: string, arms: string[], sequential = false, guardrails = ['revenuePerUser']) {
  const res = await send(
    'POST',
    '/v1/admin/experiments',
    { name: uniq('exp'), surfaces: [surface], arms: arms.map((name) => ({ name, share: 1 / arms.length })), settings: { sequential, guardrails } },
    ADMIN,
  );
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** Shoppers exposed through rids tagged with their arm (as serving tags them), clicking and buying as their arm's behaviour says. */
async function simulate(
  experiment: string,
  surface: string,
  users: number,
  behaviour: Record<string, Behaviour>,
  options: { arms: string[]; forceArm?: (u: number) => number; seed: number },
) {
  const random = seededRandom(options.seed);
  const now = Date.now() - 3 * 86_400_000;
  const events: unknown[] = [];
  for (let u = 0; u < users; u++) {
    const user = `${experiment}-u${u}`;
    const arm =
      options.forceArm?.(u) ??
      assignArm(
        user,
        experiment,
        options.arms.map(() => 1),
      );
    const b = behaviour[options.arms[arm]!]!;
    const rid = newRid({ surface, experiment, armIndex: arm });
    const ts = now + u * 1000;
    events.push({ id: uniq('e'), type: 'impression', user, items: ['sku-a', 'sku-b'], rid, ts });
    if (random.chance(b.ctr)) events.push({ id: uniq('e'), type: 'click', user, item: 'sku-a', rid, ts: ts + 10 });
    if (random.chance(b.buy)) events.push({ id: uniq('e'), type: 'purchase', user, item: 'sku-z', price: b.price, ts: ts + 86_400_000 });
  }
  for (let i = 0; i < events.length; i += 1000) expect((await send('POST', '/v1/events', { events: events.slice(i, i + 1000) })).status).toBe(200);
  const rolled = await call('/v1/admin/rollup', { method: 'POST', headers: ADMIN });
  return (await rolled.json()) as { experiments: { experiment: string; stoppedArms: { arm: string; reason: string }[]; stopped?: string }[] };
}

async function results(id: string): Promise<Results> {
  const res = await call(`/v1/admin/experiments/${id}/results`, { headers: ADMIN });
  expect(res.status).toBe(200);
  return (await res.json()) as Results;
}

describe('GET /v1/admin/experiments/:id/results', () => {
  it('gives no verdict before the minimum sample, then picks the arm with the better CTR; values match the counts', async () => {
    const id = await create('for-you', ['control', 'better'], false, []);
    const behaviour = { control: { ctr: 0.1, buy: 0.3, price: 20 }, better: { ctr: 0.35, buy: 0.3, price: 20 } };
    await simulate(id, 'for-you', 60, behaviour, { arms: ['control', 'better'], seed: 1 });
    const early = await results(id);
    expect(early.verdict.winner).toBeNull();
    expect(early.verdict.reason).toMatch(/minimum|users/i);
    for (const arm of early.arms) {
      expect(arm.ctr.value).toBeCloseTo(arm.clicks / arm.impressions, 12);
      expect(arm.conversion.value).toBeCloseTo(arm.conversions / arm.users, 12);
      expect(arm.revenuePerUser.value).toBeCloseTo(arm.revenue / arm.users, 9);
      expect(arm.ctr.low!).toBeLessThanOrEqual(arm.ctr.value!);
      if (arm.clicks > 0) expect(arm.ctr.high!).toBeGreaterThan(arm.ctr.value!);
    }
    expect(early.arms.reduce((s, a) => s + a.users, 0)).toBe(60);

    await simulate(id, 'for-you', 500, behaviour, { arms: ['control', 'better'], seed: 2 });
    const late = await results(id);
    expect(late.arms.every((a) => a.users >= 100 && a.conversions >= 25)).toBe(true);
    expect(late.srm.flagged).toBe(false);
    expect(late.verdict, JSON.stringify([late.verdict, late.arms.map((a) => [a.users, a.conversions, a.ctr, a.revenuePerUser])])).toMatchObject({
      winner: 'better',
    });
    expect(late.arms[1]!.ctr.lift!.value!).toBeGreaterThan(0);
    expect(late.arms[1]!.ctr.pValue!).toBeLessThan(0.05);
    expect(late.bySinceExposure.map((p) => p.since)).toEqual([0, 1]);
    expect(late.bySinceExposure[0]!.arms.reduce((s, a) => s + a.clicks, 0)).toBe(late.arms.reduce((s, a) => s + a.clicks, 0));
    expect(late.byDay.length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('flags a sample ratio mismatch and then gives no verdict', async () => {
    const id = await create('similar', ['control', 'other']);
    const same = { ctr: 0.2, buy: 0.3, price: 10 };
    await simulate(id, 'similar', 450, { control: same, other: same }, { arms: ['control', 'other'], forceArm: (u) => (u % 3 === 0 ? 1 : 0), seed: 3 });
    const r = await results(id);
    expect(r.arms.map((a) => a.users)).toEqual([300, 150]);
    expect(r.srm.flagged).toBe(true);
    expect(r.srm.pValue!).toBeLessThan(0.001);
    expect(r.verdict.winner).toBeNull();
  }, 60_000);

  it('stops an arm significantly worse on revenue per user, recording the reason, and stops the experiment', async () => {
    const id = await create('cart', ['control', 'worse'], true);
    const rolled = await simulate(
      id,
      'cart',
      400,
      { control: { ctr: 0.2, buy: 0.6, price: 40 }, worse: { ctr: 0.2, buy: 0.2, price: 40 } },
      { arms: ['control', 'worse'], seed: 4 },
    );
    const action = rolled.experiments.find((a) => a.experiment === id)!;
    expect(action.stoppedArms.map((s) => s.arm)).toEqual(['worse']);
    expect(action.stoppedArms[0]!.reason).toMatch(/revenue/i);
    expect(action.stopped).toMatch(/guardrail/);
    const r = await results(id);
    expect(r.arms[1]!.stopped!.reason).toMatch(/revenue/i);
    const experiment = (await (await call(`/v1/admin/experiments/${id}`, { headers: ADMIN })).json()) as { status: string; stopReason: string };
    expect(experiment).toMatchObject({ status: 'stopped' });
    expect(experiment.stopReason).toMatch(/guardrail/);
  }, 60_000);

  it('in bandit mode shifts traffic toward the arm with the better CTR after a roll-up, keeping every arm at its minimum share', async () => {
    const arms = ['control', 'good', 'poor'];
    const created = await send(
      'POST',
      '/v1/admin/experiments',
      {
        name: uniq('bandit'),
        surfaces: ['bought-together'],
        mode: 'bandit',
        arms: arms.map((name) => ({ name, share: 1 / 3 })),
        settings: { banditMinShare: 0.1, guardrails: [] },
      },
      ADMIN,
    );
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const behaviour = { control: { ctr: 0.1, buy: 0, price: 0 }, good: { ctr: 0.4, buy: 0, price: 0 }, poor: { ctr: 0.05, buy: 0, price: 0 } };
    const rolled = await simulate(id, 'bought-together', 600, behaviour, { arms, seed: 5 });
    const action = rolled.experiments.find((e) => e.experiment === id) as { shares?: Record<string, number> } | undefined;
    const shares = action!.shares!;
    expect(shares.good).toBeGreaterThan(0.7);
    for (const arm of arms) expect(shares[arm]).toBeGreaterThanOrEqual(0.1 - 1e-4);
    expect(Object.values(shares).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    const stored = (await (await call(`/v1/admin/experiments/${id}`, { headers: ADMIN })).json()) as { arms: { name: string; share: number }[] };
    expect(Object.fromEntries(stored.arms.map((a) => [a.name, a.share]))).toEqual(shares);
    let good = 0;
    for (let u = 0; u < 400; u++) {
      const res = await call(`/v1/admin/experiments/${id}/assignment?unit=fresh-${u}`, { headers: ADMIN });
      if (((await res.json()) as { arm: string }).arm === 'good') good++;
    }
    expect(Math.abs(good / 400 - shares.good!)).toBeLessThan(0.08);
    const reported = await results(id);
    expect(reported.arms.map((a) => a.name)).toEqual(arms);
    expect(reported.arms.find((a) => a.name === 'good')!.ctr.value).toBeGreaterThan(reported.arms.find((a) => a.name === 'control')!.ctr.value!);
  });

  it('is a 404 for an unknown experiment', async () => {
    expect((await call('/v1/admin/experiments/x-nothing/results', { headers: ADMIN })).status).toBe(404);
  });
});

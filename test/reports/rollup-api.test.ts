import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../functions/index.ts';
import { ADMIN, call, rows, send, uniq } from '../support/api.ts';

const DAY = '2026-11-10';
const T0 = Date.parse(`${DAY}T10:00:00Z`);
const MIN = 60_000;

async function rollup() {
  const res = await call('/v1/admin/rollup', { method: 'POST', headers: ADMIN });
  expect(res.status).toBe(200);
  return (await res.json()) as { status: string; events: number; caughtUp: boolean; toSeq: number };
}
async function report(query: string) {
  const res = await call(`/v1/admin/reports/recommendations?${query}`, { headers: ADMIN });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as {
    rows: Record<string, unknown>[];
    totals: Record<string, number> & { perUser: { users: number; revenue: { sum: number; sumSquares: number } } };
    coverage: { itemsShown: number; catalogItems: number; share: number };
    revenueShare: { attributed: number; total: number; share: number };
  };
}

describe('roll-up and recommendations report', () => {
  it('attributes across runs, counts each event once, and reports JSON and CSV by day, surface and arm', async () => {
    const user = uniq('ru');
    const other = uniq('ro');
    const sku = (n: number) => `rollup-sku-${n}`;
    const items = [1, 2, 3, 4].map((n) => ({ id: sku(n), title: `Item ${n}`, categories: ['test'], price: n * 10 }));
    expect((await send('PUT', '/v1/items', { items }, ADMIN)).status).toBe(200);
    const rid = 'r-00000000000000aa.similar';
    const first = [
      { id: uniq('e'), type: 'impression', user, items: [sku(1), sku(2)], rid, ts: T0, context: { widget: 'similar', placement: 'pdp' } },
      { id: uniq('e'), type: 'click', user, item: sku(1), rid, ts: T0 + MIN, context: { placement: 'pdp' } },
      { id: uniq('e'), type: 'impression', user: other, items: [sku(3)], rid: 'r-00000000000000bb.for-you', ts: T0 },
    ];
    expect((await send('POST', '/v1/events', { events: first })).status).toBe(200);
    expect(await rollup()).toMatchObject({ status: 'rolled-up', events: 3, caughtUp: true });

    const second = [
      { id: uniq('e'), type: 'purchase', user, item: sku(1), value: 2, ts: T0 + 60 * MIN },
      { id: uniq('e'), type: 'purchase', user, item: sku(2), value: 1, price: 15, ts: T0 + 30 * MIN },
      { id: uniq('e'), type: 'click', user: other, item: sku(3), ts: T0 + 5 * MIN },
      { id: uniq('e'), type: 'purchase', user: other, item: sku(4), ts: T0 + 6 * MIN },
    ];
    expect((await send('POST', '/v1/events', { events: second })).status).toBe(200);
    expect(await send('POST', '/v1/events', { events: second }).then((r) => r.json())).toMatchObject({ accepted: 0, duplicates: 4 });
    expect(await rollup()).toMatchObject({ events: 4 });
    expect(await rollup()).toMatchObject({ events: 0, caughtUp: true });

    const bySurface = await report(`from=${DAY}&to=${DAY}&by=surface`);
    const pdp = bySurface.rows.find((r) => r.surface === 'similar@pdp')!;
    expect(pdp).toMatchObject({
      impressions: 1,
      clicks: 1,
      purchases: 2,
      revenue: 35,
      clickThrough: { purchases: 1, revenue: 20 },
      viewThrough: { purchases: 1, revenue: 15 },
    });
    const forYou = bySurface.rows.find((r) => r.surface === 'for-you')!;
    expect(forYou).toMatchObject({ impressions: 1, clicks: 1, inferredClicks: 1, purchases: 0 });
    expect(bySurface.totals).toMatchObject({ impressions: 2, usersReached: 2, clicks: 2, purchases: 2, revenue: 35 });
    expect(bySurface.totals.perUser).toMatchObject({ users: 2, revenue: { sum: 35, sumSquares: 35 * 35 } });
    expect(bySurface.revenueShare).toMatchObject({ attributed: 35, total: 75 });
    expect(bySurface.coverage.itemsShown).toBe(3);
    expect(bySurface.coverage.catalogItems).toBeGreaterThanOrEqual(4);

    const byDay = await report(`from=${DAY}&to=${DAY}&by=day`);
    expect(byDay.rows).toMatchObject([{ day: DAY, impressions: 2, purchases: 2 }]);
    const byArm = await report(`from=${DAY}&to=${DAY}&by=arm`);
    expect(byArm.rows).toMatchObject([{ experiment: '', arm: '', impressions: 2 }]);

    const csv = await call(`/v1/admin/reports/recommendations?from=${DAY}&to=${DAY}&by=surface`, { headers: { ...ADMIN, accept: 'text/csv' } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^surface,impressions,users_reached,clicks,/);
    expect(lines.some((l) => l.startsWith('similar@pdp,1,1,1,0,1,0,2,35,1,20,1,15,'))).toBe(true);
    const asFormat = await call(`/v1/admin/reports/recommendations?from=${DAY}&to=${DAY}&format=csv`, { headers: ADMIN });
    expect((await asFormat.text()).split('\r\n')[0]).toMatch(/^day,/);
  });

  it('refuses bad periods naming the field and needs the admin key', async () => {
    const bad = await call('/v1/admin/reports/recommendations?from=yesterday', { headers: ADMIN });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('query.from');
    const reversed = await call('/v1/admin/reports/recommendations?from=2026-11-10&to=2026-11-01', { headers: ADMIN });
    expect(((await reversed.json()) as { error: { field: string } }).error.field).toBe('query.from');
    expect((await call('/v1/admin/rollup', { method: 'POST', headers: { authorization: 'Bearer test-ingest-key' } })).status).toBe(403);
  });

  it('runs from the 5-minute cron', async () => {
    const user = uniq('cron');
    await send('POST', '/v1/events', { events: [{ id: uniq('e'), type: 'impression', user, items: ['x'], rid: 'r-00000000000000cc.trending', ts: T0 }] });
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '*/5 * * * *', scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await rows('SELECT impressions FROM report_users WHERE user = ?', user)).toEqual([{ impressions: 1 }]);
  });
});

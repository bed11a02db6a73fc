import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { app } from '../../functions/index.ts';
import { withRetries } from '../../src/collect/retry.ts';
import { openDatabase } from '../../src/db/client.ts';
import { recommendWith } from '../../src/serve/recommend.ts';
import { kvTableStore } from '../../src/tables/kv-store.ts';
import { INGEST, rows, uniq } from '../support/api.ts';
import { flakyD1, loadSmallShop } from './shop.ts';

const post = (DB: D1Database, path: string, body: unknown, headers: Record<string, string> = INGEST) =>
  app.fetch(
    new Request(`https://engine.test${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    { ...env, DB },
    createExecutionContext(),
  );
const stored = async (user: string) => (await rows<{ n: number }>('SELECT count(*) AS n FROM events WHERE user_id = ?', user))[0]!.n;

describe('collecting while D1 fails', () => {
  it('retries a failed write and stores the batch once when D1 recovers within the budget', async () => {
    const db = flakyD1(env.DB, 2);
    const user = uniq('u');
    const res = await post(db, '/v1/events', { events: [{ id: uniq('e'), type: 'view', user, item: 'sku-1' }] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect(db.batchCalls).toBe(3);
    expect(await stored(user)).toBe(1);
  });

  it('answers 503 with Retry-After (never 500) when the budget is spent, stores nothing, and the re-sent batch is stored once', async () => {
    const user = uniq('u');
    const events = [0, 1].map(() => ({ id: uniq('e'), type: 'view', user, item: 'sku-1' }));
    const locked = flakyD1(env.DB);
    for (const [path, body] of [
      ['/v1/events', { events }],
      ['/v1/events/beacon?key=test-ingest-key', { events }],
    ] as const) {
      const res = await post(locked, path, body);
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ error: { code: 'unavailable' } });
      expect(text).not.toMatch(/10\.1\.2\.3|sqlite/i);
    }
    const pixel = await app.fetch(
      new Request(`https://engine.test/v1/events/pixel?key=test-ingest-key&id=${uniq('e')}&type=view&user=${user}&item=sku-1`),
      { ...env, DB: locked },
      createExecutionContext(),
    );
    expect(pixel.status).toBe(503);
    expect(pixel.headers.get('retry-after')).toBeTruthy();
    expect(await stored(user)).toBe(0);
    const again = await post(env.DB, '/v1/events', { events });
    expect(await again.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect(await stored(user)).toBe(2);
  });

  it('waits a jittered, doubling time between tries, then gives up', async () => {
    const waits: number[] = [];
    const draws = [1, 0.5, 0.25];
    let tries = 0;
    const failing = async () => {
      tries++;
      throw new Error('busy');
    };
    const policy = { attempts: 4, baseMs: 20, random: () => draws.shift()!, sleep: async (ms: number) => void waits.push(ms) };
    await expect(withRetries(failing, policy)).rejects.toThrow('failed 4 times');
    expect(tries).toBe(4);
    expect(waits).toEqual([20, 20, 20]);
    const bounds: number[] = [];
    await expect(withRetries(failing, { ...policy, random: () => 1, sleep: async (ms) => void bounds.push(ms) })).rejects.toThrow();
    expect(bounds).toEqual([20, 40, 80]);
  });
});

describe('for-you without the fresh history', () => {
  let shop: Awaited<ReturnType<typeof loadSmallShop>>;
  beforeAll(async () => {
    shop = await loadSmallShop();
  });

  it('answers from the tables and says degraded', async () => {
    const broken = flakyD1(env.DB);
    broken.down = true;
    const deps = { store: kvTableStore(env.TABLES), db: openDatabase(broken), cacheName: 'fresh-down' };
    const r = await recommendWith(deps, { kind: 'for-you', user: shop.buyer, k: 5 });
    expect(r.items.length).toBe(5);
    expect(r.version).not.toBeNull();
    expect(r.degraded).toBe('recent activity unavailable');
    const healthy = await recommendWith({ ...deps, db: openDatabase(env.DB) }, { kind: 'for-you', user: shop.buyer, k: 5 });
    expect(healthy.degraded).toBeUndefined();
  });
});

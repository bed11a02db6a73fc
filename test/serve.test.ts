import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import worker, { app } from '../functions/index.ts';
import { openDatabase } from '../src/db/client.ts';
import { demoCatalog } from '../src/demo/catalog.ts';
import { demoBehaviour } from '../src/demo/shoppers.ts';
import { runRebuild } from '../src/rebuild/run-rebuild.ts';
import { rebuildConfig } from '../src/rebuild/settings.ts';
import { searchIndexTables } from '../src/search/index-tables.ts';
import { popularFromLog } from '../src/serve/fallback.ts';
import { signUserToken } from '../src/security/user-token.ts';
import { DEFAULT_SERVING } from '../src/experiments/experiment-schema.ts';
import { recommendWith } from '../src/serve/recommend.ts';
import { forgetCachedTables } from '../src/serve/table-reader.ts';
import type { RecommendResponse } from '../src/serve/types.ts';
import { kvTableStore } from '../src/tables/kv-store.ts';
import { ERASURES_KEY, type Manifest, POINTER_KEY, shardOf, tableKey } from '../src/tables/layout.ts';
import { redisTableStore } from '../src/tables/redis-store.ts';
import { type TableStore, countingStore } from '../src/tables/table-store.ts';
import { ADMIN, INGEST, call, rows, send, uniq } from './support/api.ts';

const db = openDatabase(env.DB);
const catalog = demoCatalog();
const events = demoBehaviour(catalog, { shoppers: 300, days: 10, until: Date.now() - 3600_000, seed: 9 });
const buyer = events.find((e) => e.type === 'purchase')!.user;
const boughtByBuyer = new Set(events.filter((e) => e.user === buyer && e.type === 'purchase').map((e) => (e as { item: string }).item));

async function get(path: string, headers: Record<string, string> = INGEST): Promise<RecommendResponse> {
  const res = await call(path, { headers });
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return (await res.json()) as RecommendResponse;
}

/** The ingest key with the shopper's signed token: answers may name items of their history. */
const asShopper = async (user: string) => ({ ...INGEST, 'x-user-token': await signUserToken(env.USER_TOKEN_SECRET!, user, 600) });
const ids = (r: RecommendResponse) => r.items.map((i) => i.id);
const popularItem = () => {
  const counts = new Map<string, number>();
  for (const e of events) if (e.type === 'view') counts.set(e.item, (counts.get(e.item) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
};

beforeAll(async () => {
  await send('PUT', '/v1/items', { items: catalog.map((p) => p.item) }, ADMIN);
  for (let i = 0; i < events.length; i += 1000) await send('POST', '/v1/events', { events: events.slice(i, i + 1000) });
  // Serving mechanics with the default model (the selection has its own tests): no selection here.
  const outcome = await runRebuild(
    { db, store: kvTableStore(env.TABLES), config: { ...rebuildConfig({}), selection: false }, extensions: [searchIndexTables] },
    'test',
  );
  expect(outcome.status).toBe('published');
  forgetCachedTables();
});

describe('recommendation endpoints on the demo shop (KV)', () => {
  it('similar items: ranked neighbours with reasons, version and rid', async () => {
    const item = popularItem();
    const r = await get(`/v1/items/${item}/similar?k=8`);
    expect(r.items).toHaveLength(8);
    expect(r.version).toMatch(/^v/);
    expect(r.rid).toMatch(/^r-/);
    expect(r.degraded).toBeUndefined();
    expect(ids(r)).not.toContain(item);
    expect(r.items[0]).toMatchObject({
      id: expect.any(String),
      title: expect.any(String),
      score: expect.any(Number),
      reason: expect.stringContaining('similar to '),
    });
    const scores = r.items.map((i) => i.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('bought together: complements of a product', async () => {
    const phone = catalog.find((p) => p.kind === 'phone' && events.some((e) => e.type === 'purchase' && e.item === p.item.id))!.item.id;
    const r = await get(`/v1/items/${phone}/bought-together?k=5`);
    expect(r.items.length).toBeGreaterThan(0);
    expect(r.items.every((i) => i.reason.startsWith('bought together with'))).toBe(true);
    expect(r.items.some((i) => /case|charger|protector/.test(i.id))).toBe(true);
  });

  it('complete the cart: never the cart items, reasons name a cart item', async () => {
    const cart = [popularItem(), catalog.find((p) => p.kind === 'coffee-machine')!.item.id];
    const res = await send('POST', '/v1/recommend/cart', { items: cart, k: 6 });
    const r = (await res.json()) as RecommendResponse;
    expect(r.items.length).toBe(6);
    for (const id of cart) expect(ids(r)).not.toContain(id);
  });

  it('trending globally, per category, and in Chinese', async () => {
    const all = await get('/v1/trending?k=10');
    expect(all.items).toHaveLength(10);
    const audio = await get('/v1/trending?k=5&category=audio&lang=zh');
    expect(audio.items.length).toBeGreaterThan(0);
    expect(audio.items.every((i) => i.id.startsWith('sku-audio-'))).toBe(true);
    expect(audio.items[0]!.reason).toBe('音频 热门'); // the category's Chinese name, from the items' `category_zh`
    expect(audio.items[0]!.title).toMatch(/[\u4e00-\u9fff]/);
  });

  it('for you: never what the user bought, reasons from their history', async () => {
    const r = await get(`/v1/recommend/for-you?user=${buyer}&k=10`, await asShopper(buyer));
    expect(r.items).toHaveLength(10);
    for (const id of ids(r)) expect(boughtByBuyer.has(id)).toBe(false);
    expect(r.items.some((i) => i.reason.startsWith('because you'))).toBe(true);
  });

  it('for you: a view posted now changes the list at once', async () => {
    const user = uniq('newcomer');
    const before = await get(`/v1/recommend/for-you?user=${user}&k=5`);
    expect(before.items.every((i) => !i.reason.startsWith('because you'))).toBe(true);
    const tent = catalog.find((p) => p.kind === 'tent')!.item;
    await send('POST', '/v1/events', { events: [{ id: uniq('e'), type: 'view', user, item: tent.id }] });
    const after = await get(`/v1/recommend/for-you?user=${user}&k=5`, await asShopper(user));
    expect(after.items[0]!.reason).toBe(`because you viewed ${tent.title}`);
    const session = await get(`/v1/recommend/for-you?k=5&recent=${tent.id}`);
    expect(session.items[0]!.reason).toBe(`because you viewed ${tent.title}`);
  });

  it('excludeSeen drops items already in the history', async () => {
    const r = await get(`/v1/recommend/for-you?user=${buyer}&k=20&excludeSeen=true`);
    const seen = new Set(events.filter((e) => e.user === buyer).map((e) => (e as { item: string }).item));
    for (const id of ids(r)) expect(seen.has(id)).toBe(false);
  });

  it('an item made unavailable is never returned, at once', async () => {
    const item = popularItem();
    const first = (await get(`/v1/items/${item}/similar?k=5`)).items[0]!.id;
    expect((await send('PATCH', `/v1/items/${first}`, { available: false }, ADMIN)).status).toBe(200);
    try {
      for (const path of [`/v1/items/${item}/similar?k=50`, '/v1/trending?k=100', `/v1/recommend/for-you?user=${buyer}&k=100`]) {
        expect(ids(await get(path))).not.toContain(first);
      }
    } finally {
      await send('PATCH', `/v1/items/${first}`, { available: true }, ADMIN);
    }
    expect(ids(await get(`/v1/items/${item}/similar?k=5`))).toContain(first);
  });

  it('applies merchandising rules at request time: hide, pin, bury', async () => {
    const top = await get('/v1/trending?k=5&category=books');
    const [first, second] = ids(top);
    const pinned = catalog.find((p) => p.item.categories[0] === 'books' && !ids(top).includes(p.item.id) && p.item.available)!.item.id;
    const added: number[] = [];
    const add = async (rule: object) => {
      const res = await send('POST', '/v1/admin/rules', rule, ADMIN);
      expect(res.status).toBe(201);
      added.push(((await res.json()) as { id: number }).id);
    };
    try {
      await add({ action: 'hide', targetType: 'item', target: first, surfaces: ['trending'] });
      await add({ action: 'pin', targetType: 'item', target: pinned, amount: 0, surfaces: ['trending'] });
      await add({ action: 'bury', targetType: 'item', target: second, amount: 0.0001, surfaces: ['trending'] });
      await new Promise((r) => setTimeout(r, 10));
      const ruled = ids(await get('/v1/trending?k=5&category=books&nocache=' + Date.now()));
      expect(ruled).not.toContain(first);
      expect(ruled[0]).toBe(pinned);
      expect(ruled.indexOf(second!)).not.toBe(1);
      expect(ids(await get(`/v1/items/${popularItem()}/similar?k=100`))).toContain(first);
    } finally {
      for (const id of added) await call(`/v1/admin/rules/${id}`, { method: 'DELETE', headers: ADMIN });
    }
  });

  it('caps items per category on for-you (diversity)', async () => {
    const r = await get(`/v1/recommend/for-you?user=${buyer}&k=10`);
    const perLeaf = new Map<string, number>();
    for (const id of ids(r)) {
      const leaf = catalog.find((p) => p.item.id === id)!.item.categories.at(-1)!;
      perLeaf.set(leaf, (perLeaf.get(leaf) ?? 0) + 1);
    }
    expect(Math.max(...perLeaf.values())).toBeLessThanOrEqual(5);
  });

  it('pages with offset', async () => {
    const page1 = ids(await get('/v1/trending?k=5'));
    const page2 = ids(await get('/v1/trending?k=5&offset=5'));
    const both = ids(await get('/v1/trending?k=10'));
    expect([...page1, ...page2]).toEqual(both);
  });

  it('reads each store once per request when the isolate is warm', async () => {
    const store = countingStore(kvTableStore(env.TABLES));
    const deps = { db, store, cacheName: 'count-test' };
    await recommendWith(deps, { kind: 'similar', item: popularItem(), k: 10 });
    const before = store.counts.reads;
    await recommendWith(deps, { kind: 'similar', item: catalog[5]!.item.id, k: 10 });
    expect(store.counts.reads - before).toBe(1);
    expect(store.counts.keysRead).toBeLessThanOrEqual(100 * store.counts.reads);
  });

  it('"for you" of a known shopper with brand-new events reads the store once, beside the log', async () => {
    const store = countingStore(kvTableStore(env.TABLES));
    const deps = { db, store, cacheName: 'count-for-you' };
    await recommendWith(deps, { kind: 'for-you', user: buyer, k: 10 });
    const fresh = catalog.filter((p) => p.item.categories[0] === 'sports' && !boughtByBuyer.has(p.item.id)).slice(0, 3);
    await send('POST', '/v1/events', { events: fresh.map((p) => ({ id: uniq('e'), type: 'view', user: buyer, item: p.item.id })) });
    await recommendWith(deps, { kind: 'for-you', user: buyer, k: 10 });
    const before = store.counts.reads;
    const r = await recommendWith(deps, { kind: 'for-you', user: buyer, k: 10 });
    expect(store.counts.reads - before).toBe(1);
    expect(r.degraded).toBeUndefined();
    expect(r.items.some((i) => fresh.some((p) => i.reason === `because you viewed ${p.item.title}`))).toBe(true);
  });

  it('"for you" with the session in the request (recent) does not read the log', async () => {
    const store = countingStore(kvTableStore(env.TABLES));
    const noLog = openDatabase(
      new Proxy(env.DB, { get: (t, p) => (p === 'prepare' || p === 'batch' ? () => expect.fail(`D1 ${String(p)}`) : Reflect.get(t, p)) }),
    );
    const deps = { db: noLog, store, cacheName: 'count-for-you' };
    const before = store.counts.reads;
    const r = await recommendWith(deps, {
      kind: 'for-you',
      user: buyer,
      k: 10,
      recent: [catalog[7]!.item.id],
      serving: { config: { ...DEFAULT_SERVING, rules: false } },
    });
    expect(store.counts.reads - before).toBe(1);
    expect(r.degraded).toBeUndefined();
    expect(r.items[0]!.reason).toBe(`because you viewed ${catalog[7]!.item.title}`);
    for (const id of ids(r)) expect(boughtByBuyer.has(id)).toBe(false);
  });

  describe('bad parameters get a 4xx naming the parameter', () => {
    const cases: [string, number, string][] = [
      ['/v1/trending?k=0', 400, 'query.k'],
      ['/v1/trending?k=101', 400, 'query.k'],
      ['/v1/trending?lang=fr', 400, 'query.lang'],
      ['/v1/recommend/for-you?recent=a,b%20c', 400, 'query.recent'],
      ['/v1/items/no-such-item/similar', 404, 'id'],
      ['/v1/items/no-such-item/bought-together', 404, 'id'],
    ];
    for (const [path, status, field] of cases) {
      it(path, async () => {
        const res = await call(path, { headers: INGEST });
        expect(res.status).toBe(status);
        expect(await res.json()).toMatchObject({ error: { field } });
      });
    }
    it('cart with an unknown item', async () => {
      const res = await send('POST', '/v1/recommend/cart', { items: [popularItem(), 'nope'] });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { field: 'items.1' } });
    });
    it('needs a key', async () => {
      expect((await call('/v1/trending')).status).toBe(401);
    });
  });
});

describe('freshness between rebuilds', () => {
  it('the 5-minute cron moves new purchases into trending without a rebuild', async () => {
    const before = ids(await get('/v1/trending?category=books&k=100'));
    const rising = catalog.find((p) => p.item.categories[0] === 'books' && p.item.available && !before.slice(0, 3).includes(p.item.id))!.item.id;
    const burst = Array.from({ length: 40 }, (_, i) => ({ id: uniq('burst'), type: 'purchase', user: `burst-${i}`, item: rising }));
    await send('POST', '/v1/events', { events: burst });
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '*/5 * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(ids(await get('/v1/trending?category=books&k=3'))[0]).toBe(rising);
    const again = await send('POST', '/v1/admin/trending/refresh', {}, ADMIN);
    expect(await again.json()).toMatchObject({ status: 'refreshed', events: 0 });
  });
});

describe('erasure of a shopper', () => {
  it('removes the profile from the tables as well as the events', async () => {
    const victim = events.find((e) => e.type === 'purchase' && e.user !== buyer)!.user;
    const before = await get(`/v1/recommend/for-you?user=${victim}&k=5`, await asShopper(victim));
    expect(before.items.some((i) => i.reason.startsWith('because you'))).toBe(true);
    const res = await call(`/v1/users/${victim}`, { method: 'DELETE', headers: ADMIN });
    expect(await res.json()).toMatchObject({ user: victim, deleted: { events: expect.any(Number), profiles: 1 }, pending: [] });
    const after = await get(`/v1/recommend/for-you?user=${victim}&k=5`, await asShopper(victim));
    expect(after.items.every((i) => !i.reason.startsWith('because you'))).toBe(true);
  });

  it('a profile shard kept in the isolate is dropped when a shopper is erased, and read again', async () => {
    const victim = [...new Set(events.filter((e) => e.type === 'purchase' && e.user !== buyer).map((e) => e.user))][1]!;
    const kv = kvTableStore(env.TABLES);
    const asked: string[][] = [];
    const store: TableStore = { ...kv, getMany: (keys) => (asked.push([...keys]), kv.getMany(keys)) };
    const deps = { db, store, cacheName: 'erasure-test' };
    const forYou = () => recommendWith(deps, { kind: 'for-you', user: victim, k: 5, serving: { config: { ...DEFAULT_SERVING, rules: false } } });
    const manifest = JSON.parse((await kv.getMany([POINTER_KEY]))[0]!) as Manifest;
    const shard = tableKey(manifest.version, 'pf', shardOf(victim, manifest.shards.pf));
    await forYou();
    await forYou();
    asked.length = 0;
    const warm = await forYou();
    expect(warm.items.some((i) => i.reason.startsWith('because you'))).toBe(true);
    expect(asked.flat()).toContain(ERASURES_KEY);
    expect(asked.flat()).not.toContain(shard);
    const res = await call(`/v1/users/${victim}`, { method: 'DELETE', headers: ADMIN });
    expect(await res.json()).toMatchObject({ deleted: { profiles: 1 }, pending: [] });
    asked.length = 0;
    const after = await forYou();
    expect(asked.flat()).toContain(shard);
    expect(after.items.every((i) => !i.reason.startsWith('because you'))).toBe(true);
  });
});

describe('chat product advice', () => {
  it('answers "something like X" with X and items like it', async () => {
    const res = await send('POST', '/v1/chat', { message: 'Can you recommend something like the espresso machine?', session: uniq('chat') });
    expect(res.status).toBe(200);
    const reply = (await res.json()) as { reason: string; products?: { id: string; title: string }[] };
    expect(reply.reason).toBe('product_advice');
    expect(reply.products?.length).toBeGreaterThan(1);
    expect(reply.products![0]!.id).toMatch(/^sku-kitchen-coffee-machine-/);
  });

  it('answers a Chinese request with Chinese titles', async () => {
    const res = await send('POST', '/v1/chat', { message: '推荐一款露营帐篷', session: uniq('chat'), lang: 'zh' });
    const reply = (await res.json()) as { products?: { id: string; title: string }[] };
    expect(reply.products?.[0]?.id).toMatch(/^sku-outdoor-tent-/);
    expect(reply.products?.[0]?.title).toMatch(/帐篷/);
  });
});

describe('when the table store fails', () => {
  const brokenEnv = { ...env, TABLE_STORE: 'redis', UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9', UPSTASH_REDIS_REST_TOKEN: 'x' };

  it('answers 200 from fallbacks and says so', async () => {
    for (const path of ['/v1/trending?k=5', `/v1/items/${popularItem()}/similar?k=5`, `/v1/recommend/for-you?user=${buyer}&k=5`]) {
      const res = await app.fetch(new Request(`https://engine.test${path}`, { headers: INGEST }), brokenEnv, createExecutionContext());
      expect(res.status).toBe(200);
      const r = (await res.json()) as RecommendResponse;
      expect(r.degraded).toMatch(/^store unavailable; answered from /);
      expect(r.items.length).toBeGreaterThan(0);
      expect(r.version).toBeNull();
    }
  });

  it('without a list cached in the isolate, counts popular items in D1', async () => {
    const snapshot = await popularFromLog(db);
    expect(snapshot.list.length).toBeGreaterThan(50);
    const [top, count] = snapshot.list[0]!;
    const [logged] = await rows<{ n: number }>(
      "SELECT count(*) AS n FROM events WHERE item_id = ? AND type IN ('purchase', 'add_to_cart') AND ts >= ?",
      top,
      Date.now() - 14 * 86_400_000,
    );
    expect(count).toBe(logged!.n);
    expect(count).toBeGreaterThan(0);
    expect(snapshot.entries.get(top)?.[0]).toBe(catalog.find((p) => p.item.id === top)!.item.title);
    for (const [id] of snapshot.list) expect(snapshot.entries.get(id)?.[3]).toBe(1);
  });

  it('a store that hangs times out into the fallback', async () => {
    const hanging: TableStore = { kind: 'kv', getMany: () => new Promise(() => {}), putMany: async () => {}, deleteMany: async () => {} };
    const r = await recommendWith({ db, store: hanging, cacheName: 'hanging' }, { kind: 'trending', k: 3 });
    expect(r.degraded).toMatch(/^store unavailable; answered from /);
    expect(r.items).toHaveLength(3);
  });
});

const proxy = inject('upstashProxy');
describe.skipIf(!proxy)('recommendations from Redis (Upstash REST)', () => {
  it('serves the same answers from Redis as from KV', async () => {
    const redis = redisTableStore(proxy!);
    const now = Date.now();
    await runRebuild({ db, store: redis, config: { ...rebuildConfig({}), selection: false } }, 'redis-test', now);
    const kvRun = await runRebuild({ db, store: kvTableStore(env.TABLES), config: { ...rebuildConfig({}), selection: false } }, 'kv-test', now);
    expect(kvRun.status).toBe('published');
    const counting = countingStore(redis);
    const item = popularItem();
    const fromRedis = await recommendWith({ db, store: counting, cacheName: 'redis-serve' }, { kind: 'similar', item, k: 10 });
    const fromKv = await recommendWith({ db, store: kvTableStore(env.TABLES), cacheName: 'kv-serve' }, { kind: 'similar', item, k: 10 });
    expect(fromRedis.degraded).toBeUndefined();
    expect(ids(fromRedis)).toEqual(ids(fromKv));
    const forYou = await recommendWith({ db, store: counting, cacheName: 'redis-serve' }, { kind: 'for-you', user: buyer, k: 10 });
    for (const id of ids(forYou)) expect(boughtByBuyer.has(id)).toBe(false);
    expect(forYou.items).toHaveLength(10);
  });
});

import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { upsertItems } from '../src/catalog/catalog-store.ts';
import { openDatabase } from '../src/db/client.ts';
import { demoCatalog } from '../src/demo/catalog.ts';
import { demoBehaviour } from '../src/demo/shoppers.ts';
import { signUserToken } from '../src/security/user-token.ts';
import type { RecommendResponse } from '../src/serve/types.ts';
import { ADMIN, INGEST, call, rebuildThroughApi, send, uniq } from './support/api.ts';
import { parseFragment } from './widgets/fragment.ts';

const KEY = 'key=test-ingest-key';
const catalog = demoCatalog().filter((p) => ['audio', 'kitchen', 'outdoor'].includes(p.item.categories[0] ?? ''));
/** In the catalog before the rebuild, but no shopper ever touched it: the tables hold no neighbours for it. */
const UNTOUCHED = {
  id: 'sku-kitchen-untouched-1',
  title: 'Electric kettle with tea infuser',
  categories: ['kitchen', 'kettle'],
  price: 45,
  attributes: { title_zh: '带滤茶器的电热水壶', category_zh: ['厨房', '电热水壶'] },
};

async function get(path: string): Promise<RecommendResponse> {
  const res = await call(path, { headers: INGEST });
  expect(res.status, `${path}: ${res.status} ${res.status === 200 ? '' : await res.clone().text()}`).toBe(200);
  return (await res.json()) as RecommendResponse;
}
const widget = (path: string, headers: Record<string, string> = {}) => call(`/v1/widgets/${path}&${KEY}`, { headers });

beforeAll(async () => {
  expect((await send('PUT', '/v1/items', { items: [...catalog.map((p) => p.item), UNTOUCHED] }, ADMIN)).status).toBe(200);
  const events = demoBehaviour(catalog, { shoppers: 150, days: 7, until: Date.now() - 120_000, seed: 5 });
  for (let i = 0; i < events.length; i += 1000) expect((await send('POST', '/v1/events', { events: events.slice(i, i + 1000) })).status).toBe(200);
  expect(await rebuildThroughApi()).toMatchObject({ status: 'published' });
});

describe('a product created after the last rebuild', () => {
  it('answers similar, bought-together and its widget at once, from its category and title, and says so', async () => {
    const id = uniq('sku-audio-earbuds-new');
    const item = { id, title: 'Wireless earbuds with noise cancelling', categories: ['audio', 'earbuds'], price: 99, attributes: { title_zh: '降噪无线耳机' } };
    expect((await send('PUT', '/v1/items', { items: [item] }, ADMIN)).status).toBe(200);

    const similar = await get(`/v1/items/${id}/similar?k=6`);
    expect(similar.items).toHaveLength(6);
    expect(similar.degraded).toMatch(/newer than the tables/);
    expect(similar.items.map((i) => i.id)).not.toContain(id);
    expect(similar.items.every((i) => i.id.startsWith('sku-audio-'))).toBe(true);
    // Items sharing its title words come first ("wireless earbuds"), each saying why.
    expect(similar.items[0]!.id).toMatch(/^sku-audio-earbuds-/);
    expect(similar.items[0]!.reason).toBe('like Wireless earbuds with noise cancelling: same category, similar name');

    const together = await get(`/v1/items/${id}/bought-together?k=4`);
    expect(together.items.length).toBeGreaterThan(0);
    expect(together.degraded).toMatch(/newer than the tables/);

    const res = await widget(`similar?item=${id}&k=4`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect((await parseFragment(html)).items).toHaveLength(4);
    expect(html).toContain('data-degraded=');
  });

  it('steers for-you at once when the shopper views it', async () => {
    const id = uniq('sku-outdoor-tent-new');
    const item = { id, title: 'Camping tent for four', categories: ['outdoor', 'tent'], price: 249 };
    expect((await send('PUT', '/v1/items', { items: [item] }, ADMIN)).status).toBe(200);
    const user = uniq('shopper');
    expect((await send('POST', '/v1/events', { events: [{ id: uniq('v'), type: 'view', user, item: id }] })).status).toBe(200);
    const res = await call(`/v1/recommend/for-you?user=${user}&k=3`, { headers: { ...INGEST, 'x-user-token': await token(user) } });
    const r = (await res.json()) as RecommendResponse;
    expect(r.items[0]!.id).toMatch(/^sku-outdoor-tent-/);
    expect(r.items[0]!.reason).toBe('because you viewed Camping tent for four');
  });

  it('finds other new items of a new category (never an empty list while the category has items)', async () => {
    const category = uniq('garden');
    const [a, b] = [uniq('sku-garden-a'), uniq('sku-garden-b')];
    const items = [
      { id: a, title: 'Watering can', categories: [category], price: 12 },
      { id: b, title: 'Garden hose', categories: [category], price: 30 },
    ];
    expect((await send('PUT', '/v1/items', { items }, ADMIN)).status).toBe(200);
    expect((await get(`/v1/items/${a}/similar?k=5`)).items.map((i) => i.id)).toEqual([b]);
  });

  it('is read from the live catalog row when the fresh entries do not hold it', async () => {
    const id = uniq('sku-kitchen-kettle-bulk');
    await upsertItems(openDatabase(env.DB), [{ id, title: 'Gooseneck electric kettle', categories: ['kitchen', 'kettle'], available: true, attributes: {} }]);
    const r = await get(`/v1/items/${id}/similar?k=3`);
    expect(r.items).toHaveLength(3);
    expect(r.items.every((i) => i.id.startsWith('sku-kitchen-'))).toBe(true);
    expect((await call(`/v1/items/${uniq('sku-nowhere')}/similar`, { headers: INGEST })).status).toBe(404);
  });
});

describe('an item the tables hold without neighbours', () => {
  it('falls back to its category and title, with reasons, in both languages', async () => {
    const r = await get(`/v1/items/${UNTOUCHED.id}/similar?k=5`);
    expect(r.items).toHaveLength(5);
    expect(r.degraded).toBeUndefined();
    expect(r.items.every((i) => i.id.startsWith('sku-kitchen-'))).toBe(true);
    expect(r.items[0]!.id).toMatch(/^sku-kitchen-kettle-/);
    expect(r.items.every((i) => /^(like Electric kettle with tea infuser|trending in kitchen)/.test(i.reason))).toBe(true);
    const zh = await get(`/v1/items/${UNTOUCHED.id}/bought-together?k=5&lang=zh`);
    expect(zh.items.length).toBeGreaterThan(0);
    expect(zh.items[0]!.reason).toMatch(/^与 带滤茶器的电热水壶 同类且名称相近$|厨房 热门/);
  });

  it('renders its widget with a heading over cards, never a heading over nothing', async () => {
    const html = await (await widget(`similar?item=${UNTOUCHED.id}&k=4`)).text();
    expect((await parseFragment(html)).items).toHaveLength(4);
    expect(html).toContain('Similar items');
  });
});

describe('fresh catalog fields', () => {
  it('a price, title and image change reaches the JSON answer and the widget at once, and changes its ETag', async () => {
    const anchor = 'sku-audio-headphones-1';
    const first = await widget(`similar?item=${anchor}&k=4`);
    const etag = first.headers.get('etag')!;
    const shown = (await parseFragment(await first.text())).items[0]!;
    expect((await widget(`similar?item=${anchor}&k=4`)).headers.get('x-cache')).toBe('hit');

    const patch = { price: 1234.5, title: 'Renamed headphones', image: 'https://shop.example/img/renamed.jpg' };
    expect((await send('PATCH', `/v1/items/${shown}`, patch, ADMIN)).status).toBe(200);

    const json = await get(`/v1/items/${anchor}/similar?k=4`);
    expect(json.items.find((i) => i.id === shown)).toMatchObject(patch);
    const again = await widget(`similar?item=${anchor}&k=4`, { 'if-none-match': etag });
    expect(again.status).toBe(200);
    expect(again.headers.get('x-cache')).toBe('miss');
    expect(again.headers.get('etag')).not.toBe(etag);
    const html = await again.text();
    expect(html).toContain('data-price="1234.5">1,234.50<');
    expect(html).toContain('Renamed headphones');
    expect(html).toContain('https://shop.example/img/renamed.jpg');
    expect((await widget(`similar?item=${anchor}&k=4`, { 'if-none-match': again.headers.get('etag')! })).status).toBe(304);
  });

  it('shows prices in the currency a widget asks for', async () => {
    const html = await (await widget('trending?k=2&currency=EUR')).text();
    expect(html).toMatch(/data-price="[\d.]+">€[\d,.]+</);
    const bad = await widget('trending?k=2&currency=euro');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { field: 'query.currency' } });
  });

  it('an item made available again is served again (the newest change wins)', async () => {
    const id = (await get('/v1/trending?k=3&category=audio')).items[0]!.id;
    expect((await send('PATCH', `/v1/items/${id}`, { available: false }, ADMIN)).status).toBe(200);
    expect((await get('/v1/trending?k=100&category=audio')).items.map((i) => i.id)).not.toContain(id);
    const item = catalog.find((p) => p.item.id === id)!.item;
    expect((await send('PUT', '/v1/items', { items: [{ ...item, available: true }] }, ADMIN)).status).toBe(200);
    expect((await get('/v1/trending?k=100&category=audio')).items.map((i) => i.id)).toContain(id);
  });
});

describe('localized catalog attributes', () => {
  it('refuses a malformed title_zh or category_zh, naming the attribute', async () => {
    const res = await send('PUT', '/v1/items', { items: [{ id: uniq('sku'), title: 'x', attributes: { category_zh: [3] } }] }, ADMIN);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { field: 'items.0.attributes.category_zh' } });
    const patch = await send('PATCH', `/v1/items/${UNTOUCHED.id}`, { attributes: { title_zh: '' } }, ADMIN);
    expect(await patch.json()).toMatchObject({ error: { field: 'attributes.title_zh' } });
  });
});

function token(user: string): Promise<string> {
  return signUserToken(env.USER_TOKEN_SECRET!, user, 600);
}

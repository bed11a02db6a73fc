import { beforeAll, describe, expect, it } from 'vitest';
import { demoCatalog } from '../../src/demo/catalog.ts';
import { demoBehaviour } from '../../src/demo/shoppers.ts';
import { SHARED_CACHE } from '../../src/widgets/cache-policy.ts';
import { ADMIN, INGEST, call, rebuildThroughApi, send } from '../support/api.ts';
import { parseFragment, riskyAttributes } from './fragment.ts';

const KEY = 'key=test-ingest-key';
const ANCHOR = 'sku-audio-earbuds-1';
const HOSTILE = {
  id: 'sku-hostile-1',
  title: '<script>alert(1)</script> earbuds',
  categories: ['audio', 'earbuds'],
  price: 9.5,
  url: 'https://shop.example/p/hostile?q="><script>alert(2)</script>',
  image: "https://shop.example/img/x.jpg' onerror='alert(3)",
};

/** Shoppers who view and buy the anchor with the hostile item, so it ranks among its neighbours. */
function pairedEvents(): unknown[] {
  const now = Date.now() - 60_000;
  return Array.from({ length: 30 }, (_, u) =>
    [ANCHOR, HOSTILE.id, 'sku-audio-eartips-1'].flatMap((item, i) => [
      { id: `pair-${u}-${i}-v`, type: 'view', user: `pair-${u}`, item, session: `pair-${u}`, ts: now - 10_000 + i },
      { id: `pair-${u}-${i}-p`, type: 'purchase', user: `pair-${u}`, item, session: `pair-${u}`, ts: now - 5_000 + i },
    ]),
  ).flat();
}

beforeAll(async () => {
  const catalog = demoCatalog().filter((p) => ['audio', 'kitchen'].includes(p.item.categories[0] ?? ''));
  expect((await send('PUT', '/v1/items', { items: [...catalog.map((p) => p.item), HOSTILE] }, ADMIN)).status).toBe(200);
  const events = [...demoBehaviour(catalog, { shoppers: 200, days: 7, until: Date.now() - 120_000, seed: 3 }), ...pairedEvents()];
  for (let i = 0; i < events.length; i += 1000) expect((await send('POST', '/v1/events', { events: events.slice(i, i + 1000) })).status).toBe(200);
  expect(await rebuildThroughApi()).toMatchObject({ status: 'published' });
});

describe('GET /v1/widgets/{kind}', () => {
  it('renders product cards with the rid and item ids, hostile catalog strings escaped', async () => {
    const res = await call(`/v1/widgets/similar?item=${ANCHOR}&k=10&${KEY}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    const fragment = await parseFragment(html);
    expect(fragment.rid).toMatch(/^r-/);
    expect(fragment.items.length).toBeGreaterThanOrEqual(3);
    expect(fragment.items).toContain(HOSTILE.id);
    expect(fragment.tags).not.toContain('script');
    const { urls, handlers } = riskyAttributes(fragment);
    expect(handlers).toEqual([]);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url).toMatch(/^https:\/\/shop\.example\//);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; earbuds');
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toContain('"><script>');
    expect(html).not.toContain("' onerror='");
  });

  it('escapes the hostile title where it is the reason of other cards', async () => {
    const html = await (await call(`/v1/widgets/similar?item=${HOSTILE.id}&${KEY}`)).text();
    expect(html).toContain('similar to &lt;script&gt;alert(1)&lt;/script&gt; earbuds');
    expect((await parseFragment(html)).tags).not.toContain('script');
  });

  it('caches non-personal widgets per version: public headers, ETag, a hit on the second request', async () => {
    const first = await call(`/v1/widgets/bought-together?item=${ANCHOR}&k=4&${KEY}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe(SHARED_CACHE);
    expect(first.headers.get('x-cache')).toBe('miss');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/".+"$/);
    const body = await first.text();
    // Same query written differently, key in the header: one canonical cache entry.
    const second = await call(`/v1/widgets/bought-together?lang=en&k=4&item=${ANCHOR}`, { headers: INGEST });
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(second.headers.get('etag')).toBe(etag);
    expect(await second.text()).toBe(body);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await call(`/v1/widgets/trending?k=5&${KEY}`);
    const etag = first.headers.get('etag')!;
    await first.arrayBuffer();
    const again = await call(`/v1/widgets/trending?k=5&${KEY}`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('cache-control')).toBe(SHARED_CACHE);
    expect(await again.text()).toBe('');
    const changed = await call(`/v1/widgets/trending?k=6&${KEY}`, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
  });

  it('keeps personal widgets private: for-you, or any user or recent', async () => {
    for (const path of [
      `/v1/widgets/for-you?user=pair-1&${KEY}`,
      `/v1/widgets/similar?item=${ANCHOR}&user=pair-1&${KEY}`,
      `/v1/widgets/trending?recent=${ANCHOR}&${KEY}`,
    ]) {
      const res = await call(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('private, no-store');
      expect(res.headers.get('etag'), path).toBeNull();
      expect(res.headers.get('x-cache'), path).toBe('bypass');
      expect((await parseFragment(await res.text())).items.length, path).toBeGreaterThan(0);
    }
  });

  it('lets recent items of the session steer for-you at once', async () => {
    const html = await (await call(`/v1/widgets/for-you?user=anon-new-visitor&recent=${ANCHOR}&k=5&${KEY}`)).text();
    expect(html).toContain('because you viewed');
  });

  it('speaks Chinese with lang=zh', async () => {
    const html = await (await call(`/v1/widgets/similar?item=${ANCHOR}&lang=zh&${KEY}`)).text();
    expect(html).toContain('相似商品');
    expect(html).toContain('lang="zh"');
  });

  it('answers bad parameters with the one error shape naming the parameter', async () => {
    const cases: [string, number, string][] = [
      [`/v1/widgets/bestsellers?${KEY}`, 400, 'param.kind'],
      [`/v1/widgets/similar?${KEY}`, 400, 'query.item'],
      [`/v1/widgets/trending?k=0&${KEY}`, 400, 'query.k'],
      [`/v1/widgets/trending?lang=fr&${KEY}`, 400, 'query.lang'],
      [`/v1/widgets/similar?item=sku-nowhere&${KEY}`, 404, 'query.item'],
      ['/v1/widgets/trending', 401, 'authorization'],
      ['/v1/widgets/trending?key=wrong', 403, 'authorization'],
    ];
    for (const [path, status, field] of cases) {
      const res = await call(path);
      expect(res.status, path).toBe(status);
      expect(res.headers.get('content-type'), path).toContain('application/json');
      expect(((await res.json()) as { error: { field?: string } }).error.field, path).toBe(field);
    }
  });

  it('never takes the admin key from the URL', async () => {
    expect((await call('/v1/widgets/trending?key=test-admin-key')).status).toBe(403);
  });
});

describe('GET /widget.js', () => {
  it('serves the embed script without a key, cacheable, as JavaScript', async () => {
    const res = await call('/widget.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+/);
    const script = await res.text();
    expect(script).toContain('/v1/widgets/');
    expect(script).toContain('navigator.sendBeacon');
    expect(() => new Function(script)).not.toThrow();
    const again = await call('/widget.js', { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });
});

describe('OpenAPI document', () => {
  it('lists the widget routes', async () => {
    const doc = (await (await call('/openapi.json')).json()) as { paths: Record<string, Record<string, { parameters?: { name: string }[] }>> };
    const params = doc.paths['/v1/widgets/{kind}']?.get?.parameters?.map((p) => p.name) ?? [];
    expect(params).toEqual(expect.arrayContaining(['kind', 'item', 'user', 'k', 'category', 'recent', 'lang', 'key']));
    expect(doc.paths['/widget.js']?.get).toBeDefined();
  });
});

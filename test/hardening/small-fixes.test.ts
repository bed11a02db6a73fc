import { createExecutionContext, createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import worker, { app } from '../../functions/index.ts';
import { HTML_CSP } from '../../src/http/security-headers.ts';
import type { RecommendResponse } from '../../src/serve/types.ts';
import { ADMIN, INGEST, call, rows, send, uniq } from '../support/api.ts';
import { flakyD1, loadSmallShop } from './shop.ts';

let shop: Awaited<ReturnType<typeof loadSmallShop>>;
beforeAll(async () => {
  shop = await loadSmallShop();
});

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];

describe('prototype keys in requests', () => {
  it('are plain unknown names on trending, for-you, cart and widgets: 200, no false outage', async () => {
    for (const key of PROTOTYPE_KEYS) {
      const paths = [
        `/v1/trending?category=${key}`,
        `/v1/recommend/for-you?user=${key}&category=${key}`,
        `/v1/recommend/for-you?user=${shop.buyer}&recent=${key}`,
      ];
      for (const path of paths) {
        const res = await call(path, { headers: INGEST });
        expect(res.status, path).toBe(200);
        const body = (await res.json()) as RecommendResponse;
        expect(body.degraded, path).toBeUndefined();
      }
      const cart = await send('POST', '/v1/recommend/cart', { items: [shop.item], category: key });
      expect(cart.status).toBe(200);
      expect(((await cart.json()) as RecommendResponse).degraded).toBeUndefined();
      const widget = await call(`/v1/widgets/trending?key=test-ingest-key&category=${key}`);
      expect(widget.status).toBe(200);
      expect(await widget.text()).not.toContain('data-degraded');
    }
  });

  it('an item id named like a prototype key is unknown (404), and as an availability change it is stored as a plain id', async () => {
    const res = await call('/v1/items/__proto__/similar', { headers: INGEST });
    expect(res.status).toBe(404);
    const pixel = await call(`/v1/events/pixel?key=test-ingest-key&id=${uniq('e')}&type=view&user=${uniq('u')}&item=sku-1&__proto__=x&ctx.__proto__=y`);
    expect(pixel.status).toBe(200);
  });
});

describe('headers', () => {
  it('every HTML answer carries nosniff and a restrictive CSP; JSON (chat included) carries nosniff', async () => {
    const widget = await call(`/v1/widgets/trending?key=test-ingest-key`);
    expect(widget.headers.get('content-type')).toMatch(/^text\/html/);
    expect(widget.headers.get('x-content-type-options')).toBe('nosniff');
    expect(widget.headers.get('content-security-policy')).toBe(HTML_CSP);
    expect(HTML_CSP).toMatch(/default-src 'none'/);
    const cached = await call(`/v1/widgets/trending?key=test-ingest-key`);
    expect(cached.headers.get('content-security-policy')).toBe(HTML_CSP);
    const chat = await send('POST', '/v1/chat', { message: 'where is my order', session: uniq('s') });
    expect(chat.headers.get('x-content-type-options')).toBe('nosniff');
    const missing = await call('/nowhere');
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('CORS defaults', () => {
  const preflight = (path: string, origin: string, allowed: string | undefined) =>
    app.fetch(
      new Request(`https://engine.test${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } }),
      { ...env, ALLOWED_ORIGINS: allowed },
      createExecutionContext(),
    );

  it('allows no foreign origin until the shop lists its origins', async () => {
    for (const allowed of [undefined, ''])
      expect((await preflight('/v1/events', 'https://shop.example', allowed)).headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight('/v1/events', 'https://shop.example', 'https://shop.example')).headers.get('access-control-allow-origin')).toBe(
      'https://shop.example',
    );
  });

  it('"*" never reflects the null origin and never opens the admin paths', async () => {
    expect((await preflight('/v1/events', 'https://any.example', '*')).headers.get('access-control-allow-origin')).toBe('https://any.example');
    expect((await preflight('/v1/events', 'null', '*')).headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight('/v1/admin/rebuild', 'https://any.example', '*')).headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight('/v1/admin/rebuild', 'https://admin.example', '*,https://admin.example')).headers.get('access-control-allow-origin')).toBe(
      'https://admin.example',
    );
  });
});

describe('OpenAPI', () => {
  it('marks beacon, pixel and widgets as needing the ingest key (in the query or the header)', async () => {
    const doc = (await (await call('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
      components: { securitySchemes: Record<string, { in?: string; name?: string }> };
    };
    expect(doc.components.securitySchemes.ingestKeyQuery).toMatchObject({ in: 'query', name: 'key' });
    for (const [path, method] of [
      ['/v1/events/beacon', 'post'],
      ['/v1/events/pixel', 'get'],
      ['/v1/widgets/{kind}', 'get'],
    ] as const)
      expect(doc.paths[path]![method]!.security).toEqual([{ ingestKeyQuery: [] }, { ingestKey: [] }]);
  });
});

describe('/health', () => {
  it('counts the events in the log exactly: duplicates, refused events and erasures included', async () => {
    const count = async () => ((await (await call('/health')).json()) as { counts: { eventsLogged: number } }).counts.eventsLogged;
    const [{ n: before }] = (await rows<{ n: number }>('SELECT count(*) AS n FROM events')) as [{ n: number }];
    expect(await count()).toBe(before);
    const user = uniq('u');
    const batch = [0, 1, 2].map(() => ({ id: uniq('e'), type: 'view', user, item: 'sku-1' }));
    await send('POST', '/v1/events', { events: batch });
    await send('POST', '/v1/events', { events: [...batch, { id: uniq('e'), type: 'bogus', user }] });
    expect(await count()).toBe(before + 3);
    expect((await call(`/v1/users/${user}`, { method: 'DELETE', headers: ADMIN })).status).toBe(200);
    expect(await count()).toBe(before);
  });

  it('never shows the raw D1 error', async () => {
    const broken = flakyD1(env.DB);
    broken.down = true;
    const res = await app.fetch(new Request('https://engine.test/health'), { ...env, DB: broken }, createExecutionContext());
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ status: 'degraded', d1: { ok: false, error: 'D1 unavailable' } });
    expect(text).not.toMatch(/10\.1\.2\.3|D1_ERROR/);
  });
});

describe('trending refresh', () => {
  it('answers with status failed (not 500) when the table store is down, and so does its cron', async () => {
    const brokenEnv = { ...env, TABLE_STORE: 'redis', UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9', UPSTASH_REDIS_REST_TOKEN: 'x' };
    const res = await app.fetch(
      new Request('https://engine.test/v1/admin/trending/refresh', { method: 'POST', headers: ADMIN }),
      brokenEnv,
      createExecutionContext(),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; error: string };
    expect(body.status).toBe('failed');
    expect(body.error).not.toContain('127.0.0.1:9');
    expect(body.error.length).toBeLessThanOrEqual(300);
    await expect(worker.scheduled(createScheduledController({ cron: '*/5 * * * *' }), brokenEnv, createExecutionContext())).resolves.toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { ADMIN, call, rows, send, uniq } from './support/api.ts';

const item = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  title: 'Ceramic mug 陶瓷马克杯',
  categories: ['kitchen', 'mugs'],
  price: 12.5,
  attributes: { colour: 'blue' },
  ...extra,
});

describe('catalog', () => {
  it('upserts a batch, reads an item back and replaces it on a second upsert', async () => {
    const a = uniq('sku');
    const b = uniq('sku');
    const res = await send('PUT', '/v1/items', { items: [item(a), item(b, { price: null })] }, ADMIN);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ upserted: 2 });
    const got = await call(`/v1/items/${a}`, { headers: ADMIN });
    expect(await got.json()).toMatchObject({
      id: a,
      title: 'Ceramic mug 陶瓷马克杯',
      categories: ['kitchen', 'mugs'],
      price: 12.5,
      available: true,
      attributes: { colour: 'blue' },
    });
    await send('PUT', '/v1/items', { items: [item(a, { title: 'Mug v2' })] }, ADMIN);
    const [row] = await rows<{ title: string }>('SELECT title FROM items WHERE id = ?', a);
    expect(row?.title).toBe('Mug v2');
  });

  it('stores nothing when one item of a batch is invalid, and names the field', async () => {
    const good = uniq('sku');
    const res = await send('PUT', '/v1/items', { items: [item(good), item(uniq('sku'), { price: -3 })] }, ADMIN);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_request', field: 'items.1.price' } });
    expect(await rows('SELECT id FROM items WHERE id = ?', good)).toEqual([]);
  });

  it('refuses links that are not http(s)', async () => {
    const res = await send('PUT', '/v1/items', { items: [item(uniq('sku'), { url: 'javascript:alert(1)' })] }, ADMIN);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { field: 'items.0.url' } });
  });

  it('marks an item unavailable and lists only available items when asked', async () => {
    const id = uniq('sku');
    await send('PUT', '/v1/items', { items: [item(id)] }, ADMIN);
    const res = await send('PATCH', `/v1/items/${id}`, { available: false }, ADMIN);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, available: false, price: 12.5, categories: ['kitchen', 'mugs'], attributes: { colour: 'blue' } });
    const [row] = await rows<{ available: number }>('SELECT available FROM items WHERE id = ?', id);
    expect(row?.available).toBe(0);
    const page = (await (await call('/v1/items?available=true&limit=1000', { headers: ADMIN })).json()) as { items: { id: string }[] };
    expect(page.items.map((i) => i.id)).not.toContain(id);
    const all = (await (await call('/v1/items?limit=1000', { headers: ADMIN })).json()) as { items: { id: string }[] };
    expect(all.items.map((i) => i.id)).toContain(id);
  });

  it('pages through the catalog with a cursor', async () => {
    const prefix = uniq('page');
    await send('PUT', '/v1/items', { items: [1, 2, 3].map((n) => item(`${prefix}-${n}`)) }, ADMIN);
    const first = (await (await call(`/v1/items?after=${prefix}&limit=2`, { headers: ADMIN })).json()) as { items: { id: string }[]; next: string };
    expect(first.items.map((i) => i.id)).toEqual([`${prefix}-1`, `${prefix}-2`]);
    const second = (await (await call(`/v1/items?after=${first.next}&limit=2`, { headers: ADMIN })).json()) as { items: { id: string }[] };
    expect(second.items[0]?.id).toBe(`${prefix}-3`);
  });

  it('deletes an item, then answers 404 for it', async () => {
    const id = uniq('sku');
    await send('PUT', '/v1/items', { items: [item(id)] }, ADMIN);
    expect((await call(`/v1/items/${id}`, { method: 'DELETE', headers: ADMIN })).status).toBe(200);
    expect(await rows('SELECT id FROM items WHERE id = ?', id)).toEqual([]);
    const again = await call(`/v1/items/${id}`, { headers: ADMIN });
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ error: { code: 'not_found', field: 'id' } });
    expect((await send('PATCH', `/v1/items/${id}`, { available: false }, ADMIN)).status).toBe(404);
  });

  it('rejects a bad query parameter by name', async () => {
    const res = await call('/v1/items?limit=5000', { headers: ADMIN });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { field: 'query.limit' } });
  });
});

describe('DELETE /v1/users/:id', () => {
  it('erases every event of the user and says how many rows went', async () => {
    const user = uniq('u');
    const other = uniq('u');
    const events = [
      ...Array.from({ length: 4 }, (_, i) => ({ id: `${user}-${i}`, type: 'view', user, item: 'sku-1' })),
      { id: `${other}-0`, type: 'view', user: other, item: 'sku-1' },
    ];
    await send('POST', '/v1/events', { events });
    const res = await call(`/v1/users/${user}`, { method: 'DELETE', headers: ADMIN });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user, deleted: { events: 4 } });
    expect(await rows('SELECT id FROM events WHERE user_id = ?', user)).toEqual([]);
    expect(await rows('SELECT id FROM events WHERE user_id = ?', other)).toHaveLength(1);
  });
});

describe('health and the API contract', () => {
  it('reports version, D1 and counts without a key', async () => {
    const res = await call('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', d1: { ok: true }, counts: { items: expect.any(Number), eventsLogged: expect.any(Number) } });
  });

  it('serves an OpenAPI document listing the endpoints and the Event schema', async () => {
    const doc = (await (await call('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/events', '/v1/events/beacon', '/v1/events/pixel', '/v1/items', '/v1/items/{id}', '/v1/users/{id}', '/health']),
    );
    expect(doc.components.schemas).toHaveProperty('Event');
    expect(doc.components.schemas).toHaveProperty('Error');
  });

  it('answers an unknown route with the error shape', async () => {
    const res = await call('/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

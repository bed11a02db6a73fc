import { describe, expect, it } from 'vitest';
import { INGEST, ADMIN, call, rows, send, uniq } from './support/api.ts';

const view = (id: string, user: string, item = 'sku-1') => ({ id, type: 'view', user, item });

async function countEvents(user: string): Promise<number> {
  const [row] = await rows<{ n: number }>('SELECT count(*) AS n FROM events WHERE user_id = ?', user);
  return row?.n ?? 0;
}

describe('POST /v1/events', () => {
  it('stores a valid batch of every event type', async () => {
    const user = uniq('u');
    const events = [
      view(uniq('e'), user),
      { id: uniq('e'), type: 'click', user, item: 'sku-2', rid: 'r-1', session: 's-1' },
      { id: uniq('e'), type: 'add_to_cart', user, item: 'sku-2', value: 2 },
      { id: uniq('e'), type: 'remove_from_cart', user, item: 'sku-2' },
      { id: uniq('e'), type: 'purchase', user, item: 'sku-2', value: 1, ts: 1_700_000_000_000 },
      { id: uniq('e'), type: 'rating', user, item: 'sku-2', value: 4 },
      { id: uniq('e'), type: 'impression', user, items: ['sku-3', 'sku-4'], rid: 'r-2', context: { widget: 'similar' } },
    ];
    const res = await send('POST', '/v1/events', { events });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 7, duplicates: 0, rejected: [] });
    const stored = await rows<{ type: string; item_id: string | null; items: string | null; ts: number; context: string | null }>(
      'SELECT type, item_id, items, ts, context FROM events WHERE user_id = ? ORDER BY seq',
      user,
    );
    expect(stored.map((r) => r.type)).toEqual(events.map((e) => e.type));
    expect(stored[4]?.ts).toBe(1_700_000_000_000);
    expect(JSON.parse(stored[6]?.items ?? '[]')).toEqual(['sku-3', 'sku-4']);
    expect(JSON.parse(stored[6]?.context ?? '{}')).toEqual({ widget: 'similar' });
  });

  it('stores nothing new when the same batch is sent again', async () => {
    const user = uniq('u');
    const batch = { events: Array.from({ length: 25 }, (_, i) => view(`${user}-e${i}`, user, `sku-${i}`)) };
    const first = await (await send('POST', '/v1/events', batch)).json();
    expect(first).toEqual({ accepted: 25, duplicates: 0, rejected: [] });
    const again = await (await send('POST', '/v1/events', batch)).json();
    expect(again).toEqual({ accepted: 0, duplicates: 25, rejected: [] });
    expect(await countEvents(user)).toBe(25);
  });

  it('counts an id repeated inside one batch once', async () => {
    const user = uniq('u');
    const id = uniq('e');
    const res = await send('POST', '/v1/events', { events: [view(id, user), view(id, user)] });
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
    expect(await countEvents(user)).toBe(1);
  });

  it('reports invalid events by index and field and stores the valid ones', async () => {
    const user = uniq('u');
    const events = [
      view(uniq('e'), user),
      { id: uniq('e'), type: 'teleport', user, item: 'sku-1' },
      { id: uniq('e'), type: 'rating', user, item: 'sku-1', value: 9 },
      { id: uniq('e'), type: 'view', user },
      { id: '', type: 'view', user, item: 'sku-1' },
      { id: uniq('e'), type: 'impression', user, items: ['a'] },
      'not an object',
      view(uniq('e'), user, 'sku-9'),
    ];
    const res = await send('POST', '/v1/events', { events });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accepted: number; rejected: { index: number; field: string }[] };
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r) => [r.index, r.field])).toEqual([
      [1, 'type'],
      [2, 'value'],
      [3, 'item'],
      [4, 'id'],
      [5, 'rid'],
      [6, 'event'],
    ]);
    expect(await countEvents(user)).toBe(2);
  });

  it('rejects a future timestamp and an over-long context', async () => {
    const user = uniq('u');
    const events = [
      { ...view(uniq('e'), user), ts: Date.now() + 7 * 86400_000 },
      { ...view(uniq('e'), user), context: { blob: 'x'.repeat(3000) } },
    ];
    const body = (await (await send('POST', '/v1/events', { events })).json()) as { rejected: { field: string }[] };
    expect(body.rejected.map((r) => r.field)).toEqual(['ts', 'context']);
    expect(await countEvents(user)).toBe(0);
  });

  describe('envelope errors store nothing', () => {
    const user = 'envelope-user';
    const cases: [string, RequestInit, number, string][] = [
      ['not JSON', { body: '{"events": [', headers: { 'content-type': 'application/json' } }, 400, 'body'],
      ['no events array', { body: JSON.stringify({ event: [] }), headers: { 'content-type': 'application/json' } }, 400, 'events'],
      ['events not an array', { body: JSON.stringify({ events: {} }), headers: { 'content-type': 'application/json' } }, 400, 'events'],
      ['empty batch', { body: JSON.stringify({ events: [] }), headers: { 'content-type': 'application/json' } }, 400, 'events'],
      [
        'over 1,000 events',
        { body: JSON.stringify({ events: Array.from({ length: 1001 }, (_, i) => view(`big-${i}`, user)) }), headers: { 'content-type': 'application/json' } },
        400,
        'events',
      ],
      [
        'body over 1 MB',
        {
          body: JSON.stringify({ events: [{ ...view('huge', user), context: { pad: 'x'.repeat(1_100_000) } }] }),
          headers: { 'content-type': 'application/json' },
        },
        413,
        'body',
      ],
    ];
    for (const [name, init, status, field] of cases) {
      it(name, async () => {
        const res = await call('/v1/events', { ...init, method: 'POST', headers: { ...INGEST, ...init.headers } });
        expect(res.status).toBe(status);
        const body = (await res.json()) as { error: { code: string; field?: string } };
        expect(body.error.field).toBe(field);
        expect(await countEvents(user)).toBe(0);
      });
    }

    it('wrong content type is a 415', async () => {
      const res = await call('/v1/events', { method: 'POST', headers: { ...INGEST, 'content-type': 'text/csv' }, body: 'a,b' });
      expect(res.status).toBe(415);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    });
  });
});

describe('keys', () => {
  const batch = { events: [view('key-e1', 'key-user')] };

  it('a missing key is a 401 and stores nothing', async () => {
    const res = await send('POST', '/v1/events', batch, {});
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect(await countEvents('key-user')).toBe(0);
  });

  it('an unknown key is a 403', async () => {
    const res = await send('POST', '/v1/events', batch, { authorization: 'Bearer nope' });
    expect(res.status).toBe(403);
  });

  it('the ingest key cannot use admin endpoints', async () => {
    const res = await send('PUT', '/v1/items', { items: [{ id: 'x', title: 'X' }] }, INGEST);
    expect(await res.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect(res.status).toBe(403);
    const del = await call('/v1/users/someone', { method: 'DELETE', headers: INGEST });
    expect(del.status).toBe(403);
  });

  it('the admin key can also collect', async () => {
    const res = await send('POST', '/v1/events', { events: [view(uniq('e'), uniq('u'))] }, ADMIN);
    expect(res.status).toBe(200);
  });
});

describe('CORS', () => {
  it('answers a preflight from an allowed shop origin', async () => {
    const res = await call('/v1/events', {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });

  it('does not allow another origin', async () => {
    const res = await call('/v1/events', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('browser forms', () => {
  it('takes a sendBeacon batch sent as text/plain with the key in the query', async () => {
    const user = uniq('u');
    const body = JSON.stringify({ events: [view(uniq('e'), user), { id: uniq('e'), type: 'click', user, item: 'sku-2', rid: 'r-9' }] });
    const res = await call('/v1/events/beacon?key=test-ingest-key', { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect(await countEvents(user)).toBe(2);
  });

  it('takes a single-event beacon and refuses a beacon without a key', async () => {
    const user = uniq('u');
    const body = JSON.stringify(view(uniq('e'), user));
    expect((await call('/v1/events/beacon?key=test-ingest-key', { method: 'POST', body })).status).toBe(200);
    expect((await call('/v1/events/beacon', { method: 'POST', body })).status).toBe(401);
    expect((await call('/v1/events/beacon?key=test-admin-key-wrong', { method: 'POST', body })).status).toBe(403);
    expect(await countEvents(user)).toBe(1);
  });

  it('never takes the admin key from a URL', async () => {
    const res = await call(`/v1/events/pixel?key=test-admin-key&id=${uniq('e')}&type=view&user=x&item=y`);
    expect(res.status).toBe(403);
  });

  it('stores one event from a pixel and answers a GIF', async () => {
    const user = uniq('u');
    const id = uniq('e');
    const res = await call(`/v1/events/pixel?key=test-ingest-key&id=${id}&type=impression&user=${user}&items=a,b,c&rid=r-5&ctx.widget=trending`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(30);
    const [row] = await rows<{ items: string; rid: string; context: string }>('SELECT items, rid, context FROM events WHERE id = ?', id);
    expect(row).toEqual({ items: '["a","b","c"]', rid: 'r-5', context: '{"widget":"trending"}' });
  });

  it('answers a bad pixel with a 400 naming the field', async () => {
    const res = await call(`/v1/events/pixel?key=test-ingest-key&id=${uniq('e')}&type=rating&user=u&item=i&value=nine`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe('value');
  });
});

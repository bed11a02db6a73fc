import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { app } from '../../functions/index.ts';
import type { CollectResult } from '../../src/collect/event-schema.ts';
import { signUserToken, verifyUserToken } from '../../src/security/user-token.ts';
import type { RecommendResponse } from '../../src/serve/types.ts';
import { ADMIN, INGEST, rows, uniq } from '../support/api.ts';
import { loadSmallShop } from './shop.ts';

const SECRET = 'test-user-token-secret';
const PERSONAL = /^because you (viewed|bought|added)/;

let shop: Awaited<ReturnType<typeof loadSmallShop>>;
beforeAll(async () => {
  shop = await loadSmallShop();
});

function request(
  path: string,
  { required = false, headers = INGEST as Record<string, string>, body }: { required?: boolean; headers?: Record<string, string>; body?: unknown } = {},
) {
  const init: RequestInit =
    body === undefined ? { headers } : { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) };
  return app.fetch(new Request(`https://engine.test${path}`, init), { ...env, REQUIRE_USER_TOKEN: required ? 'true' : 'false' }, createExecutionContext());
}

describe('user tokens', () => {
  it('verify only when signed with the secret, unexpired and unaltered', async () => {
    const token = await signUserToken(SECRET, 'u.42/ü', 60);
    expect(await verifyUserToken(SECRET, token)).toBe('u.42/ü');
    expect(await verifyUserToken('another-secret', token)).toBeUndefined();
    expect(await verifyUserToken(SECRET, await signUserToken(SECRET, 'u-42', -1))).toBeUndefined();
    const [user, expiry, signature] = token.split('.') as [string, string, string];
    expect(await verifyUserToken(SECRET, `${btoa('u-43')}.${expiry}.${signature}`)).toBeUndefined();
    expect(await verifyUserToken(SECRET, `${user}.${Number(expiry) + 1000}.${signature}`)).toBeUndefined();
    expect(await verifyUserToken(SECRET, 'garbage')).toBeUndefined();
    expect(await verifyUserToken(undefined, token)).toBeUndefined();
  });

  it('match a token signed the way the documented Node snippet does (node:crypto HMAC, base64url)', async () => {
    const payload = `${btoa('u-42').replaceAll('=', '')}.${Math.floor(Date.now() / 1000) + 600}`;
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(payload)));
    const signature = btoa(String.fromCharCode(...mac))
      .replaceAll('+', '-')
      .replaceAll('/', '_')
      .replaceAll('=', '');
    expect(await verifyUserToken(SECRET, `${payload}.${signature}`)).toBe('u-42');
  });
});

describe('REQUIRE_USER_TOKEN on', () => {
  it('refuses reads for a shopper without their token: for-you, cart, widgets, any kind naming a user', async () => {
    for (const path of [
      `/v1/recommend/for-you?user=${shop.buyer}`,
      `/v1/trending?user=${shop.buyer}`,
      `/v1/widgets/for-you?key=test-ingest-key&user=${shop.buyer}`,
    ]) {
      const res = await request(path, { required: true });
      expect(res.status, path).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: 'user_token_required', field: 'user' } });
    }
    expect((await request('/v1/recommend/cart', { required: true, body: { items: [shop.item], user: shop.buyer } })).status).toBe(403);
    const other = await signUserToken(SECRET, 'someone-else', 600);
    expect((await request(`/v1/recommend/for-you?user=${shop.buyer}&token=${other}`, { required: true })).status).toBe(403);
  });

  it("reads for the token's shopper, with personal reasons; a bad token is a 401", async () => {
    const token = await signUserToken(SECRET, shop.buyer, 600);
    const viaQuery = await request(`/v1/recommend/for-you?token=${token}&k=10`, { required: true });
    expect(viaQuery.status).toBe(200);
    const viaHeader = await request(`/v1/recommend/for-you?user=${shop.buyer}&k=10`, { required: true, headers: { ...INGEST, 'x-user-token': token } });
    const answer = (await viaHeader.json()) as RecommendResponse;
    expect(answer.items.some((i) => PERSONAL.test(i.reason))).toBe(true);
    expect(((await viaQuery.json()) as RecommendResponse).items.map((i) => i.id)).toEqual(answer.items.map((i) => i.id));
    const widget = await request(`/v1/widgets/for-you?key=test-ingest-key&token=${token}`, { required: true });
    expect(widget.status).toBe(200);
    const bad = await request(`/v1/recommend/for-you?token=${token.slice(0, -2)}xx`, { required: true });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_token', field: 'token' } });
  });

  it("refuses events for another shopper, takes the token's shopper and anonymous visitors; the admin key writes for anyone", async () => {
    const victim = uniq('victim');
    const me = uniq('me');
    const token = await signUserToken(SECRET, me, 600);
    const anon = `anon-${crypto.randomUUID()}`;
    const events = [victim, me, anon].map((user) => ({ id: uniq('e'), type: 'view', user, item: shop.item }));
    const withToken = await request('/v1/events', { required: true, headers: { ...INGEST, 'x-user-token': token }, body: { events } });
    expect(await withToken.json()).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [{ index: 0, field: 'user', error: expect.any(String) }],
    } satisfies CollectResult);
    const beacon = await request(`/v1/events/beacon?key=test-ingest-key`, {
      required: true,
      body: { events: [{ id: uniq('e'), type: 'view', user: victim, item: shop.item }] },
    });
    expect(((await beacon.json()) as CollectResult).rejected).toHaveLength(1);
    const pixel = await request(`/v1/events/pixel?key=test-ingest-key&id=${uniq('e')}&type=view&user=${victim}&item=${shop.item}`, { required: true });
    expect(pixel.status).toBe(400);
    expect((await rows('SELECT id FROM events WHERE user_id = ?', victim)).length).toBe(0);
    const admin = await request('/v1/events', {
      required: true,
      headers: ADMIN,
      body: { events: [{ id: uniq('e'), type: 'view', user: victim, item: shop.item }] },
    });
    expect(((await admin.json()) as CollectResult).accepted).toBe(1);
  });
});

describe('REQUIRE_USER_TOKEN off', () => {
  it('answers the public key without a token with generic reasons, never items of the history', async () => {
    const res = await request(`/v1/recommend/for-you?user=${shop.buyer}&k=10`);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as RecommendResponse;
    expect(answer.items.length).toBe(10);
    for (const item of answer.items) expect(item.reason).not.toMatch(PERSONAL);
    expect(answer.items.some((i) => i.reason === 'picked for you')).toBe(true);
    const widget = await (await request(`/v1/widgets/for-you?key=test-ingest-key&user=${shop.buyer}&k=10`)).text();
    expect(widget).not.toMatch(/because you/);
    const admin = (await (await request(`/v1/recommend/for-you?user=${shop.buyer}&k=10`, { headers: ADMIN })).json()) as RecommendResponse;
    expect(admin.items.some((i) => PERSONAL.test(i.reason))).toBe(true);
    expect(admin.items.map((i) => i.id)).toEqual(answer.items.map((i) => i.id));
  });
});

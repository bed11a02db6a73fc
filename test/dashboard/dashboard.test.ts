import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { rollUpActivity } from '../../src/activity/rollup.ts';
import { PAGES } from '../../src/dashboard/layout.ts';
import { SESSION_COOKIE, issueSession } from '../../src/dashboard/session.ts';
import { openDatabase } from '../../src/db/client.ts';
import { ORIGIN, post, signIn } from '../support/dashboard.ts';
import { ADMIN, call, rows, send, uniq } from '../support/api.ts';

describe('dashboard guard', () => {
  it('sends a visitor without credentials to the login form, never data', async () => {
    for (const path of ['/dashboard', '/dashboard/overview', '/dashboard/models', '/dashboard/catalog']) {
      const res = await call(path, { redirect: 'manual' });
      expect(res.status, path).toBe(302);
      expect(res.headers.get('location')).toMatch(/^\/dashboard\/login\?next=/);
      expect(await res.text()).not.toContain('<table');
    }
    const login = await call('/dashboard/login');
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('name="key"');
  });

  it('refuses a wrong key in the form and in the Authorization header', async () => {
    const form = await call('/dashboard/login', {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: 'test-ingest-key' }),
    });
    expect(form.status).toBe(401);
    expect(form.headers.get('set-cookie')).toBeNull();
    expect((await call('/dashboard/overview', { headers: { authorization: 'Bearer test-ingest-key' } })).status).toBe(403);
  });

  it('lets scripts in with the admin key as a bearer token', async () => {
    const res = await call('/dashboard/models', { headers: ADMIN });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('content-security-policy')).not.toContain('script-src');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('signs in with the form; the cookie opens every page, which links every other page', async () => {
    const cookie = await signIn();
    const home = await call('/dashboard', { headers: { cookie } });
    expect(home.status).toBe(200);
    const html = await home.text();
    for (const page of PAGES) expect(html).toContain(`href="/dashboard/${page}"`);
    for (const page of PAGES) expect((await call(`/dashboard/${page}`, { headers: { cookie } })).status, page).toBe(200);
  });

  it('refuses an expired or tampered cookie', async () => {
    const expired = await issueSession('test-admin-key', Date.now() - 9 * 3600 * 1000);
    const res = await call('/dashboard/overview', { headers: { cookie: `${SESSION_COOKIE}=${expired.value}` }, redirect: 'manual' });
    expect(res.status).toBe(302);
    const valid = await issueSession('test-admin-key');
    const [expiry, nonce, signature] = valid.value.split('.');
    const tampered = `${Number(expiry) + 86_400_000}.${nonce}.${signature}`;
    expect((await call('/dashboard/overview', { headers: { cookie: `${SESSION_COOKIE}=${tampered}` }, redirect: 'manual' })).status).toBe(302);
    const otherKey = await issueSession('another-admin-key');
    expect((await call('/dashboard/overview', { headers: { cookie: `${SESSION_COOKIE}=${otherKey.value}` }, redirect: 'manual' })).status).toBe(302);
  });

  it('starts a rebuild from a same-origin form post and refuses cross-site or cookie-less posts', async () => {
    const cookie = await signIn();
    expect((await post('/dashboard/rebuild', cookie, 'https://evil.example')).status).toBe(403);
    expect((await post('/dashboard/rebuild', cookie, undefined)).status).toBe(403);
    expect((await post('/dashboard/rebuild', undefined, ORIGIN)).status).toBe(401);
    const ok = await post('/dashboard/rebuild', cookie, ORIGIN);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/dashboard/models?done=rebuild');
  });

  it('signs out: the cookie is cleared', async () => {
    const cookie = await signIn();
    const res = await post('/dashboard/logout', cookie, ORIGIN);
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(new RegExp(`${SESSION_COOKIE}=;.*Max-Age=0`, 'i'));
  });

  it('refuses a cross-site sign-in form', async () => {
    const res = await call('/dashboard/login', {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: 'test-admin-key' }),
    });
    expect(res.status).toBe(403);
  });
});

describe('dashboard content', () => {
  const HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(2)>'];

  it('renders catalog titles and FAQ answers inert', async () => {
    const id = uniq('sku-hostile');
    const title = `Teapot ${HOSTILE.join(' ')}`;
    expect((await send('PUT', '/v1/items', { items: [{ id, title, categories: ['tea'], price: 10, available: false }] }, ADMIN)).status).toBe(200);
    expect((await send('POST', '/v1/admin/rules', { action: 'pin', targetType: 'item', target: id, amount: 0 }, ADMIN)).status).toBe(201);
    const faq = uniq('faq-hostile');
    expect(
      (
        await send(
          'PUT',
          '/v1/chat/faqs',
          { entries: [{ id: faq, question: `Teapot cracked ${HOSTILE[0]}`, answer: `We replace it ${HOSTILE.join(' ')}`, lang: 'en' }] },
          ADMIN,
        )
      ).status,
    ).toBe(200);
    await env.DB.prepare('INSERT INTO chat_misses (message, lang, confidence, best_faq, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .bind(`my teapot is cracked ${HOSTILE[1]}`, 'en', 0.1, faq, 'low confidence', Date.now())
      .run();
    for (const page of ['catalog', 'chat']) {
      const html = await (await call(`/dashboard/${page}`, { headers: ADMIN })).text();
      expect(html, page).not.toContain('<script>alert');
      expect(html, page).not.toContain('<img src=x');
      expect(html, page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html, page).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    }
    const catalog = await (await call('/dashboard/catalog', { headers: ADMIN })).text();
    expect(catalog).toContain(id);
  });

  it('speaks Chinese when the browser asks, and switches on request', async () => {
    const zh = await (await call('/dashboard/overview', { headers: { ...ADMIN, 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' } })).text();
    expect(zh).toContain('概览');
    expect(zh).toContain('lang="zh-CN"');
    const en = await call('/dashboard/overview?lang=en', { headers: { ...ADMIN, 'accept-language': 'zh-CN' } });
    expect(await en.text()).toContain('Overview');
    expect(en.headers.get('set-cookie')).toContain('ep_lang=en');
  });

  it('adds a missed question as a phrasing of an FAQ from the chat page', async () => {
    const faq = uniq('faq-ship');
    await send('PUT', '/v1/chat/faqs', { entries: [{ id: faq, question: 'How long does shipping take?', answer: 'Two to four days.', lang: 'en' }] }, ADMIN);
    const res = await call('/dashboard/chat/phrasing', {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ faq, message: 'when will my parcel get here' }),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    const [row] = await rows<{ alternatives: string }>('SELECT alternatives FROM faqs WHERE id = ?', faq);
    expect(JSON.parse(row!.alternatives)).toContain('when will my parcel get here');
  });
});

describe('activity roll-up', () => {
  it('counts each event once per day and type, even when run again, and charts it', async () => {
    const db = openDatabase(env.DB);
    await rollUpActivity(db);
    const item = uniq('sku-roll');
    await send('PUT', '/v1/items', { items: [{ id: item, title: 'Roll-up mug', categories: ['kitchen'], price: 12.5 }] }, ADMIN);
    const user = uniq('u-roll');
    const day = Date.UTC(2026, 0, 15, 12);
    const events = [
      { id: uniq('e'), type: 'view', user, item, ts: day },
      { id: uniq('e'), type: 'view', user, item, ts: day + 1000 },
      { id: uniq('e'), type: 'purchase', user, item, value: 2, ts: day + 2000 },
    ];
    expect((await send('POST', '/v1/events', { events }, ADMIN)).status).toBe(200);
    const before = await rows<{ type: string; events: number; revenue: number }>("SELECT type, events, revenue FROM daily_activity WHERE day = '2026-01-15'");
    const first = await rollUpActivity(db, { pageSize: 2 });
    expect(first.events).toBe(3);
    expect(await rollUpActivity(db)).toMatchObject({ events: 0 });
    const after = await rows<{ type: string; events: number; revenue: number }>("SELECT type, events, revenue FROM daily_activity WHERE day = '2026-01-15'");
    const delta = (type: string, field: 'events' | 'revenue') =>
      (after.find((r) => r.type === type)?.[field] ?? 0) - (before.find((r) => r.type === type)?.[field] ?? 0);
    expect(delta('view', 'events')).toBe(2);
    expect(delta('purchase', 'events')).toBe(1);
    expect(delta('purchase', 'revenue')).toBeCloseTo(25);
    expect(await rows("SELECT 1 FROM daily_shoppers WHERE day = '2026-01-15' AND user_id = ?", user)).toHaveLength(1);
  });

  it('draws the overview charts from the roll-up', async () => {
    const user = uniq('u-today');
    await send('POST', '/v1/events', { events: [{ id: uniq('e'), type: 'view', user, item: 'sku-any' }] }, ADMIN);
    await rollUpActivity(openDatabase(env.DB));
    const html = await (await call('/dashboard/overview?days=7', { headers: ADMIN })).text();
    expect(html).toContain('<svg');
    expect(html).toMatch(/<table>[\s\S]*view/);
  });
});

describe('rule dates', () => {
  it('refuses an end before the start, naming the field, and lists the dates', async () => {
    const bad = await send(
      'POST',
      '/v1/admin/rules',
      { action: 'boost', targetType: 'category', target: 'tea', startsAt: '2026-12-24T00:00:00Z', endsAt: '2026-12-01T00:00:00Z' },
      ADMIN,
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('endsAt');
    const ok = await send('POST', '/v1/admin/rules', { action: 'boost', targetType: 'category', target: 'tea', endsAt: '2020-01-01T00:00:00Z' }, ADMIN);
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ startsAt: null, endsAt: Date.parse('2020-01-01T00:00:00Z') });
  });
});

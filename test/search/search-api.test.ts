import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { demoCatalog } from '../../src/demo/catalog.ts';
import { demoBehaviour } from '../../src/demo/shoppers.ts';
import { runRebuild } from '../../src/rebuild/run-rebuild.ts';
import { rebuildConfig } from '../../src/rebuild/settings.ts';
import { searchIndexTables } from '../../src/search/index-tables.ts';
import type { SearchResponse } from '../../src/search/serve-search.ts';
import { forgetCachedTables } from '../../src/serve/table-reader.ts';
import { kvTableStore } from '../../src/tables/kv-store.ts';
import { ADMIN, INGEST, call, send, uniq } from '../support/api.ts';

const db = openDatabase(env.DB);
const catalog = demoCatalog();
const events = demoBehaviour(catalog, { shoppers: 200, days: 10, until: Date.now() - 3600_000, seed: 5 });

async function rebuild(): Promise<void> {
  const outcome = await runRebuild({ db, store: kvTableStore(env.TABLES), config: rebuildConfig({}), extensions: [searchIndexTables] }, 'test');
  expect(outcome.status, outcome.error).toBe('published');
  forgetCachedTables();
}

async function search(query: string): Promise<SearchResponse> {
  const res = await call(`/v1/search?${query}`, { headers: INGEST });
  expect(res.status, `${query}: ${res.status} ${res.status === 200 ? '' : await res.clone().text()}`).toBe(200);
  return (await res.json()) as SearchResponse;
}

const q = (text: string, extra = '') => search(`q=${encodeURIComponent(text)}${extra}`);
const kinds = (r: SearchResponse) => r.items.map((i) => i.id.replace(/^sku-[a-z]+-(.+)-\d+$/, '$1'));

/** Searches a shopper ran: an impression with the query, then clicks on what they chose (as the widget sends them). */
function searchEvents(query: string, shoppers: string[], chosen: string) {
  return shoppers.flatMap((user) => {
    const qid = `q-${uniq('t')}`;
    return [
      { id: uniq('e'), type: 'impression', user, items: [chosen], rid: qid, context: { widget: 'search', q: query } },
      { id: uniq('e'), type: 'click', user, item: chosen, rid: qid },
      { id: uniq('e'), type: 'purchase', user, item: chosen, rid: qid },
    ];
  });
}

beforeAll(async () => {
  await send('PUT', '/v1/items', { items: catalog.map((p) => p.item) }, ADMIN);
  for (let i = 0; i < events.length; i += 1000) await send('POST', '/v1/events', { events: events.slice(i, i + 1000) });
  const learned = searchEvents('green tea', ['s1', 's2', 's3'], 'sku-tea-green-tea-5');
  expect((await send('POST', '/v1/events', { events: learned })).status).toBe(200);
  await rebuild();
}, 120_000);

describe('search matching (demo shop, KV)', () => {
  it('English words are stemmed and match titles', async () => {
    const r = await q('espresso machines');
    expect(r.total).toBe(8);
    expect(new Set(kinds(r))).toEqual(new Set(['coffee-machine']));
    expect(r.items[0]!.reason).toBe('matches "espresso machines"');
    expect(r.version).toMatch(/^v/);
    expect(r.qid).toMatch(/^q-[0-9a-f]{16}$/);
  });

  it('Chinese queries match by words and character bigrams', async () => {
    expect(new Set(kinds(await q('绿茶')))).toContain('green-tea');
    expect(kinds(await q('抹茶粉'))[0]).toBe('matcha');
    const kettle = await q('电热水壶', '&lang=zh');
    expect(kinds(kettle)[0]).toBe('kettle');
    expect(kettle.items[0]!.title).toMatch(/电热水壶/);
  });

  it('tolerates typos by word length', async () => {
    expect(kinds(await q('expresso machine'))[0]).toBe('coffee-machine');
    expect(kinds(await q('sleping bag'))[0]).toBe('sleeping-bag');
    const r = await q('dumbells');
    expect(kinds(r)[0]).toBe('dumbbells');
    expect(r.items[0]!.reason).toBe('close to "dumbells"');
    // A four-letter word gets no typo: "tant" is no match for "tent".
    expect((await q('tant')).fallback).toBeDefined();
  });

  it('matches the word being typed as a prefix', async () => {
    expect(kinds(await q('espre'))[0]).toBe('coffee-machine');
    expect(kinds(await q('matc'))).toContain('matcha');
    // A finished word (trailing space) is not a prefix.
    expect((await q('espre ')).fallback).toBeDefined();
  });

  it("applies the shop's synonyms (shared with the chat) and the product vocabulary", async () => {
    expect(kinds(await q('earphones'))[0]).toBe('earbuds');
    expect(kinds(await q('抹茶'))).toContain('matcha');
    expect(kinds(await q('matcha', '&lang=zh'))).toContain('matcha');
    expect((await q('brew leaves')).fallback).toBeDefined();
    expect((await send('PUT', '/v1/chat/synonyms', { groups: [['brew leaves', 'oolong']] }, ADMIN)).status).toBe(200);
    await rebuild();
    expect(kinds(await q('brew leaves'))[0]).toBe('tea');
    expect((await send('PUT', '/v1/chat/synonyms', { groups: [] }, ADMIN)).status).toBe(200);
  });

  it('counts facets and filters by category, price and availability', async () => {
    const all = await q('tea');
    expect(all.facets.categories.find((c) => c.value === 'tea')?.count).toBeGreaterThan(10);
    expect(all.facets.prices.reduce((n, band) => n + band.count, 0)).toBe(all.total);
    const cheap = await q('tea', '&price_max=16');
    expect(cheap.items.length).toBeGreaterThan(0);
    for (const item of cheap.items) expect(item.price).toBeLessThanOrEqual(16);
    const kitchen = await q('tea', '&category=kitchen');
    expect(new Set(kinds(kitchen))).toEqual(new Set(['tea', 'kettle'].filter((k) => kinds(kitchen).includes(k))));
    expect(kitchen.facets.categories.find((c) => c.value === 'tea')?.count).toBeGreaterThan(0);
    const unavailable = catalog.filter((p) => !p.item.available).map((p) => p.item.id);
    const gone = await q('screen protector', '&available=false');
    expect(gone.items.map((i) => i.id)).toEqual(['sku-phones-protector-8']);
    expect(unavailable).toContain('sku-phones-protector-8');
    expect((await q('screen protector', '&available=any')).total).toBe(8);
    const page2 = await q('tea', '&k=5&offset=5');
    expect(page2.items.map((i) => i.id)).toEqual(all.items.slice(5, 10).map((i) => i.id));
  });

  it('a query with no match answers with the closest items, then trending, marked as such', async () => {
    const close = await q('kettlexx');
    expect(close.fallback).toBe('closest');
    expect(close.total).toBe(0);
    expect(close.items[0]!.reason).toMatch(/^no exact match: closest to "kettlexx"/);
    expect(kinds(close)[0]).toBe('kettle');
    expect(close.items.some((i) => i.reason.startsWith('no exact match: trending in'))).toBe(true);
    const nothing = await q('zzqxj');
    expect(nothing.fallback).toBe('trending');
    expect(nothing.items.length).toBe(10);
  });

  it('learns from clicks and purchases after a query (qid) at rebuild', async () => {
    const r = await q('green tea');
    expect(r.items[0]).toMatchObject({ id: 'sku-tea-green-tea-5', reason: 'often chosen after searching "green tea"' });
  });

  it('leans to the shopper: category affinity from what they just viewed', async () => {
    const sporty = uniq('sporty');
    const camper = uniq('camper');
    const views = (user: string, items: string[]) => items.map((item) => ({ id: uniq('e'), type: 'view', user, item }));
    await send('POST', '/v1/events', { events: [...views(sporty, ['sku-sports-shoes-1', 'sku-sports-socks-2']), ...views(camper, ['sku-outdoor-tent-1'])] });
    expect(kinds(await q('mat', `&user=${sporty}`))[0]).toBe('yoga-mat');
    const forCamper = await q('mat', `&user=${camper}`);
    expect(kinds(forCamper)[0]).toBe('mat');
    expect(forCamper.items[0]!.reason).toBe('matches "mat", in outdoor, which you like');
  });

  it('sees catalog changes within seconds, before any rebuild', async () => {
    const id = uniq('sku-hojicha');
    const item = { id, title: 'Hojicha roasted green tea', categories: ['tea', 'green-tea'], price: 21, attributes: { title_zh: '焙茶' } };
    expect((await send('PUT', '/v1/items', { items: [item] }, ADMIN)).status).toBe(200);
    const found = await q('hojicha');
    expect(found.items[0]).toMatchObject({ id, title: 'Hojicha roasted green tea', price: 21 });
    expect((await q('焙茶')).items[0]!.id).toBe(id);
    expect((await send('PATCH', `/v1/items/${id}`, { title: 'Kyoto hojicha' }, ADMIN)).status).toBe(200);
    expect((await q('kyoto')).items[0]!.id).toBe(id);
    expect((await send('PATCH', `/v1/items/${id}`, { available: false }, ADMIN)).status).toBe(200);
    expect((await q('hojicha')).items.map((i) => i.id)).not.toContain(id);
    expect((await send('DELETE', '/v1/items/sku-tea-matcha-1', undefined, ADMIN)).status).toBe(200);
    expect((await q('matcha powder', '&k=20')).items.map((i) => i.id)).not.toContain('sku-tea-matcha-1');
  });

  it('reads catalog shards only for hits it has not shown yet; a renamed shown item shows its new title', async () => {
    const timed = async (text: string) => {
      const res = await call(`/v1/search?q=${encodeURIComponent(text)}&k=5`, { headers: INGEST });
      expect(res.status).toBe(200);
      const timing = res.headers.get('server-timing') ?? '';
      const count = (name: string) => Number(timing.match(new RegExp(`${name};desc=(\\d+)`))?.[1] ?? 0);
      const { qid: _, ...answer } = (await res.json()) as SearchResponse;
      return { answer, catalogKeys: count('keys_ct'), cached: count('page_cached') };
    };
    const first = await timed('kettle');
    const again = await timed('kettle');
    expect(first.answer.items.length).toBeGreaterThan(1);
    expect(again.answer).toEqual(first.answer);
    expect(again).toMatchObject({ catalogKeys: 0, cached: first.answer.items.length });
    const shown = first.answer.items[0]!;
    expect((await send('PATCH', `/v1/items/${shown.id}`, { title: 'Gooseneck kettle renamed' }, ADMIN)).status).toBe(200);
    expect((await q('kettle')).items.find((i) => i.id === shown.id)?.title).toBe('Gooseneck kettle renamed');
  });

  it('suggests popular past queries and titles', async () => {
    const res = await call('/v1/search/suggest?q=gre', { headers: INGEST });
    expect(res.status).toBe(200);
    const { suggestions } = (await res.json()) as { suggestions: { text: string; kind: string }[] };
    expect(suggestions[0]).toEqual({ text: 'green tea', kind: 'query' });
    expect(suggestions.some((s) => s.kind === 'item' && /green tea/i.test(s.text))).toBe(true);
  });
});

describe('search bad input', () => {
  it('names the field', async () => {
    const cases: [string, string][] = [
      ['', 'query.q'],
      ['q=tea&price_min=50&price_max=10', 'query.price_max'],
      ['q=tea&k=0', 'query.k'],
      ['q=tea&available=maybe', 'query.available'],
      [`q=${'x'.repeat(201)}`, 'query.q'],
    ];
    for (const [query, field] of cases) {
      const res = await call(`/v1/search?${query}`, { headers: INGEST });
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { field: string } }).error.field, query).toBe(field);
    }
    expect((await call('/v1/search?q=tea')).status).toBe(401);
  });
});

describe('chat product advice finds the product', () => {
  const chat = async (message: string, session?: string) => {
    const res = await send('POST', '/v1/chat', { message, session });
    expect(res.status).toBe(200);
    return (await res.json()) as { reason: string; products: { id: string; price: number | null; reason?: string }[] };
  };
  const kindsOf = (products: { id: string }[]) => products.map((p) => p.id.replace(/^sku-[a-z]+-(.+)-\d+$/, '$1'));

  it('recommend a green tea / 推荐一款绿茶 / 有没有抹茶', async () => {
    for (const [message, kind] of [
      ['recommend a green tea', 'green-tea'],
      ['推荐一款绿茶', 'green-tea'],
      ['有没有抹茶', 'matcha'],
      ['do you sell matcha?', 'matcha'],
    ] as const) {
      const reply = await chat(message);
      expect(reply.reason, message).toBe('product_advice');
      expect(reply.products.length, message).toBeGreaterThan(0);
      expect(kindsOf(reply.products)[0], message).toBe(kind);
    }
  });

  it('something like the espresso machine under 200: the price bound is a filter', async () => {
    const machine = await chat('recommend an espresso machine under 250');
    expect(kindsOf(machine.products)[0]).toBe('coffee-machine');
    for (const p of machine.products) expect(p.price).toBeLessThanOrEqual(250);
    // No espresso machine of the demo shop costs under 200: the items like it that do.
    const like = await chat('something like the espresso machine under 200');
    expect(like.products.length).toBe(3);
    for (const p of like.products) {
      expect(p.price).toBeLessThanOrEqual(200);
      expect(p.reason).toMatch(/^similar to Espresso machine/);
    }
  });

  it('personalised when the shopper is known', async () => {
    const camper = uniq('camper');
    await send('POST', '/v1/events', { events: [{ id: uniq('e'), type: 'view', user: camper, item: 'sku-outdoor-backpack-2' }] });
    const reply = await chat('recommend a mat', camper);
    expect(kindsOf(reply.products)[0]).toBe('mat');
  });
});

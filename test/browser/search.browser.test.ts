/**
 * The search box of widget.js end to end: `wrangler dev` with a scratch D1/KV, a shop page on
 * another origin with `<div data-search>`, and Debian's Chromium driven by keyboard: type, pick a
 * completion with the arrow keys, see results (a hostile title as text), filter by a category
 * facet, click a result (impression and click carry the answer's qid as their rid, and the query),
 * and a query that matches nothing. Skipped loudly without /usr/bin/chromium (fails with CI set).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryLocalD1 } from '../../src/cli/local-stack.ts';
import { haveChromium } from './chromium.ts';
import { inCi } from '../support/ci.ts';
import { HOSTILE_ID, HOSTILE_TITLE } from './shop-data.ts';
import { type ShopStack, startShopStack } from './shop-stack.ts';

type EventRow = { type: string; item_id: string | null; items: string | null; rid: string | null; context: string | null };

describe.skipIf(!haveChromium && !inCi)('the search box of widget.js in Chromium', () => {
  let s: ShopStack;
  let page: Page;
  let persistTo: string;
  let shop: ShopStack['shop'];
  let consoleLines: string[];

  beforeAll(async () => {
    s = await startShopStack('search-browser-test', { width: 1000, height: 900 });
    ({ page, persistTo, shop, consoleLines } = s);
    shop.setHome(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Search - demo shop</title></head>
<body><h1>Search the shop</h1><div data-search data-k="10"></div>
<script src="${s.stack.url}/widget.js" data-key="${s.keys.ingest}" async></script></body></html>`);
  });

  afterAll(async () => {
    await s?.stop();
  });

  it('completes as the shopper types, picks by keyboard, shows results as text, filters by facet and records the qid', async () => {
    await page.goto(`${shop.origin}/`, { waitUntil: 'load' });
    const box = page.locator('[data-search]');
    const input = box.locator('input.ep-search-input');
    await input.waitFor({ state: 'visible' });
    expect(await box.locator('form[role="search"] label').textContent()).toBe('Search the shop');

    await input.focus();
    await page.keyboard.type('espre');
    const options = box.locator('[role="listbox"] [role="option"]');
    await options
      .first()
      .waitFor({ state: 'visible' })
      .catch((err: unknown) => {
        throw new Error(`no suggestions: ${String(err)}\nbrowser console:\n${consoleLines.join('\n')}`);
      });
    expect(await input.getAttribute('aria-expanded')).toBe('true');
    const suggestion = (await options.first().textContent()) ?? '';
    expect(suggestion).toMatch(/^Espresso machine/);
    await page.keyboard.press('ArrowDown');
    expect(await options.first().getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Enter');
    await box
      .locator('[data-ep-search-state="ready"] li[data-item]')
      .first()
      .waitFor({ state: 'visible' })
      .catch(() => undefined);
    const results = box.locator('.ep-search-results li[data-item]');
    await results.first().waitFor({ state: 'visible' });
    expect(await input.inputValue()).toBe(suggestion);
    expect(await box.locator('[role="listbox"]').isHidden()).toBe(true);
    expect((await box.locator('.ep-search-title').allTextContents())[0]).toBe(suggestion);

    await input.fill('black');
    await input.press('Enter');
    const kitchen = box.locator('button.ep-search-facet[data-category="kitchen"]');
    await kitchen.waitFor({ state: 'visible' });
    expect(await box.locator('button.ep-search-facet').count()).toBeGreaterThan(2);
    const before = await results.count();
    await kitchen.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(`document.querySelector('button.ep-search-facet[aria-pressed="true"]')?.getAttribute('data-category') === 'kitchen'`);
    const ids = await results.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-item') ?? ''));
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => id.startsWith('sku-kitchen-'))).toBe(true);
    expect(before).toBeGreaterThanOrEqual(ids.length);

    await input.fill('');
    await input.focus();
    await page.keyboard.type('earbuds');
    await options.first().waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    expect(await box.locator('[role="listbox"]').isHidden()).toBe(true);
    expect(await input.inputValue()).toBe('earbuds');
    await page.keyboard.press('Enter');
    await page
      .waitForFunction(`Array.from(document.querySelectorAll('.ep-search-title')).some((el) => el.textContent === ${JSON.stringify(HOSTILE_TITLE)})`)
      .catch(async (err: unknown) => {
        throw new Error(`${String(err)}\nshown: ${(await box.locator('.ep-search-title').allTextContents()).join(' | ')}\ninput: ${await input.inputValue()}`);
      });
    expect(await box.locator('img[src="x"], img[onerror], script').count()).toBe(0);
    expect(await box.locator('.ep-search-status').textContent()).toMatch(/^\d+ results?$/);

    const hostile = box.locator(`a.ep-search-card[data-item="${HOSTILE_ID}"]`);
    await hostile.click();
    await page.waitForURL(`**/p/${HOSTILE_ID}`);
    let rows: EventRow[] = [];
    for (let i = 0; i < 40; i++) {
      rows = queryLocalD1<EventRow>(`SELECT type, item_id, items, rid, context FROM events WHERE rid LIKE 'q-%' ORDER BY seq`, persistTo);
      if (rows.some((r) => r.type === 'click')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const click = rows.find((r) => r.type === 'click');
    expect(click).toMatchObject({ item_id: HOSTILE_ID });
    expect(click!.rid).toMatch(/^q-[0-9a-f]{16}$/);
    expect(JSON.parse(click!.context ?? '{}')).toMatchObject({ widget: 'search', q: 'earbuds' });
    const impression = rows.find((r) => r.type === 'impression' && r.rid === click!.rid);
    expect(impression, JSON.stringify(rows)).toBeDefined();
    expect(JSON.parse(impression!.items ?? '[]')).toContain(HOSTILE_ID);
    expect(JSON.parse(impression!.context ?? '{}')).toMatchObject({ widget: 'search', q: 'earbuds' });
    expect(s.dialogs).toEqual([]);
  });

  it('answers a query that matches nothing with the closest items, marked as such', async () => {
    await page.goto(`${shop.origin}/`, { waitUntil: 'load' });
    const box = page.locator('[data-search]');
    await box.locator('input.ep-search-input').fill('kettlexx');
    await box.locator('input.ep-search-input').press('Enter');
    await page.locator('[data-search][data-fallback="closest"]').waitFor();
    expect(await box.locator('.ep-search-status').textContent()).toBe('No exact match. Closest and popular items:');
    expect((await box.locator('.ep-search-reason').allTextContents())[0]).toMatch(/^no exact match: closest to "kettlexx"/);
  });
});

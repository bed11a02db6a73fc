/**
 * widget.js end to end: `wrangler dev` with a scratch D1/KV, a shop page on another origin that
 * embeds the script with one tag, and Debian's Chromium (playwright-core, no downloaded browser).
 * Without /usr/bin/chromium the test is skipped loudly; with CI set it fails instead.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineClient } from '../../src/cli/engine-client.ts';
import { type LocalStack, ROOT, migrateLocal, queryLocalD1, startLocalStack } from '../../src/cli/local-stack.ts';
import { testKeys } from '../support/test-keys.ts';
import { CHROMIUM, CHROMIUM_ARGS, haveChromium } from './chromium.ts';
import { inCi } from '../support/ci.ts';
import { ANCHOR, HOSTILE_ID, HOSTILE_TITLE, shopCatalog } from './shop-data.ts';
import { type ShopStack, startShopStack } from './shop-stack.ts';
import { type ShopPage, freePort, startShopPage } from './shop-page.ts';

const SCREENSHOT = '/tmp/widget.png';

if (!haveChromium && !inCi) {
  console.warn(
    `\n${'!'.repeat(78)}\n!! ${CHROMIUM} not found: the widget browser test is SKIPPED (apt-get install chromium).\n!! It runs in CI.\n${'!'.repeat(78)}\n`,
  );
}

type EventRow = { type: string; item_id: string | null; items: string | null; rid: string | null; session: string | null; context: string | null };

describe.skipIf(!haveChromium && !inCi)('widget.js in Chromium on a shop page', () => {
  let s: ShopStack;
  let page: Page;
  let persistTo: string;
  let shop: ShopStack['shop'];
  let dialogs: string[];
  let consoleLines: string[];

  beforeAll(async () => {
    s = await startShopStack('browser-test', { width: 1100, height: 760 });
    ({ page, persistTo, shop, dialogs, consoleLines } = s);
    shop.setHome(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Wireless earbuds - demo shop</title>
<style>body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1040px;color:#1f2328}</style></head>
<body>
<h1>Wireless earbuds Classic</h1>
<p>A product page of the demo shop, with two widgets below.</p>
<div data-recommend="similar" data-item="${ANCHOR}" data-k="8" data-send-view></div>
<div data-recommend="for-you" data-k="6"></div>
<script src="${s.stack.url}/widget.js" data-key="${s.keys.ingest}" async></script>
</body></html>`);
  });

  afterAll(async () => {
    await s?.stop();
  });

  it('renders product cards, shows a hostile title as text, and records impression and click with the rid', async () => {
    await page.goto(`${shop!.origin}/`, { waitUntil: 'load' });
    const similar = page.locator('[data-recommend="similar"]');
    await similar
      .locator('li[data-item]')
      .first()
      .waitFor({ state: 'visible' })
      .catch((err: unknown) => {
        throw new Error(`no cards rendered: ${String(err)}\nbrowser console:\n${consoleLines.join('\n')}`);
      });
    await page.locator('[data-recommend="for-you"] li[data-item]').first().waitFor({ state: 'visible' });
    await page.waitForFunction('Array.from(document.images).every((img) => img.complete)', undefined, { timeout: 15_000 });

    const cards = similar.locator('li[data-item]');
    const rendered = {
      rid: (await similar.locator('[data-rid]').getAttribute('data-rid')) ?? '',
      items: await Promise.all((await cards.all()).map(async (li) => (await li.getAttribute('data-item')) ?? '')),
      titles: await similar.locator('.ep-title').allTextContents(),
      injected: await similar.locator('img[src="x"], img[onerror], script').count(),
      cardWidth: (await similar.locator('.ep-card').first().boundingBox())?.width ?? 0,
    };
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    expect(rendered.rid).toMatch(/^r-/);
    expect(rendered.items.length).toBeGreaterThanOrEqual(4);
    expect(rendered.items).toContain(HOSTILE_ID);
    expect(rendered.titles).toContain(HOSTILE_TITLE);
    expect(rendered.injected).toBe(0);
    expect(rendered.cardWidth).toBeGreaterThan(100);
    expect(dialogs).toEqual([]);
    const forYouReasons = await page.locator('[data-recommend="for-you"] .ep-reason').allTextContents();
    expect(forYouReasons.some((r) => r.startsWith('because you viewed'))).toBe(true);

    const visitor = String(await page.evaluate('window.edgePersonalize.visitor'));
    expect(visitor).toMatch(/^anon-[0-9a-f-]{36}$/);
    const clicked = rendered.items[1]!;
    await Promise.all([page.waitForURL(`${shop!.origin}/p/${clicked}`), similar.locator(`a[data-item="${clicked}"]`).click()]);

    const events = await waitForEvents(
      persistTo,
      visitor,
      (rows) => rows.some((r) => r.type === 'click') && rows.filter((r) => r.type === 'impression').length >= 2,
    );
    const impression = events.find((r) => r.type === 'impression' && r.rid === rendered.rid);
    expect(JSON.parse(impression?.items ?? '[]')).toEqual(rendered.items);
    expect(JSON.parse(impression?.context ?? '{}')).toMatchObject({ widget: 'similar' });
    const click = events.find((r) => r.type === 'click');
    expect(click).toMatchObject({ item_id: clicked, rid: rendered.rid, session: impression?.session });
    expect(events.filter((r) => r.type === 'view')).toEqual([expect.objectContaining({ item_id: ANCHOR, session: impression?.session })]);
    expect(dialogs).toEqual([]);
  });

  it('takes headings and currency from the page, and counts the page product as viewed only when asked, once', async () => {
    shop!.setHome(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>attributes</title></head><body>
<div id="titled" data-recommend="similar" data-item="${ANCHOR}" data-k="4" data-title="You may also like" data-currency="eur"></div>
<div id="bare" data-recommend="bought-together" data-item="${ANCHOR}" data-k="4" data-title="" data-lang="zh"></div>
<div id="mine" data-recommend="for-you" data-k="4"></div>
<script src="${s.stack.url}/widget.js" data-key="${s.keys.ingest}" async></script></body></html>`);
    const context = await s.browser.newContext();
    const fresh = await context.newPage();
    await fresh.goto(`${shop!.origin}/`, { waitUntil: 'load' });
    for (const id of ['titled', 'bare', 'mine']) await fresh.locator(`#${id} li[data-item]`).first().waitFor({ state: 'visible' });
    expect(await fresh.locator('#titled .ep-heading').allTextContents()).toEqual(['You may also like']);
    expect((await fresh.locator('#titled .ep-price').allTextContents()).every((p) => /^€[\d,]+\.\d\d$/.test(p))).toBe(true);
    expect(await fresh.locator('#bare .ep-heading').count()).toBe(0);
    expect((await fresh.locator('#bare .ep-title').allTextContents()).some((t) => /[\u4e00-\u9fff]/.test(t))).toBe(true);
    // The strips' product is not a view of this visitor: not in the session, no view event, no "because you viewed".
    const session = JSON.parse(String(await fresh.evaluate("localStorage.getItem('ep_session')"))) as { items: string[] };
    expect(session.items).toEqual([]);
    expect((await fresh.locator('#mine .ep-reason').allTextContents()).some((r) => r.startsWith('because you viewed'))).toBe(false);

    await fresh.evaluate(`window.edgePersonalize.view(${JSON.stringify(ANCHOR)}); window.edgePersonalize.view(${JSON.stringify(ANCHOR)});`);
    const visitor = String(await fresh.evaluate('window.edgePersonalize.visitor'));
    const rows = await waitForEvents(persistTo, visitor, (r) => r.some((e) => e.type === 'view') && r.filter((e) => e.type === 'impression').length >= 2);
    expect(rows.filter((e) => e.type === 'view').map((e) => e.item_id)).toEqual([ANCHOR]);
    await context.close();
  });
});

describe.skipIf(!haveChromium && !inCi)('widget.js event queue in Chromium', () => {
  const persistTo = path.join(ROOT, '.wrangler', `browser-queue-${process.pid}-${Date.now()}`);
  let stack: LocalStack | undefined;
  let shop: ShopPage | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    const { keys, envFile } = testKeys(persistTo);
    migrateLocal(persistTo);
    shop = await startShopPage(await freePort());
    stack = await startLocalStack({ port: await freePort(), persistTo, envFile, vars: { ALLOWED_ORIGINS: shop.origin } });
    const engine = engineClient(stack.url);
    const { items, events } = shopCatalog(shop.origin);
    await engine.putItems(items, keys.admin);
    expect((await engine.postEvents(events, keys.ingest)).rejected).toBe(0);
    await engine.rebuild(keys.admin);
    shop.setHome(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>queue</title></head><body>
<div data-recommend="similar" data-item="${ANCHOR}" data-k="4"></div>
<script src="${stack.url}/widget.js" data-key="${keys.ingest}" async></script></body></html>`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await stack?.stop();
    await shop?.close();
    rmSync(persistTo, { recursive: true, force: true });
  });

  const busy = (origin: string) => ({
    status: 503,
    headers: { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'Retry-After', 'retry-after': '1' },
    body: '{}',
  });

  it('keeps events the engine refused with 503 and retries them until they are stored, once', async () => {
    const page = await browser!.newPage();
    let refused = 0;
    await page.route('**/v1/events/beacon*', (route) => (refused < 2 ? (refused++, route.fulfill(busy(shop!.origin))) : route.continue()));
    await page.goto(`${shop!.origin}/`, { waitUntil: 'load' });
    await page.locator('li[data-item]').first().waitFor({ state: 'visible' });
    const visitor = String(await page.evaluate('window.edgePersonalize.visitor'));
    const rows = await waitForEvents(persistTo, visitor, (r) => r.some((e) => e.type === 'impression'));
    expect(refused).toBe(2);
    expect(rows.filter((e) => e.type === 'impression')).toHaveLength(1);
    await page.waitForFunction('window.edgePersonalize.pending() === 0');
    await page.close();
  });

  it('flushes what is still queued with sendBeacon when the page is hidden', async () => {
    const page = await browser!.newPage();
    await page.route('**/v1/events/beacon*', (route) => route.fulfill(busy(shop!.origin)));
    await page.goto(`${shop!.origin}/`, { waitUntil: 'load' });
    await page.locator('li[data-item]').first().waitFor({ state: 'visible' });
    await page.waitForFunction('window.edgePersonalize.pending() > 0');
    const visitor = String(await page.evaluate('window.edgePersonalize.visitor'));
    const queued = JSON.parse(String(await page.evaluate("localStorage.getItem('ep_queue')"))) as unknown[];
    expect(queued.length).toBeGreaterThan(0);
    await page.unroute('**/v1/events/beacon*');
    await page.goto('about:blank');
    const rows = await waitForEvents(persistTo, visitor, (r) => r.some((e) => e.type === 'impression'));
    expect(rows.filter((e) => e.type === 'impression')).toHaveLength(1);
    await page.close();
  });
});

/**
 * Polls the local D1 every 500 ms, for up to 30 s, until the visitor's events satisfy `done` (the
 * widget's retries wait out Retry-After, which a loaded machine stretches).
 */
async function waitForEvents(persistTo: string, visitor: string, done: (rows: EventRow[]) => boolean): Promise<EventRow[]> {
  let rows: EventRow[] = [];
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    rows = queryLocalD1<EventRow>(`SELECT type, item_id, items, rid, session, context FROM events WHERE user_id = '${visitor}' ORDER BY seq`, persistTo);
    if (done(rows)) return rows;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`events of ${visitor} never landed in D1; found: ${JSON.stringify(rows)}`);
}

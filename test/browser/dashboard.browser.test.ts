/**
 * The dashboard in Chromium: `wrangler dev` with a scratch D1/KV holding the demo shop (loaded
 * through the API, with an experiment, a campaign and chat questions on top, rebuilt twice,
 * rolled up by the 5-minute cron), a person signing in with the form,
 * and every page opened, its charts checked for data, and a screenshot saved per page.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoShop } from '../../src/cli/demo-shop.ts';
import { loadDashboardActivity } from '../../src/cli/dashboard-demo.ts';
import { engineClient } from '../../src/cli/engine-client.ts';
import { type LocalStack, ROOT, migrateLocal, startLocalStack } from '../../src/cli/local-stack.ts';
import { PAGES } from '../../src/dashboard/layout.ts';
import { CHROMIUM, CHROMIUM_ARGS, haveChromium } from './chromium.ts';
import { inCi } from '../support/ci.ts';
import { testKeys } from '../support/test-keys.ts';
import { freePort } from './shop-page.ts';

/** Where the screenshots go (one PNG per page). */
const SHOTS = process.env.DASHBOARD_SHOTS ?? '/tmp/dashboard-shots';

/** Pages that draw charts from the demo shop's data once it is loaded, rebuilt and rolled up (the experiments list is a table; its experiment's page is charted). */
const CHARTED = ['overview', 'recommendations', 'models', 'audiences', 'chat', 'experiment'] as const;

describe.skipIf(!haveChromium && !inCi)('the dashboard in Chromium', () => {
  const persistTo = path.join(ROOT, '.wrangler', `dashboard-test-${process.pid}-${Date.now()}`);
  let stack: LocalStack | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let adminKey = '';
  let experimentId = '';

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI is set and ${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium).`);
    const { keys, envFile } = testKeys(persistTo);
    adminKey = keys.admin;
    mkdirSync(persistTo, { recursive: true });
    mkdirSync(SHOTS, { recursive: true });
    migrateLocal(persistTo);
    // Every simulated shopper comes from this one address: rate limits off, as in the sim and the benchmarks.
    stack = await startLocalStack({ port: await freePort(), persistTo, envFile, vars: { RATE_LIMITS: 'off' }, verbose: process.env.VERBOSE === '1' });
    const engine = engineClient(stack.url);
    await loadDemoShop(engine, keys);
    experimentId = (await loadDashboardActivity(engine, keys)).experimentId;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    page.setDefaultTimeout(30_000);
  });

  afterAll(async () => {
    await browser?.close().catch((err: unknown) => console.error('closing chromium', err));
    await stack?.stop();
    rmSync(persistTo, { recursive: true, force: true });
  });

  it('signs in, opens every page, finds each chart drawn with data, and saves screenshots', async () => {
    await page.goto(`${stack!.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    await page.fill('input[name="key"]', adminKey);
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/dashboard$/).catch(async (err: unknown) => {
      throw new Error(`sign-in did not reach the overview (${page.url()}): ${(await page.content()).slice(0, 600)}\n${String(err)}`);
    });
    expect(await page.locator('h1').textContent()).toBe('Overview');

    for (const name of [...PAGES, 'experiment']) {
      await page.goto(`${stack!.url}/dashboard/${name === 'experiment' ? `experiments/${experimentId}` : name}`);
      expect(await page.locator('h1').textContent(), name).toBeTruthy();
      await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
      if (!(CHARTED as readonly string[]).includes(name)) continue;
      const figures = page.locator('figure.chart');
      expect(await figures.count(), name).toBeGreaterThan(0);
      for (const figure of await figures.all()) {
        const caption = await figure.locator('figcaption').textContent();
        expect(await figure.locator('svg').count(), `${name}: ${caption} has no chart`).toBe(1);
        const marks = await figure.locator('svg path, svg rect').count();
        expect(marks, `${name}: ${caption} draws nothing`).toBeGreaterThan(5);
      }
    }

    await page.goto(`${stack!.url}/dashboard/overview?lang=zh`);
    expect(await page.locator('h1').textContent()).toBe('概览');
    await page.screenshot({ path: path.join(SHOTS, 'overview-zh.png'), fullPage: true });
  });
});

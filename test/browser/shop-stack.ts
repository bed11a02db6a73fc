import { rmSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { engineClient } from '../../src/cli/engine-client.ts';
import { testKeys } from '../support/test-keys.ts';
import { type Keys, type LocalStack, ROOT, migrateLocal, startLocalStack } from '../../src/cli/local-stack.ts';
import { CHROMIUM, CHROMIUM_ARGS, haveChromium } from './chromium.ts';
import { shopCatalog } from './shop-data.ts';
import { type ShopPage, freePort, startShopPage } from './shop-page.ts';

/** The engine on a scratch D1/KV with the test shop's catalog and behaviour rebuilt, a shop page on another origin, Chromium with a page. */
export interface ShopStack {
  stack: LocalStack;
  shop: ShopPage;
  keys: Keys;
  persistTo: string;
  browser: Browser;
  page: Page;
  /** Messages of dialogs the page opened (an injected `alert` would land here). */
  dialogs: string[];
  consoleLines: string[];
  stop(): Promise<void>;
}

/**
 * Starts the stack a browser test drives (`name` names its scratch folder under `.wrangler/`).
 *
 * @example const s = await startShopStack('search-browser-test', { width: 1000, height: 900 });
 */
export async function startShopStack(name: string, viewport: { width: number; height: number }): Promise<ShopStack> {
  if (!haveChromium) throw new Error(`CI is set and ${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium).`);
  const persistTo = path.join(ROOT, '.wrangler', `${name}-${process.pid}-${Date.now()}`);
  const { keys, envFile } = testKeys(persistTo);
  migrateLocal(persistTo);
  const shop = await startShopPage(await freePort());
  const stack = await startLocalStack({
    port: await freePort(),
    persistTo,
    envFile,
    vars: { ALLOWED_ORIGINS: shop.origin },
    verbose: process.env.VERBOSE === '1',
  });
  const engine = engineClient(stack.url);
  const { items, events } = shopCatalog(shop.origin);
  await engine.putItems(items, keys.admin);
  expect((await engine.postEvents(events, keys.ingest)).rejected).toBe(0);
  expect(await engine.rebuild(keys.admin)).toMatchObject({ status: 'published' });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(30_000);
  const dialogs: string[] = [];
  const consoleLines: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  return {
    stack,
    shop,
    keys,
    persistTo,
    browser,
    page,
    dialogs,
    consoleLines,
    async stop() {
      await browser.close().catch((err: unknown) => console.error('closing chromium', err));
      await stack.stop();
      await shop.close();
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}

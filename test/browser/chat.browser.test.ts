/**
 * The chat box of widget.js end to end: `wrangler dev` with a scratch D1/KV and a handoff webhook
 * pointing at a local receiver, a shop page on another origin with `<div data-chat>`, and
 * Debian's Chromium driven by keyboard: ask, get the answer, press "did this help?", follow a
 * suggestion, ask for a person (handoff state; the webhook receives the signed transcript), and
 * the page's language. Skipped loudly without /usr/bin/chromium (fails instead with CI set).
 */
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/chat/handoff/signature.ts';
import { engineClient } from '../../src/cli/engine-client.ts';
import { type LocalStack, ROOT, migrateLocal, queryLocalD1, startLocalStack } from '../../src/cli/local-stack.ts';
import { CHROMIUM, CHROMIUM_ARGS, haveChromium } from './chromium.ts';
import { inCi } from '../support/ci.ts';
import { testKeys } from '../support/test-keys.ts';
import { type ShopPage, freePort, startShopPage } from './shop-page.ts';

const SECRET = 'browser-test-handoff-secret';
const HOSTILE_ANSWER = 'Delivery takes 2-4 days. <img src=x onerror="alert(1)"><script>alert(2)</script>';

const ENTRIES = [
  { id: 'b-delivery', lang: 'en', question: 'How long does delivery take?', alternatives: ['When will my parcel arrive?'], answer: HOSTILE_ANSWER },
  {
    id: 'b-return',
    lang: 'en',
    question: 'How do I return an item?',
    alternatives: ['How do I send my order back?'],
    answer: 'Start a return under Account > Orders.',
  },
  {
    id: 'b-cancel',
    lang: 'en',
    question: 'How do I cancel an order?',
    alternatives: ['Can I cancel my order?'],
    answer: 'Cancel under Account > Orders before it ships.',
  },
  { id: 'b-ship-zh', lang: 'zh', question: '运费怎么算？', alternatives: ['包邮吗'], answer: '订单满99元包邮。' },
];

interface Received {
  body: string;
  signature: string;
  key: string;
}

describe.skipIf(!haveChromium && !inCi)('the chat box of widget.js in Chromium', () => {
  const persistTo = path.join(ROOT, '.wrangler', `chat-browser-test-${process.pid}-${Date.now()}`);
  let stack: LocalStack | undefined;
  let shop: ShopPage | undefined;
  let browser: Browser | undefined;
  let hook: Server | undefined;
  let page: Page;
  const received: Received[] = [];
  const dialogs: string[] = [];
  let pageOf: (lang: string) => string = () => '';

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI is set and ${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium).`);
    const { keys, envFile } = testKeys(persistTo);
    migrateLocal(persistTo);
    const hookPort = await freePort();
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['x-chat-signature']), key: String(req.headers['idempotency-key']) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook!.listen(hookPort, '127.0.0.1', resolve));
    shop = await startShopPage(await freePort());
    stack = await startLocalStack({
      port: await freePort(),
      persistTo,
      envFile,
      vars: { ALLOWED_ORIGINS: shop.origin, CHAT_HANDOFF_URL: `http://127.0.0.1:${hookPort}/hooks/chat`, CHAT_HANDOFF_SECRET: SECRET },
      verbose: process.env.VERBOSE === '1',
    });
    const engine = engineClient(stack.url);
    await engine.request('PUT', '/v1/chat/faqs', keys.admin, { entries: ENTRIES });
    // A cautious shop: answers should be right 98% of the time, so close calls become questions.
    await engine.request('PUT', '/v1/chat/settings', keys.admin, { targetPrecision: 0.98 });
    const page1 = (lang: string) => `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>Help - demo shop</title></head>
<body><h1>Help</h1><div data-chat data-user="shopper-42"></div>
<script src="${stack!.url}/widget.js" data-key="${keys.ingest}" async></script></body></html>`;
    shop.setHome(page1('en'));
    pageOf = page1;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
    page = await browser.newPage({ viewport: { width: 900, height: 760 } });
    page.setDefaultTimeout(30_000);
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });

  afterAll(async () => {
    await browser?.close().catch((err: unknown) => console.error('closing chromium', err));
    await stack?.stop();
    await shop?.close();
    await new Promise((resolve) => (hook ? hook.close(resolve) : resolve(null)));
    rmSync(persistTo, { recursive: true, force: true });
  });

  async function ask(text: string): Promise<void> {
    await page.locator('.ep-chat-input').focus();
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  }

  it('asks by keyboard, shows the answer as text, takes "did this help?", follows a suggestion and hands over', async () => {
    await page.goto(`${shop!.origin}/`, { waitUntil: 'load' });
    const box = page.locator('[data-chat]');
    await box.locator('.ep-chat-input').waitFor({ state: 'visible' });
    expect(await box.locator('label.ep-chat-label').textContent()).toBe('Your question');
    expect(await box.locator('[role="log"]').getAttribute('aria-live')).toBe('polite');

    await ask('When will my parcel arrive?');
    const answer = box.locator('.ep-chat-bot[data-reason="answered"]').first();
    await answer.waitFor({ state: 'visible' });
    expect(await answer.locator('.ep-chat-text').textContent()).toBe(HOSTILE_ANSWER);
    expect(await box.locator('img, script').count()).toBe(0);

    const yes = answer.locator('button.ep-chat-vote[data-helpful="true"]');
    await yes.focus();
    await page.keyboard.press('Enter');
    await answer.locator('.ep-chat-thanks').waitFor({ state: 'visible' });
    expect(await answer.locator('button.ep-chat-vote').evaluateAll((buttons) => buttons.every((b) => (b as unknown as { disabled: boolean }).disabled))).toBe(
      true,
    );
    const feedback = queryLocalD1<{ faq: string; helpful: number; question: string }>('SELECT faq, helpful, question FROM chat_feedback', persistTo);
    expect(feedback).toEqual([{ faq: 'b-delivery', helpful: 1, question: 'When will my parcel arrive?' }]);

    await ask('how do I cancel or return an item');
    const clarify = box.locator('.ep-chat-bot[data-reason="close_call"]');
    await clarify.waitFor({ state: 'visible' });
    const suggestion = clarify.locator('button.ep-chat-suggestion').first();
    const question = await suggestion.textContent();
    await suggestion.focus();
    await page.keyboard.press('Enter');
    await box.locator('.ep-chat-bot[data-reason="answered"]').nth(1).waitFor({ state: 'visible' });
    expect(await box.locator('.ep-chat-shopper .ep-chat-text').last().textContent()).toBe(question);

    await ask('I want to talk to a human');
    await page.locator('[data-chat][data-ep-chat-state="handoff"]').waitFor();
    expect(await box.locator('.ep-chat-bot[data-reason="person_requested"] .ep-chat-handoff').count()).toBe(1);

    for (let i = 0; i < 30 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 300));
    expect(received).toHaveLength(1);
    const delivery = received[0]!;
    const t = Number(/t=(\d+)/.exec(delivery.signature)![1]);
    expect(await verifySignature(SECRET, delivery.body, delivery.signature, t)).toBe(true);
    const payload = JSON.parse(delivery.body);
    expect(payload).toMatchObject({ id: delivery.key, type: 'chat.handoff', shopper: 'shopper-42', reason: 'person_requested', lang: 'en' });
    expect(payload.transcript.map((turn: { role: string }) => turn.role)).toEqual(['shopper', 'bot', 'shopper', 'bot', 'shopper', 'bot', 'shopper', 'bot']);
    expect(payload.transcript[0].text).toBe('When will my parcel arrive?');
    expect(dialogs).toEqual([]);
  });

  it('speaks the page’s language', async () => {
    shop!.setHome(pageOf('zh-CN'));
    await page.goto(`${shop!.origin}/`, { waitUntil: 'load' });
    const box = page.locator('[data-chat]');
    await box.locator('.ep-chat-input').waitFor({ state: 'visible' });
    expect(await box.locator('.ep-chat-send').textContent()).toBe('发送');
    await ask('包邮吗');
    const answer = box.locator('.ep-chat-bot[data-reason="answered"]');
    await answer.waitFor({ state: 'visible' });
    expect(await answer.locator('.ep-chat-text').textContent()).toBe('订单满99元包邮。');
    expect(await answer.locator('.ep-chat-helped').textContent()).toBe('这个回答有帮助吗？');
  });
});

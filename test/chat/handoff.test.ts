import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { drainHandoffs, enqueueHandoff, FIRST_DELAY_MS, MAX_ATTEMPTS, retryDelay } from '../../src/chat/handoff/outbox.ts';
import { signatureHeader, verifySignature } from '../../src/chat/handoff/signature.ts';
import { openDatabase } from '../../src/db/client.ts';
import { rows, uniq } from '../support/api.ts';

const target = { url: 'https://shop.example/hooks/chat', secret: 'shop-secret' };

/** A stand-in for the shop's webhook receiver: records requests, answers with the given statuses in turn. */
function receiver(statuses: number[]) {
  const received: { body: string; key: string; signature: string }[] = [];
  const fetch = (async (_url: string, init: RequestInit) => {
    const headers = new Headers(init.headers);
    received.push({ body: String(init.body), key: headers.get('idempotency-key')!, signature: headers.get('x-chat-signature')! });
    return new Response(null, { status: statuses.shift() ?? 200 });
  }) as typeof globalThis.fetch;
  return { fetch, received };
}

describe('handoff webhook', () => {
  it('signs with HMAC-SHA256 of timestamp and body; a changed body, secret or old timestamp fails', async () => {
    const body = '{"id":"h1"}';
    const header = await signatureHeader('s3cret', body, 1_000_000);
    expect(header).toMatch(/^t=1000000,v1=[0-9a-f]{64}$/);
    expect(await verifySignature('s3cret', body, header, 1_000_000)).toBe(true);
    expect(await verifySignature('s3cret', '{"id":"h2"}', header, 1_000_000)).toBe(false);
    expect(await verifySignature('other', body, header, 1_000_000)).toBe(false);
    expect(await verifySignature('s3cret', body, header, 1_000_000 + 10 * 60_000)).toBe(false);
  });

  it('retries with backoff until the webhook answers 2xx, with one idempotency key, then stops', async () => {
    const db = openDatabase(env.DB);
    const session = uniq('handoff');
    const transcript = [
      { role: 'shopper' as const, text: 'the teapot came cracked', at: 1 },
      { role: 'bot' as const, text: 'passing you on', at: 2 },
    ];
    const id = await enqueueHandoff(db, { session, shopper: 'u-7', reason: 'low_confidence', lang: 'en', transcript }, 1_000);
    const hook = receiver([500, 503, 200]);

    expect(await drainHandoffs(db, target, { now: 1_000, fetch: hook.fetch })).toEqual({ delivered: 0, failed: 1 });
    expect(await drainHandoffs(db, target, { now: 1_000 + FIRST_DELAY_MS - 1, fetch: hook.fetch })).toEqual({ delivered: 0, failed: 0 });
    expect(await drainHandoffs(db, target, { now: 1_000 + FIRST_DELAY_MS, fetch: hook.fetch })).toEqual({ delivered: 0, failed: 1 });
    const [row] = await rows<{ attempts: number; next_attempt_at: number; last_error: string }>('SELECT * FROM chat_handoffs WHERE id = ?', id);
    expect(row).toMatchObject({ attempts: 2, next_attempt_at: 1_000 + FIRST_DELAY_MS + retryDelay(2), last_error: 'HTTP 503' });
    expect(retryDelay(2)).toBe(2 * FIRST_DELAY_MS);
    const later = 1_000 + FIRST_DELAY_MS + retryDelay(2);
    expect(await drainHandoffs(db, target, { now: later, fetch: hook.fetch })).toEqual({ delivered: 1, failed: 0 });
    expect(await drainHandoffs(db, target, { now: later + 10 * FIRST_DELAY_MS, fetch: hook.fetch })).toEqual({ delivered: 0, failed: 0 });

    expect(hook.received).toHaveLength(3);
    expect(new Set(hook.received.map((r) => r.key))).toEqual(new Set([id]));
    for (const r of hook.received) {
      const t = Number(/t=(\d+)/.exec(r.signature)![1]);
      expect(await verifySignature(target.secret, r.body, r.signature, t)).toBe(true);
    }
    expect(JSON.parse(hook.received[2]!.body)).toMatchObject({ id, type: 'chat.handoff', session, shopper: 'u-7', reason: 'low_confidence', transcript });
  });

  it('gives up after the last attempt and keeps the row with its error', async () => {
    const db = openDatabase(env.DB);
    const id = await enqueueHandoff(db, { session: uniq('dead'), shopper: null, reason: 'person_requested', lang: 'zh', transcript: [] }, 0);
    const hook = receiver(new Array(MAX_ATTEMPTS + 2).fill(500));
    let now = 0;
    for (let i = 0; i < MAX_ATTEMPTS + 2; i++) {
      await drainHandoffs(db, target, { now, fetch: hook.fetch });
      now += 24 * 3600_000;
    }
    const [row] = await rows<{ attempts: number; delivered_at: number | null }>('SELECT * FROM chat_handoffs WHERE id = ?', id);
    expect(row).toMatchObject({ attempts: MAX_ATTEMPTS, delivered_at: null });
    expect(hook.received.filter((r) => r.key === id)).toHaveLength(MAX_ATTEMPTS);
  });
});

import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { app } from '../../functions/index.ts';
import { ADMIN, INGEST, send, uniq } from '../support/api.ts';
import { flakyD1 } from './shop.ts';

const chat = (DB: D1Database, body: unknown) =>
  app.fetch(
    new Request('https://engine.test/v1/chat', { method: 'POST', headers: { ...INGEST, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    { ...env, DB },
    createExecutionContext(),
  );

describe('chat while D1 is busy (found by bench:chaos: 500s with D1 locked)', () => {
  it('answers from the FAQ without the conversation memory and says so, never a 500', async () => {
    const entries = [
      { id: 'busy-ship', lang: 'en', question: 'How long does delivery take?', alternatives: ['When will my parcel arrive?'], answer: 'Three to five days.' },
      { id: 'busy-return', lang: 'en', question: 'How do I return an item?', alternatives: ['Where do I get a return label?'], answer: 'Under Account.' },
    ];
    expect((await send('PUT', '/v1/chat/faqs', { entries }, ADMIN)).status).toBe(200);
    const session = uniq('s');
    const healthy = await chat(env.DB, { session, message: 'how long does delivery take?' });
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toMatchObject({ turn: expect.any(Number) });

    const down = flakyD1(env.DB);
    down.down = true;
    const res = await chat(down, { session, message: 'how long does delivery take?' });
    expect(res.status).toBe(200);
    const reply = (await res.json()) as { answer: string; turn?: number; degraded?: string };
    expect(reply.answer).toBe('Three to five days.');
    expect(reply.turn).toBeUndefined();
    expect(reply.degraded).toBe('conversation memory unavailable');
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, call, rows, send, uniq } from '../support/api.ts';

const faq = (id: string, lang: 'en' | 'zh', question: string, alternatives: string[], answer: string) => ({ id, lang, question, alternatives, answer });

const ENTRIES = [
  faq(
    't-delivery-en',
    'en',
    'How long does delivery take?',
    ['When will my parcel arrive?', 'How many days until my order is delivered?'],
    'Delivery takes 2-4 working days.',
  ),
  faq(
    't-returns-en',
    'en',
    'How do I return an item?',
    ['How do I send back my order?', 'Where do I get a return label?'],
    'Start a return under Account > Orders.',
  ),
  faq(
    't-return-cost-en',
    'en',
    'Do I have to pay for return shipping?',
    ['Are returns free?', 'Who pays the return postage?'],
    'Returns within the EU are free.',
  ),
  faq(
    't-payment-en',
    'en',
    'Which payment methods do you accept?',
    ['Can I pay with PayPal?', 'Do you take credit cards?'],
    'Cards, PayPal and bank transfer.',
  ),
  faq('t-refund-zh', 'zh', '退款多久到账？', ['退款什么时候到', '退货后多久退钱'], '仓库收到退货后5个工作日内退款。'),
  faq('t-shipping-zh', 'zh', '运费怎么算？', ['包邮吗', '满多少包邮', '运费多少钱'], '订单满99元包邮。'),
  faq('t-invoice-zh', 'zh', '怎么开发票？', ['发票在哪里下载', '需要电子发票'], '下单时可选择开具电子发票。'),
];

const chat = (body: unknown) => send('POST', '/v1/chat', body);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const read = async (res: Response | Promise<Response>): Promise<Record<string, any>> => (await res).json();

describe('chat', () => {
  beforeAll(async () => {
    const res = await send('PUT', '/v1/chat/faqs', { entries: ENTRIES }, ADMIN);
    expect(res.status).toBe(200);
  });

  it('answers English and Chinese questions from the FAQ', async () => {
    const en = await read(chat({ message: 'when will my parcel arrive?' }));
    expect(en).toMatchObject({ faq: 't-delivery-en', answer: 'Delivery takes 2-4 working days.', handoff: false, reason: 'answered' });
    expect(en.confidence).toBeGreaterThan(0.5);
    const zh = await read(chat({ message: '退款什么时候到账' }));
    expect(zh).toMatchObject({ faq: 't-refund-zh', handoff: false, reason: 'answered', lang: 'zh' });
  });

  it('answers a clear question and offers suggestions on a close call', async () => {
    expect(await read(chat({ message: 'is a return free' }))).toMatchObject({ reason: 'answered', faq: 't-return-cost-en' });
    // A shop asking for 95% precision asks instead of answering the closer calls.
    expect((await send('PUT', '/v1/chat/settings', { targetPrecision: 0.95 }, ADMIN)).status).toBe(200);
    try {
      const res = await read(chat({ message: 'how do I pay for a return' }));
      expect(res).toMatchObject({ reason: 'close_call', handoff: false });
      expect(res.faq).toBeUndefined();
      expect(res.suggestions.map((s: { faq: string }) => s.faq)).toEqual(expect.arrayContaining(['t-returns-en', 't-return-cost-en']));
    } finally {
      await send('PUT', '/v1/chat/settings', {}, ADMIN);
    }
  });

  it('hands over to a person below the threshold and logs the miss, grouped', async () => {
    const session = uniq('sess');
    for (const message of ['Is the store open on Sunday?', 'is the store open on sundays', '今天天气怎么样']) {
      const res = await read(chat({ message, session }));
      expect(res).toMatchObject({ handoff: true, reason: 'low_confidence' });
    }
    const logged = await rows<{ reason: string }>('SELECT reason FROM chat_misses WHERE session = ?', session);
    expect(logged).toHaveLength(3);
    const { groups } = await read(call('/v1/chat/misses', { headers: ADMIN }));
    const sunday = groups.find((g: { question: string }) => /sunday/i.test(g.question));
    expect(sunday.count).toBeGreaterThanOrEqual(2);
  });

  it('answers product-advice questions apart from the FAQ', async () => {
    const res = await read(chat({ message: '能推荐一款降噪耳机吗' }));
    expect(res).toMatchObject({ reason: 'product_advice', lang: 'zh' });
  });

  it('disables an entry and stops answering with it', async () => {
    const id = uniq('t-temp');
    await send('PUT', '/v1/chat/faqs', { entries: [faq(id, 'en', 'Do you sell gift wrapping?', ['Can you wrap my present?'], 'Yes, for 2 EUR.')] }, ADMIN);
    expect(await read(chat({ message: 'can you wrap my present' }))).toMatchObject({ faq: id });
    expect((await send('PATCH', `/v1/chat/faqs/${id}`, { enabled: false }, ADMIN)).status).toBe(200);
    expect((await read(chat({ message: 'can you wrap my present' }))).faq).not.toBe(id);
    const { entries } = await read(call('/v1/chat/faqs?enabled=true', { headers: ADMIN }));
    expect(entries.map((e: { id: string }) => e.id)).not.toContain(id);
  });
});

describe('chat bad input', () => {
  it('rejects empty, over-long, unknown-language and malformed messages with a 400 naming the field', async () => {
    for (const [body, field] of [
      [{ message: '   ' }, 'message'],
      [{ message: 'x'.repeat(501) }, 'message'],
      [{ message: 'hi', lang: 'fr' }, 'lang'],
      [{}, 'message'],
    ] as const) {
      const res = await chat(body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_request', field } });
    }
    const broken = await call('/v1/chat', {
      method: 'POST',
      headers: { authorization: 'Bearer test-ingest-key', 'content-type': 'application/json' },
      body: '{"message":',
    });
    expect(broken.status).toBe(400);
  });

  it('needs a key, and the admin key for administration', async () => {
    expect((await call('/v1/chat', { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await call('/v1/chat/faqs', { headers: { authorization: 'Bearer test-ingest-key' } })).status).toBe(403);
  });

  it('never echoes markup and answers a script-only message politely', async () => {
    const res = await chat({ message: '<script>alert(1)</script>' });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('<script');
    expect(JSON.parse(text)).toMatchObject({ reason: 'unreadable', handoff: false });
    const session = uniq('sess');
    await chat({ message: '<img src=x onerror=alert(1)>Is the shop open at night?', session });
    const [miss] = await rows<{ message: string }>('SELECT message FROM chat_misses WHERE session = ?', session);
    expect(miss?.message).toBe('Is the shop open at night?');
  });

  it('hands over politely in a language it does not speak', async () => {
    const res = await chat({ message: 'Когда придёт мой заказ?' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ handoff: true, reason: 'unsupported_language' });
  });

  it('limits a flood from one session with a 429', async () => {
    const session = uniq('flood');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await chat({ message: 'how long does delivery take', session })).status);
    expect(statuses.slice(0, 8).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const other = await chat({ message: 'how long does delivery take', session: uniq('calm') });
    expect(other.status).toBe(200);
  });
});

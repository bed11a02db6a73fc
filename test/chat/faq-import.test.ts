import { describe, expect, it } from 'vitest';
import { ADMIN, call, rows, uniq } from '../support/api.ts';

const importBody = (body: string, contentType: string) =>
  call('/v1/chat/faqs/import', { method: 'POST', headers: { ...ADMIN, 'content-type': contentType }, body });

describe('FAQ import', () => {
  it('imports JSON lines and CSV, then answers from them', async () => {
    const a = uniq('imp');
    const b = uniq('imp');
    const jsonl = JSON.stringify({
      id: a,
      question: 'Do you have a loyalty programme?',
      alternatives: ['How do I collect points?'],
      answer: 'Yes: 1 point per euro.',
      lang: 'en',
      tags: ['promotions'],
    });
    expect((await importBody(jsonl + '\n', 'application/x-ndjson')).status).toBe(200);
    const csv = `id,question,alternatives,answer,tags,lang,enabled\n${b},积分怎么用？,积分可以抵现吗|积分怎么兑换,"100积分抵1元, 下单时使用",promotions,zh,true\n`;
    const res = await importBody(csv, 'text/csv');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ upserted: 1 });
    const [row] = await rows<{ alternatives: string; answer: string }>('SELECT alternatives, answer FROM faqs WHERE id = ?', b);
    expect(JSON.parse(row!.alternatives)).toEqual(['积分可以抵现吗', '积分怎么兑换']);
    expect(row!.answer).toBe('100积分抵1元, 下单时使用');
    const reply = await (
      await call('/v1/chat', {
        method: 'POST',
        headers: { authorization: 'Bearer test-ingest-key', 'content-type': 'application/json' },
        body: JSON.stringify({ message: '积分可以抵现吗' }),
      })
    ).json();
    expect(reply).toMatchObject({ faq: b });
  });

  it('rejects the whole import when one line is bad, naming the line and field', async () => {
    const good = uniq('imp');
    const body = [
      JSON.stringify({ id: good, question: 'Q?', answer: 'A.', lang: 'en' }),
      JSON.stringify({ id: uniq('imp'), question: 'Q?', answer: 'A.', lang: 'de' }),
    ].join('\n');
    const res = await importBody(body, 'application/x-ndjson');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_request', field: 'lines.2.lang' } });
    expect(await rows('SELECT id FROM faqs WHERE id = ?', good)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { DEMO_FAQ } from '../../src/chat/demo-faq.ts';
import { DEFAULT_SYNONYMS } from '../../src/chat/default-synonyms.ts';
import { buildFaqIndex, faqIndexFromJson, faqIndexToJson } from '../../src/chat/index/faq-index.ts';
import { searchFaq } from '../../src/chat/index/search.ts';
import { detectProductAdvice } from '../../src/chat/intent.ts';
import { applySynonyms, compileSynonyms } from '../../src/text/synonyms.ts';
import { convertBitext, DEV_PER_INTENT } from '../../src/chat/eval/convert.ts';
import { FAQ_INDEX_FORMAT } from '../../src/chat/index/faq-index.ts';
import { detectLanguage, stripMarkup } from '../../src/text/normalize.ts';
import { correctWord } from '../../src/chat/text/spelling.ts';
import { stemWord } from '../../src/text/stem.ts';
import { tokenize } from '../../src/text/tokenize.ts';

describe('chat text', () => {
  it('stems inflections onto one key', () => {
    expect(new Set(['cancel', 'canceling', 'cancelled', 'cancellation'].map(stemWord))).toEqual(new Set(['cancel']));
    expect(stemWord('addresses')).toBe(stemWord('address'));
    expect(stemWord('deletion')).toBe(stemWord('delete'));
    expect(stemWord('removal')).toBe(stemWord('remove'));
    expect(stemWord('termination')).toBe(stemWord('terminate'));
    expect(stemWord('shipping')).toBe(stemWord('ship'));
    expect(stemWord('status')).not.toBe(stemWord('stat'));
  });

  it('corrects a typo to the known word one edit away found in the most entries', () => {
    const vocabulary = new Set(['account', 'accent', 'count']);
    expect(correctWord('acount', vocabulary, (w) => (w === 'account' ? 3 : 1))).toBe('account');
    expect(correctWord('accuont', vocabulary, () => 1)).toBe('account');
    expect(correctWord('xyzzy', vocabulary, () => 1)).toBeNull();
  });

  it('segments Chinese into words with bigram back-off, drops order numbers', () => {
    expect(tokenize('花呗怎么还款').grams).toEqual(['花呗', '呗怎', '怎么', '么还', '还款']);
    expect(tokenize('cancel order 113542617735902').words).toEqual(['cancel', 'order']);
  });

  it('strips markup and guesses the language by script', () => {
    expect(stripMarkup('<script>x()</script>Where is <b>my order</b>?')).toBe('Where is my order ?');
    expect([detectLanguage('运费多少'), detectLanguage('shipping cost'), detectLanguage('Привет'), detectLanguage('123')]).toEqual(['zh', 'en', null, null]);
  });

  it('rewrites synonym phrases to one token', () => {
    const map = compileSynonyms([
      ['refund', 'money back'],
      ['退款', '退钱'],
    ]);
    expect(applySynonyms(tokenize('I want my money back').words, map)).toEqual(applySynonyms(tokenize('I want my refund').words, map));
  });

  it('detects product-advice questions but not service questions', () => {
    expect(detectProductAdvice('能推荐一款降噪耳机吗')).toEqual({ query: '降噪耳机' });
    expect(detectProductAdvice('something like the blue mug?')).toEqual({ query: 'the blue mug' });
    expect(detectProductAdvice('which shipping option do you recommend?')).toBeNull();
  });
});

describe('FAQ index', () => {
  const index = buildFaqIndex(DEMO_FAQ, { version: 'v1', synonymGroups: DEFAULT_SYNONYMS });

  it('ranks the demo FAQ in both languages and filters by language', () => {
    const top = (m: string, lang?: string) => index.entries[searchFaq(index, m, { lang }).candidates[0]!.entry]!.id;
    expect(top('where is my package')).toBe('track-order-en');
    expect(top('快递到哪了')).toBe('track-order-zh');
    expect(top('发票', 'zh')).toBe('invoice-zh');
  });

  it('survives a JSON round trip unchanged', () => {
    const json = faqIndexToJson(index);
    expect(json.format).toBe(FAQ_INDEX_FORMAT);
    const restored = faqIndexFromJson(JSON.parse(JSON.stringify(json)));
    for (const m of ['can I pay with paypal', '退款多久到账', 'wher is my pakage']) expect(searchFaq(restored, m)).toEqual(searchFaq(index, m));
  });

  it('matches misspelled messages through the FAQ vocabulary', () => {
    const plain = buildFaqIndex(DEMO_FAQ, { version: 'v1' });
    const top = (m: string, spelling: boolean) => plain.entries[searchFaq(plain, m, { tuning: { spelling } }).candidates[0]!.entry]!.id;
    expect(top('wher is my pakage', true)).toBe('track-order-en');
    expect(plain.vocabulary.has('package')).toBe(true);
  });
});

describe('Bitext evaluation splits', () => {
  const rows = ['instruction,intent,response'];
  for (const intent of ['a_intent', 'b_intent']) for (let i = 0; i < 80; i++) rows.push(`question ${i} about ${intent},${intent},answer ${intent}`);
  const csv = rows.join('\n');

  it('holds out a seeded dev sample disjoint from the test queries, with the same FAQ', () => {
    const [dev, test, all] = [convertBitext(csv, 'dev'), convertBitext(csv, 'test'), convertBitext(csv, 'all')];
    expect(dev.faqs).toEqual(test.faqs);
    expect(dev.queries.length).toBe(2 * DEV_PER_INTENT);
    const devTexts = new Set(dev.queries.map((q) => q.text));
    expect(test.queries.some((q) => devTexts.has(q.text))).toBe(false);
    expect(dev.queries.length + test.queries.length).toBe(all.queries.length);
    const entryTexts = new Set(dev.faqs.flatMap((f) => [f.question, ...(f.alternatives ?? [])]));
    expect(all.queries.some((q) => entryTexts.has(q.text))).toBe(false);
  });
});

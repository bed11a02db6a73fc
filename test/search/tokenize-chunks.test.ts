import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/random.ts';
import { tokenize } from '../../src/text/tokenize.ts';
import { stemWord } from '../../src/text/stem.ts';
import { foldCase, stripMarkup } from '../../src/text/normalize.ts';

/** The words stream as the segmenter alone cuts the whole text (the tokenizer before its plain-chunk path). */
function segmenterWords(text: string): string[] {
  const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
  const out: string[] = [];
  for (const part of segmenter.segment(foldCase(stripMarkup(text)))) {
    if (!part.isWordLike) continue;
    const word = part.segment.replace(/[’']/g, '');
    if (word.length === 0 || /\d{4,}/.test(word)) continue;
    if (/^\p{Script=Han}+$/u.test(word)) out.push(word);
    else if (/^[\p{L}\p{M}\p{N}'’_-]+$/u.test(word)) out.push(stemWord(word));
    else out.push(word);
  }
  return out;
}

const PIECES = [
  'tea',
  'Green',
  'matcha',
  'x',
  '42',
  'abc123',
  '123abc',
  '1.5',
  '3,000',
  "don't",
  'e.g.',
  'a-b',
  'snake_case',
  '绿茶',
  '龙井绿茶',
  '抹茶粉',
  'ｆｕｌｌ',
  'Café',
  'naïve',
  'e\u0301',
  '\u0301a',
  '🍵',
  '&amp;',
  '<b>bold</b>',
  '...',
  '—',
  '(x)',
  'USB-C',
  'v2.0',
  '9999',
  '12345',
  'Ⅻ',
  'ß',
];
const GLUE = [' ', '  ', '', ',', '. ', '\u00a0', '\u3000', '/', '-', ' - '];

describe('tokenize: plain chunks skip the segmenter', () => {
  it('cuts the same words as the segmenter on the whole text', () => {
    const random = seededRandom(5);
    for (let n = 0; n < 3000; n++) {
      const parts = Array.from({ length: random.int(1, 12) }, () => random.pick(PIECES) + random.pick(GLUE));
      const text = parts.join('');
      expect(tokenize(text).words, JSON.stringify(text)).toEqual(segmenterWords(text));
    }
  });

  it('cuts a catalog description as before', () => {
    const text = 'Organic Longjing green tea, 100g tin (2024 harvest): smooth & sweet — 龙井绿茶 礼盒';
    expect(tokenize(text).words).toEqual(segmenterWords(text));
    expect(tokenize(text).words).toContain('green');
  });
});

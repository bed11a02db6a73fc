/**
 * Tokenization for retrieval. Two token streams per text:
 * - `words`: Chinese words from `Intl.Segmenter`, English words folded and
 *   stemmed (Porter); synonyms are applied on this stream;
 * - `grams`: the back-off stream, Chinese character bigrams (robust to the
 *   segmenter cutting 花呗 differently in two sentences) and English
 *   character trigrams (robust to typos and unknown inflections).
 */
import { foldCase, stripMarkup } from './normalize.ts';
import { stemWord } from './stem.ts';

/** The two token streams of one text. */
export interface Tokens {
  words: string[];
  grams: string[];
  /** Per word: the unstemmed a-z form of an English word (for spelling correction), else null. */
  surface?: (string | null)[];
}

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
const HAN_RUN = /\p{Script=Han}+/gu;
const HAN_ONLY = /^\p{Script=Han}+$/u;
const LATIN_WORD = /^[\p{L}\p{M}\p{N}'’_-]+$/u;
const ASCII_WORD = /^[a-z]+$/;
/** Long digit runs are order numbers, phone numbers, amounts: noise for matching. */
const NOISE_NUMBER = /\d{4,}/;

/**
 * Splits a text into its `words` and `grams` streams.
 *
 * @example tokenize('How do I cancel my orders?').words // ['how', 'do', 'i', 'cancel', 'my', 'order']
 * @example tokenize('花呗怎么还款').grams                // ['花呗', '呗怎', '怎么', '么还', '还款']
 */
export function tokenize(text: string): Tokens {
  const clean = foldCase(stripMarkup(text));
  const words: string[] = [];
  const grams: string[] = [];
  const surface: (string | null)[] = [];
  for (const part of segmenter.segment(clean)) {
    if (!part.isWordLike) continue;
    const word = part.segment.replace(/[’']/g, '');
    if (word.length === 0 || NOISE_NUMBER.test(word)) continue;
    if (HAN_ONLY.test(word)) {
      words.push(word);
      surface.push(null);
    } else if (LATIN_WORD.test(word)) {
      words.push(stemWord(word));
      surface.push(ASCII_WORD.test(word) ? word : null);
      pushTrigrams(word, grams);
    } else {
      words.push(word);
      surface.push(null);
    }
  }
  for (const run of clean.match(HAN_RUN) ?? []) pushBigrams(run, grams);
  return { words, grams, surface };
}

function pushTrigrams(word: string, into: string[]): void {
  const padded = ` ${word} `;
  for (let i = 0; i + 3 <= padded.length; i++) into.push(padded.slice(i, i + 3));
}

function pushBigrams(run: string, into: string[]): void {
  const chars = [...run];
  if (chars.length === 1) into.push(chars[0]!);
  for (let i = 0; i + 1 < chars.length; i++) into.push(chars[i]! + chars[i + 1]!);
}

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
 * A space-separated chunk that is one word-like segment under Unicode word breaking (UAX #29:
 * letters and digits join, a space always breaks): it skips the segmenter, which costs a few
 * microseconds a segment (most of indexing a catalog's descriptions).
 */
const PLAIN_CHUNK = /^[a-z0-9]+$/;
/** Stems of recent words, and word-like segments of recent chunks (a catalog repeats its vocabulary); cleared when full. */
const stems = new Map<string, string>();
const segmented = new Map<string, string[]>();
const KEPT = 50_000;

function segments(chunk: string): string[] {
  if (chunk.length > 64) return wordLike(chunk);
  let words = segmented.get(chunk);
  if (words === undefined) {
    if (segmented.size >= KEPT) segmented.clear();
    segmented.set(chunk, (words = wordLike(chunk)));
  }
  return words;
}

function wordLike(chunk: string): string[] {
  const words: string[] = [];
  for (const part of segmenter.segment(chunk)) if (part.isWordLike) words.push(part.segment);
  return words;
}

function stemmed(word: string): string {
  let stem = stems.get(word);
  if (stem === undefined) {
    if (stems.size >= KEPT) stems.clear();
    stems.set(word, (stem = stemWord(word)));
  }
  return stem;
}

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
  const add = (segment: string) => {
    const word = segment.replace(/[’']/g, '');
    if (word.length === 0 || NOISE_NUMBER.test(word)) return;
    if (HAN_ONLY.test(word)) {
      words.push(word);
      surface.push(null);
    } else if (LATIN_WORD.test(word)) {
      words.push(stemmed(word));
      surface.push(ASCII_WORD.test(word) ? word : null);
      pushTrigrams(word, grams);
    } else {
      words.push(word);
      surface.push(null);
    }
  };
  for (const chunk of clean.split(' ')) {
    if (PLAIN_CHUNK.test(chunk)) add(chunk);
    else for (const segment of segments(chunk)) add(segment);
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

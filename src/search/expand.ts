/**
 * Query words the index does not hold as such: the word being typed is a prefix of longer
 * terms ("espre" -> espresso), a misspelt word is near a known term ("expresso" -> espresso).
 * Typos allowed grow with the word, as in Meilisearch: none below 5 letters, one from 5, two
 * from 9. Expansions look up the index's own vocabulary; nothing is tokenized per request.
 */
import { stemWord } from '../text/stem.ts';
import type { QuerySlot } from './analyze.ts';

/** The vocabulary of an index: sorted terms and their document frequencies. */
export interface Vocabulary {
  terms: readonly string[];
  df: readonly number[];
  /** term -> position in `terms`. */
  index: ReadonlyMap<string, number>;
  /**
   * Sorted spellings a shopper may type, each naming a term: every plain term, and the words of
   * every synonym phrase for its canonical token ("espresso" and "意式浓缩" -> `~espresso`).
   */
  keys: readonly string[];
  keyTerms: readonly string[];
  byKey: ReadonlyMap<string, string>;
}

/** One term a slot may match, with how much a match through it counts (1 = exact). */
export interface Alternative {
  term: string;
  weight: number;
}

/** Letters from which one typo is allowed, and two. */
export const TYPO_LENGTHS = { one: 5, two: 9 } as const;
const PREFIX_MIN = 2;
const PREFIX_TERMS = 20;
const PREFIX_SCAN = 2000;
const TYPO_TERMS = 3;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Builds the lookups of a sorted vocabulary (once per isolate and version). `aliases` are the
 * synonym phrases, as `[typed words joined by spaces, canonical term]`.
 */
export function vocabulary(terms: readonly string[], df: readonly number[], aliases: readonly [string, string][] = []): Vocabulary {
  const index = new Map(terms.map((t, i) => [t, i]));
  const byKey = new Map<string, string>();
  for (const term of terms) if (!term.startsWith('~')) byKey.set(term, term);
  for (const [key, term] of aliases) if (index.has(term) && !byKey.has(key)) byKey.set(key, term);
  const keys = [...byKey.keys()].sort();
  return { terms, df, index, keys, keyTerms: keys.map((k) => byKey.get(k)!), byKey };
}

/** The terms a slot matches: itself when known, else (or also, when typed last) prefixes and near spellings. */
export function alternatives(slot: QuerySlot, vocab: Vocabulary): Alternative[] {
  const known = vocab.index.has(slot.term);
  const out: Alternative[] = [{ term: slot.term, weight: 1 }];
  if (!slot.expandable) return out;
  if (slot.prefix && slot.surface.length >= PREFIX_MIN) {
    for (const term of prefixed(vocab, slot.surface)) if (term !== slot.term) out.push({ term, weight: 0.9 });
  }
  if (!known && out.length === 1) out.push(...typos(slot.surface, vocab));
  return out;
}

/** Terms beginning with `prefix`, the most frequent first. */
export function prefixed(vocab: Vocabulary, prefix: string): string[] {
  const { keys, keyTerms } = vocab;
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  const found = new Set<string>();
  for (let i = lo; i < keys.length && i - lo < PREFIX_SCAN && keys[i]!.startsWith(prefix); i++) found.add(keyTerms[i]!);
  const df = (term: string) => vocab.df[vocab.index.get(term)!]!;
  return [...found].sort((a, b) => df(b) - df(a)).slice(0, PREFIX_TERMS);
}

/** Known terms within the typos a word's length allows, the most frequent first. */
export function typos(word: string, vocab: Vocabulary): Alternative[] {
  if (word.length < TYPO_LENGTHS.one) return [];
  const found = new Map<string, number>();
  const consider = (candidate: string, weight: number) => {
    const term = vocab.byKey.get(candidate);
    if (term && (found.get(term) ?? 0) < weight) found.set(term, weight);
  };
  const stem = stemWord(word);
  const first = edits(word);
  if (stem !== word) for (const candidate of edits(stem)) first.add(candidate);
  for (const candidate of first) consider(candidate, 0.8);
  if (word.length >= TYPO_LENGTHS.two && found.size === 0) {
    for (const candidate of first) for (let i = 0; i < candidate.length; i++) consider(candidate.slice(0, i) + candidate.slice(i + 1), 0.6);
  }
  return [...found.entries()]
    .sort((a, b) => b[1] - a[1] || vocab.df[vocab.index.get(b[0])!]! - vocab.df[vocab.index.get(a[0])!]!)
    .slice(0, TYPO_TERMS)
    .map(([term, weight]) => ({ term, weight }));
}

/** Every string one edit away (deletion, transposition, substitution, insertion). */
function edits(word: string): Set<string> {
  const out = new Set<string>();
  const n = word.length;
  for (let i = 0; i < n; i++) out.add(word.slice(0, i) + word.slice(i + 1));
  for (let i = 0; i + 1 < n; i++) out.add(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2));
  for (let i = 0; i < n; i++) for (const ch of ALPHABET) if (ch !== word[i]) out.add(word.slice(0, i) + ch + word.slice(i + 1));
  for (let i = 0; i <= n; i++) for (const ch of ALPHABET) out.add(word.slice(0, i) + ch + word.slice(i));
  return out;
}

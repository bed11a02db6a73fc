/**
 * Shop-editable synonyms. Each group lists terms that mean the same thing
 * ("refund", "money back", "退款", "退钱"); every term is tokenized with the
 * retrieval tokenizer and rewritten to one canonical token, on both the FAQ
 * side and the query side, so the index never needs rebuilding per request.
 */
import { tokenize } from './tokenize.ts';

/** Compiled synonym groups: phrases keyed by their first word. */
export interface SynonymMap {
  byFirstWord: Map<string, { words: string[]; canonical: string }[]>;
}

/** An empty map: no rewriting. */
export const NO_SYNONYMS: SynonymMap = { byFirstWord: new Map() };

/**
 * Compiles groups of equivalent terms. Longer phrases are tried first, so
 * "money back" wins over "money".
 *
 * @example compileSynonyms([['refund', 'money back'], ['退款', '退钱']])
 */
export function compileSynonyms(groups: readonly (readonly string[])[]): SynonymMap {
  const byFirstWord = new Map<string, { words: string[]; canonical: string }[]>();
  for (const group of groups) {
    const phrases = group.map((term) => tokenize(term).words).filter((words) => words.length > 0);
    const first = phrases[0];
    if (!first || phrases.length < 2) continue;
    const canonical = `~${first.join('_')}`;
    for (const words of phrases) {
      const list = byFirstWord.get(words[0]!) ?? [];
      list.push({ words, canonical });
      list.sort((a, b) => b.words.length - a.words.length);
      byFirstWord.set(words[0]!, list);
    }
  }
  return { byFirstWord };
}

/** Rewrites every synonym phrase in a word stream to its group's canonical token. */
export function applySynonyms(words: readonly string[], synonyms: SynonymMap): string[] {
  if (synonyms.byFirstWord.size === 0) return [...words];
  const out: string[] = [];
  for (let i = 0; i < words.length;) {
    const match = synonyms.byFirstWord.get(words[i]!)?.find((p) => p.words.every((w, k) => words[i + k] === w));
    if (match) {
      out.push(match.canonical);
      i += match.words.length;
    } else {
      out.push(words[i]!);
      i += 1;
    }
  }
  return out;
}

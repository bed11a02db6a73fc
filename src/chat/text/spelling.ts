/**
 * Query-side spelling correction against the FAQ's own vocabulary. Chat
 * messages are full of typos ("acount", "shpiping", "cancdl"); character
 * trigrams soften them, but the word field misses them entirely. An English
 * word of four letters or more that the FAQ does not know is replaced by a
 * known word one edit away (deletion, transposition, substitution or
 * insertion, Damerau), preferring the word found in the most entries.
 * Cost: about 54 x length set lookups per unknown word, nothing per known
 * word; the vocabulary is built with the index, never per request.
 */

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';
/** Shorter words are left alone: too many short words are one edit apart. */
export const MIN_CORRECTED_LENGTH = 4;
/** Shorter words are not worth storing as correction targets. */
const MIN_VOCABULARY_LENGTH = 3;

/** Adds the a-z surface forms of a token stream to a vocabulary. */
export function addToVocabulary(surface: readonly (string | null)[] | undefined, into: Set<string>): void {
  for (const word of surface ?? []) if (word && word.length >= MIN_VOCABULARY_LENGTH) into.add(word);
}

/**
 * The best known word one edit away from `word`, or null. `rank` scores a
 * known candidate (higher wins; ties go to the first generated: deletions,
 * transpositions, substitutions, insertions).
 *
 * @example correctWord('acount', new Set(['account']), () => 1) // 'account'
 */
export function correctWord(word: string, vocabulary: ReadonlySet<string>, rank: (candidate: string) => number): string | null {
  let best: string | null = null;
  let bestRank = -Infinity;
  const consider = (candidate: string) => {
    if (candidate === best || !vocabulary.has(candidate)) return;
    const value = rank(candidate);
    if (value > bestRank) {
      best = candidate;
      bestRank = value;
    }
  };
  const n = word.length;
  for (let i = 0; i < n; i++) consider(word.slice(0, i) + word.slice(i + 1));
  for (let i = 0; i + 1 < n; i++) consider(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2));
  for (let i = 0; i < n; i++) {
    for (const ch of ALPHABET) if (ch !== word[i]) consider(word.slice(0, i) + ch + word.slice(i + 1));
  }
  for (let i = 0; i <= n; i++) for (const ch of ALPHABET) consider(word.slice(0, i) + ch + word.slice(i));
  return best;
}

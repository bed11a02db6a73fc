/**
 * Per-entry word weights learned from the entry's own phrasings (a Rocchio
 * centroid): for every word, the share of the entry's phrasings that hold
 * it. A word every phrasing of an entry uses ("pto" in five of five) is what
 * the entry is about; a word one phrasing happens to carry (a date, a name)
 * counts a fifth as much. Words are weighted by their entry-level idf, so a
 * word most entries share says little. Derived from the phrasing field on
 * first use per index and isolate: nothing extra is stored. Off by default
 * (`SearchTuning.centroidWeight` 0); see src/chat/README.md for why.
 */
import type { FaqIndex } from './faq-index.ts';
import type { Field } from './field.ts';

/** word -> interleaved [entry, share of the entry's phrasings holding the word, ...]. */
export interface EntryTerms {
  entryCount: number;
  postings: Map<string, Float64Array>;
}

/** Builds the entry weights from the phrasing-level word field. */
export function buildEntryTerms(phrasingWords: Field, phrasingEntry: Uint32Array, entryCount: number): EntryTerms {
  const phrasings = new Uint32Array(entryCount);
  for (const entry of phrasingEntry) phrasings[entry] = phrasings[entry]! + 1;
  const postings = new Map<string, Float64Array>();
  const counts = new Map<number, number>();
  for (const [term, list] of phrasingWords.postings) {
    counts.clear();
    for (let i = 0; i < list.length; i += 2) {
      const entry = phrasingEntry[list[i]!]!;
      counts.set(entry, (counts.get(entry) ?? 0) + 1);
    }
    const weights = new Float64Array(counts.size * 2);
    let k = 0;
    for (const [entry, count] of counts) {
      weights[k++] = entry;
      weights[k++] = count / phrasings[entry]!;
    }
    postings.set(term, weights);
  }
  return { entryCount, postings };
}

const built = new WeakMap<FaqIndex, EntryTerms>();

/** The entry weights of an index, built on first use. */
export function entryTermsOf(index: FaqIndex): EntryTerms {
  let terms = built.get(index);
  if (!terms) built.set(index, (terms = buildEntryTerms(index.phrasingWords, index.phrasingEntry, index.entries.length)));
  return terms;
}

/**
 * Adds `weight x` the entry-weight match of the message's words to
 * `into[entry]`, divided by the message's entry-level idf mass (unknown
 * words count with the largest idf), so 1 means every word of the message is
 * in every phrasing of the entry.
 */
export function addEntryTerms(terms: EntryTerms, words: readonly string[], weight: number, into: Float64Array): void {
  const unique = new Set(words);
  if (unique.size === 0 || terms.entryCount === 0) return;
  const scores = new Float64Array(into.length);
  let mass = 0;
  for (const word of unique) {
    const list = terms.postings.get(word);
    const df = list ? list.length / 2 : 0;
    const idf = Math.log(1 + (terms.entryCount - df + 0.5) / (df + 0.5));
    mass += idf;
    if (!list) continue;
    for (let i = 0; i < list.length; i += 2) scores[list[i]!] = scores[list[i]!]! + idf * list[i + 1]!;
  }
  for (let entry = 0; entry < into.length; entry++) into[entry] = into[entry]! + (weight * scores[entry]!) / mass;
}

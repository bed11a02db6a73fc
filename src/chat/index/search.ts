/**
 * Ranks FAQ entries for a message. Word BM25 and gram BM25 are each divided
 * by the message's own idf mass, so a score reads as "share of the message
 * matched" (0..~1) whatever the FAQ. An entry's score fuses its best
 * phrasing, the mean of its other phrasings (a nearest-phrasing vote) and
 * the entry as a whole (phrasings and answer together).
 */
import { accumulateTerm, type Field } from './field.ts';
import { indexTokens, type FaqIndex } from './faq-index.ts';

/** One ranked entry. */
export interface Candidate {
  entry: number;
  score: number;
}

/** Weights of the fused score. */
export interface SearchTuning {
  wordWeight: number;
  gramWeight: number;
  voteWeight: number;
  entryWeight: number;
}

/** Chosen on the calibration splits (src/chat/README.md). */
export const DEFAULT_TUNING: SearchTuning = { wordWeight: 0.5, gramWeight: 0.5, voteWeight: 0.5, entryWeight: 1.5 };

/** The ranked entries and how much of the message the FAQ knew at all. */
export interface SearchResult {
  candidates: Candidate[];
  /** Share of the message's word idf mass present anywhere in the FAQ (0..1). */
  known: number;
}

/**
 * Searches the index. `lang` restricts entries to one language (entries
 * without a language always qualify).
 *
 * @example searchFaq(index, 'where is my parcel', { limit: 3 }).candidates[0]
 */
export function searchFaq(
  index: FaqIndex,
  message: string,
  options: { lang?: string | null; limit?: number; tuning?: SearchTuning } = {},
): SearchResult {
  const tuning = options.tuning ?? DEFAULT_TUNING;
  const { words, grams } = indexTokens(message, index.synonyms);
  const phrasing = new Float64Array(index.phrasingEntry.length);
  const known = addField(index.phrasingWords, words, tuning.wordWeight, phrasing);
  addField(index.phrasingGrams, grams, tuning.gramWeight, phrasing);
  const entryCount = index.entries.length;
  const whole = new Float64Array(entryCount);
  addField(index.entryWords, words, tuning.wordWeight, whole);
  addField(index.entryGrams, grams, tuning.gramWeight, whole);

  const best = new Float64Array(entryCount);
  const sum = new Float64Array(entryCount);
  const count = new Uint16Array(entryCount);
  for (let doc = 0; doc < phrasing.length; doc++) {
    const entry = index.phrasingEntry[doc]!;
    const score = phrasing[doc]!;
    if (score > best[entry]!) best[entry] = score;
    sum[entry] = sum[entry]! + score;
    count[entry] = count[entry]! + 1;
  }
  const lang = options.lang ?? null;
  const candidates: Candidate[] = [];
  for (let entry = 0; entry < entryCount; entry++) {
    if (best[entry]! <= 0 && whole[entry]! <= 0) continue;
    const entryLang = index.entries[entry]!.lang;
    if (lang && entryLang && entryLang !== lang) continue;
    const others = count[entry]! > 1 ? (sum[entry]! - best[entry]!) / (count[entry]! - 1) : 0;
    const score = best[entry]! + tuning.voteWeight * others + tuning.entryWeight * whole[entry]!;
    candidates.push({ entry, score });
  }
  candidates.sort((a, b) => b.score - a.score);
  return { candidates: candidates.slice(0, options.limit ?? 5), known };
}

/** Adds one field's normalized BM25 into `into`; returns the share of the message's idf mass the field knows. */
function addField(field: Field, terms: readonly string[], weight: number, into: Float64Array): number {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  if (counts.size === 0 || field.docCount === 0) return 0;
  const scores = new Float64Array(into.length);
  let mass = 0;
  let known = 0;
  for (const [term, qtf] of counts) {
    const termIdf = accumulateTerm(field, term, qtf, scores);
    mass += termIdf * qtf;
    if (field.postings.has(term)) known += termIdf * qtf;
  }
  for (let doc = 0; doc < into.length; doc++) into[doc] = into[doc]! + (weight * scores[doc]!) / mass;
  return known / mass;
}

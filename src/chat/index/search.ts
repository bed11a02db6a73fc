/**
 * Ranks FAQ entries for a message. Word BM25 and gram BM25 are each divided
 * by the message's own idf mass, so a score reads as "share of the message
 * matched" (0..~1) whatever the FAQ. An entry's score fuses its best
 * phrasing, the mean of its other phrasings (a nearest-phrasing vote) and
 * the entry as a whole (phrasings and answer together). English words the
 * FAQ does not know are first corrected against its vocabulary.
 */
import { applySynonyms } from '../../text/synonyms.ts';
import { correctWord, MIN_CORRECTED_LENGTH } from '../text/spelling.ts';
import { stemWord } from '../../text/stem.ts';
import { tokenize, type Tokens } from '../../text/tokenize.ts';
import { addEntryTerms, entryTermsOf } from './entry-terms.ts';
import { accumulateTerm, type Bm25, type Field } from './field.ts';
import type { FaqIndex } from './faq-index.ts';

/** One ranked entry. */
export interface Candidate {
  entry: number;
  score: number;
}

/** Weights of the fused score, BM25 parameters per stream, spelling correction on or off. */
export interface SearchTuning {
  wordWeight: number;
  gramWeight: number;
  voteWeight: number;
  entryWeight: number;
  /** Weight of the per-entry word weights learned from the entry's phrasings (`entry-terms.ts`), added to the entry document; 0 (off) as shipped. */
  centroidWeight: number;
  wordBm25: Bm25;
  gramBm25: Bm25;
  spelling: boolean;
}

/**
 * Chosen on the development splits only (Bitext dev, CLINC150 val, ATEC
 * calibration pairs; src/chat/README.md): words saturate late (k1 3) and are
 * fully length-normalized (b 1), grams keep the textbook values.
 */
export const DEFAULT_TUNING: SearchTuning = {
  wordWeight: 0.5,
  gramWeight: 0.5,
  voteWeight: 1,
  entryWeight: 1.5,
  centroidWeight: 0,
  wordBm25: { k1: 3, b: 1 },
  gramBm25: { k1: 1.2, b: 0.75 },
  spelling: true,
};

/** The ranked entries and how much of the message the FAQ knew at all. */
export interface SearchResult {
  candidates: Candidate[];
  /** Share of the message's word idf mass present anywhere in the FAQ (0..1). */
  known: number;
  /** What the confidence model reads besides the scores (absent in hand-made results). */
  signals?: SearchSignals;
  /** Semantic scores are fused in (the index's held-out handoff threshold applies: `answerChat`). */
  fused?: boolean;
}

/** How the best entry was found: channel agreement, phrasing agreement and message length. */
export interface SearchSignals {
  /** The word channel alone ranks the same entry first. */
  wordAgrees: boolean;
  /** The gram channel alone ranks the same entry first. */
  gramAgrees: boolean;
  /** Words in the message after tokenizing. */
  words: number;
  /** Share of the {@link VOTE_PHRASINGS} best-scoring phrasings that belong to the best entry (0..1). */
  votes: number;
  /** Cosine of the message with the best entry's vector, when the semantic channel is on (`semantic/fusion.ts`). */
  cosine?: number;
}

/** Phrasings looked at for {@link SearchSignals.votes}: as many as a well-described entry has. */
export const VOTE_PHRASINGS = 5;

/**
 * Searches the index. `lang` restricts entries to one language (entries
 * without a language always qualify).
 *
 * @example searchFaq(index, 'where is my parcel', { limit: 3 }).candidates[0]
 */
export function searchFaq(
  index: FaqIndex,
  message: string,
  options: { lang?: string | null; limit?: number; tuning?: Partial<SearchTuning> } = {},
): SearchResult {
  const tuning = options.tuning ? { ...DEFAULT_TUNING, ...options.tuning } : DEFAULT_TUNING;
  const { words, grams } = queryTokens(index, message, tuning.spelling);
  const phrasingCount = index.phrasingEntry.length;
  const entryCount = index.entries.length;
  const phrasingWord = new Float64Array(phrasingCount);
  const phrasingGram = new Float64Array(phrasingCount);
  const wholeWord = new Float64Array(entryCount);
  const wholeGram = new Float64Array(entryCount);
  const known = addField(index.phrasingWords, words, tuning.wordWeight, tuning.wordBm25, phrasingWord);
  addField(index.phrasingGrams, grams, tuning.gramWeight, tuning.gramBm25, phrasingGram);
  addField(index.entryWords, words, tuning.wordWeight, tuning.wordBm25, wholeWord);
  addField(index.entryGrams, grams, tuning.gramWeight, tuning.gramBm25, wholeGram);
  const phrasing = new Float64Array(phrasingCount);
  for (let doc = 0; doc < phrasingCount; doc++) phrasing[doc] = phrasingWord[doc]! + phrasingGram[doc]!;
  const whole = new Float64Array(entryCount);
  for (let entry = 0; entry < entryCount; entry++) whole[entry] = wholeWord[entry]! + wholeGram[entry]!;
  if (tuning.centroidWeight > 0) addEntryTerms(entryTermsOf(index), words, tuning.centroidWeight, whole);

  const lang = options.lang ?? null;
  const allowed = (entry: number) => {
    const entryLang = index.entries[entry]!.lang;
    return !lang || !entryLang || entryLang === lang;
  };
  const fused = fuse(index.phrasingEntry, phrasing, whole, tuning.voteWeight, tuning.entryWeight);
  const candidates: Candidate[] = [];
  for (let entry = 0; entry < entryCount; entry++) {
    if (fused.best[entry]! <= 0 && whole[entry]! <= 0) continue;
    if (!allowed(entry)) continue;
    candidates.push({ entry, score: fused.score[entry]! });
  }
  candidates.sort((a, b) => b.score - a.score);
  const top = candidates[0]?.entry ?? -1;
  const channelTop = (p: Float64Array, w: Float64Array) => argmax(fuse(index.phrasingEntry, p, w, tuning.voteWeight, tuning.entryWeight).score, allowed);
  const signals: SearchSignals = {
    wordAgrees: top >= 0 && channelTop(phrasingWord, wholeWord) === top,
    gramAgrees: top >= 0 && channelTop(phrasingGram, wholeGram) === top,
    words: words.length,
    votes: top >= 0 ? phrasingVotes(index.phrasingEntry, phrasing, top, allowed) : 0,
  };
  return { candidates: candidates.slice(0, options.limit ?? 5), known, signals };
}

/** An entry's score: its best phrasing + vote x mean of its other phrasings + entry weight x the entry document. */
function fuse(phrasingEntry: Uint32Array, phrasing: Float64Array, whole: Float64Array, voteWeight: number, entryWeight: number) {
  const entryCount = whole.length;
  const best = new Float64Array(entryCount);
  const sum = new Float64Array(entryCount);
  const count = new Uint16Array(entryCount);
  for (let doc = 0; doc < phrasing.length; doc++) {
    const entry = phrasingEntry[doc]!;
    const score = phrasing[doc]!;
    if (score > best[entry]!) best[entry] = score;
    sum[entry] = sum[entry]! + score;
    count[entry] = count[entry]! + 1;
  }
  const score = new Float64Array(entryCount);
  for (let entry = 0; entry < entryCount; entry++) {
    const others = count[entry]! > 1 ? (sum[entry]! - best[entry]!) / (count[entry]! - 1) : 0;
    score[entry] = best[entry]! + voteWeight * others + entryWeight * whole[entry]!;
  }
  return { best, score };
}

/** Share of the best-scoring phrasings (at most {@link VOTE_PHRASINGS}) that belong to `top`. */
function phrasingVotes(phrasingEntry: Uint32Array, phrasing: Float64Array, top: number, allowed: (entry: number) => boolean): number {
  const best: number[] = [];
  for (let doc = 0; doc < phrasing.length; doc++) {
    const score = phrasing[doc]!;
    if (score <= 0 || (best.length === VOTE_PHRASINGS && score <= phrasing[best[VOTE_PHRASINGS - 1]!]!) || !allowed(phrasingEntry[doc]!)) continue;
    let i = best.length < VOTE_PHRASINGS ? best.length : VOTE_PHRASINGS - 1;
    while (i > 0 && phrasing[best[i - 1]!]! < score) {
      best[i] = best[i - 1]!;
      i--;
    }
    best[i] = doc;
  }
  let votes = 0;
  for (const doc of best) if (phrasingEntry[doc] === top) votes++;
  return votes / VOTE_PHRASINGS;
}

function argmax(scores: Float64Array, allowed: (entry: number) => boolean): number {
  let best = -1;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > 0 && allowed(i) && (best < 0 || scores[i]! > scores[best]!)) best = i;
  return best;
}

/**
 * Tokenizes a message for search: English words of four letters or more
 * that the FAQ does not know (not in its vocabulary, their stem in no entry,
 * not a synonym) are replaced by the known word one edit away found in the
 * most entries; then synonyms are applied. Grams stay as typed.
 */
export function queryTokens(index: FaqIndex, message: string, spelling = true): Tokens {
  const tokens = tokenize(message);
  const words = tokens.words;
  if (spelling && index.vocabulary.size > 0) {
    const entries = index.entryWords.postings;
    const entryCount = (stem: string) => (entries.get(stem)?.length ?? 0) / 2;
    tokens.surface?.forEach((surface, i) => {
      const word = words[i]!;
      if (!surface || surface.length < MIN_CORRECTED_LENGTH || index.vocabulary.has(surface)) return;
      if (entries.has(word) || index.synonyms.byFirstWord.has(word)) return;
      const corrected = correctWord(surface, index.vocabulary, (candidate) => entryCount(stemWord(candidate)));
      if (corrected) words[i] = stemWord(corrected);
    });
  }
  return { words: applySynonyms(words, index.synonyms), grams: tokens.grams };
}

/** Adds one field's normalized BM25 into `into`; returns the share of the message's idf mass the field knows. */
function addField(field: Field, terms: readonly string[], weight: number, bm25: Bm25, into: Float64Array): number {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  if (counts.size === 0 || field.docCount === 0) return 0;
  const scores = new Float64Array(into.length);
  let mass = 0;
  let known = 0;
  for (const [term, qtf] of counts) {
    const termIdf = accumulateTerm(field, term, qtf, scores, bm25);
    mass += termIdf * qtf;
    if (field.postings.has(term)) known += termIdf * qtf;
  }
  for (let doc = 0; doc < into.length; doc++) into[doc] = into[doc]! + (weight * scores[doc]!) / mass;
  return known / mass;
}

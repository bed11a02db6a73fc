/**
 * The FAQ retrieval index, two levels over the same tokens:
 * - phrasing level: every phrasing (question, alternatives) is a document;
 * - entry level: one document per entry, all phrasings plus the answer.
 * Built once when the FAQ or the synonyms change, stored as JSON (KV) and
 * restored per isolate without re-tokenizing; never rebuilt per request.
 * It also keeps the FAQ's English vocabulary (unstemmed) for query-side
 * spelling correction.
 */
import { applySynonyms, compileSynonyms, type SynonymMap } from '../../text/synonyms.ts';
import { addToVocabulary } from '../text/spelling.ts';
import { tokenize, type Tokens } from '../../text/tokenize.ts';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../decide.ts';
import type { PrecisionThreshold } from '../precision.ts';
import type { ChatSettings } from '../settings.ts';
import { buildField, fieldFromJson, fieldToJson, type Field, type FieldJson } from './field.ts';

/** What the index needs of an FAQ entry. */
export interface FaqSource {
  id: string;
  question: string;
  alternatives?: readonly string[];
  answer: string;
  lang?: string | null;
}

/** The part of an entry a chat response shows. */
export interface IndexedEntry {
  id: string;
  question: string;
  answer: string;
  lang: string | null;
}

/** A built (or restored) index, ready to search. */
export interface FaqIndex {
  version: string;
  entries: IndexedEntry[];
  /** Phrasing document -> entry. */
  phrasingEntry: Uint32Array;
  phrasingWords: Field;
  phrasingGrams: Field;
  entryWords: Field;
  entryGrams: Field;
  synonymGroups: string[][];
  synonyms: SynonymMap;
  /** Unstemmed English words of the phrasings, answers and synonyms: spelling-correction targets. */
  vocabulary: Set<string>;
  /** The decision thresholds published with this version (the answer threshold from the shop's target precision). */
  thresholds: Thresholds;
  /** How the answer threshold was set, and the coverage it yields (null: the shipped table). */
  precision: PrecisionThreshold | null;
  /** The shop's chat settings at build time (absent: defaults). */
  settings?: ChatSettings;
  /**
   * Handoff threshold from held-out FAQ entries for fused (semantic) searches, computed when the
   * build had an embedder (`semantic/held-out-handoff.ts`); null: none (lexical index, small FAQ).
   */
  heldOutHandoff: number | null;
}

/** What a build publishes besides the FAQ itself. */
export interface PublishedChat {
  thresholds?: Thresholds;
  precision?: PrecisionThreshold | null;
  settings?: ChatSettings;
  heldOutHandoff?: number | null;
}

/**
 * Version of the stored form. Bump it whenever tokenizing changes (stemmer,
 * grams, fields) or the confidence model does (the published thresholds are
 * derived from it): an index stored under another format is rebuilt, never
 * searched with a tokenizer that disagrees with it.
 */
export const FAQ_INDEX_FORMAT = 6;

/** The JSON form stored in KV. */
export interface FaqIndexJson {
  format: typeof FAQ_INDEX_FORMAT;
  version: string;
  entries: IndexedEntry[];
  phrasingEntry: number[];
  fields: { phrasingWords: FieldJson; phrasingGrams: FieldJson; entryWords: FieldJson; entryGrams: FieldJson };
  synonymGroups: string[][];
  vocabulary: string[];
  thresholds: Thresholds;
  precision: PrecisionThreshold | null;
  settings?: ChatSettings;
  heldOutHandoff: number | null;
}

/** Tokenizes a text the way the index does, synonyms included; adds its English words to `vocabulary` when given. */
export function indexTokens(text: string, synonyms: SynonymMap, vocabulary?: Set<string>): Tokens {
  const tokens = tokenize(text);
  if (vocabulary) addToVocabulary(tokens.surface, vocabulary);
  return { words: applySynonyms(tokens.words, synonyms), grams: tokens.grams };
}

/**
 * Builds the index of a set of FAQ entries.
 *
 * @example const index = buildFaqIndex(entries, { version: 'v42', synonymGroups: [['refund', 'money back']] });
 */
export function buildFaqIndex(sources: readonly FaqSource[], options: { version?: string; synonymGroups?: string[][] } & PublishedChat = {}): FaqIndex {
  const synonymGroups = options.synonymGroups ?? [];
  const synonyms = compileSynonyms(synonymGroups);
  const phrasingEntry: number[] = [];
  const phrasings: Tokens[] = [];
  const vocabulary = new Set<string>();
  for (const group of synonymGroups) for (const term of group) addToVocabulary(tokenize(term).surface, vocabulary);
  const entries: Tokens[] = sources.map((source, entry) => {
    const whole: Tokens = { words: [], grams: [] };
    for (const text of new Set([source.question, ...(source.alternatives ?? [])])) {
      const tokens = indexTokens(text, synonyms, vocabulary);
      if (tokens.words.length === 0 && tokens.grams.length === 0) continue;
      phrasingEntry.push(entry);
      phrasings.push(tokens);
      whole.words.push(...tokens.words);
      whole.grams.push(...tokens.grams);
    }
    const answer = indexTokens(source.answer, synonyms, vocabulary);
    return { words: whole.words.concat(answer.words), grams: whole.grams.concat(answer.grams) };
  });
  return {
    version: options.version ?? 'local',
    entries: sources.map((s) => ({ id: s.id, question: s.question, answer: s.answer, lang: s.lang ?? null })),
    phrasingEntry: Uint32Array.from(phrasingEntry),
    phrasingWords: buildField(phrasings.map((t) => t.words)),
    phrasingGrams: buildField(phrasings.map((t) => t.grams)),
    entryWords: buildField(entries.map((t) => t.words)),
    entryGrams: buildField(entries.map((t) => t.grams)),
    synonymGroups,
    synonyms,
    vocabulary,
    thresholds: options.thresholds ?? DEFAULT_THRESHOLDS,
    precision: options.precision ?? null,
    settings: options.settings,
    heldOutHandoff: options.heldOutHandoff ?? null,
  };
}

/** Serializes an index for storage. */
export function faqIndexToJson(index: FaqIndex): FaqIndexJson {
  return {
    format: FAQ_INDEX_FORMAT,
    version: index.version,
    entries: index.entries,
    phrasingEntry: Array.from(index.phrasingEntry),
    fields: {
      phrasingWords: fieldToJson(index.phrasingWords),
      phrasingGrams: fieldToJson(index.phrasingGrams),
      entryWords: fieldToJson(index.entryWords),
      entryGrams: fieldToJson(index.entryGrams),
    },
    synonymGroups: index.synonymGroups,
    vocabulary: [...index.vocabulary],
    thresholds: index.thresholds,
    precision: index.precision,
    settings: index.settings,
    heldOutHandoff: index.heldOutHandoff,
  };
}

/** Restores an index from storage; only the synonym list is re-tokenized. */
export function faqIndexFromJson(json: FaqIndexJson): FaqIndex {
  return {
    version: json.version,
    entries: json.entries,
    phrasingEntry: Uint32Array.from(json.phrasingEntry),
    phrasingWords: fieldFromJson(json.fields.phrasingWords),
    phrasingGrams: fieldFromJson(json.fields.phrasingGrams),
    entryWords: fieldFromJson(json.fields.entryWords),
    entryGrams: fieldFromJson(json.fields.entryGrams),
    synonymGroups: json.synonymGroups,
    synonyms: compileSynonyms(json.synonymGroups),
    vocabulary: new Set(json.vocabulary ?? []),
    thresholds: json.thresholds,
    precision: json.precision,
    settings: json.settings,
    heldOutHandoff: json.heldOutHandoff ?? null,
  };
}

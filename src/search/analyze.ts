/**
 * What the search index and a query agree a term is. English words are folded and stemmed
 * (Porter), Chinese text gives its `Intl.Segmenter` words plus character bigrams (`2:` prefix)
 * and, for one-character runs, unigrams (`1:`); the shop's synonyms rewrite phrases to one
 * canonical token on both sides. The tokenizer is the chat's (src/text).
 */
import { applySynonyms, type SynonymMap } from '../text/synonyms.ts';
import { foldCase, stripMarkup } from '../text/normalize.ts';
import { tokenize } from '../text/tokenize.ts';

/** Item fields the index reads, with their weight in the BM25F score. */
export const FIELD_WEIGHTS = { title: 3, categories: 2, attributes: 1.5, description: 1 } as const;

/** A searchable field. */
export type SearchField = keyof typeof FIELD_WEIGHTS;

/** The text of an item, per field. */
export type FieldTexts = Record<SearchField, string>;

/** What the index needs of a catalog item (the shape of the catalog API's items). */
export interface SearchableItem {
  id: string;
  title: string;
  categories: readonly string[];
  price: number | null;
  available: boolean;
  attributes: Record<string, unknown>;
}

const HAN_RUN = /\p{Script=Han}+/gu;
const HAN_WORD = /^\p{Script=Han}+$/u;
const DESCRIPTION_KEYS = new Set(['description', 'description_zh', 'desc', 'summary']);
const TITLE_KEYS = new Set(['title_zh', 'title_en']);
const CATEGORY_KEYS = new Set(['category_zh', 'categories_zh']);
const SKIPPED_KEYS = /^(url|image|images|link|sku|gtin|ean|id)$/i;

/**
 * The text of each field of an item: localized titles count as the title, localized category
 * names as categories, descriptions as description, every other short string (brand, colour,
 * material) as attributes.
 */
export function fieldTexts(item: SearchableItem): FieldTexts {
  const out: FieldTexts = { title: item.title, categories: item.categories.join(' '), attributes: '', description: '' };
  for (const [key, value] of Object.entries(item.attributes)) {
    const text = Array.isArray(value) ? value.filter((v) => typeof v === 'string').join(' ') : typeof value === 'string' ? value : '';
    if (!text || SKIPPED_KEYS.test(key)) continue;
    if (TITLE_KEYS.has(key)) out.title += ` ${text}`;
    else if (CATEGORY_KEYS.has(key)) out.categories += ` ${text}`;
    else if (DESCRIPTION_KEYS.has(key)) out.description += ` ${text}`;
    else if (text.length <= 200) out.attributes += ` ${key.replace(/_/g, ' ')} ${text}`;
  }
  return out;
}

/** Index terms of a text: words (stemmed, synonyms applied) and Chinese character n-grams. */
export function indexTerms(text: string, synonyms: SynonymMap): string[] {
  const tokens = tokenize(text);
  const terms = applySynonyms(tokens.words, synonyms);
  for (const run of foldCase(stripMarkup(text)).match(HAN_RUN) ?? []) {
    const chars = [...run];
    for (const ch of chars) terms.push(`1:${ch}`);
    for (let i = 0; i + 1 < chars.length; i++) terms.push(`2:${chars[i]}${chars[i + 1]}`);
  }
  return terms;
}

/** One part of a query that a document matches or not: a word, or a Chinese n-gram. */
export interface QuerySlot {
  /** The term as typed, folded (for prefix and typo expansion of English words). */
  surface: string;
  /** The term as indexed. */
  term: string;
  /** Share of the query this slot stands for. */
  weight: number;
  /** English word that may be expanded (prefix for the last word, typos). */
  expandable: boolean;
  /** The last word of a query still being typed: also match terms it begins. */
  prefix: boolean;
  /** Chinese word: character n-grams that, all present, match it too. */
  grams?: string[];
}

/**
 * The slots of a query. An English word is one slot (the last one a prefix unless the query
 * ends with a space). A Chinese word is one slot matched either as the word (or its synonym)
 * or by all of its character bigrams, so "绿茶" finds "龙井绿茶" however the segmenter cuts
 * either; a single character matches as a unigram.
 *
 * @example querySlots('green te', NO_SYNONYMS).map((s) => s.term) // ['green', 'te']
 */
export function querySlots(query: string, synonyms: SynonymMap): QuerySlot[] {
  const tokens = tokenize(query);
  const slots: QuerySlot[] = [];
  const latin: { word: string; surface: string }[] = [];
  const flushLatin = () => {
    const words = applySynonyms(
      latin.map((l) => l.word),
      synonyms,
    );
    const rewritten = words.length !== latin.length || words.some((w, i) => w !== latin[i]!.word);
    words.forEach((term, i) => {
      const surface = rewritten ? term : latin[i]!.surface;
      slots.push({ surface, term, weight: 1, expandable: !term.startsWith('~') && /^[a-z]+$/.test(surface), prefix: false });
    });
    latin.length = 0;
  };
  tokens.words.forEach((word, i) => {
    if (!HAN_WORD.test(word)) {
      latin.push({ word, surface: tokens.surface?.[i] ?? word });
      return;
    }
    flushLatin();
    const chars = [...word];
    const term = applySynonyms([word], synonyms)[0]!;
    const grams = chars.length === 1 ? [`1:${word}`] : chars.slice(1).map((ch, k) => `2:${chars[k]}${ch}`);
    slots.push({ surface: word, term, weight: 1, expandable: false, prefix: false, grams });
  });
  flushLatin();
  const last = slots.at(-1);
  if (last?.expandable && !/\s$/.test(query)) last.prefix = true;
  return slots;
}

/** A query folded to the form its statistics are kept under ("Green  Tea " -> "green tea"). */
export function normalizeQuery(query: string): string {
  return foldCase(stripMarkup(query)).replace(/\s+/g, ' ').trim().slice(0, 100);
}

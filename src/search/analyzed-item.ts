import { fieldTexts, indexTerms, type SearchableItem } from './analyze.ts';
import { FIELDS } from './bm25f.ts';
import type { SynonymMap } from '../text/synonyms.ts';

/**
 * An item reduced to what scoring needs: per term its frequency in each field, and the
 * field lengths. The same form serves the rebuild and the fresh rows written on catalog
 * changes, so a fresh item scores exactly as if it had been indexed.
 */
export interface AnalyzedItem {
  id: string;
  /** term -> frequency per field ({@link FIELDS} order). */
  tf: Record<string, number[]>;
  lengths: number[];
  categories: string[];
  price: number | null;
  available: 0 | 1;
  /** Display fields: title, Chinese title, url, image. */
  title: string;
  titleZh: string | null;
  url: string | null;
  image: string | null;
}

/** A catalog item with its display fields. */
export interface IndexableItem extends SearchableItem {
  url?: string | null;
  image?: string | null;
}

/** Term frequencies per field ({@link FIELDS} order) and the field lengths of an item. */
export interface ItemTerms {
  tf: Map<string, number[]>;
  lengths: number[];
}

/**
 * The terms of one item (tokenizing each field once), in a map: a plain object per item with
 * its own set of term keys costs the index build more than the tokenizing.
 */
export function itemTerms(item: SearchableItem, synonyms: SynonymMap): ItemTerms {
  const texts = fieldTexts(item);
  const tf = new Map<string, number[]>();
  const lengths = FIELDS.map((field, f) => {
    const terms = indexTerms(texts[field], synonyms);
    for (const term of terms) {
      let counts = tf.get(term);
      if (!counts) tf.set(term, (counts = [0, 0, 0, 0]));
      counts[f]!++;
    }
    return terms.length;
  });
  return { tf, lengths };
}

/** Analyzes one item (tokenizing each field once). */
export function analyzeItem(item: IndexableItem, synonyms: SynonymMap): AnalyzedItem {
  const { tf, lengths } = itemTerms(item, synonyms);
  const zh = item.attributes.title_zh;
  return {
    id: item.id,
    tf: Object.fromEntries(tf),
    lengths,
    categories: [...item.categories],
    price: item.price,
    available: item.available ? 1 : 0,
    title: item.title,
    titleZh: typeof zh === 'string' ? zh : null,
    url: item.url ?? null,
    image: item.image ?? null,
  };
}

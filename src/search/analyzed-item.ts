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

/** Analyzes one item (tokenizing each field once). */
export function analyzeItem(item: IndexableItem, synonyms: SynonymMap): AnalyzedItem {
  const texts = fieldTexts(item);
  const tf: Record<string, number[]> = {};
  const lengths = FIELDS.map((field, f) => {
    const terms = indexTerms(texts[field], synonyms);
    for (const term of terms) (tf[term] ??= [0, 0, 0, 0])[f]!++;
    return terms.length;
  });
  const zh = item.attributes.title_zh;
  return {
    id: item.id,
    tf,
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

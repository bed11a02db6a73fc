import { contentIndex, type ContentIndex } from '../model/content/content-blend.ts';
import { itemVectors, type ContentItem } from '../model/content/item-vectors.ts';
import type { CatalogEntry } from './catalog-snapshot.ts';

/** What a run records of its content index (`stats.content`). */
export interface ContentFigures {
  items: number;
  features: number;
  /** Item features held in the index (8 bytes each, plus 3 arrays of the item count). */
  postings: number;
  ms: number;
}

/** The catalog snapshot's entries as content items: title, Chinese title, categories, price. */
function* contentItems(catalog: ReadonlyMap<string, CatalogEntry>): Generator<ContentItem> {
  for (const [id, [title, price, categories, , , , titleZh]] of catalog)
    yield { id, title, categories, price, ...(titleZh ? { attributes: { title_zh: titleZh } } : {}) };
}

/**
 * The content index of a run's catalog snapshot (src/model/content), built the same way by the
 * planning step and by every part, so that a split run selects and publishes as a single run
 * does. Undefined for a catalog of fewer than 2 items.
 */
export function catalogContent(catalog: ReadonlyMap<string, CatalogEntry>): { index: ContentIndex; figures: ContentFigures } | undefined {
  if (catalog.size < 2) return undefined;
  const started = performance.now();
  const vectors = itemVectors(contentItems(catalog));
  const index = contentIndex(vectors);
  return {
    index,
    figures: {
      items: vectors.ids.length,
      features: vectors.features.length,
      postings: vectors.featureIds.length,
      ms: Math.round(performance.now() - started),
    },
  };
}

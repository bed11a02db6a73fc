import { loadSynonyms } from '../chat/faq-store.ts';
import type { Database } from '../db/client.ts';
import { PRODUCT_SYNONYMS } from './product-synonyms.ts';

/** The synonym groups search uses: the shop's (shared with the chat), then the product vocabulary. */
export async function searchSynonyms(db: Database): Promise<string[][]> {
  return [...(await loadSynonyms(db)), ...PRODUCT_SYNONYMS];
}

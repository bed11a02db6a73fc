import { asc, gt } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { items } from '../db/schema.ts';
import { catalogEntry } from '../catalog/catalog-entry.ts';
import { toItem } from '../catalog/catalog-store.ts';
import type { Item } from '../catalog/item-schema.ts';
import type { CatalogMaps } from '../model/catalog.ts';

/**
 * What serving shows of an item, compact: `[title, price, categories, available (1/0), url, image, Chinese title,
 * Chinese category names?]` (the last only when the catalog has them: one name or null per category).
 * It is packed into the `ct` table so that no request queries D1 for the catalog.
 */
export type CatalogEntry = [string, number | null, string[], 0 | 1, string | null, string | null, string | null, (string | null)[]?];

/**
 * The catalog in id order, a page of items at a time: D1's (keyset pages), or the catalog
 * snapshot of the event archive that the offline job reads (src/offline/catalog-source.ts).
 */
export type CatalogPages = () => AsyncIterable<Item[]>;

/** The catalog of D1 in id order, a page per query (keyset pagination). */
export function d1CatalogPages(db: Database, pageSize = 1000): CatalogPages {
  return async function* () {
    let after = '';
    for (;;) {
      const rows = await db.select().from(items).where(gt(items.id, after)).orderBy(asc(items.id)).limit(pageSize);
      yield rows.map(toItem);
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.id;
    }
  };
}

/** Reads the whole catalog (from D1 unless `pages` says where else) into its compact entries. */
export async function readCatalog(db: Database, pageSize = 1000, pages: CatalogPages = d1CatalogPages(db, pageSize)): Promise<Map<string, CatalogEntry>> {
  const catalog = new Map<string, CatalogEntry>();
  for await (const page of pages()) for (const item of page) catalog.set(item.id, catalogEntry(item));
  return catalog;
}

/** The catalog maps the model builders take (categories and prices). */
export function catalogMaps(catalog: ReadonlyMap<string, CatalogEntry>): CatalogMaps {
  const categories = new Map<string, readonly string[]>();
  const prices = new Map<string, number>();
  for (const [id, [, price, cats]] of catalog) {
    categories.set(id, cats);
    if (price !== null) prices.set(id, price);
  }
  return { categories, prices };
}

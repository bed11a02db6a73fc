/**
 * The catalog snapshot of the event archive: the whole catalog written next to the events, so
 * that a job reading the archive (the offline rebuild, src/offline) needs no D1. A snapshot is a
 * folder `catalog/<at>/` of gzip JSON lines objects plus a `done.json` marker written last;
 * readers take the newest folder that has the marker, so a snapshot being written is never read
 * half done. Older folders are left to an R2 lifecycle rule on the `catalog/` prefix.
 */
import type { Item } from '../catalog/item-schema.ts';
import type { CatalogPages } from '../rebuild/catalog-snapshot.ts';
import type { ArchiveBucket } from './bucket.ts';
import { gzipLines } from './jsonl.ts';
import { catalogDoneKey, catalogObjectKey } from './layout.ts';

/** One line of a snapshot: a D1 `items` row with its column names. */
export interface SnapshotItemRow {
  id: string;
  title: string;
  categories: string;
  price: number | null;
  available: 0 | 1;
  url: string | null;
  image: string | null;
  attributes: string;
  updated_at: number;
}

/** An item as the snapshot line holding it. */
export function snapshotRow(item: Item): SnapshotItemRow {
  return {
    id: item.id,
    title: item.title,
    categories: JSON.stringify(item.categories),
    price: item.price ?? null,
    available: item.available ? 1 : 0,
    url: item.url ?? null,
    image: item.image ?? null,
    attributes: JSON.stringify(item.attributes ?? {}),
    updated_at: item.updatedAt,
  };
}

/** A snapshot line as the item it holds. */
export function snapshotItem(row: SnapshotItemRow): Item {
  return {
    id: row.id,
    title: row.title,
    categories: JSON.parse(row.categories) as string[],
    price: row.price,
    available: Boolean(row.available),
    url: row.url,
    image: row.image,
    attributes: JSON.parse(row.attributes) as Record<string, unknown>,
    updatedAt: row.updated_at,
  };
}

/**
 * Writes the catalog (`pages`, e.g. D1's) as the snapshot taken at `at`: objects of up to
 * `rowsPerObject` items, then the marker. Returns what it wrote.
 */
export async function writeCatalogSnapshot(
  bucket: ArchiveBucket,
  pages: CatalogPages,
  at: number,
  rowsPerObject = 50_000,
): Promise<{ items: number; objects: number }> {
  let rows: SnapshotItemRow[] = [];
  let items = 0;
  let objects = 0;
  const flush = async () => {
    if (!rows.length) return;
    await bucket.put(catalogObjectKey(at, objects++), await gzipLines(rows));
    rows = [];
  };
  for await (const page of pages())
    for (const item of page) {
      rows.push(snapshotRow(item));
      items++;
      if (rows.length >= rowsPerObject) await flush();
    }
  await flush();
  await bucket.put(catalogDoneKey(at), JSON.stringify({ at, items, objects }));
  return { items, objects };
}

import { catalogEntry } from '../catalog/catalog-entry.ts';
import { getItem } from '../catalog/catalog-store.ts';
import type { Database } from '../db/client.ts';
import type { CatalogEntry } from '../rebuild/catalog-snapshot.ts';

/**
 * The entry of an item from the live catalog row (one indexed D1 read), for an item that
 * neither the catalog snapshot nor the fresh entries hold (written in a larger import than the
 * fresh entries keep). Undefined when there is no such item; a D1 failure throws (serving then
 * answers from its fallbacks, marked `degraded`).
 */
export async function liveEntry(db: Database, id: string): Promise<CatalogEntry | undefined> {
  const item = await getItem(db, id);
  return item && catalogEntry(item);
}

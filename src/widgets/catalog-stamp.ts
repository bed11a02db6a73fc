import { FRESH_ENTRIES_KEY, OVERRIDES_KEY, changesStamp, parseFreshEntries, parseOverrides } from '../catalog/availability.ts';
import type { TableStore } from '../tables/table-store.ts';

/** How long an isolate trusts its stamp: catalog changes reach cached widgets within this (plus the store's own propagation). */
const STAMP_TTL_MS = 3000;

const stamps = new Map<string, { at: number; stamp: string }>();

/** Forgets the stamps of this isolate (after a catalog write here, so the next widget sees it at once). */
export function forgetCatalogStamp(): void {
  stamps.clear();
}

/**
 * The stamp of the catalog changes since the snapshot (see `changesStamp`), read from the table
 * store at most every few seconds per isolate. Widget ETags and edge-cache keys carry it with
 * the table version, so a price, title, image or availability change is never served from a
 * cached strip. Empty when the store fails (the version alone then keys the cache).
 */
export async function catalogStamp(store: TableStore, cacheName: string, now = Date.now()): Promise<string> {
  const cached = stamps.get(cacheName);
  if (cached && now - cached.at < STAMP_TTL_MS) return cached.stamp;
  try {
    const [overrides, fresh] = await store.getMany([OVERRIDES_KEY, FRESH_ENTRIES_KEY]);
    const stamp = changesStamp(parseOverrides(overrides), parseFreshEntries(fresh));
    stamps.set(cacheName, { at: now, stamp });
    return stamp;
  } catch {
    return '';
  }
}

import type { CatalogEntry } from '../rebuild/catalog-snapshot.ts';
import type { TableStore } from '../tables/table-store.ts';

/** The table-store key of availability changes made since the catalog snapshot was built. */
export const OVERRIDES_KEY = 'catalog:overrides';

/** The table-store key of the entries of items written since the catalog snapshot was built (price, title, image...). */
export const FRESH_ENTRIES_KEY = 'catalog:fresh';

/** Most fresh entries kept: the newest changes win; larger imports wait for the rebuild's snapshot. */
export const MAX_FRESH_ENTRIES = 300;

/** Item id -> `[available (1/0), when it changed (ms)]`. */
export type AvailabilityOverrides = Record<string, [0 | 1, number]>;

/** Item id -> `[when it was written (ms), its entry, or null when deleted]`. */
export type FreshEntries = Record<string, [number, CatalogEntry | null]>;

/** Parses the overrides value (absent or unreadable: none). */
export function parseOverrides(value: string | null | undefined): AvailabilityOverrides {
  return parseRecord<AvailabilityOverrides>(value);
}

/** Parses the fresh entries value (absent or unreadable: none). */
export function parseFreshEntries(value: string | null | undefined): FreshEntries {
  return parseRecord<FreshEntries>(value);
}

function parseRecord<T>(value: string | null | undefined): T {
  if (!value) return {} as T;
  try {
    return JSON.parse(value) as T;
  } catch {
    return {} as T;
  }
}

/** What a catalog write changed: availability changes, and the new entries of written (or deleted: null) items. */
export interface CatalogChanges {
  availability?: readonly { id: string; available: boolean }[];
  entries?: readonly { id: string; entry: CatalogEntry | null }[];
}

/**
 * Records catalog changes so that serving shows them before the next rebuild's catalog
 * snapshot knows them: availability changes (an item made unavailable or deleted is dropped at
 * once) and the written items' entries (new items, prices, titles, images), the newest
 * {@link MAX_FRESH_ENTRIES}. Two small keys, read with every request in the same bulk read.
 */
export async function recordCatalogChanges(store: TableStore, changes: CatalogChanges, now = Date.now()): Promise<void> {
  const availability = changes.availability ?? [];
  const entries = changes.entries ?? [];
  if (availability.length === 0 && entries.length === 0) return;
  const [overridesValue, freshValue] = await store.getMany([OVERRIDES_KEY, FRESH_ENTRIES_KEY]);
  const writes = [];
  if (availability.length) {
    const overrides = parseOverrides(overridesValue);
    for (const { id, available } of availability) overrides[id] = [available ? 1 : 0, now];
    writes.push({ key: OVERRIDES_KEY, value: JSON.stringify(overrides) });
  }
  if (entries.length) {
    const fresh = parseFreshEntries(freshValue);
    for (const { id, entry } of entries) fresh[id] = [now, entry];
    const kept = Object.entries(fresh)
      .sort((a, b) => b[1][0] - a[1][0])
      .slice(0, MAX_FRESH_ENTRIES);
    writes.push({ key: FRESH_ENTRIES_KEY, value: JSON.stringify(Object.fromEntries(kept)) });
  }
  await store.putMany(writes);
}

/** Drops overrides and fresh entries older than a snapshot that already includes them. */
export async function pruneOverrides(store: TableStore, snapshotAt: number): Promise<void> {
  const [overridesValue, freshValue] = await store.getMany([OVERRIDES_KEY, FRESH_ENTRIES_KEY]);
  const writes = [];
  if (overridesValue) {
    const kept = Object.entries(parseOverrides(overridesValue)).filter(([, [, ts]]) => ts >= snapshotAt);
    writes.push({ key: OVERRIDES_KEY, value: JSON.stringify(Object.fromEntries(kept)) });
  }
  if (freshValue) {
    const kept = Object.entries(parseFreshEntries(freshValue)).filter(([, [ts]]) => ts >= snapshotAt);
    writes.push({ key: FRESH_ENTRIES_KEY, value: JSON.stringify(Object.fromEntries(kept)) });
  }
  if (writes.length) await store.putMany(writes);
}

/**
 * A stamp of the catalog changes since the snapshot: the time of the newest one (base 36),
 * empty when there is none. Anything shown from the catalog may differ when it differs.
 */
export function changesStamp(overrides: AvailabilityOverrides, fresh: FreshEntries): string {
  let newest = 0;
  for (const id in overrides) newest = Math.max(newest, overrides[id]![1]);
  for (const id in fresh) newest = Math.max(newest, fresh[id]![0]);
  return newest ? newest.toString(36) : '';
}

import type { TableStore } from '../tables/table-store.ts';

/** The table-store key of availability changes made since the catalog snapshot was built. */
export const OVERRIDES_KEY = 'catalog:overrides';

/** Item id -> `[available (1/0), when it changed (ms)]`. */
export type AvailabilityOverrides = Record<string, [0 | 1, number]>;

/** Parses the overrides value (absent or unreadable: none). */
export function parseOverrides(value: string | null | undefined): AvailabilityOverrides {
  if (!value) return {};
  try {
    return JSON.parse(value) as AvailabilityOverrides;
  } catch {
    return {};
  }
}

/**
 * Records availability changes so that serving drops an item made unavailable (or deleted)
 * before the next rebuild's catalog snapshot knows it. One small key, read with every request.
 */
export async function recordAvailability(store: TableStore, changes: readonly { id: string; available: boolean }[], now = Date.now()): Promise<void> {
  if (changes.length === 0) return;
  const [value] = await store.getMany([OVERRIDES_KEY]);
  const overrides = new Map(Object.entries(parseOverrides(value)));
  for (const { id, available } of changes) overrides.set(id, [available ? 1 : 0, now]);
  await store.putMany([{ key: OVERRIDES_KEY, value: JSON.stringify(Object.fromEntries(overrides)) }]);
}

/** Drops overrides older than a snapshot that already includes them. */
export async function pruneOverrides(store: TableStore, snapshotAt: number): Promise<void> {
  const [value] = await store.getMany([OVERRIDES_KEY]);
  if (!value) return;
  const kept = Object.fromEntries(Object.entries(parseOverrides(value)).filter(([, [, ts]]) => ts >= snapshotAt));
  await store.putMany([{ key: OVERRIDES_KEY, value: JSON.stringify(kept) }]);
}

/**
 * Catalog changes reach search within seconds, before the next rebuild: every catalog write
 * re-analyzes the changed items and keeps them in one small unversioned key that every search
 * reads (like the availability overrides). A fresh row replaces the indexed item of the same
 * id and is scored with the same BM25F and the index's statistics. The rebuild that includes
 * a change drops its row.
 */
import type { TableStore } from '../tables/table-store.ts';
import { compileSynonyms } from '../text/synonyms.ts';
import { type AnalyzedItem, analyzeItem, type IndexableItem } from './analyzed-item.ts';

/** The table-store key of the fresh rows. */
export const FRESH_KEY = 'search:fresh';

/** Most rows kept: the newest changes win; larger imports are for the rebuild. */
export const MAX_FRESH_ROWS = 500;

/** Stored rows: id -> [when it changed (ms), the analyzed item, or null when deleted]. */
export type FreshRows = Record<string, [number, AnalyzedItem | null]>;

/** Parses the fresh rows (absent or unreadable: none). */
export function parseFresh(value: string | null | undefined): FreshRows {
  if (!value) return {};
  try {
    return JSON.parse(value) as FreshRows;
  } catch {
    return {};
  }
}

/** Records changed (`item`) or deleted (`null`) items, keeping the newest {@link MAX_FRESH_ROWS}. */
export async function recordSearchChanges(
  store: TableStore,
  changes: readonly { id: string; item: IndexableItem | null }[],
  synonymGroups: string[][],
  now = Date.now(),
): Promise<void> {
  if (changes.length === 0) return;
  const synonyms = compileSynonyms(synonymGroups);
  const [value] = await store.getMany([FRESH_KEY]);
  const rows = parseFresh(value);
  for (const { id, item } of changes) rows[id] = [now, item ? analyzeItem(item, synonyms) : null];
  const kept = Object.entries(rows)
    .sort((a, b) => b[1][0] - a[1][0])
    .slice(0, MAX_FRESH_ROWS);
  await store.putMany([{ key: FRESH_KEY, value: JSON.stringify(Object.fromEntries(kept)) }]);
}

/** Drops rows that a snapshot read at `snapshotAt` already includes. */
export async function pruneFresh(store: TableStore, snapshotAt: number): Promise<void> {
  const [value] = await store.getMany([FRESH_KEY]);
  if (!value) return;
  const kept = Object.fromEntries(Object.entries(parseFresh(value)).filter(([, [at]]) => at >= snapshotAt));
  await store.putMany([{ key: FRESH_KEY, value: JSON.stringify(kept) }]);
}

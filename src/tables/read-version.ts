import { type Manifest, type ShardedTable, tableKey, unpackShard } from './layout.ts';
import { MAX_KEYS_PER_READ, type TableStore } from './table-store.ts';

/**
 * Every entry of one table of a version, read shard by shard (at most 100 keys per read).
 * For tools and tests; the request path reads only the shards it needs. A shard that is absent
 * is empty (a rebuild writes no empty shards and publishes only after every write succeeded).
 */
export async function readWholeTable<T>(store: TableStore, manifest: Manifest, table: ShardedTable): Promise<Map<string, T>> {
  const keys = Array.from({ length: manifest.shards[table] }, (_, shard) => tableKey(manifest.version, table, shard));
  const entries = new Map<string, T>();
  for (let i = 0; i < keys.length; i += MAX_KEYS_PER_READ) {
    const values = await store.getMany(keys.slice(i, i + MAX_KEYS_PER_READ));
    for (const value of values) {
      if (value !== null) for (const [id, payload] of unpackShard<T>(value)) entries.set(id, payload);
    }
  }
  return entries;
}

/** The trending lists of a version. */
export async function readTrending(
  store: TableStore,
  manifest: Manifest,
): Promise<{ global: [string, number][]; popular: [string, number][]; byCategory: Record<string, [string, number][]> }> {
  const [value] = await store.getMany([tableKey(manifest.version, 'tr')]);
  if (!value) throw new Error(`missing trending of ${manifest.version}`);
  return JSON.parse(value);
}

import { type Manifest, shardOf, tableKey, unpackEntry } from '../tables/layout.ts';
import { MAX_KEYS_PER_READ, type TableStore } from '../tables/table-store.ts';

/** Most shard reads one coverage check makes (3 bulk reads: well inside KV's 1,000 operations). */
const MAX_SHARDS = 3 * MAX_KEYS_PER_READ;

/** Which of `ids` have at least one similar item in the served version. */
export interface NeighbourCoverage {
  /** Ids checked (those whose shard fitted in the read budget). */
  checked: string[];
  /** Checked ids with no similar items. */
  without: string[];
}

/**
 * Checks which items have similar items in the served tables, reading each needed `nb` shard
 * once and at most {@link MAX_SHARDS} shards in all; items beyond the budget are not checked.
 */
export async function neighbourCoverage(store: TableStore, manifest: Manifest, ids: readonly string[]): Promise<NeighbourCoverage> {
  const shards = manifest.shards.nb;
  const byKey = new Map<string, string[]>();
  for (const id of ids) {
    const key = tableKey(manifest.version, 'nb', shardOf(id, shards));
    const group = byKey.get(key);
    if (group) group.push(id);
    else if (byKey.size < MAX_SHARDS) byKey.set(key, [id]);
  }
  const keys = [...byKey.keys()];
  const checked: string[] = [];
  const without: string[] = [];
  for (let i = 0; i < keys.length; i += MAX_KEYS_PER_READ) {
    const slice = keys.slice(i, i + MAX_KEYS_PER_READ);
    const values = await store.getMany(slice);
    slice.forEach((key, j) => {
      for (const id of byKey.get(key)!) {
        checked.push(id);
        const list = values[j] ? unpackEntry<unknown[]>(values[j]!, id) : undefined;
        if (!list || list.length === 0) without.push(id);
      }
    });
  }
  return { checked, without };
}

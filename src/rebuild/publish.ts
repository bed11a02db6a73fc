import { type Manifest, POINTER_KEY, type ShardedTable, tableKey } from '../tables/layout.ts';
import type { TableStore } from '../tables/table-store.ts';

/** The manifest of the version in service, or undefined before the first rebuild. */
export async function readManifest(store: TableStore): Promise<Manifest | undefined> {
  const [value] = await store.getMany([POINTER_KEY]);
  return value ? (JSON.parse(value) as Manifest) : undefined;
}

/** Flips the pointer to a fully written version: the one write that makes it visible. */
export async function flipPointer(store: TableStore, manifest: Manifest): Promise<void> {
  await store.putMany([{ key: POINTER_KEY, value: JSON.stringify(manifest) }]);
}

/** Every key a version wrote. */
export function versionKeys(version: string, shards: Record<ShardedTable, number>): string[] {
  const keys = [tableKey(version, 'tr')];
  for (const table of Object.keys(shards) as ShardedTable[]) {
    for (let shard = 0; shard < shards[table]; shard++) keys.push(tableKey(version, table, shard));
  }
  return keys;
}

/**
 * Deletes old versions' keys, at most `budget` deletions (KV counts each); what is left
 * expires with its TTL. Returns how many keys went.
 */
export async function removeVersions(
  store: TableStore,
  versions: readonly { version: string; shards: Record<ShardedTable, number> }[],
  budget: number,
): Promise<number> {
  const keys = versions.flatMap((v) => versionKeys(v.version, v.shards)).slice(0, budget);
  for (let i = 0; i < keys.length; i += 100) await store.deleteMany(keys.slice(i, i + 100));
  return keys.length;
}

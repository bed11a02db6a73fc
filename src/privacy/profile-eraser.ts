import type { Database } from '../db/client.ts';
import { listRuns } from '../rebuild/runs.ts';
import { ERASURES_KEY, type ShardedTable, packShard, shardOf, tableKey, unpackShard } from '../tables/layout.ts';
import type { TableStore } from '../tables/table-store.ts';
import type { UserDataHolder } from './erase-user.ts';

/** A rewritten shard lives as long as a fresh version's keys (7 days) unless its version is retired sooner. */
const REWRITTEN_TTL_SECONDS = 7 * 86_400;
/** Writes of the erasure stamp tried before the erasure reports the profiles pending (KV takes one write per second per key). */
const STAMP_ATTEMPTS = 3;
const STAMP_RETRY_MS = 1100;

/**
 * Removes a user's profile from every version still in the table store (the served one and
 * the previous one kept for in-flight readers): their profile shard is rewritten without it.
 * Then, if a shard changed, it writes a new erasure stamp ({@link ERASURES_KEY}), so isolates
 * drop the profile shards they keep (src/serve/table-reader.ts); if that write fails, the
 * erasure reports the profiles pending.
 */
export function profileEraser(store: TableStore, db: Database): UserDataHolder {
  return {
    name: 'profiles',
    async eraseUser(user) {
      const versions = (await listRuns(db, 50)).filter((r) => r.status === 'published' && r.stats.shards);
      let removed = 0;
      for (const run of versions) {
        const shards = run.stats.shards as Record<ShardedTable, number>;
        const key = tableKey(run.version, 'pf', shardOf(user, shards.pf));
        const [value] = await store.getMany([key]);
        if (!value) continue;
        const entries = unpackShard<unknown>(value);
        if (!entries.delete(user)) continue;
        await store.putMany([{ key, value: packShard(entries), ttlSeconds: REWRITTEN_TTL_SECONDS }]);
        removed++;
      }
      if (removed > 0) await writeStamp(store);
      return removed;
    },
  };
}

async function writeStamp(store: TableStore): Promise<void> {
  const stamp = `${Date.now().toString(36)}-${crypto.randomUUID()}`;
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.putMany([{ key: ERASURES_KEY, value: stamp }]);
    } catch (err) {
      if (attempt >= STAMP_ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, STAMP_RETRY_MS));
    }
  }
}

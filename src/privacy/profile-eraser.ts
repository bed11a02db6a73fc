import type { Database } from '../db/client.ts';
import { listRuns } from '../rebuild/runs.ts';
import { type ShardedTable, packShard, shardOf, tableKey, unpackShard } from '../tables/layout.ts';
import type { TableStore } from '../tables/table-store.ts';
import type { UserDataHolder } from './erase-user.ts';

/** A rewritten shard lives as long as a fresh version's keys (7 days) unless its version is retired sooner. */
const REWRITTEN_TTL_SECONDS = 7 * 86_400;

/**
 * Removes a user's profile from every version still in the table store (the served one and
 * the previous one kept for in-flight readers): their profile shard is rewritten without it.
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
      return removed;
    },
  };
}

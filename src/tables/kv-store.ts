import { MAX_KEYS_PER_READ, type TableStore } from './table-store.ts';

/** KV refuses TTLs under a minute. */
const MIN_TTL_SECONDS = 60;

/** The table store on Workers KV: bulk `get([...keys])` for reads, one `put` per entry. */
export function kvTableStore(kv: KVNamespace): TableStore {
  return {
    kind: 'kv',
    async getMany(keys) {
      if (keys.length === 0) return [];
      if (keys.length > MAX_KEYS_PER_READ) throw new Error(`KV bulk get takes at most ${MAX_KEYS_PER_READ} keys`);
      const values = await kv.get([...keys], 'text');
      return keys.map((key) => values.get(key) ?? null);
    },
    async putMany(entries) {
      await Promise.all(entries.map((e) => kv.put(e.key, e.value, e.ttlSeconds ? { expirationTtl: Math.max(MIN_TTL_SECONDS, e.ttlSeconds) } : undefined)));
    },
    async deleteMany(keys) {
      await Promise.all(keys.map((key) => kv.delete(key)));
    },
  };
}

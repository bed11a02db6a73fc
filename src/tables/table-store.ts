/** One value to write to the table store. */
export interface TableEntry {
  key: string;
  value: string;
  /** Seconds until the store drops the value (a safety net for versions nobody cleaned up). */
  ttlSeconds?: number;
}

/**
 * Where derived, versioned tables live: Workers KV (default) or Upstash Redis. Small on
 * purpose: bulk read, bulk write, delete. Each call is one round trip (KV: one bulk get of at
 * most 100 keys; Redis: one MGET or pipeline).
 */
export interface TableStore {
  readonly kind: 'kv' | 'redis';
  /** Values of up to 100 keys in one round trip, in key order (`null`: absent). */
  getMany(keys: readonly string[]): Promise<(string | null)[]>;
  /** Writes entries. KV counts one operation per entry, Redis one pipeline. */
  putMany(entries: readonly TableEntry[]): Promise<void>;
  deleteMany(keys: readonly string[]): Promise<void>;
}

/** Operation and byte counts of a {@link CountingStore}. */
export interface StoreCounts {
  reads: number;
  keysRead: number;
  writes: number;
  bytesWritten: number;
  deletes: number;
}

/** A store that counts what goes through it (operations as the platform bills and limits them). */
export interface CountingStore extends TableStore {
  readonly counts: StoreCounts;
}

/** Most keys one bulk read may ask for (KV's limit for `get([...])`). */
export const MAX_KEYS_PER_READ = 100;

/** Wraps a store to count operations: KV bills a bulk get as 1 and each put or delete as 1. */
export function countingStore(store: TableStore): CountingStore {
  const counts: StoreCounts = { reads: 0, keysRead: 0, writes: 0, bytesWritten: 0, deletes: 0 };
  const encoder = new TextEncoder();
  return {
    kind: store.kind,
    counts,
    async getMany(keys) {
      if (keys.length > MAX_KEYS_PER_READ) throw new Error(`one read takes at most ${MAX_KEYS_PER_READ} keys, got ${keys.length}`);
      counts.reads++;
      counts.keysRead += keys.length;
      return store.getMany(keys);
    },
    async putMany(entries) {
      counts.writes += store.kind === 'kv' ? entries.length : 1;
      for (const e of entries) counts.bytesWritten += encoder.encode(e.value).byteLength;
      return store.putMany(entries);
    },
    async deleteMany(keys) {
      counts.deletes += store.kind === 'kv' ? keys.length : 1;
      return store.deleteMany(keys);
    },
  };
}

/**
 * Where the archive's objects live: an R2 bucket in a Worker, a directory (or R2 through its S3
 * API) for the offline job. Small on purpose: put, get, list.
 */
export interface ArchiveBucket {
  put(key: string, value: Uint8Array | string): Promise<void>;
  /** The object's bytes, or null when absent. */
  get(key: string): Promise<Uint8Array | null>;
  /** Every key under `prefix`, in key order. */
  list(prefix: string): Promise<string[]>;
}

/** The archive on an R2 binding. */
export function r2ArchiveBucket(bucket: R2Bucket): ArchiveBucket {
  return {
    async put(key, value) {
      await bucket.put(key, value);
    },
    async get(key) {
      const object = await bucket.get(key);
      return object ? new Uint8Array(await object.arrayBuffer()) : null;
    },
    async list(prefix) {
      const keys: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await bucket.list({ prefix, cursor });
        keys.push(...page.objects.map((o) => o.key));
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
      return keys.sort();
    },
  };
}

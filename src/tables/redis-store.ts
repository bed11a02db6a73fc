import { Redis } from '@upstash/redis/cloudflare';
import type { TableStore } from './table-store.ts';

/** Connection settings of Upstash Redis (REST). */
export interface RedisSettings {
  url: string;
  token: string;
}

/** The table store on Upstash Redis: MGET for reads, one pipeline of SETs for writes. */
export function redisTableStore(settings: RedisSettings): TableStore {
  const redis = new Redis({
    url: settings.url,
    token: settings.token,
    automaticDeserialization: false,
    enableTelemetry: false,
    retry: { retries: 1, backoff: () => 50 },
  });
  return {
    kind: 'redis',
    async getMany(keys) {
      if (keys.length === 0) return [];
      return redis.mget<(string | null)[]>(...keys);
    },
    async putMany(entries) {
      if (entries.length === 0) return;
      const pipeline = redis.pipeline();
      for (const e of entries) {
        if (e.ttlSeconds) pipeline.set(e.key, e.value, { ex: e.ttlSeconds });
        else pipeline.set(e.key, e.value);
      }
      await pipeline.exec();
    },
    async deleteMany(keys) {
      if (keys.length) await redis.del(...keys);
    },
  };
}

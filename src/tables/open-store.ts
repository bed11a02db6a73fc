import type { Env } from '../env.ts';
import { kvTableStore } from './kv-store.ts';
import { redisTableStore } from './redis-store.ts';
import type { TableStore } from './table-store.ts';

/** The table store the configuration names: `TABLE_STORE=redis` with Upstash settings, else KV. */
export function openTableStore(env: Pick<Env, 'TABLES' | 'TABLE_STORE' | 'UPSTASH_REDIS_REST_URL' | 'UPSTASH_REDIS_REST_TOKEN'>): TableStore {
  if (env.TABLE_STORE === 'redis') {
    if (!env.UPSTASH_REDIS_REST_URL || !env.UPSTASH_REDIS_REST_TOKEN) {
      throw new Error('TABLE_STORE=redis needs UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN');
    }
    return redisTableStore({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN });
  }
  return kvTableStore(env.TABLES);
}

/**
 * Vitest global setup (runs in Node, once per run): starts a throwaway
 * redis-server and the Upstash REST proxy in front of it, and provides
 * `inject('upstashProxy')` = `{ url, token }` to tests, or `null` when
 * redis-server is not installed. With CI set, a missing redis-server fails
 * the run instead.
 */
import { randomUUID } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { RedisServerNotFoundError, startRedisServer } from '../../src/dev/redis-server.ts';
import { startUpstashProxy } from '../../src/dev/upstash-proxy.ts';
import { inCi } from './ci.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The local Upstash REST proxy, or null when redis-server is missing (tests skip). */
    upstashProxy: { url: string; token: string } | null;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let redis;
  try {
    redis = await startRedisServer();
  } catch (error) {
    if (!(error instanceof RedisServerNotFoundError)) throw error;
    if (inCi) throw new Error(`${error.message}\nCI is set, so the Redis tests may not be skipped: install redis-server.`);
    console.warn(`\n${'!'.repeat(78)}\n!! ${error.message}\n!! The Redis tests (test/redis) will be SKIPPED. They run in CI.\n${'!'.repeat(78)}\n`);
    project.provide('upstashProxy', null);
    return async () => {};
  }
  const proxy = await startUpstashProxy({ redisPort: redis.port, token: randomUUID() }).catch(async (error: unknown) => {
    await redis.close();
    throw error;
  });
  project.provide('upstashProxy', { url: proxy.url, token: proxy.token });
  return async () => {
    await proxy.close();
    await redis.close();
  };
}

/// <reference types="vite/client" />
import { beforeAll, describe, expect, it } from 'vitest';
import { forgetServingState } from '../../src/experiments/serving-decision.ts';
import { forgetCachedTables } from '../../src/serve/table-reader.ts';
import { INGEST, call } from '../support/api.ts';
import { loadSmallShop } from './shop.ts';

let shop: Awaited<ReturnType<typeof loadSmallShop>>;

beforeAll(async () => {
  shop = await loadSmallShop();
});

/** Sources of the Worker (what runs in isolates), as text. */
const sources = import.meta.glob<string>(['../../src/**/*.ts', '../../functions/**/*.ts', '!../../src/{bench,cli,sim,offline,dev,demo}/**'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

/**
 * Workers refuse to let one request wait on I/O another request started ("Cannot perform I/O on
 * behalf of a different request"), so a module-level cache that keeps a read in flight (a
 * promise of a D1 or KV read) fails the second request when both arrive on a cold cache. Each
 * `call` is its own request in workerd.
 */
describe('requests arriving together on cold isolate caches', () => {
  it('all answer 200 without degraded, whatever reads they share', async () => {
    const paths = [
      `/v1/recommend/for-you?user=${shop.buyer}&k=5`,
      `/v1/recommend/for-you?user=${shop.buyer}&k=5&recent=${shop.item}`,
      `/v1/items/${shop.item}/similar?k=5`,
      `/v1/trending?category=${shop.category}&k=5`,
    ];
    for (let round = 0; round < 3; round++) {
      forgetServingState();
      forgetCachedTables();
      const responses = await Promise.all(paths.flatMap((path) => [1, 2, 3].map(() => call(path, { headers: INGEST }))));
      for (const res of responses) {
        const body = (await res.json()) as { degraded?: string };
        expect(res.status, JSON.stringify(body)).toBe(200);
        expect(body.degraded).toBeUndefined();
      }
    }
  });

  it('no module-level value of the Worker holds a promise (requests share module state; a read in flight must not be)', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(100);
    const found: string[] = [];
    for (const [file, text] of Object.entries(sources)) {
      text.split('\n').forEach((line, i) => {
        if (/^(export )?(let|const|var) /.test(line) && /\bPromise</.test(line)) found.push(`${file}:${i + 1}: ${line}`);
      });
    }
    expect(found).toEqual([]);
  });
});

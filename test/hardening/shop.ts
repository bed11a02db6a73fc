import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { demoCatalog } from '../../src/demo/catalog.ts';
import { demoBehaviour } from '../../src/demo/shoppers.ts';
import { runRebuild } from '../../src/rebuild/run-rebuild.ts';
import { rebuildConfig } from '../../src/rebuild/settings.ts';
import { forgetCachedTables } from '../../src/serve/table-reader.ts';
import { kvTableStore } from '../../src/tables/kv-store.ts';
import { ADMIN, send } from '../support/api.ts';

/** A small demo shop (two categories) loaded through the API and rebuilt into KV; returns a shopper with purchases. */
export async function loadSmallShop(): Promise<{ buyer: string; item: string; category: string }> {
  const catalog = demoCatalog().filter((p) => ['audio', 'kitchen'].includes(p.item.categories[0] ?? ''));
  expect((await send('PUT', '/v1/items', { items: catalog.map((p) => p.item) }, ADMIN)).status).toBe(200);
  const events = demoBehaviour(catalog, { shoppers: 150, days: 7, until: Date.now() - 120_000, seed: 5 });
  for (let i = 0; i < events.length; i += 1000) expect((await send('POST', '/v1/events', { events: events.slice(i, i + 1000) })).status).toBe(200);
  const outcome = await runRebuild({ db: openDatabase(env.DB), store: kvTableStore(env.TABLES), config: rebuildConfig({}) }, 'test');
  expect(outcome.status).toBe('published');
  forgetCachedTables();
  const purchase = events.find((e) => e.type === 'purchase') as { user: string; item: string };
  return { buyer: purchase.user, item: purchase.item, category: catalog[0]!.item.categories[0]! };
}

/** A D1 binding whose `batch` fails the first `failures` times (a locked database), and whose `prepare` fails while `down` is set. */
export function flakyD1(real: D1Database, failures = Infinity): D1Database & { down: boolean; batchCalls: number } {
  let left = failures;
  const state = { down: false, batchCalls: 0 };
  return new Proxy(real, {
    get(target, prop) {
      if (prop === 'down' || prop === 'batchCalls') return state[prop];
      if (prop === 'batch')
        return async (statements: D1PreparedStatement[]) => {
          state.batchCalls++;
          if (left-- > 0) throw new Error('D1_ERROR: database is locked: SQLITE_BUSY (file:///var/lib/d1/shop.sqlite 10.1.2.3:443)');
          return target.batch(statements);
        };
      if (prop === 'prepare' && state.down)
        return () => {
          throw new Error('D1_ERROR: connection to 10.1.2.3:443 lost');
        };
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set(_target, prop, value) {
      if (prop === 'down') state.down = value as boolean;
      return true;
    },
  }) as D1Database & { down: boolean; batchCalls: number };
}

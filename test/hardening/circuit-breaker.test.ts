import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { runRebuild } from '../../src/rebuild/run-rebuild.ts';
import { rebuildConfig } from '../../src/rebuild/settings.ts';
import { MAX_ERROR_CHARS, publicError } from '../../src/security/public-error.ts';
import { recommendWith } from '../../src/serve/recommend.ts';
import { StoreUnavailableError, circuitBreaker, guardedStore } from '../../src/tables/circuit-breaker.ts';
import { kvTableStore } from '../../src/tables/kv-store.ts';
import type { TableStore } from '../../src/tables/table-store.ts';
import { ADMIN, call } from '../support/api.ts';
import { loadSmallShop } from './shop.ts';

const LEAK = 'redis://default:s3cret-token@10.0.0.5:6379 ["SET","t:v1:nb:3","' + 'x'.repeat(1_100_000) + '"]';

/** A KV store that can be switched to fail (or hang), counting the reads that reach it. */
function switchableStore(): TableStore & { mode: 'up' | 'down' | 'hang'; reads: number } {
  const kv = kvTableStore(env.TABLES);
  const store = {
    kind: 'kv' as const,
    mode: 'up' as 'up' | 'down' | 'hang',
    reads: 0,
    getMany(keys: readonly string[]) {
      store.reads++;
      if (store.mode === 'down') return Promise.reject(new Error(`ECONNREFUSED 10.0.0.5:6379 ${LEAK}`));
      if (store.mode === 'hang') return new Promise<(string | null)[]>(() => {});
      return kv.getMany(keys);
    },
    putMany: kv.putMany,
    deleteMany: kv.deleteMany,
  };
  return store;
}

describe('circuit breaker', () => {
  it('opens after repeated failures, refuses at once during the cool-down, probes once, then closes', async () => {
    let now = 0;
    const breaker = circuitBreaker({ failures: 2, cooldownMs: 1000, timeoutMs: 50 }, () => now);
    let calls = 0;
    const failing = () => (calls++, Promise.reject(new Error('down')));
    await expect(breaker.run(failing)).rejects.toThrow('down');
    expect(breaker.state()).toBe('closed');
    await expect(breaker.run(() => new Promise(() => {}))).rejects.toThrow(/no answer within 50 ms/);
    expect(breaker.state()).toBe('open');
    await expect(breaker.run(failing)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(calls).toBe(1);
    now = 1000;
    expect(breaker.state()).toBe('half-open');
    await expect(breaker.run(failing)).rejects.toThrow('down');
    expect(breaker.state()).toBe('open');
    now = 2000;
    let release!: (v: string) => void;
    const probe = breaker.run(() => new Promise<string>((resolve) => (release = resolve)));
    await expect(breaker.run(async () => 'second')).rejects.toBeInstanceOf(StoreUnavailableError);
    release('ok');
    expect(await probe).toBe('ok');
    expect(breaker.state()).toBe('closed');
    expect(await breaker.run(async () => 'again')).toBe('again');
  });

  describe('around the table store while serving', () => {
    beforeAll(async () => {
      await loadSmallShop();
    });

    it('answers from fallbacks without touching a failing store, says only "store unavailable", and recovers', async () => {
      let now = 0;
      const raw = switchableStore();
      const store = guardedStore(
        raw,
        circuitBreaker({ failures: 3, cooldownMs: 5000, timeoutMs: 200 }, () => now),
      );
      const deps = { store, db: openDatabase(env.DB), cacheName: 'breaker' };
      expect((await recommendWith(deps, { kind: 'trending', k: 4 })).degraded).toBeUndefined();
      raw.mode = 'hang';
      for (let i = 0; i < 3; i++) expect((await recommendWith(deps, { kind: 'trending', k: 4 })).degraded).toMatch(/^store unavailable; answered from /);
      raw.mode = 'down';
      const readsWhenOpen = raw.reads;
      for (let i = 0; i < 20; i++) {
        const r = await recommendWith(deps, { kind: 'trending', k: 4 });
        expect(r.items).toHaveLength(4);
        expect(r.degraded).toMatch(/^store unavailable; answered from [a-z ]+$/);
      }
      expect(raw.reads).toBe(readsWhenOpen);
      now = 5000;
      raw.mode = 'up';
      const probed = await recommendWith(deps, { kind: 'trending', k: 4 });
      expect(probed.degraded).toBeUndefined();
      expect(raw.reads).toBeGreaterThan(readsWhenOpen);
    });
  });
});

describe('error text', () => {
  it('is bounded and stripped of connection strings, hosts and secrets', () => {
    const text = publicError(new Error(`connect ECONNREFUSED 10.0.0.5:6379 via ${LEAK} Authorization: Bearer abc.def token=xyz`));
    expect(text.length).toBeLessThanOrEqual(MAX_ERROR_CHARS);
    expect(text).toMatch(/^connect ECONNREFUSED <host> via <url>/);
    expect(text).not.toMatch(/10\.0\.0\.5|6379|s3cret|redis:/);
    expect(publicError(new Error('D1 at db.internal.example:8443 said token=abc'))).toBe('D1 at <host> said token=<redacted>');
  });

  it('a failed rebuild stores and returns a bounded error without the connection string', async () => {
    const store = switchableStore();
    const failing: TableStore = {
      ...store,
      putMany: () => Promise.reject(new Error(`pipeline failed: ${LEAK}`)),
    };
    const outcome = await runRebuild({ db: openDatabase(env.DB), store: failing, config: rebuildConfig({}) }, 'bounded');
    expect(outcome.status).toBe('failed');
    expect(outcome.error!.length).toBeLessThanOrEqual(MAX_ERROR_CHARS);
    const listed = (await (await call('/v1/admin/rebuilds?limit=100', { headers: ADMIN })).json()) as { runs: { version: string; error: string | null }[] };
    const run = listed.runs.find((r) => r.version === outcome.version)!;
    expect(run.error!.length).toBeLessThanOrEqual(MAX_ERROR_CHARS);
    expect(run.error).not.toMatch(/s3cret|10\.0\.0\.5|redis:/);
  });
});

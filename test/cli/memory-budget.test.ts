import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { duckdbShareBesideHeap, heapCapMB, heapCapSet, memoryBudget } from '../../src/offline/memory-budget.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const GB = 2 ** 30;
const heapLimitMiB = (stderr: string) => Number(/JS heap limit (\d+) MiB/.exec(stderr)?.[1]);

describe('the memory budget: one setting for DuckDB, the JS heap and the JS-side batches', () => {
  it('derives the heap cap and the batches from the limit, growing with it', () => {
    const small = memoryBudget(0.5 * GB, 100);
    const one = memoryBudget(GB, 100);
    const two = memoryBudget(2 * GB, 100);
    expect(one.heapMB).toBe(512);
    expect(two.heapMB).toBe(1024);
    expect(small.heapMB).toBe(heapCapMB(0.5 * GB));
    expect(small.heapMB).toBeLessThan(one.heapMB);
    expect(small.neighbourListsInMemory).toBeLessThan(one.neighbourListsInMemory);
    expect(one.neighbourListsInMemory).toBeLessThan(two.neighbourListsInMemory);
    // The lists fit their share of the heap at about 2.1 KB a held list of 100 neighbours.
    expect(one.neighbourListsInMemory * 2_100).toBeLessThanOrEqual(one.heapMB * 2 ** 20 * 0.3);
    expect(small.usersPerBucket).toBeLessThanOrEqual(one.usersPerBucket);
    expect(two.usersPerBucket).toBeLessThanOrEqual(10_000);
    // Longer lists: fewer of them in the same heap.
    expect(memoryBudget(GB, 200).neighbourListsInMemory).toBeLessThan(one.neighbourListsInMemory);
  });

  it("leaves DuckDB the limit less the heap's share while Node's heap is at its fullest, at least half of it", () => {
    expect(duckdbShareBesideHeap(2 * GB, 1024)).toBe(1024);
    expect(duckdbShareBesideHeap(4 * GB, 1024)).toBe(3072);
    expect(duckdbShareBesideHeap(0.5 * GB, heapCapMB(0.5 * GB))).toBe(256);
  });

  it('finds a cap set on the command line or in NODE_OPTIONS', () => {
    expect(heapCapSet(['--max-old-space-size=600'])).toBe(true);
    expect(heapCapSet(['--max_old_space_size=600'])).toBe(true);
    expect(heapCapSet([], '--enable-source-maps --max-old-space-size=600')).toBe(true);
    expect(heapCapSet(['--max-semi-space-size=16'], '--enable-source-maps')).toBe(false);
  });

  it('the CLI runs the job again with the heap cap its memory limit gives', () => {
    // A bad --publish fails after the restart, in the child: its exit code and message come through.
    const run = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, ['src/offline/cli.ts', '--archive', 'x', '--publish', 'nowhere', '--memory-limit', '1GB'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, ...env },
      });
    const restarted = run({ NODE_OPTIONS: '', DUCKDB_JE_MALLOC_CONF: '' });
    expect(restarted.status).toBe(2);
    expect(restarted.stderr).toContain('--publish must be local, kv or redis');
    // V8's heap limit is the old-space cap plus the young generation.
    expect(heapLimitMiB(restarted.stderr)).toBeGreaterThanOrEqual(512);
    expect(heapLimitMiB(restarted.stderr)).toBeLessThan(600);
    // ...and with the allocator settings, where the environment sets none.
    expect(restarted.stderr).toContain("DuckDB's jemalloc background_thread:true,dirty_decay_ms:100,muzzy_decay_ms:0");
    const own = run({ NODE_OPTIONS: '', DUCKDB_JE_MALLOC_CONF: 'dirty_decay_ms:500' });
    expect(own.stderr).toContain("DuckDB's jemalloc dirty_decay_ms:500");
    const capped = run({ NODE_OPTIONS: '--max-old-space-size=700' });
    expect(capped.status).toBe(2);
    expect(heapLimitMiB(capped.stderr)).toBeGreaterThanOrEqual(700);
    expect(heapLimitMiB(capped.stderr)).toBeLessThan(800);
  });
});

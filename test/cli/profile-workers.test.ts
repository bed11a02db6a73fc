/**
 * The profiles on worker processes (src/offline/profile-workers.ts) against the job's own process
 * (profileShards) on one small window: the same packed shards, with more workers than ranges that
 * hold shoppers; and a worker that fails fails the stream with its error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../src/offline/engine.ts';
import { profileShardsOnWorkers } from '../../src/offline/profile-workers.ts';
import { numberShoppers, type ProfileShard, profileShards } from '../../src/offline/profiles.ts';
import { literal } from '../../src/offline/sql-files.ts';

const NOW = Date.UTC(2026, 0, 20);
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A window of `shoppers` shoppers (one anonymous session among them), each viewing and buying a few of 12 items; the neighbours of every item. */
async function smallWindow(shoppers: number, shards: number): Promise<{ engine: Engine; numbersFile: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'profile-workers-'));
  dirs.push(dir);
  const engine = await openEngine({ memoryLimit: '512MB', threads: 1, tempDirectory: path.join(dir, 'spill') });
  const rows: string[] = [];
  let seq = 0;
  for (let u = 0; u < shoppers; u++)
    for (let n = 0; n < 6; n++) {
      const user = u === 0 ? 'NULL' : `'u${u}'`;
      const type = n % 3 === 2 ? 'purchase' : 'view';
      rows.push(`(${user}, 'i${(u * 5 + n * 7) % 12}', '${type}', NULL, ${NOW - (u * 6 + n) * 60_000}, ${++seq}, 's${u}')`);
    }
  await engine.connection
    .run(`CREATE TABLE window_events (user_id VARCHAR, item_id VARCHAR, type VARCHAR, value DOUBLE, ts BIGINT, seq BIGINT, session VARCHAR);
    INSERT INTO window_events VALUES ${rows.join(', ')};
    CREATE TABLE item_ids AS SELECT 'i' || range AS item, range::INTEGER AS iidx FROM range(12);
    CREATE TABLE nb_numbers AS SELECT range::INTEGER AS i, [((range + 1) % 12)::INTEGER, ((range + 5) % 12)::INTEGER] AS ids, [0.5, 0.25]::DOUBLE[] AS weights FROM range(12)`);
  const numbersFile = path.join(dir, 'numbers.parquet');
  await engine.connection.run(`COPY nb_numbers TO ${literal(numbersFile)} (FORMAT parquet)`);
  await numberShoppers(engine, shards);
  return { engine, numbersFile };
}

async function collect(shards: AsyncIterable<ProfileShard>): Promise<ProfileShard[]> {
  const all: ProfileShard[] = [];
  for await (const shard of shards) all.push(shard);
  return all.sort((a, b) => a.shard - b.shard);
}

const maps = { categories: new Map([['i1', ['c1']]]), prices: new Map([['i1', 9.5]]) };

describe('profile workers', () => {
  it('pack the shards the job packs in its own process, whatever ranges hold no shopper', async () => {
    const { engine, numbersFile } = await smallWindow(9, 40);
    try {
      const own = await collect(profileShards(engine, 40, maps, NOW, 4));
      expect(own.length).toBeGreaterThan(3);
      expect(own.some((s) => s.value.includes('session:s0'))).toBe(true);
      // Twelve workers over 40 shards of which at most nine hold a shopper: some ranges are empty.
      const report = { workerPeakRssMB: [] as number[] };
      const onWorkers = await collect(profileShardsOnWorkers(engine, 40, maps, NOW, { workers: 12, k: 100, numbersFiles: [numbersFile], report }));
      expect(onWorkers).toEqual(own);
      expect(report.workerPeakRssMB).toHaveLength(12);
      expect(report.workerPeakRssMB.every((mb) => mb > 0)).toBe(true);
    } finally {
      engine.close();
    }
  }, 120_000);

  it('fail with the failing worker its error', async () => {
    const { engine } = await smallWindow(5, 8);
    try {
      const missing = path.join(tmpdir(), 'no-such-numbers.parquet');
      await expect(collect(profileShardsOnWorkers(engine, 8, maps, NOW, { workers: 2, k: 100, numbersFiles: [missing] }))).rejects.toThrow(
        /profile worker \d: .*no-such-numbers/,
      );
    } finally {
      engine.close();
    }
  }, 120_000);
});

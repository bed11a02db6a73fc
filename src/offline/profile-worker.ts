/**
 * One profile worker process of src/offline/profile-workers.ts: given its job (the first IPC
 * message), it opens a DuckDB of its own over the files the job left, builds and scores the
 * profiles of its range of shards exactly as the job would in its own process
 * ({@link profileShards}), and sends the packed shards back, a batch of about 8 MB at a time, the
 * next one only once the job has taken the one before.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CatalogMaps } from '../model/catalog.ts';
import { openEngine } from './engine.ts';
import { memoryBudget } from './memory-budget.ts';
import type { ProfileWorkerJob, ProfileWorkerMessage } from './profile-workers.ts';
import { type ProfileShard, profileShards } from './profiles.ts';
import { literal } from './sql-files.ts';

const BATCH_BYTES = 8 * 2 ** 20;

process.once('message', (job: ProfileWorkerJob) => {
  run(job).then(
    () => finish({ done: true, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }),
    (err: unknown) => finish({ error: err instanceof Error ? err.message : String(err) }),
  );
});

function finish(message: ProfileWorkerMessage): void {
  process.removeAllListeners('disconnect');
  process.send!(message, () => process.disconnect());
}

// The job is gone (killed, or failed): nobody takes the shards any more.
process.on('disconnect', () => process.exit(1));

let acked: (() => void) | undefined;
process.on('message', (message: unknown) => {
  if (message === 'ack') acked?.();
});

async function run(job: ProfileWorkerJob): Promise<void> {
  const engine = await openEngine({ memoryLimit: `${Math.floor(job.memoryLimitBytes / 2 ** 20)}MiB`, threads: 1, tempDirectory: job.tempDirectory });
  try {
    const files = (list: string[]) => `[${list.map((file) => literal(file)).join(', ')}]`;
    await engine.connection.run(`CREATE TABLE item_ids AS SELECT item, iidx FROM read_parquet(${literal(job.itemsFile)})`);
    await engine.connection.run(
      job.numbersFiles.length > 0
        ? `CREATE TABLE nb_numbers AS SELECT i, ids, weights FROM read_parquet(${files(job.numbersFiles)})`
        : 'CREATE TABLE nb_numbers (i INTEGER, ids INTEGER[], weights DOUBLE[])',
    );
    // A range without shoppers has no file.
    if (!existsSync(path.dirname(job.eventsGlob))) return;
    const [categories, prices] = JSON.parse(readFileSync(job.catalogFile, 'utf8')) as [[string, string[]][], [string, number][]];
    const maps: CatalogMaps = { categories: new Map(categories), prices: new Map(prices) };
    const budget = memoryBudget(job.memoryLimitBytes, job.k);
    const eventsSql = `SELECT shard, pno, user_id, item_id, type, value, ts::DOUBLE, session FROM read_parquet(${literal(job.eventsGlob)}) ORDER BY pno, ts, seq`;
    let batch: ProfileShard[] = [];
    let bytes = 0;
    let inFlight: Promise<void> = Promise.resolve();
    const send = async () => {
      await inFlight;
      inFlight = new Promise<void>((resolve) => (acked = resolve));
      process.send!({ shards: batch } satisfies ProfileWorkerMessage);
      batch = [];
      bytes = 0;
    };
    for await (const shard of profileShards(engine, job.shards, maps, job.now, budget.usersPerBucket, undefined, budget.neighbourListsInMemory, eventsSql)) {
      batch.push(shard);
      bytes += shard.value.length;
      if (bytes >= BATCH_BYTES) await send();
    }
    if (batch.length > 0) await send();
    await inFlight;
  } finally {
    engine.close();
  }
}

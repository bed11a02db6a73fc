/**
 * The profiles and their for-you scoring on several processes (`profileWorkers`): the job's Node
 * phase is one thread, so on a machine with cores to spare the shoppers' shards are split into
 * contiguous ranges, one per worker process (src/offline/profile-worker.ts), each over its own
 * DuckDB and the files the job leaves it in its work directory (its shoppers' events, the items'
 * numbers, the neighbour lists as numbers, the catalog maps). The workers send their packed shards
 * back; the job writes them, so publishing stays in one place. On Cloudflare each range would be
 * a Container of its own over the same files in R2 (not built: src/offline/README.md).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CatalogMaps, ItemMap } from '../model/catalog.ts';
import type { Engine } from './engine.ts';
import { memoryBudget, withAllocatorEnv } from './memory-budget.ts';
import { PROFILE_EVENTS_FROM, type ProfileShard } from './profiles.ts';
import { literal } from './sql-files.ts';

/** What one worker process is given (its first message). */
export interface ProfileWorkerJob {
  worker: number;
  /** Its shoppers' profile events (shard, pno, user_id, item_id, type, value, ts, seq, session). */
  eventsGlob: string;
  /** The items' ids by number (item, iidx). */
  itemsFile: string;
  /** The neighbour lists as numbers (i, ids, weights). */
  numbersFiles: string[];
  /** The catalog maps as JSON (`[categories entries, prices entries]`). */
  catalogFile: string;
  /** Its own DuckDB: memory limit in bytes, spill directory (its database file beside it). */
  memoryLimitBytes: number;
  tempDirectory: string;
  shards: number;
  now: number;
  k: number;
}

/** A worker's messages: batches of packed shards (each answered with `ack` once taken), then `done` with its peak resident set, or its `error`. */
export type ProfileWorkerMessage = { shards: ProfileShard[] } | { done: true; maxRssMB: number } | { error: string };

/** How the workers ran: their peak resident sets (each its own), for the run's record. */
export interface ProfileWorkersReport {
  workerPeakRssMB: number[];
}

/**
 * Each worker's DuckDB memory limit: the job's limit shared by the workers and the job's own
 * DuckDB (which holds nothing heavy meanwhile), at least 256 MiB.
 */
export function workerMemoryLimitBytes(limitBytes: number, workers: number): number {
  return Math.max(256 * 2 ** 20, Math.floor(limitBytes / (workers + 1)));
}

/**
 * Scores the profiles of the window (`profile_order` numbered, {@link numberShoppers}) on
 * `workers` processes, a contiguous range of the `count` shards each, and yields their packed
 * shards as they come (a worker waits for the job to take one batch before it sends the next).
 * Fails when a worker fails or ends without its `done`.
 */
export async function* profileShardsOnWorkers(
  engine: Engine,
  count: number,
  maps: CatalogMaps,
  now: number,
  options: { workers: number; k: number; numbersFiles: string[]; report?: ProfileWorkersReport; phase?: (name: string) => void },
): AsyncGenerator<ProfileShard> {
  const workers = Math.max(1, Math.min(options.workers, count));
  const { k } = options;
  const dir = path.join(engine.workDirectory, 'profiles');
  const limit = workerMemoryLimitBytes(await engine.memoryLimitBytes(), workers);
  mkdirSync(dir, { recursive: true });
  // [DuckDB] COPY ... PARTITION_BY: one pass over the window for every worker's file.
  await engine.connection.run(`COPY (
      SELECT (s.shard * ${workers} // ${count})::INTEGER AS worker, s.shard, s.pno, e.user_id, e.item_id, e.type, e.value, e.ts, e.seq, e.session
      ${PROFILE_EVENTS_FROM}
    ) TO ${literal(path.join(dir, 'events'))} (FORMAT parquet, PARTITION_BY (worker))`);
  const itemsFile = path.join(dir, 'items.parquet');
  await engine.connection.run(`COPY (SELECT item, iidx FROM item_ids) TO ${literal(itemsFile)} (FORMAT parquet)`);
  const catalogFile = path.join(dir, 'catalog.json');
  writeFileSync(catalogFile, JSON.stringify([entries(maps.categories), entries(maps.prices)]));
  options.phase?.('profile files');

  const queue: Array<{ shards: ProfileShard[]; ack: () => void }> = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  let running = workers;
  const peaks: number[] = new Array(workers).fill(0);
  const children: ChildProcess[] = [];
  const heapMB = memoryBudget(limit, k).heapMB;
  for (let worker = 0; worker < workers; worker++) {
    const child = fork(path.join(import.meta.dirname, 'profile-worker.ts'), [], {
      // Node's own flags as the job has them (hooks, profiling), with the worker's heap cap.
      execArgv: [...process.execArgv.filter((arg: string) => !/^--max[-_]old[-_]space[-_]size/.test(arg)), `--max-old-space-size=${heapMB}`],
      env: withAllocatorEnv(process.env),
      serialization: 'advanced',
    });
    children.push(child);
    let done = false;
    child.on('message', (message: ProfileWorkerMessage) => {
      if ('error' in message) {
        failure ??= new Error(`profile worker ${worker}: ${message.error}`);
        return;
      }
      if ('done' in message) {
        done = true;
        peaks[worker] = message.maxRssMB;
        return;
      }
      queue.push({ shards: message.shards, ack: () => child.connected && child.send('ack') });
      wake?.();
    });
    child.on('close', (code, signal) => {
      running--;
      if (!done) failure ??= new Error(`profile worker ${worker} ended (${signal ?? `exit code ${code}`}) before it finished its shards`);
      wake?.();
    });
    child.send({
      worker,
      eventsGlob: path.join(dir, 'events', `worker=${worker}`, '*.parquet'),
      itemsFile,
      numbersFiles: options.numbersFiles,
      catalogFile,
      memoryLimitBytes: limit,
      tempDirectory: path.join(dir, `spill-${worker}`),
      shards: count,
      now,
      k,
    } satisfies ProfileWorkerJob);
  }
  try {
    for (;;) {
      const next = queue.shift();
      if (next) {
        yield* next.shards;
        next.ack();
        continue;
      }
      if (failure) throw failure;
      if (running === 0) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  if (options.report) options.report.workerPeakRssMB = peaks;
}

function entries<T>(map: ItemMap<T> | undefined): [string, T][] {
  if (!map) return [];
  return map instanceof Map ? [...(map as ReadonlyMap<string, T>)] : Object.entries(map as Record<string, T>);
}

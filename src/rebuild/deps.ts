import { segmentRefresher } from '../audiences/refresh-segments.ts';
import { openDatabase } from '../db/client.ts';
import type { Env } from '../env.ts';
import { searchIndexTables } from '../search/index-tables.ts';
import { openTableStore } from '../tables/open-store.ts';
import type { PartJob } from './build-part.ts';
import { type RebuildDeps, type RebuildOutcome, type RunOptions, type StartJob, queueRebuild, runQueuedRebuild } from './run-rebuild.ts';
import { rebuildConfig } from './settings.ts';

/** The rebuild's dependencies from a Worker's environment (the queue is optional). */
export function rebuildDeps(env: Env): RebuildDeps {
  const queue = env.REBUILD_QUEUE;
  return {
    db: openDatabase(env.DB),
    store: openTableStore(env),
    config: rebuildConfig(env),
    extensions: [searchIndexTables],
    observers: [segmentRefresher(openDatabase(env.DB))],
    sendParts: queue
      ? async (jobs: PartJob[]) => {
          for (let i = 0; i < jobs.length; i += 100) await queue.sendBatch(jobs.slice(i, i + 100).map((body) => ({ body })));
        }
      : undefined,
  };
}

/**
 * Starts a rebuild off the serving path: queued on `REBUILD_QUEUE`, whose consumer runs it in
 * its own invocation. Without a queue binding the run goes to `waitUntil` after the answer
 * (still in this isolate: configure the queue in production). Answers at once with the run's id.
 */
export async function startRebuild(env: Env, trigger: string, waitUntil: (work: Promise<unknown>) => void, options: RunOptions = {}): Promise<RebuildOutcome> {
  const db = openDatabase(env.DB);
  const queue = env.REBUILD_QUEUE;
  if (queue) return queueRebuild(db, async (job) => void (await queue.send(job)), trigger, undefined, options);
  return queueRebuild(db, async (job: StartJob) => waitUntil(runQueuedRebuild(rebuildDeps(env), job)), trigger, undefined, options);
}

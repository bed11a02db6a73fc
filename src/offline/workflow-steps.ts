import { and, desc, eq, gte } from 'drizzle-orm';
import type { ArchiveBucket } from '../archive/bucket.ts';
import { writeCatalogSnapshot } from '../archive/catalog-snapshot.ts';
import { archivePending } from '../archive/write-archive.ts';
import type { Database } from '../db/client.ts';
import { rebuildRuns } from '../db/schema.ts';
import { d1CatalogPages } from '../rebuild/catalog-snapshot.ts';
import { abandonRun } from '../rebuild/run-rebuild.ts';

/** The part of a Workflow step API the offline rebuild uses (Cloudflare's `WorkflowStep`, or a stand-in in tests). */
export interface Steps {
  do<T>(name: string, callback: () => Promise<T>): Promise<T>;
  sleep(name: string, duration: string): Promise<void>;
}

/** The job in its Container, as the Workflow sees it. */
export interface OfflineJob {
  /** Starts the job (idempotent for one `runId`). */
  start(runId: string): Promise<void>;
  /** `running`, or how it ended. */
  status(runId: string): Promise<'running' | 'exited' | 'failed'>;
}

/** What one Workflow run of the offline rebuild did. */
export interface OfflineWorkflowResult {
  archived: number;
  /** Items in the catalog snapshot written for the job (which reads it with `--catalog archive`). */
  catalogItems: number;
  job: 'exited' | 'failed' | 'timed-out';
  /** The rebuild run the job recorded (GET /v1/admin/rebuilds), if it did. */
  run?: { version: string; status: string };
}

/** Options of {@link offlineRebuildSteps}. */
export interface OfflineWorkflowOptions {
  runId: string;
  startedAt: number;
  /** Between two looks at the job. Default `1 minute`. */
  pollEvery?: string;
  /** Looks before giving up (the job's lease expires on its own). Default 360 (6 hours at a minute). */
  maxPolls?: number;
}

/**
 * The Workflow's steps, each retried by Workflows on its own: bring the archive up to date,
 * write the catalog snapshot next to the events (pages of 5,000 rows: 200 D1 queries for a
 * million items), start the job in its Container, wait for it (sleeping between looks, so no Worker stays
 * busy), then read the run it recorded; a run the job left `running` when its Container ended is
 * closed as failed and its lease freed. Publishing (pointer flip) is the job's, as in the Worker.
 */
export async function offlineRebuildSteps(
  db: Database,
  archive: ArchiveBucket,
  job: OfflineJob,
  steps: Steps,
  options: OfflineWorkflowOptions,
): Promise<OfflineWorkflowResult> {
  const archived = await steps.do('archive the latest events', async () => {
    let events = 0;
    for (let round = 0; round < 20; round++) {
      const run = await archivePending(db, archive);
      events += run.events;
      if (!run.more) break;
    }
    return events;
  });
  const catalogItems = await steps.do(
    'snapshot the catalog',
    async () => (await writeCatalogSnapshot(archive, d1CatalogPages(db, 5000), options.startedAt)).items,
  );
  await steps.do('start the job', () => job.start(options.runId));
  let ended: 'exited' | 'failed' | 'timed-out' = 'timed-out';
  for (let poll = 1; poll <= (options.maxPolls ?? 360); poll++) {
    await steps.sleep(`wait ${poll}`, options.pollEvery ?? '1 minute');
    const status = await steps.do(`look ${poll}`, () => job.status(options.runId));
    if (status !== 'running') {
      ended = status;
      break;
    }
  }
  const run = await steps.do('read the run', async () => {
    const row = await db
      .select({ version: rebuildRuns.version, status: rebuildRuns.status })
      .from(rebuildRuns)
      .where(and(eq(rebuildRuns.trigger, 'offline'), gte(rebuildRuns.startedAt, options.startedAt)))
      .orderBy(desc(rebuildRuns.startedAt))
      .get();
    if (row?.status === 'running' && ended !== 'timed-out') {
      // The job's Container ended without recording the run (killed at its memory, or crashed).
      await abandonRun(db, row.version, `the job's Container ${ended} before it recorded the run`);
      return { version: row.version, status: 'failed' };
    }
    return row ?? null;
  });
  return { archived, catalogItems, job: ended, ...(run ? { run } : {}) };
}

import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../functions/index.ts';
import { r2ArchiveBucket } from '../../src/archive/bucket.ts';
import type { SnapshotItemRow } from '../../src/archive/catalog-snapshot.ts';
import { gunzipLines } from '../../src/archive/jsonl.ts';
import { readArchive } from '../../src/archive/read-archive.ts';
import { openDatabase } from '../../src/db/client.ts';
import type { Env } from '../../src/env.ts';
import { chooseRunner } from '../../src/offline/runner.ts';
import { type OfflineJob, type Steps, offlineRebuildSteps } from '../../src/offline/workflow-steps.ts';
import { acquireLease, releaseLease } from '../../src/rebuild/lease.ts';
import { REBUILD_LEASE } from '../../src/rebuild/run-rebuild.ts';
import { getRun, recordRunStart, recordRunStatus } from '../../src/rebuild/runs.ts';
import { ADMIN, rows, send, uniq } from '../support/api.ts';

const db = openDatabase(env.DB);

/** The job's settings a Worker configured for the Container holds (stand-in values: nothing is called with them here). */
const JOB_SETTINGS = {
  ARCHIVE_R2_URL: 'r2://edge-personalize-archive',
  CLOUDFLARE_ACCOUNT_ID: '0123456789abcdef0123456789abcdef',
  CLOUDFLARE_API_TOKEN: 'stand-in-token',
  D1_DATABASE_ID: '00000000-0000-0000-0000-000000000000',
  KV_NAMESPACE_ID: '00000000000000000000000000000000',
};

/** Stand-in for the Workflow binding (Workflows with Containers cannot run here): records the instances created. */
function standInWorkflow() {
  const created: { id?: string; params?: unknown }[] = [];
  return { created, binding: { create: async (options: { id?: string; params?: unknown }) => (created.push(options), { id: options.id }) } };
}

/** Stand-in for Workflows' step runner: runs each step once, at once; sleeps are counted, not slept. */
function standInSteps(): Steps & { names: string[] } {
  const names: string[] = [];
  return {
    names,
    do: async (name, callback) => (names.push(name), callback()),
    sleep: async (name) => void names.push(name),
  };
}

/** Stand-in for the job's Container: "runs" for two looks, then records a published offline run in D1 as the job does. */
function standInContainerJob(): OfflineJob & { started: string[] } {
  const started: string[] = [];
  let looks = 0;
  return {
    started,
    async start(runId) {
      started.push(runId);
    },
    async status() {
      if (++looks < 3) return 'running';
      const version = `v-offline-${crypto.randomUUID().slice(0, 6)}`;
      await recordRunStart(db, version, 'offline', 'running');
      await recordRunStatus(db, version, 'published', { engine: 'duckdb' });
      return 'exited';
    },
  };
}

async function cron(vars: Partial<Env> & Record<string, unknown>) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '*/30 * * * *' }), { ...env, ...vars } as Env, ctx);
  await waitOnExecutionContext(ctx);
}

describe('the rebuild cron picks the Worker or the offline job', () => {
  it('keeps the Worker rebuild unless the shop asks for the container and every binding is there', () => {
    const bound = { ARCHIVE: env.ARCHIVE, REBUILD_WORKFLOW: {} as Env['REBUILD_WORKFLOW'], REBUILD_JOB: {} as DurableObjectNamespace, ...JOB_SETTINGS };
    expect(chooseRunner({}).runner).toBe('worker');
    expect(chooseRunner(bound).runner).toBe('worker');
    expect(chooseRunner({ ...bound, REBUILD_RUNNER: 'container' }).runner).toBe('container');
    const missing = chooseRunner({ ...bound, REBUILD_JOB: undefined, REBUILD_RUNNER: 'container' });
    expect(missing).toEqual({ runner: 'worker', reason: expect.stringContaining('REBUILD_JOB (Container) not bound') });
    const unset = chooseRunner({ ...bound, D1_DATABASE_ID: undefined, KV_NAMESPACE_ID: '', REBUILD_RUNNER: 'container' });
    expect(unset).toEqual({ runner: 'worker', reason: expect.stringContaining('D1_DATABASE_ID, KV_NAMESPACE_ID not set for the job') });
    expect(chooseRunner({ ...bound, KV_NAMESPACE_ID: undefined, TABLE_STORE: 'redis', REBUILD_RUNNER: 'container' }).runner).toBe('container');
  });

  it('starts a Workflow instance instead of rebuilding in the Worker when configured', async () => {
    const workflow = standInWorkflow();
    const before = (await rows('SELECT version FROM rebuild_runs')).length;
    await cron({
      REBUILD_RUNNER: 'container',
      REBUILD_WORKFLOW: workflow.binding as unknown as Env['REBUILD_WORKFLOW'],
      REBUILD_JOB: {} as DurableObjectNamespace,
      ...JOB_SETTINGS,
    });
    expect(workflow.created).toHaveLength(1);
    expect(workflow.created[0]!.params).toMatchObject({ runId: workflow.created[0]!.id, at: expect.any(Number) });
    expect(await rows('SELECT version FROM rebuild_runs')).toHaveLength(before);

    await cron({ REBUILD_RUNNER: 'container', REBUILD_WORKFLOW: workflow.binding as unknown as Env['REBUILD_WORKFLOW'] }); // no Container bound
    expect(workflow.created).toHaveLength(1);
    expect((await rows('SELECT version FROM rebuild_runs')).length).toBeGreaterThan(before);
  });

  it('runs the Workflow steps: archive, snapshot the catalog, start the job, wait for it, read the run it recorded', async () => {
    const user = uniq('wf');
    await send('POST', '/v1/events', { events: [{ id: `${user}-1`, type: 'view', user, item: 'sku-1' }] });
    await send('PUT', '/v1/items', { items: [{ id: `${user}-item`, title: 'Snapshot <b>me</b>', categories: ['c'], price: 3 }] }, ADMIN);
    const job = standInContainerJob();
    const steps = standInSteps();
    const startedAt = Date.now() - 1000;
    const bucket = r2ArchiveBucket(env.ARCHIVE!);
    const result = await offlineRebuildSteps(db, bucket, job, steps, { runId: 'run-1', startedAt, maxPolls: 10 });
    expect(job.started).toEqual(['run-1']);
    expect(steps.names).toEqual([
      'archive the latest events',
      'snapshot the catalog',
      'start the job',
      'wait 1',
      'look 1',
      'wait 2',
      'look 2',
      'wait 3',
      'look 3',
      'read the run',
    ]);
    expect(result).toMatchObject({ job: 'exited', run: { status: 'published' } });
    expect((await readArchive(bucket)).some((e) => e.user_id === user)).toBe(true);
    const catalogItems = (await rows('SELECT count(*) AS n FROM items'))[0]!.n;
    expect(result.catalogItems).toBe(catalogItems);
    const snapshot = await bucket.list(`catalog/${String(startedAt).padStart(15, '0')}/`);
    expect(snapshot).toContain(`catalog/${String(startedAt).padStart(15, '0')}/done.json`);
    const lines = (
      await Promise.all(snapshot.filter((k) => k.endsWith('.jsonl.gz')).map(async (k) => gunzipLines<SnapshotItemRow>((await bucket.get(k))!)))
    ).flat();
    expect(lines.find((r) => r.id === `${user}-item`)).toMatchObject({ title: 'Snapshot <b>me</b>', categories: '["c"]', price: 3, available: 1 });

    const stuck: OfflineJob = { start: async () => undefined, status: async () => 'running' };
    const timedOut = await offlineRebuildSteps(db, bucket, stuck, standInSteps(), { runId: 'run-2', startedAt: Date.now() + 60_000, maxPolls: 2 });
    expect(timedOut).toEqual({ archived: 0, catalogItems, job: 'timed-out' });
  });

  it('closes a run the job left running when its Container failed, and frees the lease', async () => {
    const startedAt = Date.now() + 120_000;
    const version = `v-offline-dead-${crypto.randomUUID().slice(0, 6)}`;
    const dies: OfflineJob = {
      async start() {
        expect(await acquireLease(db, REBUILD_LEASE, version, 6 * 3600_000)).toBe(true);
        await recordRunStart(db, version, 'offline', 'running', startedAt + 1);
      },
      status: async () => 'failed',
    };
    const result = await offlineRebuildSteps(db, r2ArchiveBucket(env.ARCHIVE!), dies, standInSteps(), { runId: 'run-3', startedAt, maxPolls: 3 });
    expect(result).toMatchObject({ job: 'failed', run: { version, status: 'failed' } });
    expect(await getRun(db, version)).toMatchObject({ status: 'failed', error: "the job's Container failed before it recorded the run" });
    expect(await acquireLease(db, REBUILD_LEASE, 'v-after', 60_000)).toBe(true);
    await releaseLease(db, REBUILD_LEASE, 'v-after');
  });
});

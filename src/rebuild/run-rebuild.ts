import { publicError } from '../security/public-error.ts';
import { pruneOverrides } from '../catalog/availability.ts';
import type { Database } from '../db/client.ts';
import { ENTRIES_PER_SHARD, type Manifest, type ShardedTable } from '../tables/layout.ts';
import { type CountingStore, type TableStore, countingStore } from '../tables/table-store.ts';
import { type PartJob, type PartStats, buildPart } from './build-part.ts';
import { readCatalog } from './catalog-snapshot.ts';
import { eventWindow } from './event-pages.ts';
import { acquireLease, releaseLease } from './lease.ts';
import { flipPointer, removeVersions } from './publish.ts';
import type { RebuildExtension } from './extension.ts';
import { claimRun, getRun, partStats, recordPartDone, recordRunStart, recordRunStatus, retireRuns, runsToRetire } from './runs.ts';
import type { RebuildObserver } from './observer.ts';
import { recordedModel, selectForRun, type SelectionFigures } from './select-run.ts';
import type { RebuildConfig } from './settings.ts';

/** What a rebuild needs: D1, the table store, the settings, and the queue for split runs. */
export interface RebuildDeps {
  db: Database;
  store: TableStore;
  config: RebuildConfig;
  /** Tables built beside the recommendation tables (the search index). */
  extensions?: readonly RebuildExtension[];
  /** Sends the parts of a split run; without it every run is one invocation. */
  sendParts?: (jobs: PartJob[]) => Promise<void>;
  /** What else derives state from every rebuild (the segment refresh); see {@link RebuildObserver}. */
  observers?: readonly RebuildObserver[];
}

/** What starting a rebuild did. */
export interface RebuildOutcome {
  version: string;
  status: 'queued' | 'published' | 'split' | 'skipped' | 'failed';
  stats: Record<string, unknown>;
  error?: string;
}

/** What one run may set instead of the configured settings. */
export interface RunOptions {
  /** False: publish the default model without the selection. */
  selection?: boolean;
  /** False: the selection leaves content blends out (to compare their cost). */
  content?: boolean;
  /** Parts to split the run into (1: one invocation) instead of the configured `parts`. */
  parts?: number;
}

/** A queued run's message: the consumer starts it with {@link runQueuedRebuild}. */
export interface StartJob {
  start: { version: string; trigger: string; requestedAt: number } & RunOptions;
}

/** The lease every rebuild (Worker or offline) holds while it runs. */
export const REBUILD_LEASE = 'rebuild';
const LEASE = REBUILD_LEASE;
const LEASE_MS = 30 * 60_000;

/**
 * Closes a run its process left `running` (it died before recording the outcome: the offline
 * job at its heap cap or killed, src/offline/supervise.ts): `failed` with
 * `error`, and the lease it held freed. Returns whether the run was still running.
 */
export async function abandonRun(db: Database, version: string, error: string, now = Date.now()): Promise<boolean> {
  if ((await getRun(db, version))?.status !== 'running') return false;
  await recordRunStatus(db, version, 'failed', {}, error, now);
  await releaseLease(db, REBUILD_LEASE, version);
  return true;
}

/** KV allows 1,000 operations per invocation; the margin covers the pointer, overrides and reads. */
const OPERATIONS_PER_INVOCATION = 1000;
const OPERATIONS_MARGIN = 50;
/** KV writes one part may do, below the 1,000 operations of an invocation (publishing needs some). */
const WRITES_PER_PART = 800;
/** Bytes of packed neighbour lists one part may hold before writing (a share of the 128 MB isolate). */
const BYTES_PER_PART = 24 * 1024 * 1024;
const VERSIONS_KEPT = 2;
/** A packed profile is about 800 bytes (measured on the demo shop); held while its shard is built. */
const PROFILE_BYTES = 1000;

/** A new version name: sortable by time, unique enough for concurrent starts. */
export function newVersion(now = Date.now()): string {
  return `v${now.toString(36)}${crypto.randomUUID().slice(0, 4)}`;
}

/** Parts a run needs so that each stays under KV's operation limit and the isolate's memory. */
export function planParts(catalogSize: number, users: number, k: number, configured: number | 'auto', extraWrites = 0): number {
  if (configured !== 'auto') return Math.max(1, Math.floor(configured));
  const writes =
    Math.ceil(catalogSize / ENTRIES_PER_SHARD.nb) +
    Math.ceil(catalogSize / ENTRIES_PER_SHARD.bt) +
    Math.ceil(catalogSize / ENTRIES_PER_SHARD.ct) +
    Math.ceil(users / ENTRIES_PER_SHARD.pf) +
    extraWrites;
  const bytes = catalogSize * k * 28 + users * PROFILE_BYTES;
  return Math.max(1, Math.ceil(writes / WRITES_PER_PART), Math.ceil(bytes / BYTES_PER_PART));
}

/**
 * Runs a rebuild in this invocation (the cron, the queue consumer, tests): takes the lease (an overlapping run is `skipped`), fixes the event
 * window, then builds and publishes in this invocation, or splits the work into parts on
 * the queue when it would not fit. A failure leaves the version in service untouched.
 */
export async function runRebuild(deps: RebuildDeps, trigger: string, now = Date.now(), queued?: string): Promise<RebuildOutcome> {
  const { db, config } = deps;
  const version = queued ?? newVersion(now);
  if (!(await acquireLease(db, LEASE, version, LEASE_MS, now))) {
    if (!queued) await recordRunStart(db, version, trigger, 'skipped', now);
    await recordRunStatus(db, version, 'skipped', {}, 'another rebuild holds the lease');
    return { version, status: 'skipped', stats: {}, error: 'another rebuild holds the lease' };
  }
  if (queued) await recordRunStatus(db, version, 'running', {});
  else await recordRunStart(db, version, trigger, 'running', now);
  try {
    const window = await eventWindow(db, config.windowDays, now);
    const catalog = await readCatalog(db);
    const extraWrites = (deps.extensions ?? []).reduce((sum, e) => sum + e.plannedWrites(catalog.size), 0);
    const parts = deps.sendParts ? planParts(catalog.size, window.users, config.k, config.parts, extraWrites) : 1;
    if (parts > 1 && deps.sendParts) {
      const model = config.selection === false ? undefined : await selectForRun(db, window, config, now, catalog);
      const stats = { window, parts, ...(model?.figures ? { selection: model.figures } : {}), ...(model?.content ? { content: model.content } : {}) };
      await recordRunStatus(db, version, 'split', stats);
      await deps.sendParts(Array.from({ length: parts }, (_, part) => ({ version, window, part, parts, now })));
      return { version, status: 'split', stats };
    }
    const store = countingStore(deps.store);
    const part = await buildPart(db, store, catalog, { version, window, part: 0, parts: 1, now }, config, deps);
    const stats = await publish(deps, store, version, [{ ...part, ...store.counts }], now);
    return { version, status: 'published', stats };
  } catch (err) {
    return fail(deps, version, err);
  }
}

/**
 * Queues a rebuild instead of running it: records the run as `queued` and sends its start
 * message; the queue consumer runs it ({@link runQueuedRebuild}), off the serving path. The
 * run's status is then followed in the run list.
 */
export async function queueRebuild(
  db: Database,
  send: (job: StartJob) => Promise<void>,
  trigger: string,
  now = Date.now(),
  options: RunOptions = {},
): Promise<RebuildOutcome> {
  const version = newVersion(now);
  await recordRunStart(db, version, trigger, 'queued', now);
  try {
    const { selection, content, parts } = options;
    await send({
      start: {
        version,
        trigger,
        requestedAt: now,
        ...(selection === false ? { selection } : {}),
        ...(content === false ? { content } : {}),
        ...(parts ? { parts } : {}),
      },
    });
  } catch (err) {
    const error = publicError(err);
    await recordRunStatus(db, version, 'failed', {}, `not queued: ${error}`);
    throw err;
  }
  return { version, status: 'queued', stats: {} };
}

/**
 * Runs a queued run (the queue consumer). A message delivered again after its run started
 * (at-least-once delivery) does nothing: only the delivery that moves the run out of
 * `queued` runs it.
 */
export async function runQueuedRebuild(deps: RebuildDeps, job: StartJob, now = Date.now()): Promise<RebuildOutcome | 'stale'> {
  const { version, trigger } = job.start;
  if (!(await claimRun(deps.db, version, 'queued', 'starting'))) return 'stale';
  const { selection, content, parts } = job.start;
  const config = { ...deps.config, ...(selection === false ? { selection } : {}), ...(content === false ? { content } : {}), ...(parts ? { parts } : {}) };
  return runRebuild({ ...deps, config }, trigger, now, version);
}

/**
 * Runs one part of a split run (the queue consumer) with the model its planning step chose (read
 * from the run record); the last part to finish publishes.
 */
export async function runRebuildPart(deps: RebuildDeps, job: PartJob): Promise<'waiting' | 'published' | 'stale'> {
  const { db } = deps;
  const run = await getRun(db, job.version);
  if (run?.status !== 'split') return 'stale';
  const model = recordedModel(run.stats);
  const store = countingStore(deps.store);
  const stats = await buildPart(db, store, await readCatalog(db), job, deps.config, { ...deps, model });
  const done = await recordPartDone(db, job.version, job.part, { ...stats, ...store.counts });
  if (done < job.parts || !(await claimRun(db, job.version, 'split', 'running'))) return 'waiting';
  try {
    const parts = (await partStats(db, job.version)) as unknown as PartFigures[];
    await publish(deps, store, job.version, parts, job.now, model.figures);
    return 'published';
  } catch (err) {
    await fail(deps, job.version, err);
    throw err;
  }
}

/** A part's figures with its store counts (what {@link publish} sums). */
export type PartFigures = PartStats & { writes: number; bytesWritten: number; reads: number; deletes: number };

/**
 * Flips the pointer to a fully written version, then removes retired versions with what is left
 * of this invocation's store operations (`used` so far); what does not fit expires by TTL.
 * Releases the rebuild lease held by `version` (the offline rebuild publishes through it too).
 */
export async function publish(
  deps: RebuildDeps,
  store: CountingStore,
  version: string,
  parts: PartFigures[],
  startedAt: number,
  selection: SelectionFigures | undefined = parts[0]?.selection,
): Promise<Record<string, unknown>> {
  const { db } = deps;
  const first = parts[0]!;
  const sum = (field: keyof PartFigures) => parts.reduce((total, p) => total + (p[field] as number), 0);
  const stats = {
    events: first.events,
    users: first.users,
    items: first.items,
    neighbourPairs: sum('neighbourPairs'),
    togetherPairs: sum('togetherPairs'),
    keysWritten: sum('keysWritten') + 1,
    bytesWritten: sum('bytesWritten'),
    storeOperations: sum('writes') + sum('reads') + 1,
    parts: parts.length,
    shards: mergeShards(parts.map((p) => p.shards)),
    ...(selection ? { selection } : {}),
    ...(first.content ? { content: first.content, contentRows: parts.reduce((n, p) => n + (p.contentRows ?? 0), 0) } : {}),
  };
  const manifest: Manifest = {
    version,
    builtAt: startedAt,
    shards: stats.shards,
    stats: { events: stats.events, users: stats.users, items: stats.items, maxSeq: first.maxSeq },
    ...(first.model ? { model: first.model } : {}),
  };
  await flipPointer(store, manifest);
  await pruneOverrides(store, startedAt);
  for (const extension of deps.extensions ?? []) await extension.published?.(store, startedAt);
  const observed = await observePublished(deps.observers ?? [], version, startedAt);
  await recordRunStatus(db, version, 'published', { ...stats, ...observed });
  const old = await runsToRetire(db, VERSIONS_KEPT);
  const used = store.counts.reads + store.counts.writes + store.counts.deletes;
  const removed = await removeVersions(
    store,
    old.filter((r) => r.stats.shards).map((r) => ({ version: r.version, shards: r.stats.shards as Record<ShardedTable, number> })),
    Math.max(0, OPERATIONS_PER_INVOCATION - OPERATIONS_MARGIN - used),
  );
  await retireRuns(
    db,
    old.map((r) => r.version),
  );
  await releaseLease(db, LEASE, version);
  return { ...stats, ...observed, keysRemoved: removed };
}

/** The shard counts of a run: every part names the tables it wrote, the largest count wins. */
function mergeShards(counts: readonly Manifest['shards'][]): Manifest['shards'] {
  const merged: Record<string, number> = {};
  for (const shards of counts) for (const [table, n] of Object.entries(shards)) merged[table] = Math.max(merged[table] ?? 0, n ?? 0);
  return merged as Manifest['shards'];
}

/** Runs every observer's publish step; a failing one is reported in the stats, never undoes the published tables. */
async function observePublished(observers: readonly RebuildObserver[], version: string, now: number): Promise<Record<string, unknown>> {
  const figures: Record<string, unknown> = {};
  for (const observer of observers) {
    try {
      figures[observer.name] = await observer.published(version, now);
    } catch (err) {
      console.error(`rebuild ${version}: ${observer.name} failed`, err);
      figures[observer.name] = { error: err instanceof Error ? err.message : String(err) };
    }
  }
  return figures;
}

async function fail(deps: RebuildDeps, version: string, err: unknown): Promise<RebuildOutcome> {
  const error = publicError(err);
  console.error(`rebuild ${version} failed: ${error}`);
  await recordRunStatus(deps.db, version, 'failed', {}, error);
  await releaseLease(deps.db, LEASE, version);
  return { version, status: 'failed', stats: {}, error };
}

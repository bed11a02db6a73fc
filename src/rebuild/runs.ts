import { publicError } from '../security/public-error.ts';
import { and, count, desc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { rebuildParts, rebuildRuns } from '../db/schema.ts';

/**
 * Outcomes of a run. `queued`: waiting for the queue consumer; `starting`: taken by it, before
 * the lease; `split`: parts are running on the queue. `retired`: published once, since cleaned up.
 */
export type RunStatus = 'queued' | 'starting' | 'running' | 'split' | 'published' | 'failed' | 'skipped' | 'retired';

/** Statuses of a run that is not over yet. */
export const UNFINISHED: readonly RunStatus[] = ['queued', 'starting', 'running', 'split'];

/** A run as the admin API lists it. */
export interface RebuildRun {
  version: string;
  trigger: string;
  status: RunStatus;
  startedAt: number;
  finishedAt: number | null;
  durationMs: number | null;
  stats: Record<string, unknown>;
  error: string | null;
}

/** Records a new run. */
export async function recordRunStart(db: Database, version: string, trigger: string, status: RunStatus, now = Date.now()): Promise<void> {
  await db.insert(rebuildRuns).values({ version, trigger, status, startedAt: now });
}

/** Updates a run's status and figures (and its end time for final statuses). */
export async function recordRunStatus(
  db: Database,
  version: string,
  status: RunStatus,
  stats: Record<string, unknown>,
  error: string | null = null,
  now = Date.now(),
): Promise<void> {
  const final = !UNFINISHED.includes(status);
  await db
    .update(rebuildRuns)
    .set({ status, stats: JSON.stringify(stats), error: error === null ? null : publicError(error), ...(final ? { finishedAt: now } : {}) })
    .where(eq(rebuildRuns.version, version));
}

/** One run, or undefined. */
export async function getRun(db: Database, version: string): Promise<RebuildRun | undefined> {
  const row = await db.select().from(rebuildRuns).where(eq(rebuildRuns.version, version)).get();
  return row && toRun(row);
}

/** The latest runs, newest first. */
export async function listRuns(db: Database, limit = 20): Promise<RebuildRun[]> {
  const rows = await db.select().from(rebuildRuns).orderBy(desc(rebuildRuns.startedAt), desc(rebuildRuns.version)).limit(limit);
  return rows.map(toRun);
}

/** Published runs older than the newest `keep`, whose keys can go (at most 50 per call). */
export async function runsToRetire(db: Database, keep: number): Promise<RebuildRun[]> {
  const rows = await db
    .select()
    .from(rebuildRuns)
    .where(eq(rebuildRuns.status, 'published'))
    .orderBy(desc(rebuildRuns.startedAt), desc(rebuildRuns.version))
    .limit(keep + 50);
  return rows.slice(keep).map(toRun);
}

/** Marks runs retired. */
export async function retireRuns(db: Database, versions: readonly string[]): Promise<void> {
  if (versions.length)
    await db
      .update(rebuildRuns)
      .set({ status: 'retired' })
      .where(inArray(rebuildRuns.version, [...versions]));
}

/** Records that a part of a split run is done; returns how many parts are done now. */
export async function recordPartDone(db: Database, version: string, part: number, stats: Record<string, unknown>, now = Date.now()): Promise<number> {
  const [, done] = await db.batch([
    db
      .insert(rebuildParts)
      .values({ version, part, stats: JSON.stringify(stats), doneAt: now })
      .onConflictDoNothing(),
    db.select({ n: count() }).from(rebuildParts).where(eq(rebuildParts.version, version)),
  ]);
  return done[0]?.n ?? 0;
}

/** Figures of every finished part of a run. */
export async function partStats(db: Database, version: string): Promise<Record<string, unknown>[]> {
  const rows = await db.select({ stats: rebuildParts.stats }).from(rebuildParts).where(eq(rebuildParts.version, version));
  return rows.map((r) => JSON.parse(r.stats) as Record<string, unknown>);
}

/**
 * Moves a run from one status to another only if it is still in the first: the guard that
 * lets exactly one finishing part publish a split run.
 */
export async function claimRun(db: Database, version: string, from: RunStatus, to: RunStatus): Promise<boolean> {
  const claimed = await db
    .update(rebuildRuns)
    .set({ status: to })
    .where(and(eq(rebuildRuns.version, version), eq(rebuildRuns.status, from)))
    .returning({ v: rebuildRuns.version });
  return claimed.length === 1;
}

function toRun(row: typeof rebuildRuns.$inferSelect): RebuildRun {
  return {
    version: row.version,
    trigger: row.trigger,
    status: row.status as RunStatus,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    durationMs: row.finishedAt === null ? null : row.finishedAt - row.startedAt,
    stats: JSON.parse(row.stats) as Record<string, unknown>,
    error: row.error === null ? null : publicError(row.error),
  };
}

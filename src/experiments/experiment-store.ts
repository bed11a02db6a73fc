import { desc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { experiments, settings } from '../db/schema.ts';
import { ApiError } from '../http/errors.ts';
import {
  type Arm,
  DEFAULT_SERVING,
  type Experiment,
  type ExperimentInput,
  ExperimentSettingsSchema,
  type ServingConfig,
  type Surface,
} from './experiment-schema.ts';

type Row = typeof experiments.$inferSelect;

/** The settings key holding the serving configuration per surface (set by promotions). */
export const SERVING_DEFAULTS_KEY = 'serving:defaults';

function fromRow(row: Row): Experiment {
  return {
    id: row.id,
    name: row.name,
    surfaces: JSON.parse(row.surfaces) as Surface[],
    arms: JSON.parse(row.arms) as Arm[],
    status: row.status as Experiment['status'],
    mode: row.mode as Experiment['mode'],
    settings: ExperimentSettingsSchema.parse(JSON.parse(row.settings)),
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    stoppedAt: row.stoppedAt,
    stopReason: row.stopReason,
    promoted: row.promoted,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
  };
}

/** Whether an experiment serves at `now`: running, and inside its time range. */
export function servesAt(experiment: Pick<Experiment, 'status' | 'startsAt' | 'endsAt'>, now: number): boolean {
  return (
    experiment.status === 'running' && (experiment.startsAt === null || experiment.startsAt <= now) && (experiment.endsAt === null || now < experiment.endsAt)
  );
}

/** The control arm: the one marked `control`, else the one named `control`, else the first. */
export function controlIndex(arms: readonly { name: string; control?: boolean }[]): number {
  const marked = arms.findIndex((arm) => arm.control);
  if (marked >= 0) return marked;
  const named = arms.findIndex((arm) => arm.name === 'control');
  return named >= 0 ? named : 0;
}

/** Creates an experiment (running at once unless `start` is false); 409 if a running one covers one of its surfaces. */
export async function createExperiment(db: Database, input: ExperimentInput, now = Date.now()): Promise<Experiment> {
  if (input.start) await refuseOverlap(db, input.surfaces);
  const control = controlIndex(input.arms);
  const arms: Arm[] = input.arms.map((arm, i) => ({ name: arm.name, share: arm.share, control: i === control, config: arm.config }));
  const id = `x-${crypto.randomUUID().replaceAll('-', '').slice(0, 10)}`;
  const row = await db
    .insert(experiments)
    .values({
      id,
      name: input.name,
      surfaces: JSON.stringify(input.surfaces),
      arms: JSON.stringify(arms),
      status: input.start ? 'running' : 'draft',
      mode: input.mode,
      settings: JSON.stringify(input.settings),
      createdAt: now,
      startedAt: input.start ? now : null,
      startsAt: input.startsAt ?? null,
      endsAt: input.endsAt ?? null,
    })
    .returning()
    .get();
  return fromRow(row);
}

/** Every experiment, newest first. */
export async function listExperiments(db: Database): Promise<Experiment[]> {
  return (await db.select().from(experiments).orderBy(desc(experiments.createdAt))).map(fromRow);
}

/** One experiment, or a 404 naming `id`. */
export async function getExperiment(db: Database, id: string): Promise<Experiment> {
  const row = await db.select().from(experiments).where(eq(experiments.id, id)).get();
  if (!row) throw new ApiError(404, 'not_found', `No experiment ${id}`, 'id');
  return fromRow(row);
}

/** The experiments serving traffic now. */
export async function runningExperiments(db: Database): Promise<Experiment[]> {
  return (await db.select().from(experiments).where(eq(experiments.status, 'running'))).map(fromRow);
}

/** Starts a draft (or restarts a stopped) experiment. */
export async function startExperiment(db: Database, id: string, now = Date.now()): Promise<Experiment> {
  const experiment = await getExperiment(db, id);
  if (experiment.status === 'running') return experiment;
  if (experiment.status === 'promoted') throw new ApiError(409, 'conflict', 'A promoted experiment cannot run again', 'id');
  await refuseOverlap(db, experiment.surfaces, id);
  await db
    .update(experiments)
    .set({ status: 'running', startedAt: experiment.startedAt ?? now, stoppedAt: null, stopReason: null })
    .where(eq(experiments.id, id));
  return getExperiment(db, id);
}

/** Stops an experiment, recording why. */
export async function stopExperiment(db: Database, id: string, reason: string, now = Date.now()): Promise<Experiment> {
  const experiment = await getExperiment(db, id);
  if (experiment.status !== 'running') return experiment;
  await db.update(experiments).set({ status: 'stopped', stoppedAt: now, stopReason: reason }).where(eq(experiments.id, id));
  return getExperiment(db, id);
}

/** Saves arms changed by the roll-up (bandit shares, guardrail stops). */
export async function saveArms(db: Database, id: string, arms: readonly Arm[]): Promise<void> {
  await db
    .update(experiments)
    .set({ arms: JSON.stringify(arms) })
    .where(eq(experiments.id, id));
}

/**
 * Makes an arm's configuration the default serving configuration of the experiment's
 * surfaces and ends the experiment as `promoted`.
 */
export async function promoteArm(db: Database, id: string, armName: string, now = Date.now()): Promise<Experiment> {
  const experiment = await getExperiment(db, id);
  const arm = experiment.arms.find((a) => a.name === armName);
  if (!arm) throw new ApiError(400, 'invalid_request', `No arm ${armName} in experiment ${id}`, 'arm');
  const defaults = await servingDefaults(db);
  for (const surface of experiment.surfaces) defaults[surface] = arm.config;
  await db.batch([
    db
      .insert(settings)
      .values({ key: SERVING_DEFAULTS_KEY, value: JSON.stringify(defaults), updatedAt: now })
      .onConflictDoUpdate({ target: settings.key, set: { value: JSON.stringify(defaults), updatedAt: now } }),
    db
      .update(experiments)
      .set({
        status: 'promoted',
        promoted: armName,
        stoppedAt: experiment.stoppedAt ?? now,
        stopReason: experiment.stopReason ?? `promoted ${armName}`,
      })
      .where(eq(experiments.id, id)),
  ]);
  return getExperiment(db, id);
}

/** The serving configuration of each surface where no experiment decides (promotions write it). */
export async function servingDefaults(db: Database): Promise<Partial<Record<Surface, ServingConfig>>> {
  const row = await db.select().from(settings).where(eq(settings.key, SERVING_DEFAULTS_KEY)).get();
  return row ? (JSON.parse(row.value) as Partial<Record<Surface, ServingConfig>>) : {};
}

/** The configuration a surface serves by default. */
export function defaultFor(defaults: Partial<Record<string, ServingConfig>>, surface: string): ServingConfig {
  return defaults[surface] ?? DEFAULT_SERVING;
}

async function refuseOverlap(db: Database, surfaces: readonly Surface[], self?: string): Promise<void> {
  const running = await db
    .select()
    .from(experiments)
    .where(inArray(experiments.status, ['running']));
  for (const row of running) {
    if (row.id === self) continue;
    const taken = (JSON.parse(row.surfaces) as string[]).find((s) => surfaces.includes(s as Surface));
    if (taken) throw new ApiError(409, 'conflict', `Experiment ${row.id} already runs on ${taken}; stop it first`, 'surfaces');
  }
}

import type { Database } from '../db/client.ts';
import { assignArm } from './assignment.ts';
import type { Experiment, ServingConfig } from './experiment-schema.ts';
import { defaultFor, runningExperiments, servesAt, servingDefaults } from './experiment-store.ts';

/** How one request is served: the configuration, and the experiment arm that chose it (if any). */
export interface ServingDecision {
  config: ServingConfig;
  experiment?: string;
  arm?: string;
  armIndex?: number;
}

/** What deciding needs to know: the running experiments and the default configuration per surface. */
export interface ServingState {
  running: readonly Experiment[];
  defaults: Partial<Record<string, ServingConfig>>;
}

/** Who asks, where, and when (default: now). */
export interface ServingQuestion {
  kind: string;
  user?: string;
  session?: string;
  now?: number;
}

/** How long an isolate keeps the running experiments before reading them again. */
export const SERVING_STATE_TTL_MS = 10_000;

let cached: { at: number; state: ServingState } | undefined;

/**
 * The running experiments and defaults, read from D1 at most once per 10 s per isolate (a
 * started, stopped or promoted experiment takes effect within that). Only the values are kept
 * across requests, never a read in flight: Workers forbid one request from waiting on I/O another
 * request started. A failed read serves the defaults without experiments rather than failing the
 * request.
 */
export async function servingState(db: Database, now = Date.now()): Promise<ServingState> {
  if (cached && now - cached.at < SERVING_STATE_TTL_MS) return cached.state;
  try {
    const [running, defaults] = await Promise.all([runningExperiments(db), servingDefaults(db)]);
    const state = { running, defaults };
    cached = { at: now, state };
    return state;
  } catch (err) {
    console.warn('experiments not readable, serving defaults', err);
    return { running: [], defaults: {} };
  }
}

/** Forgets the isolate's copy (after an admin change in this isolate). */
export function forgetServingState(): void {
  cached = undefined;
}

/**
 * Decides how to serve one request (pure, no I/O): the running experiment covering the
 * surface assigns the unit (`user`, else `session`) to an arm by hash; a request without a
 * unit, a surface without an experiment, or an arm a guardrail stopped gets the default.
 *
 * @example
 * decideServing(state, { kind: 'for-you', user: 'u-42' }); // { config, experiment: 'x-…', arm: 'control', armIndex: 0 }
 */
export function decideServing(state: ServingState, question: ServingQuestion): ServingDecision {
  const fallback = { config: defaultFor(state.defaults, question.kind) };
  const unit = question.user ?? question.session;
  if (!unit) return fallback;
  const now = question.now ?? Date.now();
  const experiment = state.running.find((e) => (e.surfaces as readonly string[]).includes(question.kind) && servesAt(e, now));
  if (!experiment) return fallback;
  const armIndex = assignArm(
    unit,
    experiment.id,
    experiment.arms.map((a) => a.share),
  );
  const arm = experiment.arms[armIndex]!;
  if (arm.stopped) return fallback;
  return { config: arm.config, experiment: experiment.id, arm: arm.name, armIndex };
}

import type { Comparison } from './compare.ts';
import { formatLift, formatP } from './format.ts';
import type { SrmResult } from './srm.ts';

/** One arm as the verdict sees it: its sample and its comparison with control on the primary metric. */
export interface VerdictArm {
  name: string;
  users: number;
  conversions: number;
  /** Null for the control arm. */
  comparison: Comparison | null;
  /** Stopped by a guardrail: never the winner. */
  stopped?: boolean;
}

/** The minimum sample before any verdict (Optimizely's rule: 100 users and 25 conversions per arm). */
export interface MinimumSample {
  users?: number;
  conversions?: number;
}

/** Settings of the verdict. */
export interface VerdictOptions {
  minimum?: MinimumSample;
  /** Family-wise error rate over the treatment-vs-control comparisons (Holm), default 0.05. */
  alpha?: number;
}

/** The experiment's verdict: `winner` is null until there is one, `reason` says why in words. */
export interface Verdict {
  winner: string | null;
  reason: string;
}

/** Arms below the minimum sample, as "name (n users, c conversions)". */
export function belowMinimum(arms: readonly VerdictArm[], minimum: MinimumSample = {}): string[] {
  const users = minimum.users ?? 100;
  const conversions = minimum.conversions ?? 25;
  return arms.filter((a) => a.users < users || a.conversions < conversions).map((a) => `${a.name} (${a.users} users, ${a.conversions} conversions)`);
}

/**
 * Holm's step-down procedure: which of the p-values are rejected at family-wise level α.
 * @example holmRejections([0.01, 0.04, 0.03], 0.05) // [true, false, false]
 */
export function holmRejections(pValues: readonly (number | null)[], alpha: number): boolean[] {
  const order = pValues.map((p, i) => ({ p: p ?? 1, i })).sort((a, b) => a.p - b.p);
  const rejected = pValues.map(() => false);
  for (let k = 0; k < order.length; k++) {
    if (order[k]!.p > alpha / (order.length - k)) break;
    rejected[order[k]!.i] = true;
  }
  return rejected;
}

/**
 * Decides the experiment on its primary metric. No verdict while the SRM check flags the
 * experiment or any arm is below the minimum sample. Then, with Holm's correction over the
 * treatment arms: the significantly better arm with the largest lift wins; if every treatment
 * is significantly worse, control wins; otherwise there is no winner yet.
 */
export function decideVerdict(input: { control: string; metric: string; arms: readonly VerdictArm[]; srm: SrmResult }, options: VerdictOptions = {}): Verdict {
  const alpha = Number((options.alpha ?? 0.05).toPrecision(6));
  if (input.srm.flagged) {
    return { winner: null, reason: `sample ratio mismatch (p = ${formatP(input.srm.pValue)}): assignment or logging is broken, no verdict` };
  }
  const short = belowMinimum(input.arms, options.minimum);
  if (short.length > 0) return { winner: null, reason: `not enough data yet: ${short.join(', ')}` };
  const treatments = input.arms.filter((a) => a.name !== input.control && a.comparison !== null);
  if (treatments.length === 0) return { winner: null, reason: 'no arm to compare with control' };
  const rejected = holmRejections(
    treatments.map((a) => a.comparison!.pValue),
    alpha,
  );
  const better = treatments
    .filter((a, i) => rejected[i] && (a.comparison!.lift.value ?? 0) > 0 && !a.stopped)
    .sort((a, b) => b.comparison!.lift.value! - a.comparison!.lift.value!);
  const best = better[0];
  if (best) {
    return {
      winner: best.name,
      reason: `${best.name} beats ${input.control} on ${input.metric} by ${formatLift(best.comparison!)} (p = ${formatP(best.comparison!.pValue)}, Holm-corrected α = ${alpha})`,
    };
  }
  const allWorse = treatments.every((a, i) => (rejected[i] && (a.comparison!.lift.value ?? 0) < 0) || a.stopped);
  if (allWorse) {
    return { winner: input.control, reason: `every other arm is significantly worse than ${input.control} on ${input.metric} (Holm-corrected α = ${alpha})` };
  }
  return { winner: null, reason: `no significant difference on ${input.metric} yet` };
}

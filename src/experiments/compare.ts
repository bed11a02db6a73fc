import { normalCdf, normalQuantile, normalSurvival } from './distributions.ts';
import type { Estimate } from './estimates.ts';
import { sequentialMultiplier, sequentialPValue, type SequentialOptions } from './sequential.ts';

/** How intervals and p-values are made: fixed horizon (look once) or always valid (look daily). */
export interface IntervalOptions {
  /** Confidence level, default 0.95. */
  confidence?: number;
  /** Set to use the always-valid confidence sequence instead of the fixed-horizon interval. */
  sequential?: SequentialOptions | boolean;
}

/** A value with its interval (null where the data cannot give one). */
export interface Interval {
  value: number | null;
  low: number | null;
  high: number | null;
}

/** An arm against control on one metric. */
export interface Comparison {
  /** Relative lift: treatment / control − 1. */
  lift: Interval;
  /** Two-sided p-value of "no difference" (always valid in sequential mode). */
  pValue: number | null;
  /** Posterior probability that the treatment's mean exceeds control's (flat priors, normal approximation). */
  chanceToBeatControl: number | null;
  /** The lift's interval excludes zero at the chosen level. */
  significant: boolean;
}

function sequentialOptions(options: IntervalOptions): SequentialOptions | null {
  if (!options.sequential) return null;
  return options.sequential === true ? {} : options.sequential;
}

/** Half-width multiplier of the interval for `users` users: z or the sequential boundary. */
export function intervalMultiplier(users: number, options: IntervalOptions = {}): number {
  const alpha = 1 - (options.confidence ?? 0.95);
  const sequential = sequentialOptions(options);
  return sequential ? sequentialMultiplier(users, alpha, sequential) : normalQuantile(1 - alpha / 2);
}

/** Two-sided p-value of a z-statistic (fixed horizon, or always valid for `users` users). */
export function twoSidedPValue(z: number, users: number, options: IntervalOptions = {}): number {
  const sequential = sequentialOptions(options);
  if (sequential) return sequentialPValue(z, users, 1 - (options.confidence ?? 0.95), sequential);
  return Math.min(1, 2 * normalSurvival(Math.abs(z)));
}

/**
 * An arm's value with its interval, value ± multiplier · sqrt(variance).
 * @example armInterval({ value: 0.5, variance: 0.0025, n: 100 }) // { value: 0.5, low: 0.402, high: 0.598 }
 */
export function armInterval(estimate: Estimate, options: IntervalOptions = {}): Interval {
  if (estimate.value === null || estimate.variance === null) return { value: estimate.value, low: null, high: null };
  const half = intervalMultiplier(estimate.n, options) * Math.sqrt(estimate.variance);
  return { value: estimate.value, low: estimate.value - half, high: estimate.value + half };
}

/**
 * Relative lift of `treatment` over `control` with the delta method for a ratio of two
 * independent means: Var(m_t/m_c) ≈ v_t/m_c² + m_t² v_c/m_c⁴ (v = variance of each mean). The
 * p-value tests lift = 0 with z = lift / se. Chance to beat control is Φ((m_t − m_c)/sqrt(v_t + v_c)).
 */
export function compareToControl(control: Estimate, treatment: Estimate, options: IntervalOptions = {}): Comparison {
  const none: Comparison = { lift: { value: null, low: null, high: null }, pValue: null, chanceToBeatControl: null, significant: false };
  const mc = control.value;
  const mt = treatment.value;
  const vc = control.variance;
  const vt = treatment.variance;
  if (mc === null || mt === null || vc === null || vt === null) return none;
  const differenceSe = Math.sqrt(vt + vc);
  const chance = differenceSe > 0 ? normalCdf((mt - mc) / differenceSe) : mt > mc ? 1 : mt < mc ? 0 : 0.5;
  if (mc <= 0) return { ...none, chanceToBeatControl: chance };
  const lift = mt / mc - 1;
  const se = Math.sqrt(vt / mc ** 2 + (mt ** 2 * vc) / mc ** 4);
  const users = control.n + treatment.n;
  if (se === 0) return { lift: { value: lift, low: lift, high: lift }, pValue: lift === 0 ? 1 : 0, chanceToBeatControl: chance, significant: lift !== 0 };
  const half = intervalMultiplier(users, options) * se;
  const low = lift - half;
  const high = lift + half;
  return {
    lift: { value: lift, low, high },
    pValue: twoSidedPValue(lift / se, users, options),
    chanceToBeatControl: chance,
    significant: low > 0 || high < 0,
  };
}

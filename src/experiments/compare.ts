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
 * Fieller's interval for the ratio θ = μ_t / μ_c of two independent means: every θ with
 * (m_t − θ m_c)² ≤ q² (v_t + θ² v_c). Bounded only when control's mean is itself clearly
 * non-zero (m_c² > q² v_c); otherwise null. It contains 1 exactly when |m_t − m_c| ≤
 * q √(v_t + v_c), so it always agrees with the difference test.
 */
export function fiellerInterval(mc: number, vc: number, mt: number, vt: number, q: number): [number, number] | null {
  const a = mc * mc - q * q * vc;
  if (a <= 0) return null;
  const discriminant = q * q * (mt * mt * vc + mc * mc * vt) - q ** 4 * vc * vt;
  if (discriminant < 0) return null;
  const root = Math.sqrt(discriminant);
  return [(mt * mc - root) / a, (mt * mc + root) / a];
}

/**
 * An arm against control: relative lift L = m_t / m_c − 1 with Fieller's interval, the
 * two-sided p-value of the difference z = (m_t − m_c) / √(v_t + v_c) (v = variance of each
 * mean, from the delta method for ratio metrics), and the chance to beat control
 * Φ((m_t − m_c) / √(v_t + v_c)). Interval, p-value and `significant` always agree.
 *
 * Not the delta-method interval L ± q·√(v_t/m_c² + m_t² v_c/m_c⁴): it is lopsided on skewed
 * metrics. In the A/A study (revenue per user, 144 users per arm) it called the treatment
 * significantly worse in 10% of runs and better in 0%, against 2.5% each; the difference test
 * gave 2.2% and 2.0% (see README). Fieller's interval approaches it as the sample grows.
 */
export function compareToControl(control: Estimate, treatment: Estimate, options: IntervalOptions = {}): Comparison {
  const none: Comparison = { lift: { value: null, low: null, high: null }, pValue: null, chanceToBeatControl: null, significant: false };
  const mc = control.value;
  const mt = treatment.value;
  const vc = control.variance;
  const vt = treatment.variance;
  if (mc === null || mt === null || vc === null || vt === null) return none;
  const users = control.n + treatment.n;
  const se = Math.sqrt(vt + vc);
  const difference = mt - mc;
  const z = se > 0 ? difference / se : difference === 0 ? 0 : Math.sign(difference) * Infinity;
  const pValue = se > 0 ? twoSidedPValue(z, users, options) : difference === 0 ? 1 : 0;
  const q = intervalMultiplier(users, options);
  const significant = Math.abs(z) > q;
  const chanceToBeatControl = se > 0 ? normalCdf(z) : difference > 0 ? 1 : difference < 0 ? 0 : 0.5;
  if (mc <= 0) return { ...none, pValue, chanceToBeatControl, significant };
  const ratio = fiellerInterval(mc, vc, mt, vt, q);
  return {
    lift: { value: mt / mc - 1, low: ratio ? ratio[0] - 1 : null, high: ratio ? ratio[1] - 1 : null },
    pValue,
    chanceToBeatControl,
    significant,
  };
}

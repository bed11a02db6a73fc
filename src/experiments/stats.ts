/**
 * Experiment statistics: per-arm sufficient statistics in, per-arm values with intervals,
 * lifts against control, SRM, guardrails and the verdict out. Pure: no binding, no I/O.
 * The formulas and references are in ./README.md.
 */
import { armInterval, compareToControl, type Comparison, type Interval, type IntervalOptions } from './compare.ts';
import { meanEstimate, ratioEstimate, type Estimate, type MeanSums, type RatioSums } from './estimates.ts';
import { guardrailDecisions, type GuardrailDecision } from './guardrail.ts';
import { sampleRatioMismatch, type SrmOptions, type SrmResult } from './srm.ts';
import { decideVerdict, type MinimumSample, type Verdict } from './verdict.ts';

export * from './bandit.ts';
export * from './compare.ts';
export * from './distributions.ts';
export * from './estimates.ts';
export * from './format.ts';
export * from './guardrail.ts';
export * from './sequential.ts';
export * from './srm.ts';
export * from './verdict.ts';

/** One metric's per-user sums: a mean per user, or a ratio of per-user sums (CTR). */
export type MetricSums = ({ kind: 'mean' } & MeanSums) | ({ kind: 'ratio' } & RatioSums);

/** One arm's data, as the roll-up rows give it. */
export interface ArmData {
  name: string;
  /** Configured traffic share (any positive scale; normalised for the SRM check). */
  share: number;
  /** Users exposed to the arm. */
  users: number;
  /** Conversions counted for the minimum-sample rule. */
  conversions: number;
  metrics: Record<string, MetricSums>;
  /**
   * Stopped earlier (by a guardrail or the shop): it takes no new users, so the SRM check
   * leaves it out (the running arms keep their ratio), and it never wins.
   */
  stopped?: boolean;
}

/** One metric of one arm: value and interval, and against control its lift, p-value and chance to beat it. */
export interface MetricResult extends Interval {
  /** Standard deviation of the metric per user (for a ratio, of its delta-method linearisation); null below two users. */
  stddev: number | null;
  lift: Interval | null;
  pValue: number | null;
  chanceToBeatControl: number | null;
}

/** One arm's results. */
export interface ArmResult {
  name: string;
  users: number;
  conversions: number;
  metrics: Record<string, MetricResult>;
  guardrail: GuardrailDecision | null;
}

/** What an experiment is judged on. */
export interface AnalysisInput {
  control: string;
  arms: readonly ArmData[];
  /** The metric the verdict is decided on (a key of every arm's `metrics`). */
  primaryMetric: string;
  /** Guardrail metrics; an arm significantly worse than control on one is stopped. Default: none. */
  guardrails?: readonly { metric: string; higherIsBetter?: boolean }[];
}

/** Settings: interval mode (fixed or sequential), minimum sample, SRM threshold, verdict α. */
export interface AnalysisOptions extends IntervalOptions {
  minimum?: MinimumSample;
  srm?: SrmOptions;
}

/** The whole analysis of one experiment. */
export interface Analysis {
  arms: ArmResult[];
  srm: SrmResult;
  verdict: Verdict;
}

/** Point estimate and variance of a metric's sums. */
export function estimateMetric(sums: MetricSums): Estimate {
  return sums.kind === 'ratio' ? ratioEstimate(sums) : meanEstimate(sums);
}

/**
 * Analyses an experiment: each arm's metrics with intervals and comparisons against control,
 * the SRM check, guardrail stops (checked only once the arm and control have the minimum sample) and the
 * verdict on the primary metric.
 */
export function analyseExperiment(input: AnalysisInput, options: AnalysisOptions = {}): Analysis {
  const control = input.arms.find((a) => a.name === input.control);
  if (!control) throw new RangeError(`control arm "${input.control}" is not among the arms`);
  const metricNames = [...new Set(input.arms.flatMap((a) => Object.keys(a.metrics)))];
  const comparisons = new Map<string, Map<string, Comparison | null>>();
  const arms: ArmResult[] = input.arms.map((arm) => {
    const perMetric = new Map<string, Comparison | null>();
    comparisons.set(arm.name, perMetric);
    const metrics: Record<string, MetricResult> = {};
    for (const name of metricNames) {
      const sums = arm.metrics[name];
      if (!sums) continue;
      const estimate = estimateMetric(sums);
      const controlSums = control.metrics[name];
      const comparison = arm === control || !controlSums ? null : compareToControl(estimateMetric(controlSums), estimate, options);
      perMetric.set(name, comparison);
      metrics[name] = {
        ...armInterval(estimate, options),
        stddev: estimate.variance === null ? null : Math.sqrt(estimate.variance * estimate.n),
        lift: comparison?.lift ?? null,
        pValue: comparison?.pValue ?? null,
        chanceToBeatControl: comparison?.chanceToBeatControl ?? null,
      };
    }
    return { name: arm.name, users: arm.users, conversions: arm.conversions, metrics, guardrail: null };
  });
  for (const guard of input.guardrails ?? []) {
    const decisions = guardrailDecisions(
      guard.metric,
      input.arms.map((a) => ({ name: a.name, users: a.users, conversions: a.conversions, comparison: comparisons.get(a.name)?.get(guard.metric) ?? null })),
      { higherIsBetter: guard.higherIsBetter, minUsers: options.minimum?.users, minConversions: options.minimum?.conversions },
    );
    decisions.forEach((d, i) => {
      if (d.stop && !arms[i]!.guardrail) arms[i]!.guardrail = d;
    });
  }
  const running = input.arms.filter((a) => !a.stopped);
  const srm = sampleRatioMismatch(
    running.map((a) => a.users),
    running.map((a) => a.share),
    options.srm,
  );
  const verdict = decideVerdict(
    {
      control: input.control,
      metric: input.primaryMetric,
      srm,
      arms: arms.map((a, i) => ({
        name: a.name,
        users: a.users,
        conversions: a.conversions,
        comparison: comparisons.get(a.name)?.get(input.primaryMetric) ?? null,
        stopped: a.guardrail !== null || input.arms[i]!.stopped === true,
      })),
    },
    { minimum: options.minimum, alpha: 1 - (options.confidence ?? 0.95) },
  );
  return { arms, srm, verdict };
}

import { type ArmPeriod, type ArmTotals, armPeriods, armTotals } from './arm-sums.ts';
import type { Experiment, MetricName } from './experiment-schema.ts';
import { METRICS } from './experiment-schema.ts';
import { type Analysis, type ArmData, type MetricResult, type SrmResult, type Verdict, analyseExperiment } from './stats.ts';

/** One arm in the results. */
export interface ArmResults extends Record<MetricName, MetricResult> {
  name: string;
  control: boolean;
  share: number;
  users: number;
  impressions: number;
  clicks: number;
  /** Users who bought at least once after exposure. */
  conversions: number;
  revenue: number;
  /** Set when a guardrail (or the shop) stopped the arm. */
  stopped: { at: number; reason: string } | null;
  /** The guardrail's reading now (null when none applies). */
  guardrail: { stop: boolean; reason: string | null } | null;
}

/** The metrics of each arm in one period, against control. */
export interface PeriodResults {
  day?: string;
  since?: number;
  arms: {
    name: string;
    users: number;
    impressions: number;
    clicks: number;
    conversions: number;
    revenue: number;
    ctr: MetricResult;
    conversion: MetricResult;
    revenuePerUser: MetricResult;
  }[];
}

/** `GET /v1/admin/experiments/:id/results`. */
export interface ExperimentResults {
  experiment: {
    id: string;
    name: string;
    status: string;
    mode: string;
    surfaces: string[];
    startedAt: number | null;
    stoppedAt: number | null;
    stopReason: string | null;
  };
  primaryMetric: MetricName;
  sequential: boolean;
  minimum: { users: number; conversions: number };
  arms: ArmResults[];
  srm: SrmResult & { note?: string };
  verdict: Verdict;
  /** Results per calendar day (users exposed by that day) and per day since each user's exposure (novelty). */
  byDay: PeriodResults[];
  bySinceExposure: PeriodResults[];
  generatedAt: number;
}

const empty = (arm: string): ArmTotals => ({
  arm,
  users: 0,
  impressions: 0,
  clicks: 0,
  converted: 0,
  revenue: 0,
  metrics: {
    ctr: { kind: 'ratio', n: 0, sumX: 0, sumXSquares: 0, sumY: 0, sumYSquares: 0, sumXY: 0 },
    conversion: { kind: 'mean', n: 0, sum: 0, sumSquares: 0 },
    revenuePerUser: { kind: 'mean', n: 0, sum: 0, sumSquares: 0 },
  },
});

function armData(experiment: Experiment, totals: readonly ArmTotals[]): ArmData[] {
  return experiment.arms.map((arm) => {
    const t = totals.find((x) => x.arm === arm.name) ?? empty(arm.name);
    return { name: arm.name, share: arm.share, users: t.users, conversions: t.converted, metrics: t.metrics, stopped: arm.stopped !== undefined };
  });
}

/**
 * Analyses an experiment's per-arm sums with the statistics module (`stats.ts`); guardrails are
 * read as always-valid when `sequentialGuardrails` (the roll-up checks them on every run).
 */
export function analyse(experiment: Experiment, totals: readonly ArmTotals[], sequentialGuardrails = false): Analysis {
  const control = experiment.arms.find((a) => a.control) ?? experiment.arms[0]!;
  return analyseExperiment(
    {
      control: control.name,
      arms: armData(experiment, totals),
      primaryMetric: experiment.settings.primaryMetric,
      guardrails: experiment.settings.guardrails.map((metric) => ({ metric })),
    },
    {
      sequential: sequentialGuardrails || experiment.settings.sequential,
      minimum: { users: experiment.settings.minUsers, conversions: experiment.settings.minConversions },
    },
  );
}

function periods(experiment: Experiment, rows: readonly ArmPeriod[], key: 'day' | 'since'): PeriodResults[] {
  const byPeriod = new Map<string | number, ArmPeriod[]>();
  for (const row of rows) byPeriod.set(row.period, [...(byPeriod.get(row.period) ?? []), row]);
  return [...byPeriod].map(([period, list]) => {
    const analysis = analyse(experiment, list);
    return {
      [key]: key === 'since' ? Number(period) : String(period),
      arms: analysis.arms.map((arm) => {
        const t = list.find((x) => x.arm === arm.name) ?? empty(arm.name);
        return {
          name: arm.name,
          users: t.users,
          impressions: t.impressions,
          clicks: t.clicks,
          conversions: t.converted,
          revenue: t.revenue,
          ctr: arm.metrics.ctr!,
          conversion: arm.metrics.conversion!,
          revenuePerUser: arm.metrics.revenuePerUser!,
        };
      }),
    };
  });
}

/** The results of an experiment from the roll-up's tables (SQL aggregates, never the event log). */
export async function experimentResults(d1: D1Database, experiment: Experiment, now = Date.now()): Promise<ExperimentResults> {
  const lastDay = new Date(now).toISOString().slice(0, 10);
  const [totals, daily, since] = await Promise.all([
    armTotals(d1, experiment.id),
    armPeriods(d1, experiment.id, 'day', lastDay),
    armPeriods(d1, experiment.id, 'since', lastDay),
  ]);
  const analysis = analyse(experiment, totals);
  const arms: ArmResults[] = experiment.arms.map((arm, i) => {
    const t = totals.find((x) => x.arm === arm.name) ?? empty(arm.name);
    const result = analysis.arms[i]!;
    const metrics = Object.fromEntries(METRICS.map((m) => [m, result.metrics[m]!])) as Record<MetricName, MetricResult>;
    return {
      name: arm.name,
      control: arm.control,
      share: arm.share,
      users: t.users,
      impressions: t.impressions,
      clicks: t.clicks,
      conversions: t.converted,
      revenue: t.revenue,
      ...metrics,
      stopped: arm.stopped ?? null,
      guardrail: result.guardrail ? { stop: result.guardrail.stop, reason: result.guardrail.reason } : null,
    };
  });
  const bandit = experiment.mode === 'bandit';
  const srm = bandit ? { ...analysis.srm, chiSquare: null, pValue: null, flagged: false, note: 'not checked in bandit mode: shares move' } : analysis.srm;
  let verdict = analysis.verdict;
  if (verdict.winner && experiment.arms.find((a) => a.name === verdict.winner)?.stopped) {
    verdict = { winner: null, reason: `${verdict.winner} leads but was stopped by a guardrail` };
  }
  return {
    experiment: {
      id: experiment.id,
      name: experiment.name,
      status: experiment.status,
      mode: experiment.mode,
      surfaces: experiment.surfaces,
      startedAt: experiment.startedAt,
      stoppedAt: experiment.stoppedAt,
      stopReason: experiment.stopReason,
    },
    primaryMetric: experiment.settings.primaryMetric,
    sequential: experiment.settings.sequential,
    minimum: { users: experiment.settings.minUsers, conversions: experiment.settings.minConversions },
    arms,
    srm,
    verdict,
    byDay: periods(experiment, daily, 'day'),
    bySinceExposure: periods(experiment, since, 'since'),
    generatedAt: now,
  };
}

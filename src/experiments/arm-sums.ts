import type { MetricName } from './experiment-schema.ts';
import type { MetricSums } from './stats.ts';

/** One arm's totals from the roll-up's per-unit rows, with each metric's per-user sums. */
export interface ArmTotals {
  arm: string;
  users: number;
  impressions: number;
  clicks: number;
  /** Users who bought at least once after exposure. */
  converted: number;
  revenue: number;
  metrics: Record<MetricName, MetricSums>;
}

/** One arm on one day (calendar day, or days since exposure): users counted and the metrics' sums. */
export interface ArmPeriod extends ArmTotals {
  period: string | number;
}

type Row = {
  arm: string;
  period?: string | number;
  users: number;
  impressions: number;
  impressions_sq: number;
  clicks: number;
  clicks_sq: number;
  clicks_impressions: number;
  converted: number;
  revenue: number;
  revenue_sq: number;
};

/** Per-user sums and sums of squares over rows of unit counters (`p` prefixes the columns). */
const sums = (p = '') =>
  `COALESCE(SUM(${p}impressions), 0) AS impressions, COALESCE(SUM(${p}impressions * ${p}impressions), 0) AS impressions_sq, ` +
  `COALESCE(SUM(${p}clicks), 0) AS clicks, COALESCE(SUM(${p}clicks * ${p}clicks), 0) AS clicks_sq, ` +
  `COALESCE(SUM(${p}clicks * ${p}impressions), 0) AS clicks_impressions, COALESCE(SUM(${p}conversions > 0), 0) AS converted, ` +
  `COALESCE(SUM(${p}revenue), 0) AS revenue, COALESCE(SUM(${p}revenue * ${p}revenue), 0) AS revenue_sq`;

function totals(row: Row, users = row.users): ArmTotals {
  return {
    arm: row.arm,
    users,
    impressions: row.impressions,
    clicks: row.clicks,
    converted: row.converted,
    revenue: row.revenue,
    metrics: {
      ctr: {
        kind: 'ratio',
        n: users,
        sumX: row.clicks,
        sumXSquares: row.clicks_sq,
        sumY: row.impressions,
        sumYSquares: row.impressions_sq,
        sumXY: row.clicks_impressions,
      },
      conversion: { kind: 'mean', n: users, sum: row.converted, sumSquares: row.converted },
      revenuePerUser: { kind: 'mean', n: users, sum: row.revenue, sumSquares: row.revenue_sq },
    },
  };
}

/** Per-arm totals of an experiment: SQL aggregates (n, sums, sums of squares) over its unit rows. */
export async function armTotals(d1: D1Database, experimentId: string): Promise<ArmTotals[]> {
  const { results } = await d1
    .prepare(`SELECT arm, COUNT(*) AS users, ${sums()} FROM experiment_units WHERE experiment_id = ?1 GROUP BY arm`)
    .bind(experimentId)
    .all<Row>();
  return results.map((row) => totals(row));
}

/**
 * Per-arm sums by days since exposure (novelty) or by calendar day. A unit counts in a period's
 * `n` once the period is within its observed time (exposed on or before that day), with zeros
 * when it did nothing that day, so each period's means are per exposed user.
 */
export async function armPeriods(d1: D1Database, experimentId: string, by: 'since' | 'day', lastDay: string): Promise<ArmPeriod[]> {
  const period = by === 'since' ? 'd.since' : "date(u.exposure_day, '+' || d.since || ' days')";
  const [activity, exposed] = await d1.batch<Row & { period: string | number }>([
    d1
      .prepare(
        `SELECT u.arm AS arm, ${period} AS period, COUNT(*) AS users, ${sums('d.')} ` +
          'FROM experiment_unit_days d JOIN experiment_units u ON u.experiment_id = d.experiment_id AND u.unit = d.unit WHERE d.experiment_id = ?1 GROUP BY 1, 2 ORDER BY 2, 1',
      )
      .bind(experimentId),
    d1.prepare('SELECT arm, exposure_day AS period, COUNT(*) AS users FROM experiment_units WHERE experiment_id = ?1 GROUP BY 1, 2').bind(experimentId),
  ]);
  const cohorts = exposed!.results as { arm: string; period: string; users: number }[];
  const lastMs = Date.parse(lastDay);
  const eligible = (arm: string, p: string | number) =>
    cohorts
      .filter((c) => c.arm === arm && (by === 'since' ? Date.parse(c.period) + Number(p) * 86_400_000 <= lastMs : c.period <= String(p)))
      .reduce((sum, c) => sum + c.users, 0);
  return activity!.results.map((row) => ({ ...totals(row, eligible(row.arm, row.period!)), period: row.period! }));
}

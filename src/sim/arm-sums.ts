import type { ArmData } from '../experiments/stats.ts';

/** One user's totals in an arm, as the simulation counts them. */
export interface UserCounts {
  impressions: number;
  clicks: number;
  purchases: number;
  revenue: number;
}

/** An arm with no users yet: CTR as a ratio of per-user sums, conversion and revenue per user as means. */
export function emptyArm(name: string, share: number): ArmData & { metrics: ReturnType<typeof emptyMetrics> } {
  return { name, share, users: 0, conversions: 0, metrics: emptyMetrics() };
}

function emptyMetrics() {
  return {
    ctr: { kind: 'ratio' as const, n: 0, sumX: 0, sumXSquares: 0, sumY: 0, sumYSquares: 0, sumXY: 0 },
    conversion: { kind: 'mean' as const, n: 0, sum: 0, sumSquares: 0 },
    revenuePerUser: { kind: 'mean' as const, n: 0, sum: 0, sumSquares: 0 },
  };
}

/** Adds one user to an arm's sums (conversion = bought at least once). */
export function addUser(arm: ReturnType<typeof emptyArm>, user: UserCounts): void {
  const converted = user.purchases > 0 ? 1 : 0;
  const { ctr, conversion, revenuePerUser } = arm.metrics;
  arm.users++;
  arm.conversions += converted;
  ctr.n++;
  ctr.sumX += user.clicks;
  ctr.sumXSquares += user.clicks ** 2;
  ctr.sumY += user.impressions;
  ctr.sumYSquares += user.impressions ** 2;
  ctr.sumXY += user.clicks * user.impressions;
  conversion.n++;
  conversion.sum += converted;
  conversion.sumSquares += converted;
  revenuePerUser.n++;
  revenuePerUser.sum += user.revenue;
  revenuePerUser.sumSquares += user.revenue ** 2;
}

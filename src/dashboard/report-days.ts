import type { Report } from '../reports/report-query.ts';
import type { RecommendationDays } from './pages/overview.ts';

/** A by-day report laid out on consecutive days (days without a row count zero). */
export function reportDays(report: Report, days: readonly string[]): RecommendationDays {
  const byDay = new Map(report.rows.map((r) => [r.day, r]));
  const pick = (f: (r: Report['rows'][number]) => number) => days.map((d) => (byDay.has(d) ? f(byDay.get(d)!) : 0));
  return { impressions: pick((r) => r.impressions), clicks: pick((r) => r.clicks), attributedRevenue: pick((r) => r.revenue) };
}

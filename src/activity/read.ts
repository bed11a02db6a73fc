import { and, count, gte, lte } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { dailyActivity, dailyShoppers } from '../db/schema.ts';

/** Daily figures over a range of UTC days, from the roll-up tables. */
export interface ActivitySeries {
  days: string[];
  /** Events per type, one value per day. */
  eventsByType: Map<string, number[]>;
  shoppers: number[];
  revenue: number[];
  purchases: number[];
}

/** Reads the roll-up for the UTC days `days` (consecutive, oldest first). */
export async function readActivity(db: Database, days: readonly string[]): Promise<ActivitySeries> {
  const first = days[0] ?? '';
  const last = days[days.length - 1] ?? '';
  const index = new Map(days.map((d, i) => [d, i]));
  const [rows, active] = await Promise.all([
    db
      .select()
      .from(dailyActivity)
      .where(and(gte(dailyActivity.day, first), lte(dailyActivity.day, last)))
      .all(),
    db
      .select({ day: dailyShoppers.day, n: count() })
      .from(dailyShoppers)
      .where(and(gte(dailyShoppers.day, first), lte(dailyShoppers.day, last)))
      .groupBy(dailyShoppers.day)
      .all(),
  ]);
  const zeros = () => days.map(() => 0);
  const series: ActivitySeries = { days: [...days], eventsByType: new Map(), shoppers: zeros(), revenue: zeros(), purchases: zeros() };
  for (const row of rows) {
    const i = index.get(row.day);
    if (i === undefined) continue;
    let values = series.eventsByType.get(row.type);
    if (!values) series.eventsByType.set(row.type, (values = zeros()));
    values[i] = row.events;
    series.revenue[i]! += row.revenue;
    if (row.type === 'purchase') series.purchases[i] = row.events;
  }
  for (const row of active) {
    const i = index.get(row.day);
    if (i !== undefined) series.shoppers[i] = row.n;
  }
  return series;
}

import { and, countDistinct, gte, lte } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { dailyShoppers } from '../db/schema.ts';

/** Distinct shoppers active on any of the UTC days `days` (consecutive, oldest first). */
export async function countDistinctShoppers(db: Database, days: readonly string[]): Promise<number> {
  const row = await db
    .select({ n: countDistinct(dailyShoppers.userId) })
    .from(dailyShoppers)
    .where(and(gte(dailyShoppers.day, days[0] ?? ''), lte(dailyShoppers.day, days[days.length - 1] ?? '')))
    .get();
  return row?.n ?? 0;
}

import type { Database } from '../db/client.ts';
import type { Campaign } from './campaign.ts';
import { paceAllowance } from './pacing.ts';
import { shopDay, shopWeek } from './shop-calendar.ts';

/** Who a slot is reserved for; `user` undefined (a shopper who opted out) keeps no capping state. */
export interface Viewer {
  user?: string;
  session?: string;
  timeZone: string;
  now: number;
}

/** Why a reservation failed, when it did. */
export type Reservation = { ok: true } | { ok: false; why: 'paced' | 'capped' };

const NO_CAP = 2_147_483_647;

/**
 * Reserves one delivery of a campaign for a viewer, atomically in D1, so that pacing and
 * frequency caps hold under concurrent picks from any number of isolates (D1 runs each
 * statement against one primary, serially):
 *
 * 1. pacing: `UPDATE campaign_counters SET served = served + 1 WHERE served < allowance`;
 * 2. caps: one upsert of the shopper's row that counts the day (shop calendar), ISO week and
 *    session, resetting a period whose key changed, `WHERE` every count is under its cap;
 * 3. if the caps refused, the pacing slot is given back.
 *
 * A statement that changes no row returns nothing, which is the refusal.
 */
export async function reserveDelivery(db: Database, campaign: Campaign, viewer: Viewer): Promise<Reservation> {
  const d1 = db.$client;
  const allowance = campaign.goal?.type === 'impressions' ? paceAllowance(campaign, viewer.now) : NO_CAP;
  if (allowance < 1) return { ok: false, why: 'paced' };
  const paced = await d1
    .prepare(
      `INSERT INTO campaign_counters (campaign_id, served) VALUES (?1, 1)
       ON CONFLICT (campaign_id) DO UPDATE SET served = served + 1 WHERE served < ?2 RETURNING served`,
    )
    .bind(campaign.id, Math.min(allowance, NO_CAP))
    .first();
  if (!paced) return { ok: false, why: 'paced' };
  const { perDay, perWeek, perSession } = campaign.caps;
  if (!viewer.user || (perDay === undefined && perWeek === undefined && perSession === undefined)) return { ok: true };
  const capped = await d1
    .prepare(
      `INSERT INTO campaign_caps (campaign_id, user_id, day, day_count, week, week_count, session, session_count)
       VALUES (?1, ?2, ?3, 1, ?4, 1, ?5, 1)
       ON CONFLICT (campaign_id, user_id) DO UPDATE SET
         day_count = CASE WHEN day = excluded.day THEN day_count + 1 ELSE 1 END,
         day = excluded.day,
         week_count = CASE WHEN week = excluded.week THEN week_count + 1 ELSE 1 END,
         week = excluded.week,
         session_count = CASE WHEN session IS excluded.session THEN session_count + 1 ELSE 1 END,
         session = excluded.session
       WHERE (day != excluded.day OR day_count < ?6)
         AND (week != excluded.week OR week_count < ?7)
         AND (excluded.session IS NULL OR session IS NOT excluded.session OR session_count < ?8)
       RETURNING day_count`,
    )
    .bind(
      campaign.id,
      viewer.user,
      shopDay(viewer.now, viewer.timeZone),
      shopWeek(viewer.now, viewer.timeZone),
      viewer.session ?? null,
      perDay ?? NO_CAP,
      perWeek ?? NO_CAP,
      perSession ?? NO_CAP,
    )
    .first();
  if (capped) return { ok: true };
  await d1.prepare('UPDATE campaign_counters SET served = served - 1 WHERE campaign_id = ?1 AND served > 0').bind(campaign.id).run();
  return { ok: false, why: 'capped' };
}

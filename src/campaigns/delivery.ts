import type { Database } from '../db/client.ts';
import { acquireLease, releaseLease } from '../rebuild/lease.ts';
import type { Campaign } from './campaign.ts';
import { listCampaigns } from './campaign-store.ts';
import { paceAllowance } from './pacing.ts';

const ROLLUP_KEY = 'campaigns:rolled-up-seq';
const LEASE = 'campaign-rollup';

/**
 * Adds the impressions and clicks tracked since the last roll-up (events whose rid is a
 * campaign's, `c~<id>~...`) to the campaigns' counters: one pass over the new part of the log
 * by sequence number, in one D1 batch with the new mark, under a lease so that overlapping crons
 * never count twice. The 5-minute cron runs it; click goals and Thompson sampling read it.
 */
export async function rollUpDelivery(db: Database, now = Date.now()): Promise<{ status: 'rolled-up' | 'busy'; campaigns: number }> {
  const holder = crypto.randomUUID();
  if (!(await acquireLease(db, LEASE, holder, 60_000, now))) return { status: 'busy', campaigns: 0 };
  try {
    const d1 = db.$client;
    const from = Number((await d1.prepare('SELECT value FROM settings WHERE key = ?1').bind(ROLLUP_KEY).first<{ value: string }>())?.value ?? 0);
    const to = (await d1.prepare('SELECT max(seq) AS seq FROM events').first<{ seq: number | null }>())?.seq ?? 0;
    if (to <= from) return { status: 'rolled-up', campaigns: 0 };
    const [counted] = await d1.batch([
      d1
        .prepare(
          `INSERT INTO campaign_counters (campaign_id, impressions, clicks)
           SELECT campaign, sum(type = 'impression'), sum(type = 'click') FROM (
             SELECT substr(rid, 3, instr(substr(rid, 3), '~') - 1) AS campaign, type FROM events
             WHERE seq > ?1 AND seq <= ?2 AND rid LIKE 'c~%~%'
           ) WHERE campaign != '' GROUP BY campaign
           ON CONFLICT (campaign_id) DO UPDATE SET impressions = impressions + excluded.impressions, clicks = clicks + excluded.clicks`,
        )
        .bind(from, to),
      d1
        .prepare(
          `INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        )
        .bind(ROLLUP_KEY, String(to), now),
    ]);
    return { status: 'rolled-up', campaigns: counted?.meta.changes ?? 0 };
  } finally {
    await releaseLease(db, LEASE, holder);
  }
}

/** A campaign's delivery against its goal (for the admin API and the dashboard). */
export interface CampaignDelivery {
  id: string;
  name: string;
  tier: string;
  enabled: boolean;
  served: number;
  impressions: number;
  clicks: number;
  ctr: number | null;
  goal: Campaign['goal'];
  /** Where even pacing says delivery should be by now (null without a goal). */
  expectedByNow: number | null;
  /** Delivered over expected (1 = on pace). */
  pace: number | null;
}

/** Delivery against goal of every campaign, from the counters (served at pick time; impressions and clicks as of the last roll-up). */
export async function campaignDelivery(db: Database, now = Date.now()): Promise<CampaignDelivery[]> {
  return (await listCampaigns(db, true, now)).map((c) => {
    const expected = c.goal ? Math.max(0, paceAllowance(c, now) - Math.max(1, Math.round(c.goal.total * 0.01))) : null;
    const done = c.goal?.type === 'clicks' ? c.clicks : c.served;
    return {
      id: c.id,
      name: c.name,
      tier: c.tier,
      enabled: c.enabled,
      served: c.served,
      impressions: c.impressions,
      clicks: c.clicks,
      ctr: c.impressions > 0 ? c.clicks / c.impressions : null,
      goal: c.goal,
      expectedByNow: expected,
      pace: expected ? done / expected : null,
    };
  });
}

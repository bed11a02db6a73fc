import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { campaignCounters, campaigns } from '../db/schema.ts';
import type { Campaign, CampaignSpec, Caps, Creative, Target, Tier } from './campaign.ts';

/** How long an isolate keeps the campaigns (and their counters) before reading D1 again. */
const CAMPAIGNS_TTL_MS = 10_000;
let cached: { at: number; campaigns: Campaign[] } | undefined;

/** Every campaign with its counters, oldest first; cached per isolate for 10 s unless `fresh`. */
export async function listCampaigns(db: Database, fresh = false, now = Date.now()): Promise<Campaign[]> {
  if (!fresh && cached && now - cached.at < CAMPAIGNS_TTL_MS) return cached.campaigns;
  const rows = await db
    .select({
      c: campaigns,
      served: sql<number>`coalesce(${campaignCounters.served}, 0)`,
      impressions: sql<number>`coalesce(${campaignCounters.impressions}, 0)`,
      clicks: sql<number>`coalesce(${campaignCounters.clicks}, 0)`,
    })
    .from(campaigns)
    .leftJoin(campaignCounters, eq(campaignCounters.campaignId, campaigns.id))
    .orderBy(campaigns.createdAt, campaigns.id);
  const list = rows.map(({ c, served, impressions, clicks }) => ({
    id: c.id,
    name: c.name,
    enabled: c.enabled,
    creative: JSON.parse(c.creative) as Creative,
    target: JSON.parse(c.target) as Target,
    placements: JSON.parse(c.placements) as string[],
    tier: c.tier as Tier,
    weight: c.weight,
    startsAt: c.startsAt,
    endsAt: c.endsAt,
    goal: c.goalType && c.goal ? { type: c.goalType as 'impressions' | 'clicks', total: c.goal } : null,
    caps: JSON.parse(c.caps) as Caps,
    createdAt: c.createdAt,
    served,
    impressions,
    clicks,
  }));
  cached = { at: now, campaigns: list };
  return list;
}

/** Forgets the isolate's copy (after a change in this isolate). */
export function forgetCachedCampaigns(): void {
  cached = undefined;
}

/** Creates or replaces a campaign (its counters stay); `startsAt` defaults to now. Returns whether it was new. */
export async function saveCampaign(db: Database, id: string, spec: CampaignSpec, now = Date.now()): Promise<boolean> {
  const existing = await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.id, id)).get();
  const fields = {
    name: spec.name,
    enabled: spec.enabled,
    creative: JSON.stringify(spec.creative),
    target: JSON.stringify(spec.target),
    placements: JSON.stringify(spec.placements),
    tier: spec.tier,
    weight: spec.weight,
    startsAt: spec.startsAt ?? now,
    endsAt: spec.endsAt ?? null,
    goalType: spec.goal?.type ?? null,
    goal: spec.goal?.total ?? null,
    caps: JSON.stringify(spec.caps),
  };
  await db
    .insert(campaigns)
    .values({ id, createdAt: now, ...fields })
    .onConflictDoUpdate({ target: campaigns.id, set: fields });
  forgetCachedCampaigns();
  return !existing;
}

/** Deletes a campaign and its counters; false when there was none. */
export async function deleteCampaign(db: Database, id: string): Promise<boolean> {
  const gone = await db.delete(campaigns).where(eq(campaigns.id, id)).returning({ id: campaigns.id });
  await db.delete(campaignCounters).where(eq(campaignCounters.campaignId, id));
  forgetCachedCampaigns();
  return gone.length > 0;
}

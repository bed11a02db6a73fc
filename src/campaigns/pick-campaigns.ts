import { currentShopper } from '../audiences/current-shopper.ts';
import type { Database } from '../db/client.ts';
import { CAMPAIGN_RID_PREFIX } from '../experiments/rid-tag.ts';
import { type Random, seededRandom } from '../random.ts';
import { CAMPAIGN_ITEM_PREFIX } from '../model/events.ts';
import type { Campaign, Creative, Tier } from './campaign.ts';
import { listCampaigns } from './campaign-store.ts';
import { type PickStrategy, decisionOrder } from './decision-order.ts';
import { eligibleCampaigns } from './eligibility.ts';
import { reserveDelivery } from './reserve-delivery.ts';

/** One pick request: a shopper on a placement, wanting up to `count` campaigns. */
export interface PickRequest {
  user: string;
  session?: string;
  placement: string;
  count: number;
  country?: string;
  /** The country Cloudflare saw the request from: used when neither the request nor the shopper's events say. */
  requestCountry?: string;
  device?: string;
  /** The page knows the shopper opted out (a consent banner): no targeting, no capping state. */
  optOut?: boolean;
  strategy?: PickStrategy;
}

/** A chosen campaign with what the page shows and how it reports back. */
export interface Decision {
  rank: number;
  campaign: { id: string; name: string; tier: Tier };
  creative: Creative;
  reason: string;
  rid: string;
  /** Events to send to `POST /v1/events` (add an `id`) when the banner is shown and clicked. */
  tracking: { impression: Record<string, unknown>; click: Record<string, unknown> };
}

/** The answer: decisions in order, and what was skipped on the way (paced or capped). */
export interface PickAnswer {
  placement: string;
  decisions: Decision[];
  optedOut: boolean;
  skipped: Array<{ id: string; why: 'paced' | 'capped' }>;
  degraded?: string;
}

/** The rid of a campaign decision: `c~<campaign>~<random>`; events carrying it are the campaign's. */
export function campaignRid(campaign: string): string {
  return `${CAMPAIGN_RID_PREFIX}${campaign}~${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

/**
 * Picks campaigns for a shopper: their segments now (the last refresh moved forward by their
 * fresh events), the eligible campaigns, the decision order (tier, then weighted lottery or
 * Thompson sampling), and a reservation per decision that enforces pacing and caps in D1. A
 * reservation refused (another request took the last slot) moves on to the next campaign. A
 * failing D1 answers no campaign, marked `degraded`, rather than risk breaking a cap.
 */
export async function pickCampaigns(db: Database, request: PickRequest, options: { timeZone: string; now?: number; random?: Random }): Promise<PickAnswer> {
  const now = options.now ?? Date.now();
  const answer: PickAnswer = { placement: request.placement, decisions: [], optedOut: request.optOut === true, skipped: [] };
  let campaigns: Campaign[];
  try {
    campaigns = await listCampaigns(db, false, now);
  } catch (err) {
    console.error('campaigns unavailable', err);
    return { ...answer, degraded: 'campaigns unavailable' };
  }
  if (!campaigns.some((c) => c.enabled)) return answer;
  let segments = new Set<string>();
  let country = request.country;
  let device = request.device;
  if (!answer.optedOut) {
    try {
      const shopper = await currentShopper(db, request.user, now);
      answer.optedOut = shopper.facts?.optOut === true;
      segments = new Set(Object.keys(shopper.segments));
      country ??= shopper.facts?.country;
      device ??= shopper.facts?.device;
    } catch (err) {
      console.error('shopper segments unavailable', err);
      answer.degraded = 'segments unavailable: untargeted campaigns only';
      answer.optedOut = true;
    }
  }
  if (answer.optedOut) segments = new Set();
  country ??= request.requestCountry;
  const eligible = eligibleCampaigns(campaigns, { segments, country, device, optedOut: answer.optedOut, placement: request.placement, now });
  const viewer = { user: answer.optedOut ? undefined : request.user, session: request.session, timeZone: options.timeZone, now };
  for (const candidate of decisionOrder(eligible, options.random ?? seededRandom(crypto.getRandomValues(new Uint32Array(1))[0]!), request.strategy)) {
    if (answer.decisions.length >= request.count) break;
    const { campaign } = candidate;
    try {
      const reserved = await reserveDelivery(db, campaign, viewer);
      if (!reserved.ok) {
        answer.skipped.push({ id: campaign.id, why: reserved.why });
        continue;
      }
    } catch (err) {
      console.error('campaign reservation failed', err);
      return { ...answer, degraded: 'delivery counters unavailable' };
    }
    const rid = campaignRid(campaign.id);
    const base = { user: request.user, ...(request.session && { session: request.session }), rid, context: { placement: request.placement } };
    answer.decisions.push({
      rank: answer.decisions.length,
      campaign: { id: campaign.id, name: campaign.name, tier: campaign.tier },
      creative: campaign.creative,
      reason: candidate.reason,
      rid,
      tracking: {
        impression: { type: 'impression', items: [`${CAMPAIGN_ITEM_PREFIX}${campaign.id}`], ...base },
        click: { type: 'click', item: `${CAMPAIGN_ITEM_PREFIX}${campaign.id}`, ...base },
      },
    });
  }
  return answer;
}

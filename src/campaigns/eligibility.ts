import { type Campaign, untargeted } from './campaign.ts';
import { delivered, paceAllowance } from './pacing.ts';

/** Who is asking, as far as targeting goes. */
export interface PickContext {
  /** The shopper's current segments (empty for a shopper who opted out). */
  segments: ReadonlySet<string>;
  country?: string;
  device?: string;
  optedOut: boolean;
  placement: string;
  now: number;
}

/** A campaign that may serve, with the reason in words. */
export interface EligibleCampaign {
  campaign: Campaign;
  reason: string;
}

/**
 * The campaigns that may serve this request: enabled, in schedule, for the placement, on pace,
 * and targeting this shopper (every given condition: any of the segments, none of the
 * excluded, the country, the device). A shopper who opted out gets only untargeted campaigns.
 */
export function eligibleCampaigns(campaigns: readonly Campaign[], context: PickContext): EligibleCampaign[] {
  const out: EligibleCampaign[] = [];
  for (const campaign of campaigns) {
    const reason = whyEligible(campaign, context);
    if (reason !== undefined) out.push({ campaign, reason });
  }
  return out;
}

function whyEligible(c: Campaign, ctx: PickContext): string | undefined {
  if (!c.enabled || ctx.now < c.startsAt || (c.endsAt !== null && ctx.now >= c.endsAt)) return undefined;
  if (c.placements.length > 0 && !c.placements.includes(ctx.placement)) return undefined;
  if (c.goal && delivered(c) >= paceAllowance(c, ctx.now)) return undefined;
  const t = c.target;
  if (untargeted(t)) return 'shown to everyone';
  if (ctx.optedOut) return undefined;
  const why: string[] = [];
  if (t.segments?.length) {
    const hit = t.segments.find((s) => ctx.segments.has(s));
    if (!hit) return undefined;
    why.push(`in segment ${hit}`);
  }
  if (t.excludeSegments?.some((s) => ctx.segments.has(s))) return undefined;
  if (t.countries?.length) {
    if (!ctx.country || !t.countries.some((x) => x.toUpperCase() === ctx.country!.toUpperCase())) return undefined;
    why.push(`in ${ctx.country.toUpperCase()}`);
  }
  if (t.devices?.length) {
    if (!ctx.device || !t.devices.some((x) => x.toLowerCase() === ctx.device!.toLowerCase())) return undefined;
    why.push(`on ${ctx.device.toLowerCase()}`);
  }
  return why.length ? `targets shoppers ${why.join(', ')}` : 'not excluded';
}

import { sampleBeta } from '../experiments/bandit.ts';
import type { Random } from '../random.ts';
import { TIERS } from './campaign.ts';
import type { EligibleCampaign } from './eligibility.ts';

/** How a tier's lottery draws: by weight, or by Thompson sampling on each campaign's click-through rate. */
export type PickStrategy = 'weighted' | 'thompson';

/** An eligible campaign in decision order, with why it stands where it does. */
export interface OrderedCampaign extends EligibleCampaign {
  rank: number;
}

/**
 * Orders eligible campaigns for serving: tier by tier (override, contract, remnant, house), and
 * within a tier by a lottery without replacement, each draw weighted by the campaign's `weight`
 * (or, with `thompson`, the campaign whose sampled CTR is highest goes first). The reason says
 * the tier and the odds.
 *
 * @example
 * decisionOrder(eligible, seededRandom(42)); // override campaigns first, then contract...
 */
export function decisionOrder(eligible: readonly EligibleCampaign[], random: Random, strategy: PickStrategy = 'weighted'): OrderedCampaign[] {
  const out: OrderedCampaign[] = [];
  for (const tier of TIERS) {
    const pool = eligible.filter((e) => e.campaign.tier === tier);
    const total = pool.reduce((sum, e) => sum + e.campaign.weight, 0);
    const drawn = strategy === 'thompson' ? byThompson(pool, random) : byWeight(pool, random);
    for (const e of drawn) {
      const odds =
        strategy === 'thompson' ? `Thompson sampling on CTR (${e.campaign.clicks}/${e.campaign.impressions})` : `weight ${e.campaign.weight} of ${total}`;
      out.push({ ...e, rank: out.length, reason: `${tier} tier, ${e.reason}, ${odds} among ${pool.length} in the tier` });
    }
  }
  return out;
}

function byWeight(pool: readonly EligibleCampaign[], random: Random): EligibleCampaign[] {
  const left = [...pool];
  const out: EligibleCampaign[] = [];
  while (left.length > 0) {
    let target = random.next() * left.reduce((sum, e) => sum + e.campaign.weight, 0);
    let i = 0;
    while (i < left.length - 1 && (target -= left[i]!.campaign.weight) >= 0) i++;
    out.push(left.splice(i, 1)[0]!);
  }
  return out;
}

function byThompson(pool: readonly EligibleCampaign[], random: Random): EligibleCampaign[] {
  const sampled = pool.map((e) => ({ e, ctr: sampleBeta(1 + e.campaign.clicks, 1 + Math.max(0, e.campaign.impressions - e.campaign.clicks), random) }));
  return sampled.sort((a, b) => b.ctr - a.ctr).map((s) => s.e);
}

import { RFM_GROUPS } from './rfm.ts';
import { segmentName } from './segment-store.ts';
import type { ShopperArm } from '../experiments/shopper-arms.ts';
import type { CurrentShopper } from './current-shopper.ts';

const DAY_MS = 86_400_000;

function ago(now: number, ts: number): string {
  const days = Math.floor((now - ts) / DAY_MS);
  if (days <= 0) return 'today';
  return days === 1 ? 'yesterday' : `${days} days ago`;
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

/** The profile as a marketer reads it: one sentence per aspect. */
export interface ProfileExplanation {
  purchases: string;
  rfm: string;
  interests: string;
  activity: string;
  segments: string;
  experiments: string;
}

/**
 * Explains a shopper in plain words ("bought 3 times, last 12 days ago, spent 245.00; top
 * category audio 41%").
 *
 * @example
 * explainProfile(await currentShopper(db, 'u-42'), Date.now()).purchases; // 'Bought 3 times, last 12 days ago, spent 245.00 in total.'
 */
export function explainProfile(shopper: CurrentShopper, now: number, arms: readonly ShopperArm[] = []): ProfileExplanation {
  const { facts } = shopper;
  const experiments = explainArms(arms);
  if (!facts) {
    const none = 'Nothing known: no events in the window of the last refresh or since.';
    return { purchases: none, rfm: 'Not scored.', interests: 'No interests known.', activity: none, segments: 'In no segment.', experiments };
  }
  const purchases =
    facts.orders === 0
      ? 'Has not bought yet.'
      : `Bought ${facts.orders === 1 ? 'once' : `${facts.orders} times`}, last ${ago(now, facts.lastPurchase!)}, spent ${facts.monetary.toFixed(2)} in total.`;
  const rfm =
    shopper.rfm && shopper.group
      ? `RFM ${shopper.rfm.join('-')} (recency, frequency, value; 5 is the best fifth of buyers): ${RFM_GROUPS[shopper.group].name}, ${RFM_GROUPS[shopper.group].meaning}.`
      : 'Not in the RFM grid (only buyers are scored).';
  const interests =
    facts.categories.length === 0
      ? 'No category interest known yet.'
      : `Top ${facts.categories.length === 1 ? 'category' : 'categories'} ${facts.categories
          .slice(0, 3)
          .map(([c, s]) => `${c} ${percent(s)}`)
          .join(', ')}.`;
  const where = [facts.device && `on ${facts.device}`, facts.country && `in ${facts.country}`, facts.source && `from ${facts.source}`]
    .filter(Boolean)
    .join(' ');
  const activity = `First seen ${ago(now, facts.firstSeen)}, last active ${ago(now, facts.lastSeen)}${where ? ` ${where}` : ''}.${facts.optOut ? ' Opted out of tracking: no segments and no targeting.' : ''}`;
  const ids = Object.keys(shopper.segments);
  const segments = ids.length === 0 ? 'In no segment.' : `In ${ids.map((id) => segmentName(id, shopper.definitions)).join(', ')}.`;
  return { purchases, rfm, interests, activity, segments, experiments };
}

function explainArms(arms: readonly ShopperArm[]): string {
  if (arms.length === 0) return 'In no experiment.';
  const one = (a: ShopperArm) =>
    `arm ${a.arm} of "${a.name}" (${a.status === 'running' ? (a.armStopped ? 'arm stopped by a guardrail, served the default' : 'running') : `experiment ${a.status}`})`;
  return `In ${arms.map(one).join('; ')}.`;
}

import type { Campaign } from './campaign.ts';

/** Deliveries allowed ahead of the even line: 1% of the goal (at least 1), so pacing holds within a few percent. */
export const PACING_SLACK = 0.01;

/**
 * How many of its goal a campaign may have delivered by `now`: with an end date, the even line
 * `goal x elapsed share of the schedule` plus a small slack; without one, the whole goal (as fast
 * as eligible). Infinity without a goal.
 *
 * @example
 * // goal 1,000 over 10 days, 5 days in: 500 + 10
 * paceAllowance({ goal: { type: 'impressions', total: 1000 }, startsAt: 0, endsAt: 10 * DAY }, 5 * DAY); // 510
 */
export function paceAllowance(campaign: Pick<Campaign, 'goal' | 'startsAt' | 'endsAt'>, now: number): number {
  const { goal, startsAt, endsAt } = campaign;
  if (!goal) return Infinity;
  if (endsAt === null) return goal.total;
  const share = Math.min(1, Math.max(0, (now - startsAt) / (endsAt - startsAt)));
  return Math.min(goal.total, Math.floor(goal.total * share) + Math.max(1, Math.round(goal.total * PACING_SLACK)));
}

/** What a campaign's goal counts so far: picks that reserved a slot (impressions) or tracked clicks. */
export function delivered(campaign: Pick<Campaign, 'goal' | 'served' | 'clicks'>): number {
  return campaign.goal?.type === 'clicks' ? campaign.clicks : campaign.served;
}

import type { NeighbourLookup } from './neighbour-list.ts';
import { roundWeight } from './neighbour-list.ts';
import { defaultScoring, recommendFromHistory, scoredHistoryItems } from './recommend.ts';
import type { Scoring } from './selection/model-choice.ts';
import { type UserProfile, profileHistory } from './user-profile.ts';

/**
 * A profile's personal candidates, scored at build time `builtAt` with the same function
 * serving uses. Scores are linear in the history weights, and every weight decays by the same
 * factor between `builtAt` and a later time, so serving gets today's scores by multiplying with
 * `decay(now - builtAt, halfLifeMs)` (of the published model's `scoring`) and adds the session's own candidates:
 * no neighbour list of the profile's history has to be read per request. The third number of
 * each candidate is the index, in `profileHistory(profile)`, of the item it is "because" of.
 *
 * @example
 * profile.forYou = precomputeForYou(profile, neighbourTable, Date.now());
 */
export function precomputeForYou(
  profile: UserProfile,
  neighbours: NeighbourLookup,
  builtAt: number,
  limit = 40,
  scoring: Scoring = defaultScoring,
): Array<[string, number, number]> {
  const history = profileHistory(profile);
  return recommendFromHistory({ history, neighbours, now: builtAt, limit, includeSeen: true, ...scoring }).map((r) => [
    r.item,
    roundWeight(r.score),
    history.findIndex((h) => h.item === r.because),
  ]);
}

/** The items whose neighbour lists {@link precomputeForYou} reads for a profile (`maxHistory` of the published model). */
export function forYouSources(profile: UserProfile, maxHistory: number = defaultScoring.maxHistory): string[] {
  return scoredHistoryItems(profileHistory(profile), maxHistory);
}

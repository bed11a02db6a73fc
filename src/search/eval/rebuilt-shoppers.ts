/**
 * What a rebuild at a given time publishes about the shoppers of a history, built by the
 * rebuild's own builders: profiles (`createUserProfilesBuilder`) with their "for you"
 * candidates (`precomputeForYou`) and the items' neighbour lists (`createSimilarItemsBuilder`).
 * The model is the default choice (the rebuild's model selection is not run).
 */
import type { ShopEvent } from '../../model/events.ts';
import { precomputeForYou } from '../../model/precompute-for-you.ts';
import { defaultChoice, scoringOf } from '../../model/selection/model-choice.ts';
import { createSimilarItemsBuilder } from '../../model/similar-items/similar-items.ts';
import { createUserProfilesBuilder, type UserProfile } from '../../model/user-profile.ts';
import type { NeighbourList } from '../../model/neighbour-list.ts';
import type { SearchableItem } from '../analyze.ts';
import type { Suggesting } from '../personal.ts';

const PAGE = 1000;

/** Profiles by shopper and what serving needs to score their personal candidates at time `now`. */
export interface RebuiltShoppers {
  profiles: Map<string, UserProfile>;
  suggesting(now: number): Suggesting;
}

/**
 * The rebuild of `history` (time order) at `builtAt`.
 *
 * @example rebuiltShoppers(items, historyEvents, cut).profiles.get('u1')?.forYou
 */
export function rebuiltShoppers(items: readonly SearchableItem[], history: readonly ShopEvent[], builtAt: number, k = 100): RebuiltShoppers {
  const profiles = createUserProfilesBuilder({ catalog: { categories: new Map(items.map((item) => [item.id, item.categories])) } });
  const similar = createSimilarItemsBuilder({ k, similarity: defaultChoice.similarity });
  for (let at = 0; at < history.length; at += PAGE) {
    const page = history.slice(at, at + PAGE);
    profiles.add(page);
    similar.add(page);
  }
  const table = new Map<string, NeighbourList>(similar.finish(builtAt).rows());
  const scoring = scoringOf(defaultChoice);
  const built = new Map<string, UserProfile>();
  for (const [user, profile] of profiles.finish(builtAt))
    built.set(user, { ...profile, forYou: precomputeForYou(profile, table, builtAt, undefined, scoring) });
  return {
    profiles: built,
    suggesting: (now) => ({ neighbours: (item) => table.get(item), now, builtAt, model: defaultChoice }),
  };
}

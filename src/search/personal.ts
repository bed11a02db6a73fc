/**
 * The shopper's signals for ranking a search, from their profile (built at rebuild) and what
 * they did since (the log's newest events): pure, used by the request path and the evaluation.
 */
import type { HistoryEntry } from '../model/recommend.ts';
import type { ModelChoice } from '../model/selection/model-choice.ts';
import type { UserProfile } from '../model/user-profile.ts';
import { forYouCandidates } from '../serve/candidates.ts';
import type { RankSignals } from './rank.ts';
import type { LoadedIndex } from './search.ts';

/** The personal candidates a search considers (the profile holds 40; the session adds its own). */
const SUGGESTED = 100;

/** What {@link personalSignals} needs to score the shopper's personal candidates as "for you" does. */
export interface Suggesting {
  /** The neighbour lists of the session's scored items (those `scoredHistoryItems` names). */
  neighbours: (item: string) => [string, number][] | undefined;
  now: number;
  /** Build time of the profile's candidates (the table version's). */
  builtAt: number;
  /** The published model: history length and half-life of the scoring; `popular: 'only'` means no personal candidates. */
  model: Pick<ModelChoice, 'maxHistory' | 'halfLifeMs' | 'positionHalfLife' | 'popular'>;
}

/**
 * Category affinity from the profile (normalized to the strongest) and 0.8 for the categories
 * of the session's 10 newest items; recent items: the session's and the profile's 10 newest,
 * lifted as much as the shop's shoppers come back to what they touched (the head's `returning`);
 * personal candidates: "for you"'s own (the profile's, scored at rebuild, and the session's
 * neighbours), best 1, without the popularity blend (search ranks by popularity on its own),
 * none when the published model found popularity alone better than neighbours.
 *
 * @example personalSignals(index, profile, [{ item: 'sku-1', ts, type: 'view' }]) // { affinity: Map { 'tea' => 1, ... }, recent: Set { 'sku-1', ... } }
 */
export function personalSignals(
  index: Pick<LoadedIndex, 'docOf' | 'head'>,
  profile: UserProfile | undefined,
  session: readonly HistoryEntry[],
  suggesting?: Suggesting,
): RankSignals {
  const sessionItems = session.map((h) => h.item);
  const affinity = new Map<string, number>();
  const top = profile?.categories[0]?.[1] ?? 0;
  for (const [category, share] of profile?.categories ?? []) affinity.set(category, top > 0 ? share / top : 0);
  const recent = new Set([...sessionItems, ...(profile?.recent ?? []).slice(0, 10).map(([id]) => id)]);
  for (const id of sessionItems.slice(0, 10)) {
    const doc = index.docOf.get(id);
    if (doc === undefined) continue;
    for (const c of index.head.cats[doc]!) {
      const category = index.head.categories[c]!;
      affinity.set(category, Math.max(affinity.get(category) ?? 0, 0.8));
    }
  }
  const returning = index.head.returning === undefined ? {} : { returning: index.head.returning };
  if (!suggesting || suggesting.model.popular === 'only') return { affinity, recent, ...returning };
  const candidates = forYouCandidates(profile, session, suggesting.neighbours, {
    now: suggesting.now,
    builtAt: suggesting.builtAt,
    limit: SUGGESTED,
    model: { ...suggesting.model, popular: 0 },
    popular: [],
  });
  return { affinity, recent, ...returning, suggested: new Map(candidates.map((c) => [c.id, c.score])) };
}

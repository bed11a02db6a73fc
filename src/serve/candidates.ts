import { decay } from '../model/interaction-weights.ts';
import { blendLists } from '../model/blend.ts';
import { type HistoryEntry, recommendFromHistory } from '../model/recommend.ts';
import { type ModelChoice, scoringOf } from '../model/selection/model-choice.ts';
import { type UserProfile, profileHistory } from '../model/user-profile.ts';
import type { Candidate, Reason } from './rank.ts';

/** A neighbour or bought-together list as stored: flat `[id, weight, ...]` or with more numbers per entry. */
export type FlatList = (string | number)[];

/** Reads a flat list as `[id, weight]` pairs (`stride` numbers per entry after the id). */
export function pairsOf(list: FlatList | undefined, stride = 1): [string, number][] {
  const pairs: [string, number][] = [];
  if (!list) return pairs;
  for (let i = 0; i + stride < list.length; i += stride + 1) pairs.push([String(list[i]), Number(list[i + 1])]);
  return pairs;
}

/** Candidates from one list, each with the same reason, scores scaled to the list's best = `weight`. */
export function fromList(pairs: readonly [string, number][], reason: Reason, weight = 1): Candidate[] {
  const top = pairs.reduce((m, [, s]) => Math.max(m, s), 0) || 1;
  return pairs.map(([id, score]) => ({ id, score: (weight * score) / top, reason }));
}

/** Inputs of {@link forYouCandidates} besides the history. */
export interface ForYouTiming {
  now: number;
  /** When the profile's candidates were scored (the table version's build time). */
  builtAt: number;
  limit: number;
  /** The published model: history length and half-life of the scoring, and the popularity blend. */
  model: Pick<ModelChoice, 'maxHistory' | 'halfLifeMs' | 'positionHalfLife' | 'popular'>;
  /** The popular list (by distinct shoppers) the blend adds. */
  popular: readonly [string, number][];
}

/**
 * Personal candidates, with "because you ..." reasons: the profile's candidates scored at
 * build time, decayed to now, plus the session's own (scored now from the neighbour lists of
 * its latest items), summed per item since the scoring is linear. Scaled so the best is 1, so
 * that fallback fills rank below any personal candidate; then blended with the popular list as
 * the published model says (the same {@link blendLists} the selection scored).
 */
export function forYouCandidates(
  profile: UserProfile | undefined,
  session: readonly HistoryEntry[],
  neighbours: (item: string) => [string, number][] | undefined,
  timing: ForYouTiming,
): Candidate[] {
  const kinds = new Map<string, HistoryEntry['type']>();
  const history = profile ? profileHistory(profile) : [];
  for (const h of [...session, ...history]) {
    const seen = kinds.get(h.item);
    if (seen !== 'purchase' && (h.type === 'purchase' || (h.type === 'add_to_cart' && seen !== 'add_to_cart') || !seen)) kinds.set(h.item, h.type);
  }
  const totals = new Map<string, { score: number; best: number; because: string }>();
  const add = (item: string, score: number, because: string) => {
    const total = totals.get(item);
    if (!total) totals.set(item, { score, best: score, because });
    else {
      total.score += score;
      if (score > total.best) Object.assign(total, { best: score, because });
    }
  };
  if (timing.model.popular === 'only') return fromList(timing.popular, { kind: 'popular' });
  const scoring = scoringOf(timing.model);
  for (const r of recommendFromHistory({ history: session, neighbours, now: timing.now, limit: timing.limit, includeSeen: true, ...scoring }))
    add(r.item, r.score, r.because);
  const aged = decay(timing.now - timing.builtAt, scoring.halfLifeMs);
  for (const [item, score, because] of profile?.forYou ?? []) {
    const source = history[because];
    if (source) add(item, score * aged, source.item);
  }
  const ranked = [...totals].sort((a, b) => b[1].score - a[1].score).slice(0, timing.limit);
  const top = ranked[0]?.[1].score || 1;
  const personal = ranked.map(([id, t]): Candidate => {
    const kind = kinds.get(t.because);
    return { id, score: t.score / top, reason: { kind: kind === 'purchase' ? 'bought' : kind === 'add_to_cart' ? 'carted' : 'viewed', item: t.because } };
  });
  if (!(timing.model.popular > 0) || personal.length === 0) return personal;
  const reasons = new Map(personal.map((c) => [c.id, c.reason]));
  return blendLists(
    personal.map((c) => [c.id, c.score] as const),
    timing.popular,
    timing.model.popular,
  ).map(([id, score]) => ({ id, score, reason: reasons.get(id) ?? { kind: 'popular' } }));
}

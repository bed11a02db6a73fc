/**
 * The for-you scoring of a batch of profiles, as the Worker's `precomputeForYou` computes it and
 * with the same result to the last bit: the history weighed by the model's own `weighHistory`,
 * then the same sums in the same order (sources newest first, each list best first), the same
 * "because" (the first source with the largest contribution) and the same top K (ties to the
 * candidate met first). Only the bookkeeping differs: candidates are the lists' neighbour numbers
 * ({@link NeighbourListCache}) indexing typed arrays reused from profile to profile, where the
 * model keeps a Map of objects per profile keyed by id.
 */
import { roundWeight } from '../model/neighbour-list.ts';
import { defaultScoring, weighHistory } from '../model/recommend.ts';
import type { Scoring } from '../model/selection/model-choice.ts';
import { createTopK } from '../model/top-k.ts';
import { type UserProfile, profileHistory } from '../model/user-profile.ts';
import type { NeighbourListCache } from './neighbour-cache.ts';

/** Scores one profile's for-you candidates at `builtAt`: `[item, score, index in profileHistory]`, best first. */
export type ForYouScorer = (profile: UserProfile, builtAt: number) => Array<[string, number, number]>;

/**
 * A scorer over the lists `lists` holds (every source list of a profile must be held when it is
 * scored); `limit` and `scoring` as `precomputeForYou` takes them.
 *
 * @example
 * const score = createForYouScorer(lists);
 * profile.forYou = score(profile, now); // equals precomputeForYou(profile, lists.lookup, now)
 */
export function createForYouScorer(lists: NeighbourListCache, limit = 40, scoring: Scoring = defaultScoring): ForYouScorer {
  let score = new Float64Array(0);
  let best = new Float64Array(0);
  let because = new Int32Array(0);
  /** The profile that last touched a number (candidates), or bought its item. */
  let touchedBy = new Float64Array(0);
  let boughtBy = new Float64Array(0);
  let profileNo = 0;
  const touched: number[] = [];

  function fit(size: number): void {
    if (score.length >= size) return;
    const grown = Math.max(size, 2 * score.length, 1024);
    const grow = <T extends Float64Array | Int32Array>(from: T, to: T): T => (to.set(from), to);
    score = grow(score, new Float64Array(grown));
    best = grow(best, new Float64Array(grown));
    because = grow(because, new Int32Array(grown));
    touchedBy = grow(touchedBy, new Float64Array(grown));
    boughtBy = grow(boughtBy, new Float64Array(grown));
  }

  return (profile, builtAt) => {
    const history = profileHistory(profile);
    const { sources, bought } = weighHistory(history, { now: builtAt, ...scoring });
    fit(lists.numbered);
    const me = ++profileNo;
    touched.length = 0;
    for (let s = 0; s < sources.length; s++) {
      const list = lists.list(sources[s]![0]);
      if (list === undefined) continue;
      const weight = sources[s]![1];
      const { ids, weights } = list;
      for (let n = 0; n < ids.length; n++) {
        const j = ids[n]!;
        const contribution = weight * weights[n]!;
        if (touchedBy[j] !== me) {
          touchedBy[j] = me;
          score[j] = contribution;
          best[j] = contribution;
          because[j] = s;
          touched.push(j);
        } else {
          score[j] = score[j]! + contribution;
          if (contribution > best[j]!) {
            best[j] = contribution;
            because[j] = s;
          }
        }
      }
    }
    for (const item of bought) {
      const j = lists.numberOf(item);
      if (j !== undefined) boughtBy[j] = me;
    }
    const top = createTopK<number>(limit);
    for (const j of touched) {
      const candidate = score[j]!;
      if (candidate <= 0 || candidate <= top.floor() || boughtBy[j] === me) continue;
      top.push(j, candidate);
    }
    return top.drain().map(([j, candidate]) => {
      const source = sources[because[j]!]![0];
      return [lists.name(j), roundWeight(candidate), history.findIndex((h) => h.item === source)];
    });
  };
}

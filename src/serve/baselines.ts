import type { ServingConfig } from '../experiments/experiment-schema.ts';
import { fromList } from './candidates.ts';
import type { Candidate } from './rank.ts';

/**
 * Candidates of the baseline models an experiment arm can serve instead of the default:
 * `popularity` ranks the version's all-time popular list; `random` gives the same pool a
 * fresh random order on every request (reason: popular).
 */
export function baselineCandidates(model: Exclude<ServingConfig['model'], 'default'>, popular: readonly [string, number][]): Candidate[] {
  if (model === 'popularity') return fromList(popular, { kind: 'popular' });
  return popular.map(([id]) => ({ id, score: Math.random(), reason: { kind: 'popular' } }));
}

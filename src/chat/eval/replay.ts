/**
 * The learning-from-misses curve: a seeded half of a set's in-scope queries
 * is kept apart for measuring; growing shares of the other half are replayed
 * as misses an admin resolved (each becomes a phrasing of its expected
 * entry, as `POST /v1/chat/misses/resolve` does) and the engine is measured
 * on the kept half after each share. Out-of-scope queries stay in the
 * measured half, so the handoff of unknown questions is measured too.
 */
import { seededRandom } from '../../random.ts';
import { DEFAULT_SYNONYMS } from '../default-synonyms.ts';
import { buildFaqIndex } from '../index/faq-index.ts';
import type { EvalSet } from './convert.ts';
import type { Metrics } from './metrics.ts';
import { shuffled } from './random.ts';
import { engineMetrics, searchAll } from './run.ts';

/** One point of the curve. */
export interface ReplayPoint extends Metrics {
  /** Share of the replay half resolved. */
  share: number;
  /** Phrasings learned. */
  learned: number;
}

/**
 * Measures the curve for the given shares (0 = no learning).
 *
 * @example replayCurve(set, [0, 0.1, 0.5, 1])
 */
export function replayCurve(set: EvalSet, shares: readonly number[], seed = 15): ReplayPoint[] {
  const random = seededRandom(seed);
  const inScope = shuffled(
    set.queries.filter((q) => q.expected !== null),
    () => random.next(),
  );
  const half = Math.floor(inScope.length / 2);
  const replay = inScope.slice(0, half);
  const measured: EvalSet = { faqs: set.faqs, queries: [...inScope.slice(half), ...set.queries.filter((q) => q.expected === null)] };
  return shares.map((share) => {
    const resolved = replay.slice(0, Math.round(share * replay.length));
    const learned = new Map<string, string[]>();
    for (const q of resolved) learned.set(q.expected!, [...(learned.get(q.expected!) ?? []), q.text]);
    const faqs = set.faqs.map((f) => ({ ...f, alternatives: [...(f.alternatives ?? []), ...(learned.get(f.id) ?? [])] }));
    const index = buildFaqIndex(faqs, { version: 'replay', synonymGroups: DEFAULT_SYNONYMS });
    return { share, learned: resolved.length, ...engineMetrics(index, measured, searchAll(index, measured)) };
  });
}

/**
 * Handoff thresholds from out-of-scope queries: the rule (the lowest
 * threshold handing over 90% of them) and the out-of-scope queries a shop
 * can have without any of its own, simulated by leaving FAQ entries out.
 * Pure; used by the index build (semantic channel) and the evaluation.
 */

/** Share of the out-of-scope queries the handoff threshold hands over. */
export const OOS_HANDOFF_TARGET = 0.9;

/**
 * The handoff threshold: the lowest one (0.01 steps) handing over
 * {@link OOS_HANDOFF_TARGET} of the out-of-scope queries, as the answer
 * threshold comes from a target precision. (Best balanced accuracy, the
 * earlier rule, also gave 0.61 for the earlier model; it follows the
 * in-scope queries, so any feature raising their confidence lowered it.)
 */
export function oosHandoffThreshold(scored: readonly { p: number; outOfScope: boolean }[]): number {
  const oos = scored.filter((s) => s.outOfScope);
  for (let step = 0; step <= 100; step++) if (oos.filter((s) => s.p < step / 100).length >= OOS_HANDOFF_TARGET * oos.length) return step / 100;
  return 1;
}

/** Folds of the FAQ's entries for {@link heldOutEntrySets}. */
export const HELD_OUT_FOLDS = 5;

/** What {@link heldOutEntrySets} reads of an entry. */
export interface PhrasedEntry {
  id: string;
  question: string;
  alternatives?: readonly string[];
}

/**
 * Simulated out-of-scope queries from the FAQ itself, for a handoff
 * threshold a shop can have without out-of-scope examples of its own: the
 * entries are split into `folds` (entry i in fold i mod folds), each fold is
 * left out of the index in turn together with the left-out entries'
 * `neighbours` (their runner-up entries; without them a left-out entry's near
 * twin answers its phrasings, which is a wrong answer rather than an unknown
 * topic), and
 * the left-out entries' phrasings are asked against the rest, where nothing
 * answers them. They stay near the FAQ's domain, so they are harder to tell
 * from in-scope questions than real out-of-scope ones: a threshold handing
 * over most of them is a conservative one. Only the FAQ is read, never
 * queries. `asked`: the entries whose phrasings are asked (default all; a
 * sample bounds the work on a large FAQ, the folds still leave every entry
 * out once). Returns one set per fold (queries with `expected` null); none
 * with fewer than two entries per fold.
 */
export function heldOutEntrySets<F extends PhrasedEntry>(
  faqs: readonly F[],
  neighbours: ReadonlyMap<string, readonly string[]> = new Map(),
  folds = HELD_OUT_FOLDS,
  asked?: ReadonlySet<string>,
): { faqs: F[]; queries: { text: string; expected: null }[] }[] {
  if (faqs.length < 2 * folds) return [];
  return Array.from({ length: folds }, (_, fold) => {
    const out = faqs.filter((_, i) => i % folds === fold);
    const removed = new Set(out.flatMap((f) => [f.id, ...(neighbours.get(f.id) ?? [])]));
    const texts = out.filter((f) => !asked || asked.has(f.id)).flatMap((f) => [f.question, ...(f.alternatives ?? [])]);
    return { faqs: faqs.filter((f) => !removed.has(f.id)), queries: texts.map((text) => ({ text, expected: null })) };
  });
}

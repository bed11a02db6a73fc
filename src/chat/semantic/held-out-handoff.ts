/**
 * The held-out handoff threshold of an index build with the semantic
 * channel: out-of-scope queries simulated with the shop's own FAQ
 * (`heldOutEntrySets`: 5 folds left out with their runner-up entries, their
 * phrasings asked against the rest), searched as the chat searches (lexical
 * fused with cosines, the shipped confidence model) and the lowest threshold
 * handing over 90% of them. The phrasings' vectors are the ones the build
 * embedded for the entry vectors: no embedding call of its own. Its CPU
 * grows with the entries asked times the FAQ's size, so above
 * {@link HELD_OUT_MAX_ENTRIES} entries only an even sample of them is asked
 * (with its runner-ups; the folds still leave 20% of the entries out each):
 * src/chat/README.md, "Semantic matching".
 */
import { confidenceOf, type Calibration } from '../confidence.ts';
import { HELD_OUT_FOLDS, heldOutEntrySets, oosHandoffThreshold } from '../held-out.ts';
import { buildFaqIndex, type FaqIndex, type FaqSource } from '../index/faq-index.ts';
import type { FaqVectors, FusionTuning } from './fusion.ts';
import { fusedSearch } from './semantic-search.ts';

/** Entries asked at most (every entry up to this size; an even sample above). */
export const HELD_OUT_MAX_ENTRIES = 200;

/** What the computation reads besides the FAQ. */
export interface HeldOutInputs {
  /** The built index of `sources` (runner-up entries are searched in it). */
  index: FaqIndex;
  /** The entry vectors of `sources`, row i for entry i. */
  vectors: FaqVectors;
  /** The vector of every phrasing (question and alternatives) of `sources`. */
  phrasingVectors: ReadonlyMap<string, Float32Array>;
  tuning?: FusionTuning;
  calibration?: Calibration;
  /** Default {@link HELD_OUT_MAX_ENTRIES}. */
  maxEntries?: number;
}

/**
 * The held-out handoff threshold for a fused search of `sources`; null for
 * an FAQ too small to leave entries out (fewer than 10 entries asked).
 *
 * @example fusedHeldOutHandoff(sources, { index, vectors, phrasingVectors }) // 0.74
 */
export function fusedHeldOutHandoff(sources: readonly FaqSource[], inputs: HeldOutInputs): number | null {
  const { index, vectors, phrasingVectors, tuning, calibration, maxEntries = HELD_OUT_MAX_ENTRIES } = inputs;
  const step = Math.max(1, Math.ceil(sources.length / maxEntries));
  const asked = sources.filter((_, i) => Math.floor(i / HELD_OUT_FOLDS) % step === 0);
  const search = (within: FaqIndex, withinVectors: FaqVectors, text: string, lang: string | null) =>
    fusedSearch(within, text, phrasingVectors.get(text)!, withinVectors, lang, tuning);
  const langOf = new Map<string, string | null>();
  const runnerUps = new Map<string, string[]>();
  for (const source of asked) {
    const others = new Set<string>();
    for (const text of phrasingsOf(source)) {
      if (!langOf.has(text)) langOf.set(text, source.lang ?? null);
      const other = search(index, vectors, text, source.lang ?? null).candidates.find((c) => index.entries[c.entry]!.id !== source.id);
      if (other) others.add(index.entries[other.entry]!.id);
    }
    runnerUps.set(source.id, [...others]);
  }
  const row = new Map(sources.map((s, i) => [s.id, i]));
  const scored: { p: number; outOfScope: true }[] = [];
  for (const fold of heldOutEntrySets(sources, runnerUps, undefined, new Set(asked.map((s) => s.id)))) {
    const within = buildFaqIndex(fold.faqs, { version: `${index.version}-held-out`, synonymGroups: index.synonymGroups });
    const withinVectors = rowsOf(
      vectors,
      fold.faqs.map((f) => row.get(f.id)!),
    );
    for (const q of fold.queries)
      scored.push({ p: confidenceOf(search(within, withinVectors, q.text, langOf.get(q.text) ?? null), calibration), outOfScope: true });
  }
  return scored.length === 0 ? null : oosHandoffThreshold(scored);
}

/** An entry's phrasings as the entry vectors read them. */
export function phrasingsOf(source: FaqSource): string[] {
  return [source.question, ...(source.alternatives ?? [])];
}

function rowsOf(vectors: FaqVectors, rows: readonly number[]): FaqVectors {
  const data = new Float32Array(rows.length * vectors.dims);
  rows.forEach((r, i) => data.set(vectors.data.subarray(r * vectors.dims, (r + 1) * vectors.dims), i * vectors.dims));
  return { ...vectors, data };
}

/**
 * Fits the confidence model and the thresholds on calibration sets (never
 * on the sets the README reports): a logistic regression from the search
 * features to "the best entry is the right one", the answer threshold per
 * target precision (pooled in-scope queries) and the handoff threshold.
 */
import { confidenceFeatures, probability, type Calibration } from '../confidence.ts';
import { thresholdForPrecision, withHandoffFloor, type PrecisionRow } from '../precision.ts';
import type { EvalFaq, EvalSet } from './convert.ts';
import { fitNonNegative } from './logistic.ts';
import type { SearchResult } from '../index/search.ts';
import type { FaqIndex } from '../index/faq-index.ts';
import { DEFAULT_THRESHOLDS } from '../decide.ts';
import { engineMetrics, indexOf, scoredInScope, searchSet, type EvalSearch } from './run.ts';
import { buildTfidf } from './tfidf.ts';
import { seededRandom } from '../../random.ts';
import { heldOutEntrySets, oosHandoffThreshold } from '../held-out.ts';

interface Scored {
  p: number;
  right: boolean;
  outOfScope: boolean;
}

/** Target precisions of the shipped table. */
export const TABLE_PRECISIONS = [0.8, 0.85, 0.9, 0.95, 0.98];

/** Resamples of the calibration out-of-scope queries for {@link handoffRange}. */
export const HANDOFF_RESAMPLES = 1000;

/**
 * How much the handoff threshold depends on which out-of-scope queries
 * calibrate it: the 5% and 95% quantiles of {@link oosHandoffThreshold} over
 * seeded bootstrap resamples of those queries (with only 100 of them, a
 * handed-over share measured at the fitted threshold can be a coin flip
 * around a fixed bar).
 */
export function handoffRange(scored: readonly { p: number; outOfScope: boolean }[], resamples = HANDOFF_RESAMPLES, seed = 15): { low: number; high: number } {
  const oos = scored.filter((s) => s.outOfScope);
  if (oos.length === 0) return { low: 1, high: 1 };
  const random = seededRandom(seed);
  const thresholds = Array.from({ length: resamples }, () => oosHandoffThreshold(oos.map(() => oos[Math.floor(random.next() * oos.length)]!))).sort(
    (a, b) => a - b,
  );
  return { low: thresholds[Math.floor(0.05 * (resamples - 1))]!, high: thresholds[Math.ceil(0.95 * (resamples - 1))]! };
}

/**
 * Each entry's runner-up entries: for each of its phrasings searched in the
 * whole FAQ, the entry ranked first after the entry itself.
 */
export async function runnerUpEntries(faqs: EvalFaq[], search: EvalSearch = {}): Promise<Map<string, string[]>> {
  const asked = faqs.flatMap((f) => [f.question, ...(f.alternatives ?? [])].map((text) => ({ text, expected: f.id })));
  const index = indexOf({ faqs, queries: [] });
  const results = await searchSet(index, { faqs, queries: asked }, search);
  const runnerUps = new Map<string, Set<string>>();
  results.forEach((result, i) => {
    const own = asked[i]!.expected!;
    const other = result.candidates.map((c) => index.entries[c.entry]!.id).find((id) => id !== own);
    if (other !== undefined) runnerUps.set(own, (runnerUps.get(own) ?? new Set()).add(other));
  });
  return new Map([...runnerUps].map(([id, others]) => [id, [...others]]));
}

/**
 * The handoff threshold from the FAQ alone: {@link oosHandoffThreshold} over
 * the held-out entries' phrasings ({@link heldOutEntrySets}, with or without
 * removing their runner-up entries, {@link runnerUpEntries}), scored by
 * `calibration`. Null for an FAQ too small to leave entries out.
 */
export async function heldOutHandoff(faqs: EvalFaq[], calibration: Calibration, search: EvalSearch = {}, withNeighbours = true): Promise<number | null> {
  const folds = heldOutEntrySets(faqs, withNeighbours ? await runnerUpEntries(faqs, search) : undefined);
  const pseudo = (await Promise.all(folds.map((fold) => labelledFeatures(fold, search)))).flat();
  return pseudo.length === 0 ? null : oosHandoffThreshold(pseudo.map((s) => ({ p: probability(s.x, calibration), outOfScope: true })));
}

/** The baseline's handoff threshold: best separation of out-of-scope queries from in-scope ones answered right (balanced accuracy). */
function handoffThreshold(scored: readonly Scored[]): number {
  const oos = scored.filter((s) => s.outOfScope);
  const right = scored.filter((s) => s.right);
  let best = { threshold: 0, value: -1 };
  for (let t = 0; t <= 1; t += 0.01) {
    const value = oos.filter((s) => s.p < t).length / oos.length + right.filter((s) => s.p >= t).length / right.length;
    if (value > best.value) best = { threshold: t, value };
  }
  return round(best.threshold);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Scores every query of a set: the model's features and whether the best entry is the expected one. */
export async function labelledFeatures(set: EvalSet, search: EvalSearch = {}): Promise<{ x: number[]; right: boolean; outOfScope: boolean }[]> {
  const index = indexOf(set);
  return (await searchSet(index, set, search)).map((result, i) => {
    const expected = set.queries[i]!.expected;
    const top = result.candidates[0];
    const right = expected !== null && top !== undefined && index.entries[top.entry]!.id === expected;
    return { x: confidenceFeatures(result), right, outOfScope: expected === null };
  });
}

/**
 * Fits calibration, the precision table and the handoff thresholds (engine and baseline) on the given sets,
 * for the shipped search or another one (experiments: a `tuning`, or the semantic channel of `searches[i]`
 * for `sets[i]`; the weights it prints are then for that search).
 */
export async function calibrate(sets: readonly EvalSet[], searches: readonly EvalSearch[] = []) {
  const samples = (await Promise.all(sets.map((set, i) => labelledFeatures(set, searches[i])))).flat();
  const [bias, ...weights] = fitNonNegative(samples.map((s) => ({ x: s.x, y: s.right }))).map(round) as [number, ...number[]];
  const calibration: Calibration = { bias, weights };
  const scored: Scored[] = samples.map((s) => ({ p: probability(s.x, calibration), right: s.right, outOfScope: s.outOfScope }));
  const inScope = scored.filter((s) => !s.outOfScope).map((s) => ({ confidence: s.p, right: s.right }));
  const precisionTable: PrecisionRow[] = TABLE_PRECISIONS.map((precision) => ({ precision, threshold: thresholdForPrecision(inScope, precision)!.threshold }));
  const baseline: Scored[] = [];
  for (const set of sets) {
    const rank = buildTfidf(set.faqs);
    for (const q of set.queries) {
      const top = rank(q.text)[0];
      baseline.push({ p: top?.score ?? 0, right: top !== undefined && set.faqs[top.entry]!.id === q.expected, outOfScope: q.expected === null });
    }
  }
  return {
    samples: samples.length,
    calibration,
    precisionTable,
    handoff: scored.some((s) => s.outOfScope) ? oosHandoffThreshold(scored) : null,
    handoffRange: handoffRange(scored),
    tfidfHandoff: handoffThreshold(baseline),
  };
}

/**
 * Measures sets with a calibration and thresholds as `calibrate` returns
 * them (answer threshold at 90% from its table), so a tuning tried in an
 * experiment is measured with its own refitted model, never the shipped one.
 * `ceiling` is a diagnostic, never a setting: the most in-scope queries the
 * same confidence could answer at 90% precision with the best threshold for
 * this very set (chosen on its labels). A threshold transferred from the
 * calibration splits cannot do better, so a goal above the ceiling needs a
 * better ranking or other evidence, not another threshold. `oosHandoffRange`
 * is the out-of-scope handoff at the two ends of the fitted `handoffRange`.
 * `handoffRules` measures each handoff rule: `oos` (the calibration splits'
 * out-of-scope queries, the shipped rule), `heldOut` / `heldOutNeighbours`
 * (the measured set's FAQ alone, {@link heldOutHandoff}) and the higher of
 * `oos` and `heldOutNeighbours` (answer threshold raised to it:
 * `withHandoffFloor`); the top-level figures are the lexical search's with
 * `oos`, the semantic one's with that combination (README, "Semantic matching").
 */
export async function measureCalibrated(set: EvalSet, fitted: Awaited<ReturnType<typeof calibrate>>, search: EvalSearch = {}) {
  const answer = fitted.precisionTable.find((row) => row.precision === 0.9)!.threshold;
  const thresholds = { ...DEFAULT_THRESHOLDS, answer, handoff: fitted.handoff ?? DEFAULT_THRESHOLDS.handoff };
  const index = indexOf(set);
  const results = await searchSet(index, set, search);
  const metrics = engineMetrics(index, set, results, thresholds, fitted.calibration);
  const handedOver = (handoff: number) => engineMetrics(index, set, results, { ...thresholds, handoff }, fitted.calibration).oosHandoff;
  const oosHandoffRange = metrics.oosHandoff === null ? null : [handedOver(fitted.handoffRange.low), handedOver(fitted.handoffRange.high)];
  const [plain, withNeighbours] = await Promise.all([false, true].map((nb) => heldOutHandoff(set.faqs, fitted.calibration, search, nb)));
  const withRule = (oos: number | null, heldOut: number | null) => {
    const combined = withHandoffFloor(answer, oos, heldOut);
    return { ...combined, ...engineMetrics(index, set, results, { ...thresholds, ...combined }, fitted.calibration) };
  };
  const handoffRules = {
    oos: { answer, handoff: thresholds.handoff, ...metrics },
    heldOut: withRule(null, plain!),
    heldOutNeighbours: withRule(null, withNeighbours!),
    oosAndHeldOutNeighbours: withRule(fitted.handoff, withNeighbours!),
  };
  const rule = search.semantic ? 'oosAndHeldOutNeighbours' : 'oos';
  return { rule, ...handoffRules[rule], oosHandoffRange, ceiling: coverageCeiling(index, set, results, fitted.calibration, 0.9), handoffRules };
}

/**
 * Share of a set's in-scope queries answered at `target` precision by the best
 * threshold on that set's own labels (0 when no threshold reaches it).
 */
export function coverageCeiling(index: FaqIndex, set: EvalSet, results: readonly SearchResult[], calibration: Calibration, target: number): number {
  return thresholdForPrecision(scoredInScope(index, set, results, calibration), target, { minLabelled: 1 })?.coverage ?? 0;
}

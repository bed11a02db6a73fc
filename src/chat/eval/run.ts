/**
 * Runs an evaluation set through the engine (the same index and decision as
 * the worker) and through the TF-IDF baseline.
 */
import { DEFAULT_SYNONYMS } from '../default-synonyms.ts';
import { confidenceOf, PRECISION_TABLE, type Calibration } from '../confidence.ts';
import { decide, DEFAULT_THRESHOLDS, type Thresholds } from '../decide.ts';
import { thresholdForPrecision, thresholdFromTable, type PrecisionThreshold, type ScoredMessage } from '../precision.ts';
import { buildFaqIndex, type FaqIndex } from '../index/faq-index.ts';
import { searchFaq, type SearchResult, type SearchTuning } from '../index/search.ts';
import type { Embedder } from '../semantic/embedder.ts';
import { buildFaqVectors, type FusionTuning } from '../semantic/fusion.ts';
import { semanticSearch } from '../semantic/semantic-search.ts';
import type { EvalSet } from './convert.ts';
import { measure, type Metrics, type Outcome } from './metrics.ts';
import { buildTfidf, TFIDF_HANDOFF } from './tfidf.ts';

/** Ranking depth used for MRR. */
const DEPTH = 10;

/** Builds the engine index of an evaluation set, with the default synonyms a new shop starts with. */
export function indexOf(set: EvalSet, synonymGroups: string[][] = DEFAULT_SYNONYMS): FaqIndex {
  return buildFaqIndex(set.faqs, { version: 'eval', synonymGroups });
}

/** Searches every query once; the raw material for metrics and calibration. */
export function searchAll(index: FaqIndex, set: EvalSet, tuning?: Partial<SearchTuning>): SearchResult[] {
  return set.queries.map((q) => searchFaq(index, q.text, { limit: DEPTH, tuning }));
}

/** How an evaluation searches: the lexical search (with an optional `tuning`), plus the semantic channel when `semantic` is given. */
export interface EvalSearch {
  tuning?: Partial<SearchTuning>;
  semantic?: { embedder: Embedder; fusion?: FusionTuning };
}

/**
 * Searches every query once as {@link searchAll} does, or, with an embedder,
 * through the Worker's own semantic search: entry vectors built from the
 * set's phrasings as an index build stores them, each query fused.
 */
export async function searchSet(index: FaqIndex, set: EvalSet, search: EvalSearch = {}): Promise<SearchResult[]> {
  if (!search.semantic) return searchAll(index, set, search.tuning);
  const { embedder, fusion } = search.semantic;
  const vectors = await buildFaqVectors(
    embedder,
    set.faqs.map((f) => [f.question, ...(f.alternatives ?? [])]),
  );
  const run = semanticSearch(embedder, async () => vectors, fusion, search.tuning);
  const results: SearchResult[] = [];
  for (const q of set.queries) results.push(await run(index, q.text, null));
  return results;
}

/** Engine metrics from search results. */
export function engineMetrics(
  index: FaqIndex,
  set: EvalSet,
  results: SearchResult[],
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
  calibration?: Calibration,
): Metrics {
  const outcomes: Outcome[] = results.map((result, i) => ({
    expected: set.queries[i]!.expected,
    ranking: result.candidates.map((c) => index.entries[c.entry]!.id),
    kind: decide(result, thresholds, calibration).kind,
  }));
  return measure(outcomes);
}

/** Baseline metrics. */
export function tfidfMetrics(set: EvalSet): Metrics {
  const rank = buildTfidf(set.faqs);
  const outcomes: Outcome[] = set.queries.map((q) => {
    const ranking = rank(q.text).slice(0, DEPTH);
    const top = ranking[0]?.score ?? 0;
    return {
      expected: q.expected,
      ranking: ranking.map((c) => set.faqs[c.entry]!.id),
      kind: top >= TFIDF_HANDOFF ? 'answer' : 'handoff',
    };
  });
  return measure(outcomes);
}

/**
 * The thresholds for a target precision: from a labelled calibration set of
 * the same shop when given (its in-scope queries), else from the shipped
 * table. Never from the queries being measured.
 */
export async function thresholdsForTarget(
  target: number,
  calib?: EvalSet,
  search: EvalSearch = {},
): Promise<{ thresholds: Thresholds; fit: PrecisionThreshold | null }> {
  if (!calib) return { thresholds: { ...DEFAULT_THRESHOLDS, answer: thresholdFromTable(PRECISION_TABLE, target) }, fit: null };
  const index = indexOf(calib);
  const fit = thresholdForPrecision(scoredInScope(index, calib, await searchSet(index, calib, search)), target);
  return { thresholds: { ...DEFAULT_THRESHOLDS, answer: fit?.threshold ?? thresholdFromTable(PRECISION_TABLE, target) }, fit };
}

/** The confidence of each in-scope query's search and whether its best entry is the expected one. */
export function scoredInScope(index: FaqIndex, set: EvalSet, results: readonly SearchResult[], calibration?: Calibration): ScoredMessage[] {
  return results.flatMap((result, i) => {
    const expected = set.queries[i]!.expected;
    if (expected === null) return [];
    const top = result.candidates[0];
    return [{ confidence: confidenceOf(result, calibration), right: top !== undefined && index.entries[top.entry]!.id === expected }];
  });
}

/**
 * Score calibration. Raw scores depend on the FAQ (its size, vocabulary,
 * phrasing lengths), so the engine reports instead the estimated probability
 * that its best entry is the right one: a logistic model over scale-free
 * features of the search (normalized top score, relative gap to the
 * runner-up, whether the word and gram channels alone agree on the best
 * entry, the message length). The share of the message the FAQ knows and
 * the nearest phrasing's score were tried and left out: both got negative
 * weights on the calibration splits, which would make an exact phrasing
 * less trusted on other FAQs. It is fitted on calibration splits that the
 * evaluation never measures; see src/chat/README.md and `eval:faq -- calibrate`.
 */
import type { SearchResult } from './index/search.ts';
import type { PrecisionRow } from './precision.ts';

/** Names of the features, in the order of {@link Calibration.weights}. */
export const CONFIDENCE_FEATURES = ['top', 'gap', 'wordAgrees', 'gramAgrees', 'logWords'] as const;

/** Coefficients of the logistic model: a bias and one weight per feature of {@link CONFIDENCE_FEATURES}. */
export interface Calibration {
  bias: number;
  weights: number[];
}

/** Fitted with `npm run -s eval:faq -- calibrate` (see README). */
export const CALIBRATION: Calibration = { bias: -5.791, weights: [1.13, 4.024, 0.358, 0.357, 1.294] };

/**
 * Answer thresholds per target precision on the pooled calibration splits
 * (in-scope queries); the default when a shop has no data of its own.
 */
export const PRECISION_TABLE: readonly PrecisionRow[] = [
  { precision: 0.8, threshold: 0.435 },
  { precision: 0.85, threshold: 0.569 },
  { precision: 0.9, threshold: 0.693 },
  { precision: 0.95, threshold: 0.817 },
  { precision: 0.98, threshold: 0.909 },
];

/** The scale-free features of a search result, in the order of {@link CONFIDENCE_FEATURES}. */
export function confidenceFeatures(result: SearchResult): number[] {
  const first = result.candidates[0]?.score ?? 0;
  const second = result.candidates[1]?.score ?? 0;
  const gap = first > 0 ? (first - second) / first : 0;
  const s = result.signals;
  return [first, gap, s?.wordAgrees ? 1 : 0, s?.gramAgrees ? 1 : 0, Math.log1p(s?.words ?? 0)];
}

/** The model's probability for a feature vector. */
export function probability(features: readonly number[], calibration: Calibration = CALIBRATION): number {
  let z = calibration.bias;
  for (let i = 0; i < features.length; i++) z += (calibration.weights[i] ?? 0) * features[i]!;
  return 1 / (1 + Math.exp(-z));
}

/**
 * Probability (0..1) that the top candidate answers the message; 0 when there
 * is no candidate.
 *
 * @example confidenceOf(searchFaq(index, 'how do I get a refund')) // 0.93
 */
export function confidenceOf(result: SearchResult, calibration: Calibration = CALIBRATION): number {
  if (result.candidates.length === 0) return 0;
  return probability(confidenceFeatures(result), calibration);
}

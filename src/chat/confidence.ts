/**
 * Score calibration. Raw scores depend on the FAQ (its size, vocabulary,
 * phrasing lengths), so the engine reports instead the estimated probability
 * that its best entry is the right one: a logistic model over scale-free
 * features of the search (normalized top score, relative gap to the
 * runner-up and to the third entry, whether the word and gram channels
 * alone agree on the best entry, how many of the five best phrasings belong
 * to the best entry, the message length; the phrasing agreement and the
 * margin to the third entry count in proportion to the top score, so a weak
 * match standing alone in a small FAQ is not trusted). The share of the message the FAQ
 * knows, the share of the message's words the best entry holds and the
 * nearest phrasing's score were tried and left out: all got negative
 * weights on the calibration splits, which would make an exact phrasing
 * less trusted on other FAQs. It is fitted on calibration splits that the
 * evaluation never measures; see src/chat/README.md and `eval:faq -- calibrate`.
 */
import type { SearchResult } from './index/search.ts';
import type { PrecisionRow } from './precision.ts';

/** Names of the features, in the order of {@link Calibration.weights}. */
export const CONFIDENCE_FEATURES = ['top', 'gap', 'wordAgrees', 'gramAgrees', 'logWords', 'topVotes', 'topGap3', 'cosine'] as const;

/** Coefficients of the logistic model: a bias and one weight per feature of {@link CONFIDENCE_FEATURES}. */
export interface Calibration {
  bias: number;
  weights: number[];
}

/**
 * Fitted with `npm run -s eval:faq -- calibrate` (see README) on lexical searches: the last feature,
 * `cosine`, exists only with the semantic channel and has no weight here (a fused search needs a
 * calibration fitted on fused searches: README, "Semantic matching").
 */
export const CALIBRATION: Calibration = { bias: -4.549, weights: [0.1, 2.475, 0.272, 0.262, 1.16, 0.879, 1.196, 0] };

/**
 * Answer thresholds per target precision on the pooled calibration splits
 * (in-scope queries); the default when a shop has no data of its own.
 */
export const PRECISION_TABLE: readonly PrecisionRow[] = [
  { precision: 0.8, threshold: 0.403 },
  { precision: 0.85, threshold: 0.516 },
  { precision: 0.9, threshold: 0.646 },
  { precision: 0.95, threshold: 0.816 },
  { precision: 0.98, threshold: 0.917 },
];

/** The scale-free features of a search result, in the order of {@link CONFIDENCE_FEATURES}. */
export function confidenceFeatures(result: SearchResult): number[] {
  const first = result.candidates[0]?.score ?? 0;
  const margin = (other: number) => (first > 0 ? (first - (result.candidates[other]?.score ?? 0)) / first : 0);
  const s = result.signals;
  return [
    first,
    margin(1),
    s?.wordAgrees ? 1 : 0,
    s?.gramAgrees ? 1 : 0,
    Math.log1p(s?.words ?? 0),
    first * (s?.votes ?? 0),
    first * margin(2),
    s?.cosine ?? 0,
  ];
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

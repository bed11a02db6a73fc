/**
 * Score calibration. Raw scores depend on the FAQ (its size, vocabulary,
 * phrasing lengths), so the engine reports instead the estimated probability
 * that its best entry is the right one: a logistic model over scale-free
 * features (normalized top score, relative gap to the runner-up, share of
 * the message the FAQ knows). It was fitted once, on calibration splits that
 * the evaluation never measures (CLINC150 val + oos_val, a disjoint ATEC
 * sample); see src/chat/README.md and `eval:faq -- calibrate`.
 */
import type { SearchResult } from './index/search.ts';

/** Coefficients of the logistic model. */
export interface Calibration {
  bias: number;
  top: number;
  gap: number;
  known: number;
}

/** Fitted with `npm run -s eval:faq -- calibrate` (see README). */
export const CALIBRATION: Calibration = { bias: -2.262, top: 0.799, gap: 5.654, known: 0.018 };

/** The scale-free features of a search result, in the order of {@link Calibration}. */
export function confidenceFeatures(result: SearchResult): [top: number, gap: number, known: number] {
  const first = result.candidates[0]?.score ?? 0;
  const second = result.candidates[1]?.score ?? 0;
  const gap = first > 0 ? (first - second) / first : 0;
  return [first, gap, result.known];
}

/**
 * Probability (0..1) that the top candidate answers the message; 0 when there
 * is no candidate.
 *
 * @example confidenceOf(searchFaq(index, 'how do I get a refund')) // 0.93
 */
export function confidenceOf(result: SearchResult, calibration: Calibration = CALIBRATION): number {
  if (result.candidates.length === 0) return 0;
  const [top, gap, known] = confidenceFeatures(result);
  const z = calibration.bias + calibration.top * top + calibration.gap * gap + calibration.known * known;
  return 1 / (1 + Math.exp(-z));
}

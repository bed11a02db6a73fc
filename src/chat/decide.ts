/**
 * The conversation decision: answer, ask a clarifying question with
 * suggestions, or hand over to a person.
 */
import { confidenceOf, type Calibration } from './confidence.ts';
import type { Candidate, SearchResult } from './index/search.ts';

/** Confidence thresholds and the close-call rule. */
export interface Thresholds {
  /** At or above: answer directly (set from the shop's target precision). */
  answer: number;
  /** Below (and below `answer`): hand over to a person. */
  handoff: number;
  /** Between the two, the runner-up is "close" when its score is within this share of the best: a two-way question. */
  closeGap: number;
  /** Suggestions must reach this share of the best score. */
  suggestionFloor: number;
}

/** Chosen on the calibration splits (src/chat/README.md): the answer threshold is the one for 90% precision, the handoff one hands over 90% of their out-of-scope queries. */
export const DEFAULT_THRESHOLDS: Thresholds = { answer: 0.646, handoff: 0.61, closeGap: 0.15, suggestionFloor: 0.6 };

/** What the chat does with a message. */
export interface Decision {
  kind: 'answer' | 'clarify' | 'handoff';
  confidence: number;
  best: Candidate | null;
  suggestions: Candidate[];
  /** A clarifying question between the two closest entries. */
  close: boolean;
}

/**
 * Decides from a search result.
 *
 * @example decide(searchFaq(index, 'refund?')).kind // 'answer'
 */
export function decide(result: SearchResult, thresholds: Thresholds = DEFAULT_THRESHOLDS, calibration?: Calibration): Decision {
  const confidence = confidenceOf(result, calibration);
  const [best = null, ...rest] = result.candidates;
  if (!best) return { kind: 'handoff', confidence, best, suggestions: [], close: false };
  if (confidence >= thresholds.answer) return { kind: 'answer', confidence, best, suggestions: [], close: false };
  const related = [best, ...rest.filter((c) => c.score >= best.score * thresholds.suggestionFloor)].slice(0, 3);
  const handoff = Math.min(thresholds.handoff, thresholds.answer);
  if (confidence < handoff) {
    return { kind: 'handoff', confidence, best, suggestions: confidence >= handoff * 0.6 ? related : [], close: false };
  }
  const second = rest[0];
  const close = second !== undefined && best.score - second.score < best.score * thresholds.closeGap;
  return { kind: 'clarify', confidence, best, suggestions: close ? [best, second] : related, close };
}

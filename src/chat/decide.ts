/**
 * The conversation decision: answer, offer suggestions (a close call or a
 * middling confidence), or hand over to a person.
 */
import { confidenceOf, type Calibration } from './confidence.ts';
import type { Candidate, SearchResult } from './index/search.ts';

/** Confidence thresholds and the close-call rule. */
export interface Thresholds {
  /** At or above: answer directly (unless a close call). */
  answer: number;
  /** Below: hand over to a person. */
  handoff: number;
  /** The runner-up is "close" when its score is within this share of the best. */
  closeGap: number;
  /** Suggestions must reach this share of the best score. */
  suggestionFloor: number;
}

/** Chosen on the calibration splits (src/chat/README.md). */
export const DEFAULT_THRESHOLDS: Thresholds = { answer: 0.744, handoff: 0.6, closeGap: 0.05, suggestionFloor: 0.6 };

/** What the chat does with a message. */
export interface Decision {
  kind: 'answer' | 'clarify' | 'handoff';
  confidence: number;
  best: Candidate | null;
  suggestions: Candidate[];
}

/**
 * Decides from a search result.
 *
 * @example decide(searchFaq(index, 'refund?')).kind // 'answer'
 */
export function decide(result: SearchResult, thresholds: Thresholds = DEFAULT_THRESHOLDS, calibration?: Calibration): Decision {
  const confidence = confidenceOf(result, calibration);
  const [best = null, ...rest] = result.candidates;
  if (!best) return { kind: 'handoff', confidence, best, suggestions: [] };
  const related = [best, ...rest.filter((c) => c.score >= best.score * thresholds.suggestionFloor)].slice(0, 3);
  if (confidence < thresholds.handoff) {
    return { kind: 'handoff', confidence, best, suggestions: confidence >= thresholds.handoff * 0.6 ? related : [] };
  }
  const second = rest[0];
  const close = second !== undefined && best.score - second.score < best.score * thresholds.closeGap;
  if (confidence >= thresholds.answer && !close) return { kind: 'answer', confidence, best, suggestions: [] };
  return { kind: 'clarify', confidence, best, suggestions: related.length > 1 ? related : [best] };
}

/**
 * The answer threshold from a target precision the shop chooses ("answers
 * right 90% of the time"), and the coverage it yields. With labelled
 * messages of the shop (answers marked helpful or not, misses an admin
 * resolved) the precision is counted; with unlabelled ones it is the mean
 * confidence of the answered messages (the confidence is a calibrated
 * probability); with neither, the shipped calibration table decides.
 */

/** One scored message; `right` when it is known whether the best entry was right. */
export interface ScoredMessage {
  confidence: number;
  right?: boolean;
}

/** The threshold a target precision yields, and what it answers. */
export interface PrecisionThreshold {
  /** Answer when the confidence is at or above this. */
  threshold: number;
  /** Share of the messages it answers. */
  coverage: number;
  /** Precision of those answers: counted (labelled) or expected (mean confidence). */
  precision: number;
  source: 'labelled' | 'expected' | 'default';
  /** Messages it was computed on. */
  messages: number;
}

/** Labelled messages needed before counting replaces the expectation. */
export const MIN_LABELLED = 50;

/** Unlabelled messages needed before their expectation replaces the shipped table. */
export const MIN_UNLABELLED = 200;

/**
 * The lowest confidence threshold whose answers reach `target` precision on
 * these messages (labelled ones counted when there are enough of them:
 * `minLabelled`, default {@link MIN_LABELLED}).
 * Returns null with too few messages (`minMessages`, default
 * {@link MIN_UNLABELLED}, when none are labelled).
 *
 * @example thresholdForPrecision(shopMessages, 0.9) // { threshold: 0.71, coverage: 0.62, ... }
 */
export function thresholdForPrecision(
  messages: readonly ScoredMessage[],
  target: number,
  options: { minMessages?: number; minLabelled?: number } = {},
): PrecisionThreshold | null {
  const labelled = messages.filter((m) => m.right !== undefined);
  const counted = labelled.length > 0 && labelled.length >= (options.minLabelled ?? MIN_LABELLED);
  const pool = counted ? labelled : messages;
  if (pool.length === 0 || (!counted && pool.length < Math.min(MIN_UNLABELLED, options.minMessages ?? MIN_UNLABELLED))) return null;
  const sorted = [...pool].sort((a, b) => b.confidence - a.confidence);
  let sum = 0;
  let best = { threshold: 1, answered: 0, precision: 1 };
  sorted.forEach((m, i) => {
    sum += counted ? (m.right ? 1 : 0) : m.confidence;
    const next = sorted[i + 1];
    if (next && next.confidence === m.confidence) return;
    const precision = sum / (i + 1);
    if (precision >= target) best = { threshold: m.confidence, answered: i + 1, precision };
  });
  return {
    threshold: round(best.threshold),
    coverage: round(best.answered / pool.length),
    precision: round(best.precision),
    source: counted ? 'labelled' : 'expected',
    messages: pool.length,
  };
}

/** One row of the shipped table: the threshold reaching a precision on the pooled calibration splits. */
export interface PrecisionRow {
  precision: number;
  threshold: number;
}

/**
 * The threshold for `target` from a table fitted on calibration splits
 * (interpolated between rows, clamped at the ends).
 */
export function thresholdFromTable(table: readonly PrecisionRow[], target: number): number {
  const rows = [...table].sort((a, b) => a.precision - b.precision);
  if (target <= rows[0]!.precision) return rows[0]!.threshold;
  for (let i = 1; i < rows.length; i++) {
    const lo = rows[i - 1]!;
    const hi = rows[i]!;
    if (target <= hi.precision) return round(lo.threshold + ((target - lo.precision) / (hi.precision - lo.precision)) * (hi.threshold - lo.threshold));
  }
  return rows[rows.length - 1]!.threshold;
}

/**
 * Answer and handoff thresholds with a handoff floor: the handoff threshold
 * is the highest of those given (from real out-of-scope queries, from
 * out-of-scope queries simulated with held-out FAQ entries; null: not
 * available), and nothing below it is answered, so the answer threshold is
 * raised to it when lower (`decide` would otherwise cap the handoff at the
 * answer threshold, and a higher handoff threshold would change nothing).
 */
export function withHandoffFloor(answer: number, ...handoffs: (number | null)[]): { answer: number; handoff: number } {
  const handoff = Math.max(0, ...handoffs.filter((h): h is number => h !== null));
  return { answer: Math.max(answer, handoff), handoff };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Per-arm estimates from per-user sufficient statistics: the mean of a per-user metric, and a
 * ratio of two per-user sums (clicks over impressions) with its delta-method variance, so
 * that users, not impressions, are the unit of analysis.
 */

/** Per-user sums of one metric in one arm: `n` users, Σx and Σx² over them. */
export interface MeanSums {
  n: number;
  sum: number;
  sumSquares: number;
}

/**
 * Per-user sums of a ratio metric Σx / Σy in one arm (CTR: x = a user's clicks, y = the user's
 * impressions), with the cross product Σxy the delta method needs.
 */
export interface RatioSums {
  n: number;
  sumX: number;
  sumXSquares: number;
  sumY: number;
  sumYSquares: number;
  sumXY: number;
}

/** A point estimate with the variance of the estimate (not of one user), over `n` users. */
export interface Estimate {
  value: number | null;
  variance: number | null;
  n: number;
}

/** Sample variance (divisor n - 1) from n, Σx and Σx²; null below two users. */
export function sampleVariance(n: number, sum: number, sumSquares: number): number | null {
  if (n < 2) return null;
  return Math.max(0, (sumSquares - (sum * sum) / n) / (n - 1));
}

/**
 * Mean of a per-user metric and the variance of that mean, s² / n.
 * @example meanEstimate({ n: 4, sum: 2, sumSquares: 2 }) // { value: 0.5, variance: 1/12, n: 4 }
 */
export function meanEstimate(sums: MeanSums): Estimate {
  if (sums.n < 1) return { value: null, variance: null, n: 0 };
  const variance = sampleVariance(sums.n, sums.sum, sums.sumSquares);
  return { value: sums.sum / sums.n, variance: variance === null ? null : variance / sums.n, n: sums.n };
}

/**
 * Ratio Σx / Σy and its delta-method variance (Deng, Knoblich and Lu 2018, "Applying the Delta
 * Method in Metric Analytics", KDD, section 3):
 * Var(x̄/ȳ) ≈ (1/n) (s_x²/ȳ² − 2 x̄ s_xy/ȳ³ + x̄² s_y²/ȳ⁴), with sample (co)variances per user.
 */
export function ratioEstimate(sums: RatioSums): Estimate {
  const { n } = sums;
  if (n < 1 || sums.sumY <= 0) return { value: null, variance: null, n };
  const value = sums.sumX / sums.sumY;
  if (n < 2) return { value, variance: null, n };
  const meanX = sums.sumX / n;
  const meanY = sums.sumY / n;
  const varX = sampleVariance(n, sums.sumX, sums.sumXSquares)!;
  const varY = sampleVariance(n, sums.sumY, sums.sumYSquares)!;
  const covXY = (sums.sumXY - (sums.sumX * sums.sumY) / n) / (n - 1);
  const perUser = varX / meanY ** 2 - (2 * meanX * covXY) / meanY ** 3 + (meanX ** 2 * varY) / meanY ** 4;
  return { value, variance: Math.max(0, perUser) / n, n };
}

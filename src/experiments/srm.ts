import { chiSquareSurvival } from './distributions.ts';

/** Result of the sample-ratio-mismatch check. */
export interface SrmResult {
  /** Pearson's chi-square statistic of users per arm against the configured shares. */
  chiSquare: number | null;
  degreesOfFreedom: number;
  /** P(χ² ≥ observed) under correct assignment; null until every arm has the minimum users. */
  pValue: number | null;
  /** True when pValue is below the threshold: the assignment or logging is broken, results are not to be trusted. */
  flagged: boolean;
}

/** Settings of the check; defaults follow GrowthBook (p < 0.001, once each arm has 8 users). */
export interface SrmOptions {
  threshold?: number;
  minUsersPerArm?: number;
}

/**
 * Sample-ratio-mismatch check: Pearson's chi-square goodness of fit of the users seen per arm
 * to the arms' traffic shares (normalised to sum 1), k − 1 degrees of freedom.
 * @example sampleRatioMismatch([5100, 4900], [0.5, 0.5]) // { chiSquare: 4, pValue: 0.0455, flagged: false, ... }
 */
export function sampleRatioMismatch(users: readonly number[], shares: readonly number[], options: SrmOptions = {}): SrmResult {
  const threshold = options.threshold ?? 0.001;
  const minUsers = options.minUsersPerArm ?? 8;
  const degreesOfFreedom = users.length - 1;
  const shareTotal = shares.reduce((a, b) => a + b, 0);
  const total = users.reduce((a, b) => a + b, 0);
  if (users.length < 2 || users.length !== shares.length || shareTotal <= 0 || users.some((u) => u < minUsers)) {
    return { chiSquare: null, degreesOfFreedom, pValue: null, flagged: false };
  }
  let chiSquare = 0;
  for (let i = 0; i < users.length; i++) {
    const expected = (total * shares[i]!) / shareTotal;
    if (expected <= 0) return { chiSquare: null, degreesOfFreedom, pValue: 0, flagged: true };
    chiSquare += (users[i]! - expected) ** 2 / expected;
  }
  const pValue = chiSquareSurvival(chiSquare, degreesOfFreedom);
  return { chiSquare, degreesOfFreedom, pValue, flagged: pValue < threshold };
}

/**
 * The always-valid option: a two-sided normal-mixture confidence sequence (Howard, Ramdas,
 * McAuliffe and Sekhon 2021, Annals of Statistics 49(2), the normal mixture boundary; in its
 * asymptotic form for estimated variances, Waudby-Smith, Arbour, Sinha, Kennedy and Ramdas,
 * "Time-uniform central limit theory and asymptotic confidence sequences", 2024).
 *
 * Mixing the likelihood ratio exp(λS − λ²t/2) of a standardised sum S over t users with
 * λ ~ N(0, ρ²) gives the martingale M = (1 + τ)^(-1/2) exp(τ z² / (2(1 + τ))), τ = tρ², z the
 * usual z-statistic. By Ville's inequality P(sup M ≥ 1/α) ≤ α, so "reject when M ≥ 1/α" can be
 * checked after every batch (daily peeking) with false-positive rate at most α. ρ is the
 * standard deviation of the mixing distribution of the effect per user in standard-deviation
 * units; it is chosen so the boundary is tightest at `tuningUsers` users:
 * ρ² = (−2 ln α + ln(1 − 2 ln α)) / tuningUsers.
 */

/** Settings of the sequential test. */
export interface SequentialOptions {
  /** Total users (of the arms compared) at which the sequence is tightest. Default 5,000. */
  tuningUsers?: number;
}

/** Default sample size at which the confidence sequence is tightest (as GrowthBook). */
export const DEFAULT_TUNING_USERS = 5000;

/** ρ² for a level α and the sample size the sequence is tuned for. */
export function mixingVariance(alpha: number, tuningUsers = DEFAULT_TUNING_USERS): number {
  const l = -2 * Math.log(alpha);
  return (l + Math.log(1 + l)) / tuningUsers;
}

/**
 * Half-width of the confidence sequence in units of the standard error, after `users` users:
 * sqrt(2(1 + τ)/τ · ln(sqrt(1 + τ)/α)). It exceeds the fixed-horizon z at every n.
 */
export function sequentialMultiplier(users: number, alpha: number, options: SequentialOptions = {}): number {
  const tau = users * mixingVariance(alpha, options.tuningUsers);
  return Math.sqrt(((2 * (1 + tau)) / tau) * Math.log(Math.sqrt(1 + tau) / alpha));
}

/**
 * Always-valid p-value of a z-statistic after `users` users: 1 / M, capped at 1. The sequence
 * at level α excludes the null exactly when this is at most α (ρ fixed from `alpha`).
 */
export function sequentialPValue(z: number, users: number, alpha: number, options: SequentialOptions = {}): number {
  const tau = users * mixingVariance(alpha, options.tuningUsers);
  return Math.min(1, Math.sqrt(1 + tau) * Math.exp(-(z * z * tau) / (2 * (1 + tau))));
}

import { logGamma } from '../experiments/distributions.ts';

/** P(X ≥ k) for X ~ Binomial(n, p), summed exactly in log space. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  let total = 0;
  for (let i = Math.max(0, k); i <= n; i++) {
    total += Math.exp(logGamma(n + 1) - logGamma(i + 1) - logGamma(n - i + 1) + i * Math.log(p) + (n - i) * Math.log(1 - p));
  }
  return Math.min(1, total);
}

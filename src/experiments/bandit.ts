import type { Random } from '../random.ts';

/** Clicks and impressions of one arm. */
export interface BanditArm {
  name: string;
  clicks: number;
  impressions: number;
}

/** Settings of Thompson sampling. */
export interface BanditOptions {
  /** Every arm keeps at least this share (default 0.05); k · minShare must be at most 1. */
  minShare?: number;
  /** Posterior draws used to estimate each arm's probability of being best (default 4,000). */
  draws?: number;
}

function standardNormal(random: Random): number {
  const u = 1 - random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

/** Gamma(shape, 1) by Marsaglia and Tsang (2000); shape < 1 through the boost u^(1/shape). */
export function sampleGamma(shape: number, random: Random): number {
  if (shape < 1) return sampleGamma(shape + 1, random) * (1 - random.next()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Beta(a, b) as Ga / (Ga + Gb). */
export function sampleBeta(a: number, b: number, random: Random): number {
  const x = sampleGamma(a, random);
  return x / (x + sampleGamma(b, random));
}

/**
 * Thompson sampling on CTR: each arm's share is its posterior probability of having the best
 * CTR (Beta(1 + clicks, 1 + impressions − clicks), estimated by `draws` draws), mixed with a
 * floor so every arm keeps `minShare`: share = minShare + (1 − k · minShare) · P(best).
 */
export function thompsonShares(arms: readonly BanditArm[], random: Random, options: BanditOptions = {}): Record<string, number> {
  const k = arms.length;
  const minShare = Math.min(options.minShare ?? 0.05, 1 / k);
  const draws = options.draws ?? 4000;
  const wins = arms.map(() => 0);
  for (let d = 0; d < draws; d++) {
    let best = 0;
    let bestValue = -1;
    arms.forEach((arm, i) => {
      const value = sampleBeta(1 + arm.clicks, 1 + Math.max(0, arm.impressions - arm.clicks), random);
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    });
    wins[best]!++;
  }
  return Object.fromEntries(arms.map((arm, i) => [arm.name, minShare + (1 - k * minShare) * (wins[i]! / draws)]));
}

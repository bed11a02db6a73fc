import type { Comparison } from './compare.ts';

/** A lift and its interval in percent: "+12.3% [+4.1%, +20.5%]". */
export function formatLift(comparison: Comparison): string {
  const { value, low, high } = comparison.lift;
  const pct = (x: number | null) => (x === null ? '?' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);
  return `${pct(value)} [${pct(low)}, ${pct(high)}]`;
}

/** A p-value in 2 significant digits, "< 0.0001" below that, "n/a" when missing. */
export function formatP(p: number | null): string {
  if (p === null) return 'n/a';
  return p < 0.0001 ? '< 0.0001' : p.toPrecision(2);
}

/**
 * Logistic regression by Newton's method (iteratively reweighted least
 * squares) with a small L2 penalty on the weights, for the confidence model.
 */

/** A training row: features and whether the outcome happened. */
export interface LogisticSample {
  x: readonly number[];
  y: boolean;
}

/**
 * Fits `P(y) = sigmoid(bias + w . x)`. Returns `[bias, ...w]`.
 *
 * @example fitLogistic([{ x: [0.9], y: true }, { x: [0.1], y: false }])
 */
export function fitLogistic(samples: readonly LogisticSample[], options: { l2?: number; iterations?: number } = {}): number[] {
  const l2 = (options.l2 ?? 1e-3) * samples.length;
  const d = (samples[0]?.x.length ?? 0) + 1;
  let w = new Array<number>(d).fill(0);
  for (let it = 0; it < (options.iterations ?? 30); it++) {
    const grad = new Array<number>(d).fill(0);
    const hess = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (const s of samples) {
      const x = [1, ...s.x];
      const p = 1 / (1 + Math.exp(-x.reduce((acc, v, i) => acc + v * w[i]!, 0)));
      const weight = p * (1 - p);
      for (let i = 0; i < d; i++) {
        grad[i]! += (p - (s.y ? 1 : 0)) * x[i]!;
        for (let j = 0; j < d; j++) hess[i]![j]! += weight * x[i]! * x[j]!;
      }
    }
    for (let i = 1; i < d; i++) {
      grad[i]! += l2 * w[i]!;
      hess[i]![i]! += l2;
    }
    const step = solve(hess, grad);
    w = w.map((v, i) => v - step[i]!);
    if (Math.max(...step.map(Math.abs)) < 1e-9) break;
  }
  return w;
}

/**
 * {@link fitLogistic} with every weight at or above zero (the bias is free):
 * a feature whose weight comes out negative is fixed at zero and the rest is
 * refitted, so more evidence is never trusted less.
 */
export function fitNonNegative(samples: readonly LogisticSample[], options: { l2?: number; iterations?: number } = {}): number[] {
  const d = samples[0]?.x.length ?? 0;
  const free = Array.from({ length: d }, (_, i) => i);
  for (;;) {
    const [bias, ...w] = fitLogistic(
      samples.map((s) => ({ x: free.map((i) => s.x[i]!), y: s.y })),
      options,
    ) as [number, ...number[]];
    const negative = w.findIndex((v) => v < 0);
    if (negative < 0) {
      const weights = new Array<number>(d).fill(0);
      free.forEach((i, k) => (weights[i] = w[k]!));
      return [bias, ...weights];
    }
    free.splice(negative, 1);
  }
}

/** Solves `a x = b` by Gauss-Jordan elimination with partial pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c || m[c]![c] === 0) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => (row[i] === 0 ? 0 : row[n]! / row[i]!));
}

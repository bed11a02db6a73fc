/**
 * Fits the confidence model and the thresholds on calibration sets (never
 * on the sets the README reports): a logistic regression from the search
 * features to "the best entry is the right one", then the thresholds.
 */
import { confidenceFeatures, confidenceOf, type Calibration } from '../confidence.ts';
import type { EvalSet } from './convert.ts';
import { indexOf, searchAll } from './run.ts';
import { buildTfidf } from './tfidf.ts';

interface Sample {
  x: number[];
  right: boolean;
  outOfScope: boolean;
}

function fitLogistic(samples: readonly Sample[], steps = 20000, rate = 1): number[] {
  const w = new Array<number>(samples[0]!.x.length + 1).fill(0);
  for (let step = 0; step < steps; step++) {
    const grad = new Array<number>(w.length).fill(0);
    for (const s of samples) {
      const z = w[0]! + s.x.reduce((acc, x, i) => acc + x * w[i + 1]!, 0);
      const err = 1 / (1 + Math.exp(-z)) - (s.right ? 1 : 0);
      grad[0]! += err;
      s.x.forEach((x, i) => (grad[i + 1]! += err * x));
    }
    for (let i = 0; i < w.length; i++) w[i]! -= (rate * grad[i]!) / samples.length;
  }
  return w;
}

/** The lowest threshold whose answers are right at least `precision` of the time. */
function answerThreshold(scored: { p: number; right: boolean }[], precision: number): number {
  const sorted = [...scored].sort((a, b) => b.p - a.p);
  let right = 0;
  let threshold = 1;
  sorted.forEach((s, i) => {
    if (s.right) right++;
    if (right / (i + 1) >= precision) threshold = s.p;
  });
  return round(threshold);
}

/** The handoff threshold that best separates out-of-scope queries from in-scope ones answered right (balanced accuracy). */
function handoffThreshold(scored: { p: number; right: boolean; outOfScope: boolean }[]): number {
  const oos = scored.filter((s) => s.outOfScope);
  const right = scored.filter((s) => s.right);
  let best = { threshold: 0, value: -1 };
  for (let t = 0; t <= 1; t += 0.01) {
    const value = oos.filter((s) => s.p < t).length / oos.length + right.filter((s) => s.p >= t).length / right.length;
    if (value > best.value) best = { threshold: t, value };
  }
  return round(best.threshold);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Fits calibration, thresholds (engine and baseline) on the given sets. */
export function calibrate(sets: readonly EvalSet[]) {
  const samples: Sample[] = [];
  const baseline: { p: number; right: boolean; outOfScope: boolean }[] = [];
  for (const set of sets) {
    const index = indexOf(set);
    searchAll(index, set).forEach((result, i) => {
      const expected = set.queries[i]!.expected;
      const top = result.candidates[0];
      const right = expected !== null && top !== undefined && index.entries[top.entry]!.id === expected;
      samples.push({ x: confidenceFeatures(result), right, outOfScope: expected === null });
    });
    const rank = buildTfidf(set.faqs);
    for (const q of set.queries) {
      const top = rank(q.text)[0];
      baseline.push({ p: top?.score ?? 0, right: top !== undefined && set.faqs[top.entry]!.id === q.expected, outOfScope: q.expected === null });
    }
  }
  const [bias, top, gap, known] = fitLogistic(samples).map(round) as [number, number, number, number];
  const calibration: Calibration = { bias, top, gap, known };
  const scored = samples.map((s) => ({
    p: confidenceOf(
      {
        candidates: [
          { entry: 0, score: s.x[0]! },
          { entry: 1, score: s.x[0]! * (1 - s.x[1]!) },
        ],
        known: s.x[2]!,
      },
      calibration,
    ),
    right: s.right,
    outOfScope: s.outOfScope,
  }));
  return {
    samples: samples.length,
    calibration,
    thresholds: { answer: answerThreshold(scored, 0.9), handoff: handoffThreshold(scored) },
    tfidfHandoff: handoffThreshold(baseline),
  };
}

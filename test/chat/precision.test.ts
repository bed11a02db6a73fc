import { describe, expect, it } from 'vitest';
import { PRECISION_TABLE, type Calibration } from '../../src/chat/confidence.ts';
import { coverageCeiling } from '../../src/chat/eval/calibrate.ts';
import { buildFaqIndex } from '../../src/chat/index/faq-index.ts';
import type { SearchResult } from '../../src/chat/index/search.ts';
import { MIN_LABELLED, thresholdForPrecision, thresholdFromTable } from '../../src/chat/precision.ts';
import { seededRandom } from '../../src/random.ts';

describe('answer threshold from a target precision', () => {
  it('counts labelled messages: the lowest threshold whose answers reach the target', () => {
    // 100 messages: confidence i/100, right when i >= 30 -> above 0.3 all right; 0.2..0.3 half right.
    const messages = Array.from({ length: 100 }, (_, i) => ({ confidence: i / 100, right: i >= 30 || (i >= 20 && i % 2 === 0) }));
    const fit = thresholdForPrecision(messages, 0.9)!;
    expect(fit.source).toBe('labelled');
    const answered = messages.filter((m) => m.confidence >= fit.threshold);
    expect(answered.filter((m) => m.right).length / answered.length).toBeGreaterThanOrEqual(0.9);
    const lower = messages.filter((m) => m.confidence >= fit.threshold - 0.01);
    expect(lower.filter((m) => m.right).length / lower.length).toBeLessThan(0.9);
    expect(fit.coverage).toBeCloseTo(answered.length / 100, 3);
    expect(thresholdForPrecision(messages, 0.95)!.threshold).toBeGreaterThan(fit.threshold);
  });

  it('expects precision from calibrated confidences when messages are unlabelled', () => {
    const random = seededRandom(7);
    const messages = Array.from({ length: 1000 }, () => ({ confidence: random.next() }));
    const fit = thresholdForPrecision(messages, 0.9)!;
    expect(fit.source).toBe('expected');
    // Uniform confidences: the mean above t is (1 + t) / 2 = 0.9 at t = 0.8.
    expect(fit.threshold).toBeGreaterThan(0.77);
    expect(fit.threshold).toBeLessThan(0.83);
    expect(fit.coverage).toBeCloseTo(1 - fit.threshold, 1);
  });

  it('falls back to the shipped table with too little data, interpolating between rows', () => {
    expect(thresholdForPrecision([{ confidence: 0.9 }], 0.9)).toBeNull();
    expect(
      thresholdForPrecision(
        Array.from({ length: MIN_LABELLED - 1 }, () => ({ confidence: 0.9, right: true })),
        0.9,
      ),
    ).toBeNull();
    const row = PRECISION_TABLE.find((r) => r.precision === 0.9)!;
    expect(thresholdFromTable(PRECISION_TABLE, 0.9)).toBe(row.threshold);
    const between = thresholdFromTable(PRECISION_TABLE, 0.925);
    expect(between).toBeGreaterThan(row.threshold);
    expect(between).toBeLessThan(PRECISION_TABLE.find((r) => r.precision === 0.95)!.threshold);
  });
});

describe('coverage ceiling (eval diagnostic)', () => {
  const index = buildFaqIndex(
    [
      { id: 'a', question: 'refund', answer: '' },
      { id: 'b', question: 'parcel', answer: '' },
    ],
    { version: 't', synonymGroups: [] },
  );
  // Confidence rises with the top score only, so the queries are ordered by score.
  const byScore: Calibration = { bias: 0, weights: [1, 0, 0, 0, 0, 0, 0] };
  const result = (score: number): SearchResult => ({ candidates: [{ entry: 0, score }], known: 1 });
  // Best first: right, right, wrong, then six right, then wrong; the out-of-scope query scores highest and must not count.
  const expected = ['a', 'a', 'b', 'a', 'a', 'a', 'a', 'a', 'a', 'b', null];
  const set = { faqs: [], queries: expected.map((e) => ({ text: '', expected: e })) };
  const results = expected.map((e, i) => result(e === null ? 20 : 10 - i));

  it('is the most in-scope queries any threshold answers at the target precision on the set itself', () => {
    expect(coverageCeiling(index, set, results, byScore, 0.85)).toBe(0.9); // 8 of the best 9 are right: 0.889
    expect(coverageCeiling(index, set, results, byScore, 0.9)).toBe(0.2); // only the best two reach 90%
  });

  it('is 0 when no threshold reaches the target', () => {
    const wrong = { faqs: [], queries: expected.map(() => ({ text: '', expected: 'b' })) };
    expect(coverageCeiling(index, wrong, results, byScore, 0.5)).toBe(0);
  });
});

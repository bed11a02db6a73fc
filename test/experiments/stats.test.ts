import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/random.ts';
import {
  analyseExperiment,
  armInterval,
  chiSquareSurvival,
  compareToControl,
  decideVerdict,
  guardrailDecisions,
  holmRejections,
  meanEstimate,
  normalCdf,
  normalQuantile,
  ratioEstimate,
  sampleRatioMismatch,
  sequentialMultiplier,
  sequentialPValue,
  thompsonShares,
  type ArmData,
  type Comparison,
  type SrmResult,
} from '../../src/experiments/stats.ts';

// Reference values were computed independently with Python 3.11, numpy 2.4.6 and scipy 1.17.1
// (scipy.stats.norm, scipy.stats.chi2, scipy.stats.chisquare, numpy.cov, scipy.integrate.quad),
// and typed in here. The script's lines are quoted beside each value.

describe('distributions', () => {
  it('normal quantiles match scipy.stats.norm.ppf', () => {
    // norm.ppf(p) for p = 0.975, 0.995, 0.999, 0.025, 0.8, 1e-6, 1e-12
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489004, 12);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232306167813, 12);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.9599639845400545, 12);
    expect(normalQuantile(0.8)).toBeCloseTo(0.8416212335729143, 12);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424308822899, 11);
    expect(normalQuantile(1e-12)).toBeCloseTo(-7.034483825301131, 10);
  });

  it('normal CDF matches scipy.stats.norm.cdf, also far in the tail', () => {
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 14);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316300933, 15);
    // norm.cdf(-8) = 6.22096057427174e-16: relative error below 1e-10
    expect(normalCdf(-8) / 6.22096057427174e-16).toBeCloseTo(1, 10);
    expect(normalCdf(0)).toBe(0.5);
  });

  it('chi-square survival matches scipy.stats.chi2.sf', () => {
    expect(chiSquareSurvival(4, 1)).toBeCloseTo(0.04550026389635857, 13);
    expect(chiSquareSurvival(10.827566170662733, 1)).toBeCloseTo(0.001, 14);
    expect(chiSquareSurvival(7.5, 3)).toBeCloseTo(0.0575584519726364, 13);
    expect(chiSquareSurvival(25, 3) / 1.5440498291101365e-5).toBeCloseTo(1, 10);
    expect(chiSquareSurvival(0.3, 4)).toBeCloseTo(0.9898141728888165, 13);
    expect(chiSquareSurvival(120, 100)).toBeCloseTo(0.08440668109369177, 12);
  });
});

describe('per-arm estimates', () => {
  // 12 users: clicks x = [0,1,0,2,1,0,0,3,1,0,1,0], impressions y = [3,4,2,5,2,1,6,7,3,2,4,1]
  const ctrSums = { n: 12, sumX: 9, sumXSquares: 17, sumY: 40, sumYSquares: 174, sumXY: 44 };

  it('CTR as a ratio over users: delta-method variance equals numpy on the raw per-user data', () => {
    // C = np.cov(x, y, ddof=1); v = (C00/my² − 2 mx C01/my³ + mx² C11/my⁴) / n  (Deng et al. 2018)
    // -> 0.004096875000000001; a 200,000-resample bootstrap gives se 0.0609 (the n/(n-1) factor apart)
    const ctr = ratioEstimate(ctrSums);
    expect(ctr.value).toBe(0.225);
    expect(ctr.variance).toBeCloseTo(0.004096875000000001, 15);
    const interval = armInterval(ctr);
    expect(interval.low).toBeCloseTo(0.225 - 1.959963984540054 * 0.06400683557246055, 12);
    expect(interval.high).toBeCloseTo(0.225 + 1.959963984540054 * 0.06400683557246055, 12);
  });

  it('a ratio whose denominator is one per user is just the mean of x', () => {
    const x = [0, 1, 1, 0, 1, 0, 0, 1];
    const ratio = ratioEstimate({ n: 8, sumX: 4, sumXSquares: 4, sumY: 8, sumYSquares: 8, sumXY: 4 });
    const mean = meanEstimate({ n: x.length, sum: 4, sumSquares: 4 });
    expect(ratio.value).toBe(mean.value);
    expect(ratio.variance).toBeCloseTo(mean.variance!, 15);
  });

  it('revenue per user: mean and 95% interval as numpy/scipy', () => {
    // rev = [0,0,25.5,0,12,0,0,80,0,0,0,33.25]: mean 12.5625, se = std(ddof=1)/sqrt(12) = 6.966377925544605
    // CI = mean ± norm.ppf(0.975)·se = [-1.09134983676228, 26.21634983676228]
    const revenue = meanEstimate({ n: 12, sum: 150.75, sumSquares: 8299.8125 });
    expect(revenue.value).toBe(12.5625);
    expect(Math.sqrt(revenue.variance!)).toBeCloseTo(6.966377925544605, 12);
    const interval = armInterval(revenue);
    expect(interval.low).toBeCloseTo(-1.09134983676228, 11);
    expect(interval.high).toBeCloseTo(26.21634983676228, 11);
  });

  it('reports the per-user standard deviation with each arm metric (statistics.stdev of the raw revenue)', () => {
    const revenue = { kind: 'mean' as const, n: 12, sum: 150.75, sumSquares: 8299.8125 };
    const result = analyseExperiment(
      { control: 'a', primaryMetric: 'revenue', arms: [{ name: 'a', share: 1, users: 12, conversions: 4, metrics: { revenue } }] },
      {},
    );
    expect(result.arms[0]!.metrics.revenue!.stddev).toBeCloseTo(24.132241023539066, 10);
    const single = analyseExperiment(
      {
        control: 'a',
        primaryMetric: 'revenue',
        arms: [{ name: 'a', share: 1, users: 1, conversions: 0, metrics: { revenue: { kind: 'mean', n: 1, sum: 3, sumSquares: 9 } } }],
      },
      {},
    );
    expect(single.arms[0]!.metrics.revenue!.stddev).toBeNull();
  });

  it('gives no interval without two users or without a denominator', () => {
    expect(armInterval(meanEstimate({ n: 1, sum: 3, sumSquares: 9 }))).toEqual({ value: 3, low: null, high: null });
    expect(ratioEstimate({ n: 5, sumX: 0, sumXSquares: 0, sumY: 0, sumYSquares: 0, sumXY: 0 }).value).toBeNull();
  });
});

describe('lift against control', () => {
  it("relative lift with Fieller's interval, the difference p-value and chance to beat control match scipy", () => {
    // mc, vc, mt, vt = 0.10, 0.0001, 0.12, 0.00012. Interval: the θ where (mt − θ mc)/sqrt(vt + θ² vc) = ±norm.ppf(0.975),
    // found by scipy.optimize.brentq (no closed form): lift [-0.08033535899055444, 0.5762134895923317].
    // p = 2·norm.sf(0.02/sqrt(vt + vc)) = 0.1775298524121537; chance to beat = norm.cdf(0.02/sqrt(vt + vc)) = 0.9112350737939232
    const c = compareToControl({ value: 0.1, variance: 0.0001, n: 1000 }, { value: 0.12, variance: 0.00012, n: 1000 });
    expect(c.lift.value).toBeCloseTo(0.2, 14);
    expect(c.lift.low).toBeCloseTo(-0.08033535899055444, 12);
    expect(c.lift.high).toBeCloseTo(0.5762134895923317, 12);
    expect(c.pValue).toBeCloseTo(0.1775298524121537, 12);
    expect(c.chanceToBeatControl).toBeCloseTo(0.9112350737939232, 12);
    expect(c.significant).toBe(false);
  });

  it('sequential lift interval uses the boundary as multiplier (brentq with q = 3.363887725782781, 1,000 users)', () => {
    // lift [-0.24713259844926794, 0.9533625620239745]
    const c = compareToControl({ value: 0.1, variance: 0.0001, n: 500 }, { value: 0.12, variance: 0.00012, n: 500 }, { sequential: { tuningUsers: 5000 } });
    expect(c.lift.low).toBeCloseTo(-0.24713259844926794, 9);
    expect(c.lift.high).toBeCloseTo(0.9533625620239745, 9);
  });

  it('interval and p-value agree at the boundary, and an unclear control gives no bounds', () => {
    for (const mt of [0.1, 0.11, 0.127, 0.1277, 0.128, 0.15, 0.07, 0.0723, 0.072]) {
      const c = compareToControl({ value: 0.1, variance: 0.0001, n: 1000 }, { value: mt, variance: 0.0001, n: 1000 });
      expect(c.significant).toBe(c.pValue! < 0.05);
      expect(c.significant).toBe(c.lift.low! > 0 || c.lift.high! < 0);
    }
    const unclear = compareToControl({ value: 0.01, variance: 0.0001, n: 50 }, { value: 0.05, variance: 0.0001, n: 50 });
    expect(unclear.lift.value).toBeCloseTo(4, 12);
    expect(unclear.lift.low).toBeNull();
    expect(unclear.pValue).toBeCloseTo(0.004677734981047276, 12); // 2·norm.sf(0.04/sqrt(0.0002))
  });

  it('is significant when the interval excludes zero, in either direction', () => {
    const better = compareToControl({ value: 0.1, variance: 1e-6, n: 5000 }, { value: 0.11, variance: 1e-6, n: 5000 });
    const worse = compareToControl({ value: 0.1, variance: 1e-6, n: 5000 }, { value: 0.09, variance: 1e-6, n: 5000 });
    expect(better.significant && better.lift.low! > 0).toBe(true);
    expect(worse.significant && worse.lift.high! < 0).toBe(true);
    expect(better.pValue).toBeLessThan(0.05);
  });

  it('has no lift when control is zero', () => {
    const c = compareToControl({ value: 0, variance: 0, n: 100 }, { value: 0.2, variance: 0.001, n: 100 });
    expect(c.lift.value).toBeNull();
    expect(c.chanceToBeatControl).toBeGreaterThan(0.99);
  });
});

describe('always-valid (sequential) option', () => {
  // Boundary = the z where the normal mixture ∫ exp(λ S − λ² t/2) N(λ; 0, ρ²) dλ reaches 1/α,
  // found with scipy.integrate.quad and scipy.optimize.brentq (no closed form used), α = 0.05.
  it('boundary matches numerical integration of the mixture martingale', () => {
    expect(sequentialMultiplier(1000, 0.05, { tuningUsers: 5000 })).toBeCloseTo(3.363887725782781, 9);
    expect(sequentialMultiplier(5000, 0.05, { tuningUsers: 5000 })).toBeCloseTo(3.0352089903762476, 9);
    expect(sequentialMultiplier(20000, 0.05, { tuningUsers: 5000 })).toBeCloseTo(3.1271141436879906, 9);
    expect(sequentialMultiplier(300, 0.05, { tuningUsers: 1000 })).toBeCloseTo(3.19964896734087, 9);
  });

  it('always-valid p-value is 1/M from the same integral', () => {
    // 1/M(z = 2.5, t = 1000, tuning 5000) = 0.23648964805459166; t = 5000: 0.1863284454398278
    expect(sequentialPValue(2.5, 1000, 0.05, { tuningUsers: 5000 })).toBeCloseTo(0.23648964805459166, 9);
    expect(sequentialPValue(2.5, 5000, 0.05, { tuningUsers: 5000 })).toBeCloseTo(0.1863284454398278, 9);
    expect(sequentialPValue(0, 5000, 0.05)).toBe(1);
  });

  it('is wider than the fixed-horizon interval and still rejects large effects', () => {
    const control = { value: 0.1, variance: 1e-6, n: 2500 };
    const treatment = { value: 0.103, variance: 1e-6, n: 2500 };
    const fixed = compareToControl(control, treatment);
    const sequential = compareToControl(control, treatment, { sequential: true });
    expect(fixed.significant).toBe(true);
    expect(sequential.significant).toBe(false);
    expect(sequential.lift.high! - sequential.lift.low!).toBeGreaterThan(fixed.lift.high! - fixed.lift.low!);
    expect(sequential.pValue).toBeGreaterThan(fixed.pValue!);
    const large = compareToControl(control, { value: 0.12, variance: 1e-6, n: 2500 }, { sequential: true });
    expect(large.significant).toBe(true);
    expect(large.pValue).toBeLessThan(0.05);
  });
});

describe('sample ratio mismatch', () => {
  it('matches scipy.stats.chisquare', () => {
    // chisquare([5100, 4900]) -> statistic 4.0, p 0.04550026389635857
    const even = sampleRatioMismatch([5100, 4900], [0.5, 0.5]);
    expect(even.chiSquare).toBeCloseTo(4, 12);
    expect(even.pValue).toBeCloseTo(0.04550026389635857, 13);
    expect(even.flagged).toBe(false);
    // chisquare([1030, 980, 2050], f_exp = [1, 1, 2]/4 · 4060) -> 1.625615763546798, p 0.4436107094018199
    const uneven = sampleRatioMismatch([1030, 980, 2050], [25, 25, 50]);
    expect(uneven.chiSquare).toBeCloseTo(1.625615763546798, 12);
    expect(uneven.pValue).toBeCloseTo(0.4436107094018199, 12);
    // chisquare([5000, 5200, 4700, 5100]) -> 28.0, p 3.632036559382284e-06: flagged
    const broken = sampleRatioMismatch([5000, 5200, 4700, 5100], [1, 1, 1, 1]);
    expect(broken.pValue! / 3.632036559382284e-6).toBeCloseTo(1, 10);
    expect(broken.flagged).toBe(true);
  });

  it('waits until every arm has 8 users', () => {
    const early = sampleRatioMismatch([30, 7], [0.5, 0.5]);
    expect(early.pValue).toBeNull();
    expect(early.flagged).toBe(false);
    expect(sampleRatioMismatch([30, 8], [0.5, 0.5]).flagged).toBe(true);
  });
});

const significant = (lift: number, pValue: number): Comparison => ({
  lift: { value: lift, low: lift - 0.05, high: lift + 0.05 },
  pValue,
  chanceToBeatControl: lift > 0 ? 0.999 : 0.001,
  significant: pValue < 0.05,
});
const noSrm: SrmResult = { chiSquare: 0.5, degreesOfFreedom: 1, pValue: 0.48, flagged: false };

describe('verdict', () => {
  it('Holm step-down rejects as the textbook procedure', () => {
    // sorted 0.01 <= 0.05/3; 0.03 > 0.05/2 stops
    expect(holmRejections([0.01, 0.04, 0.03], 0.05)).toEqual([true, false, false]);
    expect(holmRejections([0.01, 0.02, 0.04], 0.05)).toEqual([true, true, true]);
  });

  it('gives no verdict below the minimum sample, whatever the p-value', () => {
    const arms = [
      { name: 'control', users: 500, conversions: 60, comparison: null },
      { name: 'b', users: 500, conversions: 24, comparison: significant(0.4, 1e-9) },
    ];
    const v = decideVerdict({ control: 'control', metric: 'conversion', arms, srm: noSrm });
    expect(v.winner).toBeNull();
    expect(v.reason).toContain('b (500 users, 24 conversions)');
    expect(decideVerdict({ control: 'control', metric: 'conversion', arms, srm: noSrm }, { minimum: { conversions: 20 } }).winner).toBe('b');
    expect(decideVerdict({ control: 'control', metric: 'conversion', arms, srm: noSrm }, { minimum: { users: 600, conversions: 20 } }).winner).toBeNull();
  });

  it('picks the best significantly better arm, or control when every arm is worse, never under SRM', () => {
    const base = { users: 1000, conversions: 100 };
    const better = [
      { name: 'control', ...base, comparison: null },
      { name: 'b', ...base, comparison: significant(0.1, 0.001) },
      { name: 'c', ...base, comparison: significant(0.2, 0.004) },
      { name: 'd', ...base, comparison: significant(0.3, 0.2) },
    ];
    expect(decideVerdict({ control: 'control', metric: 'ctr', arms: better, srm: noSrm }).winner).toBe('c');
    const worse = [
      { name: 'control', ...base, comparison: null },
      { name: 'b', ...base, comparison: significant(-0.1, 0.001) },
      { name: 'c', ...base, comparison: significant(-0.2, 0.01) },
    ];
    expect(decideVerdict({ control: 'control', metric: 'ctr', arms: worse, srm: noSrm }).winner).toBe('control');
    const flagged = { ...noSrm, pValue: 1e-5, flagged: true };
    const v = decideVerdict({ control: 'control', metric: 'ctr', arms: better, srm: flagged });
    expect(v.winner).toBeNull();
    expect(v.reason).toContain('sample ratio mismatch');
    // Holm: 0.02 and 0.03 pass one at a time but not as a family of three with 0.9
    const family = [
      { name: 'control', ...base, comparison: null },
      { name: 'b', ...base, comparison: significant(0.1, 0.02) },
      { name: 'c', ...base, comparison: significant(0.1, 0.03) },
      { name: 'd', ...base, comparison: significant(0.1, 0.9) },
    ];
    expect(decideVerdict({ control: 'control', metric: 'ctr', arms: family, srm: noSrm }).winner).toBeNull();
  });
});

describe('guardrail', () => {
  it('stops an arm significantly worse than control, with the reason', () => {
    const decisions = guardrailDecisions('revenue per user', [
      { name: 'control', users: 1000, conversions: 90, comparison: null },
      { name: 'cheap', users: 1000, conversions: 80, comparison: significant(-0.15, 0.001) },
      { name: 'same', users: 1000, conversions: 85, comparison: { ...significant(-0.02, 0.4), lift: { value: -0.02, low: -0.08, high: 0.04 } } },
      { name: 'young', users: 50, conversions: 30, comparison: significant(-0.3, 0.001) },
      { name: 'rare', users: 400, conversions: 10, comparison: significant(-0.3, 0.001) },
    ]);
    expect(decisions.map((d) => d.stop)).toEqual([false, true, false, false, false]);
    expect(decisions[1]!.reason).toBe('guardrail: revenue per user significantly worse than control, -15.0% [-20.0%, -10.0%] (p = 0.0010)');
    const lowerIsBetter = guardrailDecisions('returns per user', [{ name: 'x', users: 500, conversions: 40, comparison: significant(0.2, 0.001) }], {
      higherIsBetter: false,
    });
    expect(lowerIsBetter[0]!.stop).toBe(true);
  });
});

describe('analyseExperiment', () => {
  const arm = (name: string, users: number, conv: number, revenue: number, revenueSquares: number): ArmData => ({
    name,
    share: 1,
    users,
    conversions: conv,
    metrics: {
      conversion: { kind: 'mean', n: users, sum: conv, sumSquares: conv },
      revenue: { kind: 'mean', n: users, sum: revenue, sumSquares: revenueSquares },
      ctr: { kind: 'ratio', n: users, sumX: conv * 2, sumXSquares: conv * 5, sumY: users * 4, sumYSquares: users * 20, sumXY: conv * 10 },
    },
  });

  it('puts arms, SRM, guardrail stops and the verdict together', () => {
    const result = analyseExperiment(
      {
        control: 'control',
        primaryMetric: 'conversion',
        guardrails: [{ metric: 'revenue' }],
        arms: [arm('control', 2000, 200, 10000, 2_000_000), arm('better', 2000, 300, 15000, 3_000_000), arm('cheap', 2000, 210, 4000, 400_000)],
      },
      {},
    );
    expect(result.srm.flagged).toBe(false);
    expect(result.arms[0]!.metrics.conversion!.value).toBe(0.1);
    expect(result.arms[0]!.metrics.conversion!.lift).toBeNull();
    expect(result.arms[1]!.metrics.conversion!.lift!.value).toBeCloseTo(0.5, 12);
    expect(result.arms[2]!.guardrail?.stop).toBe(true);
    expect(result.arms[1]!.guardrail).toBeNull();
    expect(result.verdict.winner).toBe('better');
    expect(result.verdict.reason).toContain('Holm-corrected α = 0.05)');
  });

  it('leaves arms stopped earlier out of the SRM check, and they never win', () => {
    const stoppedEarly = { ...arm('cheap', 300, 30, 900, 40_000), stopped: true };
    const input = {
      control: 'control',
      primaryMetric: 'conversion',
      arms: [arm('control', 2000, 200, 10000, 2_000_000), arm('better', 2000, 300, 15000, 3_000_000), stoppedEarly],
    };
    const result = analyseExperiment(input);
    expect(result.srm.degreesOfFreedom).toBe(1);
    expect(result.srm.flagged).toBe(false);
    expect(result.verdict.winner).toBe('better');
    // counted with it, 300 users against 2,000 at equal shares would be flagged
    expect(analyseExperiment({ ...input, arms: [...input.arms.slice(0, 2), { ...stoppedEarly, stopped: false }] }).srm.flagged).toBe(true);
  });

  it('refuses an unknown control', () => {
    expect(() => analyseExperiment({ control: 'x', primaryMetric: 'ctr', arms: [] })).toThrow(RangeError);
  });
});

describe('Thompson sampling', () => {
  it('shifts traffic to the better CTR and keeps the floor, reproducibly for a seed', () => {
    const arms = [
      { name: 'a', clicks: 100, impressions: 1000 },
      { name: 'b', clicks: 150, impressions: 1000 },
      { name: 'c', clicks: 2, impressions: 20 },
    ];
    const shares = thompsonShares(arms, seededRandom(7), { minShare: 0.1 });
    expect(shares.a! + shares.b! + shares.c!).toBeCloseTo(1, 12);
    expect(shares.a).toBeCloseTo(0.1, 2);
    expect(shares.b).toBeGreaterThan(shares.c!);
    expect(shares.c).toBeGreaterThan(0.1);
    expect(thompsonShares(arms, seededRandom(7), { minShare: 0.1 })).toEqual(shares);
  });

  it('draws Beta posteriors with the right mean', () => {
    // Beta(11, 91) has mean 11/102 = 0.10784; with equal data each arm wins about half
    const equal = thompsonShares(
      [
        { name: 'a', clicks: 10, impressions: 100 },
        { name: 'b', clicks: 10, impressions: 100 },
      ],
      seededRandom(1),
      { minShare: 0, draws: 20000 },
    );
    expect(equal.a).toBeGreaterThan(0.48);
    expect(equal.a).toBeLessThan(0.52);
  });
});

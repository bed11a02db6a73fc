/** Text tables of the simulation: the A/A shares, the experiment's results, the simulation's own counts. */
import { type Analysis, type ArmData, type Interval, analyseExperiment, formatP, normalQuantile } from '../experiments/stats.ts';
import { AA_METRICS, AA_MODES, type AaCounts } from './aa-study.ts';
import type { ExperimentResults } from './closed-loop.ts';
import type { Truth } from './visit.ts';
import { addUser, emptyArm } from './arm-sums.ts';

/** Wilson score interval of a binomial share (95%). */
export function wilson(successes: number, trials: number): [number, number] {
  const z = normalQuantile(0.975);
  const p = successes / trials;
  const centre = (p + (z * z) / (2 * trials)) / (1 + (z * z) / trials);
  const half = (z / (1 + (z * z) / trials)) * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;

/** The A/A table: per metric and mode, runs with a false winner, share and its 95% interval. */
export function aaTable(counts: AaCounts, seeds: number): string[] {
  const lines = [`${'primary metric'.padEnd(16)}${'mode'.padEnd(38)}false winners   share   95% interval`];
  for (const metric of AA_METRICS) {
    for (const mode of AA_MODES) {
      const k = counts[metric][mode];
      const [lo, hi] = wilson(k, seeds);
      lines.push(`${metric.padEnd(16)}${mode.padEnd(38)}${`${k}/${seeds}`.padStart(13)}  ${pct(k / seeds).padStart(6)}   [${pct(lo)}, ${pct(hi)}]`);
    }
  }
  for (const mode of ['fixed', 'sequential'] as const) {
    const k = counts.guardrailStops[mode];
    const [lo, hi] = wilson(k, seeds);
    lines.push(
      `${'revenue guard'.padEnd(16)}${`daily checks, ${mode === 'fixed' ? 'fixed-horizon test' : 'sequential test'}, stops`.padEnd(38)}${`${k}/${seeds}`.padStart(13)}  ${pct(k / seeds).padStart(6)}   [${pct(lo)}, ${pct(hi)}]`,
    );
  }
  return lines;
}

const num = (x: unknown, digits: number) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '-');
const isInterval = (x: unknown): x is Interval => typeof x === 'object' && x !== null && 'value' in x && 'low' in x && 'high' in x;
const interval = (x: Interval, digits: number) => `${num(x.value, digits)} [${num(x.low, digits)}, ${num(x.high, digits)}]`;
const signed = (x: number | null) => (x === null ? '?' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);

/** Every metric of the results answer that has a value and an interval, with its lift where given. */
export function resultsTable(results: ExperimentResults): string[] {
  const lines: string[] = [];
  for (const arm of results.arms) {
    const stopped = (arm as { stopped?: { reason?: string } | null }).stopped;
    lines.push(`  ${arm.name}: ${arm.users} users, ${arm.impressions} impressions, ${arm.clicks} clicks${stopped ? `; STOPPED: ${stopped.reason ?? ''}` : ''}`);
    for (const [key, value] of Object.entries(arm)) {
      if (!isInterval(value)) continue;
      const digits = Math.abs(value.value ?? 0) >= 10 ? 2 : 4;
      const extra = value as Interval & { lift?: Interval | null; pValue?: number | null; chanceToBeatControl?: number | null };
      const lift =
        extra.lift && isInterval(extra.lift) && extra.lift.value !== null
          ? `  lift ${signed(extra.lift.value)} [${signed(extra.lift.low)}, ${signed(extra.lift.high)}] p ${formatP(extra.pValue ?? null)}`
          : '';
      const chance = typeof extra.chanceToBeatControl === 'number' ? `  P(beats control) ${pct(extra.chanceToBeatControl)}` : '';
      lines.push(`    ${key.padEnd(18)}${interval(value, digits).padEnd(34)}${lift}${chance}`);
    }
  }
  lines.push(`  SRM: p = ${formatP(results.srm.pValue)}, ${results.srm.flagged ? 'FLAGGED' : 'not flagged'}`);
  lines.push(`  verdict: ${results.verdict.winner ?? 'no winner'} (${results.verdict.reason})`);
  return lines;
}

/** The simulation's own per-arm sums (what each shopper saw, clicked and bought after exposure). */
export function truthArms(truth: Truth, experimentId: string, arms: readonly { name: string; share: number }[]): ArmData[] {
  const data = new Map(arms.map((a) => [a.name, emptyArm(a.name, a.share)]));
  for (const user of truth.get(experimentId)?.values() ?? []) {
    const arm = data.get(user.arm);
    if (arm) addUser(arm, user);
  }
  return [...data.values()];
}

/** The same statistics on the simulation's own counts, as a table. */
export function truthTable(analysis: Analysis): string[] {
  const lines: string[] = [];
  for (const arm of analysis.arms) {
    lines.push(`  ${arm.name}: ${arm.users} users, ${arm.conversions} converting`);
    for (const [key, m] of Object.entries(arm.metrics)) {
      const digits = Math.abs(m.value ?? 0) >= 10 ? 2 : 4;
      const lift =
        m.lift && m.lift.value !== null ? `  lift ${signed(m.lift.value)} [${signed(m.lift.low)}, ${signed(m.lift.high)}] p ${formatP(m.pValue)}` : '';
      const chance = m.chanceToBeatControl !== null ? `  P(beats control) ${pct(m.chanceToBeatControl)}` : '';
      lines.push(`    ${key.padEnd(18)}${interval(m, digits).padEnd(34)}${lift}${chance}`);
    }
  }
  lines.push(`  SRM: p = ${formatP(analysis.srm.pValue)}, ${analysis.srm.flagged ? 'FLAGGED' : 'not flagged'}`);
  lines.push(`  verdict: ${analysis.verdict.winner ?? 'no winner'} (${analysis.verdict.reason})`);
  return lines;
}

/** Analyses the simulation's own counts with the experiment's control and primary metric. */
export function analyseTruth(
  truth: Truth,
  experimentId: string,
  arms: readonly { name: string; share: number; control?: boolean }[],
  primaryMetric: string,
  sequential: boolean,
): Analysis {
  const control = arms.find((a) => a.control)?.name ?? arms[0]!.name;
  return analyseExperiment({ control, primaryMetric, arms: truthArms(truth, experimentId, arms), guardrails: [{ metric: 'revenuePerUser' }] }, { sequential });
}

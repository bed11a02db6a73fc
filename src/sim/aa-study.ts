/**
 * The A/A study: simulated exposure logs of arms that are identical by construction, fed to the
 * same statistics code the experiments API uses (no endpoints, so hundreds of seeds fit in
 * seconds). Every winner it declares is a false positive; the share of runs with one must stay
 * at or below the nominal 5%.
 */
import { type Random, seededRandom } from '../random.ts';
import { sampleBeta } from '../experiments/bandit.ts';
import { type AnalysisOptions, type ArmData, analyseExperiment } from '../experiments/stats.ts';
import { addUser, emptyArm } from './arm-sums.ts';

/** Knobs of the A/A study. */
export interface AaOptions {
  seeds: number;
  /** Users per run, over all arms. */
  users: number;
  days: number;
  /** Identical arms per run (the verdict corrects for k − 1 comparisons). */
  arms: number;
  /** First seed; runs use firstSeed .. firstSeed + seeds − 1. */
  firstSeed?: number;
}

/** The metrics a verdict can be decided on. */
export const AA_METRICS = ['ctr', 'conversion', 'revenuePerUser'] as const;
export type AaMetric = (typeof AA_METRICS)[number];

/** How the runs are read. */
export const AA_MODES = ['fixed horizon, read once at the end', 'daily peeking, fixed-horizon test', 'daily peeking, sequential test'] as const;
export type AaMode = (typeof AA_MODES)[number];

/** Runs that declared a winner, per metric and mode, and runs in which a guardrail stopped an arm. */
export type AaCounts = Record<AaMetric, Record<AaMode, number>> & { guardrailStops: Record<'fixed' | 'sequential', number> };

/** Per-user totals accumulated day by day. */
interface UserTotals {
  arm: number;
  impressions: number;
  clicks: number;
  purchases: number;
  revenue: number;
}

const DAY_VISIT_CHANCE = 0.35;

/**
 * One simulated shop period: users arrive on a uniform day and come back on later days; each
 * has a hidden CTR (Beta(1.5, 12)), strips of 4-8 items per visit, purchases after clicks (15%)
 * and organically (3% per visit), prices log-normal with a heavy tail. Calls `onDay` with the
 * cumulative per-user totals after each day.
 */
export function simulateAaRun(random: Random, options: Pick<AaOptions, 'users' | 'days' | 'arms'>, onDay: (users: readonly UserTotals[]) => void): void {
  const users: (UserTotals & { arrival: number; ctr: number })[] = [];
  for (let u = 0; u < options.users; u++) {
    users.push({
      arm: random.int(0, options.arms - 1),
      arrival: random.int(0, options.days - 1),
      ctr: sampleBeta(1.5, 12, random),
      impressions: 0,
      clicks: 0,
      purchases: 0,
      revenue: 0,
    });
  }
  for (let day = 0; day < options.days; day++) {
    const seen: UserTotals[] = [];
    for (const user of users) {
      if (user.arrival > day) continue;
      if (user.arrival === day || random.chance(DAY_VISIT_CHANCE)) {
        const shown = random.int(4, 8);
        user.impressions += shown;
        let clicks = 0;
        for (let i = 0; i < shown; i++) if (random.chance(user.ctr)) clicks++;
        user.clicks += clicks;
        let purchases = random.chance(0.03) ? 1 : 0;
        for (let c = 0; c < clicks; c++) if (random.chance(0.15)) purchases++;
        for (let p = 0; p < purchases; p++) user.revenue += Math.round(Math.exp(3.2 + 0.9 * normal(random)) * 100) / 100;
        user.purchases += purchases;
      }
      seen.push(user);
    }
    onDay(seen);
  }
}

function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

/** Per-arm sums of the A/A metrics. */
export function aaArms(users: readonly UserTotals[], arms: number): ArmData[] {
  const data = Array.from({ length: arms }, (_, i) => emptyArm(i === 0 ? 'control' : `copy-${i}`, 1));
  for (const u of users) addUser(data[u.arm]!, u);
  return data;
}

/**
 * Runs the A/A study and counts, per metric and mode, the runs in which the verdict named a
 * winner (any arm, control included), and the runs in which the revenue guardrail, checked
 * daily, stopped an arm. `onProgress` is called after each seed.
 */
export function runAaStudy(options: AaOptions, onProgress?: (done: number) => void): AaCounts {
  const counts = {
    ...Object.fromEntries(AA_METRICS.map((m) => [m, Object.fromEntries(AA_MODES.map((mode) => [mode, 0]))])),
    guardrailStops: { fixed: 0, sequential: 0 },
  } as AaCounts;
  const guardrails = [{ metric: 'revenuePerUser' }];
  const fixed: AnalysisOptions = {};
  const sequential: AnalysisOptions = { sequential: { tuningUsers: options.users } };
  const first = options.firstSeed ?? 1;
  for (let s = 0; s < options.seeds; s++) {
    const random = seededRandom(first + s);
    const winners = Object.fromEntries(AA_METRICS.map((m) => [m, { peekFixed: false, peekSequential: false, end: false }])) as Record<
      AaMetric,
      { peekFixed: boolean; peekSequential: boolean; end: boolean }
    >;
    let day = 0;
    const stopped = { fixed: false, sequential: false };
    simulateAaRun(random, options, (users) => {
      day++;
      const arms = aaArms(users, options.arms);
      const guarded = { control: 'control', arms, primaryMetric: 'conversion', guardrails };
      stopped.fixed ||= analyseExperiment(guarded, fixed).arms.some((a) => a.guardrail?.stop);
      stopped.sequential ||= analyseExperiment(guarded, sequential).arms.some((a) => a.guardrail?.stop);
      for (const metric of AA_METRICS) {
        const input = { control: 'control', arms, primaryMetric: metric };
        const w = winners[metric];
        const fixedWinner = analyseExperiment(input, fixed).verdict.winner !== null;
        w.peekFixed ||= fixedWinner;
        w.peekSequential ||= analyseExperiment(input, sequential).verdict.winner !== null;
        if (day === options.days) w.end = fixedWinner;
      }
    });
    if (stopped.fixed) counts.guardrailStops.fixed++;
    if (stopped.sequential) counts.guardrailStops.sequential++;
    for (const metric of AA_METRICS) {
      const w = winners[metric];
      if (w.end) counts[metric][AA_MODES[0]]++;
      if (w.peekFixed) counts[metric][AA_MODES[1]]++;
      if (w.peekSequential) counts[metric][AA_MODES[2]]++;
    }
    onProgress?.(s + 1);
  }
  return counts;
}

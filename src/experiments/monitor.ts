import type { Database } from '../db/client.ts';
import { seededRandom } from '../random.ts';
import { armTotals } from './arm-sums.ts';
import type { Arm } from './experiment-schema.ts';
import { runningExperiments, saveArms, stopExperiment } from './experiment-store.ts';
import { analyse } from './results.ts';
import { thompsonShares } from './stats.ts';

/** What the roll-up changed in one experiment. */
export interface MonitorAction {
  experiment: string;
  /** Arms a guardrail stopped in this run, with the reason recorded on the arm. */
  stoppedArms: { arm: string; reason: string }[];
  /** Set when the whole experiment stopped (every treatment arm stopped). */
  stopped?: string;
  /** Bandit mode: the new traffic shares. */
  shares?: Record<string, number>;
}

/**
 * After each roll-up: guardrails (read as always-valid, since they are checked every 5
 * minutes) stop arms significantly worse than control, recording the reason on the arm; an
 * experiment whose treatments are all stopped stops. Bandit experiments get new shares by
 * Thompson sampling on CTR (with the experiment's minimum share per arm). An experiment past its
 * `endsAt` stops, recording the schedule as the reason.
 */
export async function monitorExperiments(db: Database, d1: D1Database, now = Date.now()): Promise<MonitorAction[]> {
  const actions: MonitorAction[] = [];
  for (const experiment of await runningExperiments(db)) {
    if (experiment.endsAt !== null && now >= experiment.endsAt) {
      const stopped = `schedule: ended at ${new Date(experiment.endsAt).toISOString()}`;
      await stopExperiment(db, experiment.id, stopped, now);
      actions.push({ experiment: experiment.id, stoppedArms: [], stopped });
      continue;
    }
    const totals = await armTotals(d1, experiment.id);
    const analysis = analyse(experiment, totals, true);
    const action: MonitorAction = { experiment: experiment.id, stoppedArms: [] };
    let arms: Arm[] = experiment.arms.map((arm, i) => {
      const guardrail = analysis.arms[i]?.guardrail;
      if (arm.control || arm.stopped || !guardrail?.stop) return arm;
      const reason = guardrail.reason ?? 'guardrail';
      action.stoppedArms.push({ arm: arm.name, reason });
      return { ...arm, stopped: { at: now, reason } };
    });
    if (experiment.mode === 'bandit') {
      const shares = thompsonShares(
        arms.map((arm) => {
          const t = totals.find((x) => x.arm === arm.name);
          return { name: arm.name, clicks: t?.clicks ?? 0, impressions: t?.impressions ?? 0 };
        }),
        seededRandom(now),
        { minShare: experiment.settings.banditMinShare },
      );
      arms = arms.map((arm) => ({ ...arm, share: Number(shares[arm.name]!.toFixed(4)) }));
      action.shares = Object.fromEntries(arms.map((a) => [a.name, a.share]));
    }
    if (action.stoppedArms.length || action.shares) await saveArms(db, experiment.id, arms);
    if (arms.every((arm) => arm.control || arm.stopped) && action.stoppedArms.length) {
      action.stopped = `every treatment arm stopped by a guardrail: ${action.stoppedArms.map((s) => `${s.arm}: ${s.reason}`).join('; ')}`;
      await stopExperiment(db, experiment.id, action.stopped, now);
    }
    if (action.stoppedArms.length || action.shares || action.stopped) actions.push(action);
  }
  return actions;
}

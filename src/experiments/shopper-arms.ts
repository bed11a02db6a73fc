import { assignArm } from './assignment.ts';
import type { Arm, Experiment } from './experiment-schema.ts';

/** The arm one shopper falls in for one experiment. */
export interface ShopperArm {
  experiment: string;
  name: string;
  status: Experiment['status'];
  arm: string;
  /** The arm was stopped by a guardrail: the shopper gets the default configuration. */
  armStopped: boolean;
}

/**
 * The arm a shopper (or session) falls in for each experiment that has served traffic, by the
 * same hash serving uses, so a profile shows exactly what the shopper was shown. Drafts are
 * left out. In bandit mode the shares move, so the arm is the one under the current shares.
 *
 * @example
 * shopperArms('u-42', await listExperiments(db)); // [{ experiment: 'x-…', name: 'Popular vs default', status: 'running', arm: 'control', armStopped: false }]
 */
export function shopperArms(unit: string, experiments: readonly Experiment[]): ShopperArm[] {
  return experiments
    .filter((e) => e.status !== 'draft')
    .map((e) => {
      const arm = armOf(unit, e)!;
      return { experiment: e.id, name: e.name, status: e.status, arm: arm.name, armStopped: arm.stopped !== undefined };
    });
}

/** The arm a unit (user, or session) falls in under the experiment's current shares, as serving assigns it. */
export function armOf(unit: string, experiment: Pick<Experiment, 'id' | 'arms'>): Arm | undefined {
  return experiment.arms[
    assignArm(
      unit,
      experiment.id,
      experiment.arms.map((a) => a.share),
    )
  ];
}

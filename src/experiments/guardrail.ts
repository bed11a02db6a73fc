import type { Comparison } from './compare.ts';
import { formatLift, formatP } from './format.ts';

/** One arm on a guardrail metric. */
export interface GuardrailArm {
  name: string;
  users: number;
  conversions: number;
  /** Null for control. */
  comparison: Comparison | null;
}

/** Whether an arm is stopped by the guardrail, and why. */
export interface GuardrailDecision {
  arm: string;
  stop: boolean;
  reason: string | null;
}

/** Settings of a guardrail. */
export interface GuardrailOptions {
  /** Revenue per user: higher is better (the default). A metric like returns per user: false. */
  higherIsBetter?: boolean;
  /** No stop before the arm and control have the minimum sample (default 100 users, 25 conversions). */
  minUsers?: number;
  minConversions?: number;
}

/**
 * Guardrail: an arm whose interval on the guardrail metric lies entirely on the worse side of
 * control is stopped, with the reason in words. Like the verdict, it waits for the minimum
 * sample in the arm and in control: on skewed metrics (revenue) the normal approximation is
 * not yet trustworthy below it (the A/A study in src/sim measured it). Pass comparisons made in sequential mode when
 * the guardrail is checked on every roll-up, so repeated checks do not stop arms by chance.
 */
export function guardrailDecisions(metric: string, arms: readonly GuardrailArm[], options: GuardrailOptions = {}): GuardrailDecision[] {
  const higherIsBetter = options.higherIsBetter ?? true;
  const minUsers = options.minUsers ?? 100;
  const minConversions = options.minConversions ?? 25;
  const small = (a: GuardrailArm) => a.users < minUsers || a.conversions < minConversions;
  const control = arms.find((a) => a.comparison === null);
  return arms.map((arm) => {
    const c = arm.comparison;
    if (!c || c.lift.low === null || c.lift.high === null || small(arm) || (control && small(control))) return { arm: arm.name, stop: false, reason: null };
    const worse = higherIsBetter ? c.lift.high < 0 : c.lift.low > 0;
    if (!worse) return { arm: arm.name, stop: false, reason: null };
    return { arm: arm.name, stop: true, reason: `guardrail: ${metric} significantly worse than control, ${formatLift(c)} (p = ${formatP(c.pValue)})` };
  });
}

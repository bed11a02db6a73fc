import { z } from '@hono/zod-openapi';
import { METRICS } from './experiment-schema.ts';

const Interval = z.object({ value: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() });
const Metric = Interval.extend({
  stddev: z.number().nullable().openapi({ description: 'Per-user standard deviation (for a ratio metric, of its delta-method linearisation).' }),
  lift: Interval.nullable().openapi({ description: 'Relative lift against control (delta method), with its interval; null for control.' }),
  pValue: z.number().nullable(),
  chanceToBeatControl: z.number().nullable(),
}).openapi('MetricResult');
const metrics = Object.fromEntries(METRICS.map((m) => [m, Metric])) as Record<(typeof METRICS)[number], typeof Metric>;
const PeriodArm = z.object({
  name: z.string(),
  users: z.number(),
  impressions: z.number(),
  clicks: z.number(),
  conversions: z.number(),
  revenue: z.number(),
  ...metrics,
});

/** The answer of `GET /v1/admin/experiments/:id/results`. */
export const ExperimentResultsSchema = z
  .object({
    experiment: z.object({
      id: z.string(),
      name: z.string(),
      status: z.string(),
      mode: z.string(),
      surfaces: z.array(z.string()),
      startedAt: z.number().nullable(),
      stoppedAt: z.number().nullable(),
      stopReason: z.string().nullable(),
    }),
    primaryMetric: z.enum(METRICS),
    sequential: z.boolean().openapi({ description: 'Intervals and p-values are always valid (safe to read daily).' }),
    minimum: z.object({ users: z.number(), conversions: z.number() }),
    arms: z.array(
      z.object({
        name: z.string(),
        control: z.boolean(),
        share: z.number(),
        users: z.number(),
        impressions: z.number(),
        clicks: z.number(),
        conversions: z.number().openapi({ description: 'Users who bought after exposure.' }),
        revenue: z.number(),
        ...metrics,
        stopped: z.object({ at: z.number(), reason: z.string() }).nullable(),
        guardrail: z.object({ stop: z.boolean(), reason: z.string().nullable() }).nullable(),
      }),
    ),
    srm: z.object({
      chiSquare: z.number().nullable(),
      degreesOfFreedom: z.number(),
      pValue: z.number().nullable(),
      flagged: z.boolean().openapi({ description: 'Sample ratio mismatch at p < 0.001: assignment or logging is broken; no verdict.' }),
      note: z.string().optional(),
    }),
    verdict: z.object({ winner: z.string().nullable().openapi({ description: 'Null until there is one.' }), reason: z.string() }),
    byDay: z.array(z.object({ day: z.string().optional(), arms: z.array(PeriodArm) })),
    bySinceExposure: z.array(z.object({ since: z.number().optional(), arms: z.array(PeriodArm) })),
    generatedAt: z.number(),
  })
  .openapi('ExperimentResults');

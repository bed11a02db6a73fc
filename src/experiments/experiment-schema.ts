import { z } from '@hono/zod-openapi';
import { TimestampSchema } from '../http/timestamp.ts';

/** Surfaces an experiment can cover: the recommendation kinds serving answers. */
export const SURFACES = ['for-you', 'similar', 'bought-together', 'cart', 'trending'] as const;
export type Surface = (typeof SURFACES)[number];

/** Models an arm can serve. */
export const MODELS = ['default', 'popularity', 'random'] as const;

/** Metrics of an experiment, per user: CTR (clicks over impressions, delta method), conversion (share of users who bought), revenue per user. */
export const METRICS = ['ctr', 'conversion', 'revenuePerUser'] as const;
export type MetricName = (typeof METRICS)[number];

/** How an arm serves recommendations. */
export const ServingConfigSchema = z
  .object({
    model: z.enum(MODELS).default('default').openapi({
      description: '`default`: the personalised tables; `popularity`: the all-time popular list; `random`: a random order of the popular pool.',
    }),
    diversity: z.boolean().default(true).openapi({ description: 'Cap items per category on "for you".' }),
    rules: z.boolean().default(true).openapi({ description: 'Apply the merchandising rules.' }),
    holdout: z
      .boolean()
      .default(false)
      .openapi({ description: '"No recommendations": answers no items (the widget renders nothing) and still logs the exposure.' }),
  })
  .openapi('ServingConfig');
export type ServingConfig = z.infer<typeof ServingConfigSchema>;

/** The configuration served where no experiment decides. */
export const DEFAULT_SERVING: ServingConfig = { model: 'default', diversity: true, rules: true, holdout: false };

const ArmInputSchema = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, _ or -')
    .openapi({ example: 'control' }),
  share: z.number().gt(0).max(1).openapi({ description: 'Share of traffic (the arms must add up to 1).', example: 0.5 }),
  control: z.boolean().optional().openapi({ description: 'The arm others are compared with (default: the arm named `control`, else the first).' }),
  config: ServingConfigSchema.default(DEFAULT_SERVING),
});

/** Verdict and guardrail settings of an experiment. */
export const ExperimentSettingsSchema = z
  .object({
    minUsers: z.number().int().min(1).default(100).openapi({ description: 'No verdict before every arm has this many users.' }),
    minConversions: z.number().int().min(0).default(25).openapi({ description: 'No verdict before every arm has this many converting users.' }),
    sequential: z.boolean().default(false).openapi({ description: 'Always-valid (sequential) intervals: looking daily does not inflate false positives.' }),
    primaryMetric: z.enum(METRICS).default('ctr').openapi({ description: 'The metric the verdict is decided on.' }),
    guardrails: z
      .array(z.enum(METRICS))
      .default(['revenuePerUser'])
      .openapi({ description: 'Metrics that stop an arm automatically when it is significantly worse than control.' }),
    banditMinShare: z.number().min(0).max(0.5).default(0.1).openapi({ description: 'Bandit mode: the least traffic share any arm keeps.' }),
  })
  .openapi('ExperimentSettings');
export type ExperimentSettings = z.infer<typeof ExperimentSettingsSchema>;

/** The body of `POST /v1/admin/experiments`. */
export const ExperimentInputSchema = z
  .object({
    name: z.string().min(1).max(100).openapi({ example: 'personalised vs popular' }),
    surfaces: z
      .array(z.enum(SURFACES))
      .min(1)
      .max(SURFACES.length)
      .openapi({ example: ['for-you'] }),
    arms: z.array(ArmInputSchema).min(2).max(8),
    mode: z.enum(['fixed', 'bandit']).default('fixed').openapi({ description: '`bandit`: traffic shifts toward the better arm (Thompson sampling on CTR).' }),
    settings: ExperimentSettingsSchema.default(ExperimentSettingsSchema.parse({})),
    start: z.boolean().default(true).openapi({ description: 'Run at once (default) or stay a draft until started.' }),
    startsAt: TimestampSchema.optional().openapi({ description: 'A running experiment serves only from this time (ISO 8601 or ms).' }),
    endsAt: TimestampSchema.optional().openapi({ description: 'It stops serving at this time, and the next roll-up stops it, recording why.' }),
  })
  .superRefine((input, ctx) => {
    if (input.startsAt !== undefined && input.endsAt !== undefined && input.endsAt <= input.startsAt)
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    const total = input.arms.reduce((sum, arm) => sum + arm.share, 0);
    if (Math.abs(total - 1) > 1e-6) ctx.addIssue({ code: 'custom', path: ['arms'], message: `shares must add up to 1 (they add up to ${total})` });
    const names = new Set<string>();
    input.arms.forEach((arm, i) => {
      if (names.has(arm.name)) ctx.addIssue({ code: 'custom', path: ['arms', i, 'name'], message: `duplicate arm name ${arm.name}` });
      names.add(arm.name);
    });
    if (input.arms.filter((arm) => arm.control).length > 1) ctx.addIssue({ code: 'custom', path: ['arms'], message: 'at most one control arm' });
    if (new Set(input.surfaces).size !== input.surfaces.length) ctx.addIssue({ code: 'custom', path: ['surfaces'], message: 'duplicate surface' });
  })
  .openapi('ExperimentInput');
export type ExperimentInput = z.infer<typeof ExperimentInputSchema>;

/** One arm as stored and shown. */
export const ArmSchema = z
  .object({
    name: z.string(),
    share: z.number().openapi({ description: 'Current traffic share (moves in bandit mode).' }),
    control: z.boolean(),
    config: ServingConfigSchema,
    stopped: z
      .object({ at: z.number(), reason: z.string() })
      .optional()
      .openapi({ description: 'Set when a guardrail stopped the arm: its units get the default configuration.' }),
  })
  .openapi('Arm');
export type Arm = z.infer<typeof ArmSchema>;

/** An experiment as the API shows it. */
export const ExperimentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    surfaces: z.array(z.enum(SURFACES)),
    arms: z.array(ArmSchema),
    status: z.enum(['draft', 'running', 'stopped', 'promoted']),
    mode: z.enum(['fixed', 'bandit']),
    settings: ExperimentSettingsSchema,
    createdAt: z.number(),
    startedAt: z.number().nullable(),
    stoppedAt: z.number().nullable(),
    stopReason: z.string().nullable(),
    promoted: z.string().nullable().openapi({ description: 'The arm whose configuration became the default.' }),
    startsAt: z.number().nullable().openapi({ description: 'Serves from this time (ms); null: from its start.' }),
    endsAt: z.number().nullable().openapi({ description: 'Stops serving at this time (ms) and the next roll-up stops it; null: until stopped.' }),
  })
  .openapi('Experiment');
export type Experiment = z.infer<typeof ExperimentSchema>;

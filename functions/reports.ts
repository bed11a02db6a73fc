import { createRoute, z } from '@hono/zod-openapi';
import type { Env } from '../src/env.ts';
import { createRouter } from '../src/http/app.ts';
import { requireKey } from '../src/http/auth.ts';
import { ApiError } from '../src/http/errors.ts';
import { errorResponses, jsonContent } from '../src/http/openapi.ts';
import { recommendationsReport, reportCsv } from '../src/reports/report-query.ts';
import { rollupOptions, runRollup } from '../src/reports/run-rollup.ts';

const security = [{ adminKey: [] }];
const middleware = requireKey('admin');
const tags = ['reports'];

const RollupOutcomeSchema = z
  .object({
    status: z.enum(['rolled-up', 'busy']),
    events: z.number().int(),
    pages: z.number().int(),
    fromSeq: z.number().int(),
    toSeq: z.number().int(),
    caughtUp: z.boolean().openapi({ description: 'False when the run stopped at `ROLLUP_MAX_EVENTS`; the next run goes on.' }),
    experiments: z
      .array(
        z.object({
          experiment: z.string(),
          stoppedArms: z.array(z.object({ arm: z.string(), reason: z.string() })),
          stopped: z.string().optional(),
          shares: z.record(z.string(), z.number()).optional(),
        }),
      )
      .openapi({ description: 'Guardrail stops and bandit shares decided after the run.' }),
  })
  .openapi('RollupOutcome');

const Stats = z.object({ sum: z.number(), sumSquares: z.number() });
const ReportLineSchema = z
  .object({
    day: z.string().optional(),
    surface: z.string().optional().openapi({ description: 'The surface, `surface@placement` when the widget named its placement.' }),
    experiment: z.string().optional().openapi({ description: "'' outside experiments." }),
    arm: z.string().optional(),
    impressions: z.number(),
    usersReached: z.number(),
    clicks: z.number(),
    inferredClicks: z.number().openapi({ description: 'Clicks without a rid, inferred from an impression (view-through).' }),
    ctr: z.number().nullable(),
    addToCarts: z.number(),
    purchases: z.number().openapi({ description: 'Attributed purchases: with a rid, click-through or view-through; each counted once.' }),
    revenue: z.number().openapi({ description: 'Attributed revenue: price x quantity.' }),
    clickThrough: z.object({ purchases: z.number(), revenue: z.number() }),
    viewThrough: z.object({ purchases: z.number(), revenue: z.number() }),
    perUser: z.object({ users: z.number(), clicks: Stats, purchases: Stats, revenue: Stats }),
  })
  .openapi('ReportLine');
const ReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    by: z.enum(['day', 'surface', 'arm']),
    rows: z.array(ReportLineSchema),
    totals: ReportLineSchema,
    coverage: z.object({ itemsShown: z.number(), catalogItems: z.number(), share: z.number().nullable() }),
    revenueShare: z.object({ attributed: z.number(), total: z.number(), share: z.number().nullable() }),
  })
  .openapi('RecommendationsReport');
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a UTC day, YYYY-MM-DD')
  .refine((d) => Number.isFinite(Date.parse(d)), 'not a date');

/** Performance reports and the roll-up that feeds them (admin key). */
export const reports = createRouter();

reports.openapi(
  createRoute({
    method: 'post',
    path: '/v1/admin/rollup',
    tags,
    security,
    middleware,
    summary: 'Run the 5-minute roll-up now',
    description:
      'Attributes the events logged since the last run (rid, click-through, view-through) and adds them to the report and experiment tables. Incremental: keyset on the log sequence.',
    responses: { 200: jsonContent(RollupOutcomeSchema, 'What the run did'), ...errorResponses },
  }),
  async (c) => c.json(await runRollup(c.env.DB, rollupOptions(c.env)), 200),
);

reports.openapi(
  createRoute({
    method: 'get',
    path: '/v1/admin/reports/recommendations',
    tags,
    security,
    middleware,
    summary: 'What recommendations earned, per day, surface or experiment arm (JSON or CSV)',
    description:
      'Read from the roll-up tables, never the event log. CSV with `Accept: text/csv` or `format=csv`. Days are UTC and inclusive; the default is the last 30 days.',
    request: {
      query: z.object({
        from: day.optional().openapi({ example: '2026-11-01' }),
        to: day.optional().openapi({ example: '2026-11-30' }),
        by: z.enum(['day', 'surface', 'arm']).default('day'),
        format: z.enum(['json', 'csv']).optional(),
      }),
    },
    responses: {
      200: { description: 'The report', content: { 'application/json': { schema: ReportSchema }, 'text/csv': { schema: z.string() } } },
      ...errorResponses,
    },
  }),
  async (c) => {
    const query = c.req.valid('query');
    if (query.from && query.to && query.from > query.to) throw new ApiError(400, 'invalid_request', '`from` is after `to`', 'query.from');
    const report = await recommendationsReport(c.env.DB, query);
    const csv = query.format === 'csv' || (query.format === undefined && (c.req.header('accept') ?? '').includes('text/csv'));
    if (csv) return c.body(reportCsv(report), 200, { 'content-type': 'text/csv; charset=utf-8' });
    return c.json(report, 200);
  },
);

/** The 5-minute cron (`TRENDING_CRON`) also runs the roll-up. */
export async function scheduledRollup(controller: ScheduledController, env: Env): Promise<void> {
  if (controller.cron !== (env.TRENDING_CRON ?? '*/5 * * * *')) return;
  const outcome = await runRollup(env.DB, rollupOptions(env));
  console.log(`roll-up: ${outcome.status}, ${outcome.events} events to seq ${outcome.toSeq}`);
}

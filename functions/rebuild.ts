import { createRoute, z } from '@hono/zod-openapi';
import { rollUpActivity } from '../src/activity/rollup.ts';
import { openDatabase } from '../src/db/client.ts';
import type { Env } from '../src/env.ts';
import { createRouter } from '../src/http/app.ts';
import { requireKey } from '../src/http/auth.ts';
import { errorResponses, jsonContent } from '../src/http/openapi.ts';
import type { PartJob } from '../src/rebuild/build-part.ts';
import { rebuildDeps, startRebuild } from '../src/rebuild/deps.ts';
import { type StartJob, runQueuedRebuild, runRebuild, runRebuildPart } from '../src/rebuild/run-rebuild.ts';
import { refreshTrending } from '../src/rebuild/fresh-trending.ts';
import { listRuns } from '../src/rebuild/runs.ts';
import { publicError } from '../src/security/public-error.ts';
import { openTableStore } from '../src/tables/open-store.ts';

const OutcomeSchema = z
  .object({
    version: z.string(),
    status: z.enum(['queued', 'published', 'split', 'skipped', 'failed']),
    stats: z.record(z.string(), z.unknown()),
    error: z.string().optional(),
  })
  .openapi('RebuildOutcome');
const RunSchema = z
  .object({
    version: z.string(),
    trigger: z.string(),
    status: z.string(),
    startedAt: z.number(),
    finishedAt: z.number().nullable(),
    durationMs: z.number().nullable(),
    stats: z.record(z.string(), z.unknown()),
    error: z.string().nullable(),
  })
  .openapi('RebuildRun');

/** Rebuild admin endpoints (admin key). */
export const rebuild = createRouter();

const middleware = requireKey('admin');

rebuild.openapi(
  createRoute({
    method: 'post',
    path: '/v1/admin/rebuild',
    tags: ['rebuild'],
    summary: 'Start a rebuild of the recommendation tables',
    description:
      "Answers at once with the run's id (`version`, `status: queued`); the rebuild runs on the queue, never in a serving request. Follow it on `GET /v1/admin/rebuilds`: `queued`, `running`, `split` (parts on the queue), then `published`, `failed` or `skipped` (another run held the lease).",
    security: [{ adminKey: [] }],
    middleware,
    request: {
      query: z.object({
        selection: z
          .enum(['on', 'off'])
          .optional()
          .openapi({ description: '`off`: this run publishes the default model without the model selection (to compare its cost).' }),
        content: z
          .enum(['on', 'off'])
          .optional()
          .openapi({ description: '`off`: the model selection leaves the content blends (similar lists from catalog titles) out (to compare their cost).' }),
        parts: z.coerce.number().int().min(1).max(64).optional().openapi({
          description: 'Parts this run is split into on the queue (1: one invocation), instead of `REBUILD_PARTS` (to compare a split run with a single one).',
        }),
      }),
    },
    responses: { 202: jsonContent(OutcomeSchema, 'The run, queued'), ...errorResponses },
  }),
  async (c) => {
    const { selection, content, parts } = c.req.valid('query');
    const options = { ...(selection === 'off' ? { selection: false } : {}), ...(content === 'off' ? { content: false } : {}), ...(parts ? { parts } : {}) };
    return c.json(await startRebuild(c.env, 'admin', (work) => c.executionCtx.waitUntil(work), options), 202);
  },
);

rebuild.openapi(
  createRoute({
    method: 'get',
    path: '/v1/admin/rebuilds',
    tags: ['rebuild'],
    summary: 'Recent rebuild runs with their figures',
    security: [{ adminKey: [] }],
    middleware,
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }) },
    responses: { 200: jsonContent(z.object({ runs: z.array(RunSchema) }), 'Newest first'), ...errorResponses },
  }),
  async (c) => c.json({ runs: await listRuns(openDatabase(c.env.DB), c.req.valid('query').limit) }, 200),
);

rebuild.openapi(
  createRoute({
    method: 'post',
    path: '/v1/admin/trending/refresh',
    tags: ['rebuild'],
    summary: 'Move trending forward with the events logged since the last rebuild or refresh',
    description: 'The cheap partial update the 5-minute cron runs.',
    security: [{ adminKey: [] }],
    middleware,
    responses: {
      200: jsonContent(
        z.object({
          status: z.enum(['refreshed', 'no-tables', 'busy', 'failed']),
          events: z.number().int(),
          version: z.string().optional(),
          error: z.string().optional(),
        }),
        'What the refresh did',
      ),
      ...errorResponses,
    },
  }),
  async (c) => c.json(await refreshTrending(openDatabase(c.env.DB), openTableStore(c.env)), 200),
);

/** The cron triggers: `TRENDING_CRON` moves trending forward, any other runs a full rebuild. */
export async function scheduledRebuild(controller: ScheduledController, env: Env, _ctx?: ExecutionContext): Promise<void> {
  if (controller.cron === (env.TRENDING_CRON ?? '*/5 * * * *')) {
    const db = openDatabase(env.DB);
    const refreshed = await refreshTrending(db, openTableStore(env));
    console.log(`trending refresh: ${refreshed.status}, ${refreshed.events} new events${refreshed.error ? ` (${refreshed.error})` : ''}`);
    const activity = await rollUpActivity(db);
    console.log(`activity roll-up: ${activity.events} events${activity.more ? ', more left' : ''}`);
    return;
  }
  const outcome = await runRebuild(rebuildDeps(env), 'cron');
  console.log(`rebuild ${outcome.version}: ${outcome.status}${outcome.error ? ` (${outcome.error})` : ''}`);
}

/** The queue consumer: a queued run's start, or one part of a split run, per message; a failed message is retried. */
export async function rebuildPartsConsumer(batch: MessageBatch<PartJob | StartJob>, env: Env): Promise<void> {
  const deps = rebuildDeps(env);
  for (const message of batch.messages) {
    const job = message.body;
    try {
      if ('start' in job) {
        const outcome = await runQueuedRebuild(deps, job);
        if (outcome !== 'stale') console.log(`rebuild ${outcome.version}: ${outcome.status}${outcome.error ? ` (${outcome.error})` : ''}`);
      } else await runRebuildPart(deps, job);
      message.ack();
    } catch (err) {
      console.error(`rebuild ${'start' in job ? job.start.version : `part ${job.version}/${job.part}`} failed: ${publicError(err)}`);
      message.retry();
    }
  }
}

import { createRoute, z } from '@hono/zod-openapi';
import { openDatabase } from '../src/db/client.ts';
import { armOf } from '../src/experiments/shopper-arms.ts';
import { ExperimentInputSchema, ExperimentSchema } from '../src/experiments/experiment-schema.ts';
import { createExperiment, getExperiment, listExperiments, promoteArm, startExperiment, stopExperiment } from '../src/experiments/experiment-store.ts';
import { experimentResults } from '../src/experiments/results.ts';
import { ExperimentResultsSchema } from '../src/experiments/results-schema.ts';
import { forgetServingState } from '../src/experiments/serving-decision.ts';
import { IdSchema } from '../src/collect/event-schema.ts';
import { createRouter } from '../src/http/app.ts';
import { requireKey } from '../src/http/auth.ts';
import { ApiError, ErrorSchema } from '../src/http/errors.ts';
import { errorResponses, jsonContent, notFoundResponse } from '../src/http/openapi.ts';

const security = [{ adminKey: [] }];
const middleware = requireKey('admin');
const tags = ['experiments'];
const IdParamSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'x-1a2b3c4d5e' }),
});
const one = { 200: jsonContent(ExperimentSchema, 'The experiment'), ...errorResponses, ...notFoundResponse };
const conflict = { 409: jsonContent(ErrorSchema, 'Another running experiment covers one of its surfaces') };

/** A/B experiments over serving configurations (admin key). */
export const experimentsApi = createRouter();

experimentsApi.openapi(
  createRoute({
    method: 'post',
    path: '/v1/admin/experiments',
    tags,
    security,
    middleware,
    summary: 'Create an experiment (it runs at once unless `start` is false)',
    description:
      'Arms split traffic by a hash of the user (or `session`) and the experiment id: stable across requests and isolates, independent between experiments. ' +
      'Every answer on a covered surface then carries `experiment` and `arm`, and its rid carries them into impressions and clicks. One running experiment per surface.',
    request: { body: { required: true, content: { 'application/json': { schema: ExperimentInputSchema } } } },
    responses: { 201: jsonContent(ExperimentSchema, 'The experiment, with its id'), ...errorResponses, ...conflict },
  }),
  async (c) => {
    const experiment = await createExperiment(openDatabase(c.env.DB), c.req.valid('json'));
    forgetServingState();
    return c.json(experiment, 201);
  },
);

experimentsApi.openapi(
  createRoute({
    method: 'get',
    path: '/v1/admin/experiments',
    tags,
    security,
    middleware,
    summary: 'List the experiments, newest first',
    responses: { 200: jsonContent(z.object({ experiments: z.array(ExperimentSchema) }), 'All experiments'), ...errorResponses },
  }),
  async (c) => c.json({ experiments: await listExperiments(openDatabase(c.env.DB)) }, 200),
);

experimentsApi.openapi(
  createRoute({
    method: 'get',
    path: '/v1/admin/experiments/{id}',
    tags,
    security,
    middleware,
    summary: 'One experiment',
    request: { params: IdParamSchema },
    responses: one,
  }),
  async (c) => c.json(await getExperiment(openDatabase(c.env.DB), c.req.valid('param').id), 200),
);

experimentsApi.openapi(
  createRoute({
    method: 'post',
    path: '/v1/admin/experiments/{id}/start',
    tags,
    security,
    middleware,
    summary: 'Start a draft (or restart a stopped) experiment',
    request: { params: IdParamSchema },
    responses: { ...one, ...conflict },
  }),
  async (c) => {
    const experiment = await startExperiment(openDatabase(c.env.DB), c.req.valid('param').id);
    forgetServingState();
    return c.json(experiment, 200);
  },
);

experimentsApi.openapi(
  createRoute({
    method: 'post',
    path: '/v1/admin/experiments/{id}/stop',
    tags,
    security,
    middleware,
    summary: 'Stop an experiment: its surfaces go back to their default configuration',
    request: {
      params: IdParamSchema,
      body: { required: false, content: { 'application/json': { schema: z.object({ reason: z.string().max(500).default('stopped by the shop') }) } } },
    },
    responses: one,
  }),
  async (c) => {
    const body = c.req.header('content-type')?.includes('json') ? c.req.valid('json') : { reason: 'stopped by the shop' };
    const experiment = await stopExperiment(openDatabase(c.env.DB), c.req.valid('param').id, body.reason);
    forgetServingState();
    return c.json(experiment, 200);
  },
);

experimentsApi.openapi(
  createRoute({
    method: 'post',
    path: '/v1/admin/experiments/{id}/promote',
    tags,
    security,
    middleware,
    summary: "Promote an arm: its configuration becomes the default of the experiment's surfaces, and the experiment ends",
    request: {
      params: IdParamSchema,
      body: { required: true, content: { 'application/json': { schema: z.object({ arm: z.string().min(1).max(40).openapi({ example: 'popular' }) }) } } },
    },
    responses: one,
  }),
  async (c) => {
    const experiment = await promoteArm(openDatabase(c.env.DB), c.req.valid('param').id, c.req.valid('json').arm);
    forgetServingState();
    return c.json(experiment, 200);
  },
);

experimentsApi.openapi(
  createRoute({
    method: 'get',
    path: '/v1/admin/experiments/{id}/assignment',
    tags,
    security,
    middleware,
    summary: "A shopper's arm (the same answer serving gives while the experiment runs)",
    request: { params: IdParamSchema, query: z.object({ unit: IdSchema.openapi({ description: 'The user id, or the session id of an anonymous shopper.' }) }) },
    responses: { 200: jsonContent(z.object({ experiment: z.string(), unit: z.string(), arm: z.string() }), 'The arm'), ...errorResponses, ...notFoundResponse },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const { unit } = c.req.valid('query');
    const experiment = await getExperiment(openDatabase(c.env.DB), id);
    const arm = armOf(unit, experiment);
    if (!arm) throw new ApiError(404, 'not_found', 'No arm', 'id');
    return c.json({ experiment: id, unit, arm: arm.name }, 200);
  },
);

experimentsApi.openapi(
  createRoute({
    method: 'get',
    path: '/v1/admin/experiments/{id}/results',
    tags,
    security,
    middleware,
    summary: 'Per arm: CTR, conversion and revenue per user with 95% intervals, lift against control, p-value, chance to beat control; SRM; verdict',
    description:
      'Computed from the roll-up tables (run `POST /v1/admin/rollup` to include the latest events). No verdict before the minimum sample, or when the sample ratio mismatches. ' +
      'With `settings.sequential` the intervals are always valid. Also by calendar day and by days since exposure.',
    request: { params: IdParamSchema },
    responses: { 200: jsonContent(ExperimentResultsSchema, 'The results'), ...errorResponses, ...notFoundResponse },
  }),
  async (c) => {
    const experiment = await getExperiment(openDatabase(c.env.DB), c.req.valid('param').id);
    return c.json(await experimentResults(c.env.DB, experiment), 200);
  },
);

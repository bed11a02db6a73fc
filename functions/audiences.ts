import { createRoute, z } from '@hono/zod-openapi';
import { currentShopper } from '../src/audiences/current-shopper.ts';
import { explainProfile } from '../src/audiences/explain-profile.ts';
import { exportChanges, exportMembers, toCsv, toJsonLines } from '../src/audiences/export-members.ts';
import { exportShopper } from '../src/audiences/export-shopper.ts';
import { RuleGroupSchema } from '../src/audiences/segment-rules.ts';
import { addDefinition, deleteDefinition, listSegments, rfmMovement, segmentName, segmentSizesOverTime } from '../src/audiences/segment-store.ts';
import { IdSchema } from '../src/collect/event-schema.ts';
import { openDatabase } from '../src/db/client.ts';
import { listExperiments } from '../src/experiments/experiment-store.ts';
import { shopperArms } from '../src/experiments/shopper-arms.ts';
import { createRouter } from '../src/http/app.ts';
import { requireKey } from '../src/http/auth.ts';
import { ApiError } from '../src/http/errors.ts';
import { errorResponses, jsonContent, notFoundResponse } from '../src/http/openapi.ts';
import { rateLimit } from '../src/limits/rate-limit.ts';
import { accessOf, shopperAccess, shopperFor } from '../src/security/shopper-access.ts';
import { openTableStore } from '../src/tables/open-store.ts';

const admin = { security: [{ adminKey: [] }], middleware: requireKey('admin') };
const userParam = z.object({ id: IdSchema.openapi({ param: { name: 'id', in: 'path' } }) });
const segmentParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'rfm:champions' }),
});
const NewIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1-63 lower-case letters, digits and dashes')
  .openapi({ example: 'de-mobile-buyers' });

const SegmentRefSchema = z.object({ id: z.string(), name: z.string() }).openapi('SegmentRef');
const SegmentSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['rfm', 'affinity', 'lapsed', 'new-visitors', 'custom', 'audience']),
    size: z.number().int(),
    change: z.number().int().openapi({ description: 'Joins minus leaves at the last refresh.' }),
    joined: z.number().int(),
    left: z.number().int(),
    refreshedAt: z.number().nullable(),
  })
  .openapi('Segment');

/** Shopper profiles, segments, product audiences and their exports. */
export const audiences = createRouter();

audiences.openapi(
  createRoute({
    method: 'get',
    path: '/v1/admin/users/{id}/profile',
    tags: ['audiences'],
    summary: 'A shopper profile, explained',
    description:
      'RFM figures and quintile scores with the named group, category affinities, recent items, segments, context and last activity, each explained in words. ' +
      'Computed from the last refresh moved forward by the events logged since. `experiments` gives the arm the shopper falls in for every experiment that has served traffic (the same hash serving uses).',
    ...admin,
    request: { params: userParam },
    responses: {
      200: jsonContent(
        z.object({
          user: z.string(),
          known: z.boolean(),
          rfm: z
            .object({
              recencyDays: z.number(),
              orders: z.number(),
              monetary: z.number(),
              scores: z.array(z.number()),
              group: z.string(),
              groupName: z.string(),
            })
            .nullable(),
          categories: z.array(z.object({ category: z.string(), share: z.number() })),
          recentItems: z.array(z.string()),
          segments: z.array(SegmentRefSchema),
          experiments: z.array(
            z.object({
              experiment: z.string(),
              name: z.string(),
              status: z.enum(['running', 'stopped', 'promoted']),
              arm: z.string(),
              armStopped: z.boolean(),
            }),
          ),
          context: z.object({ country: z.string().optional(), device: z.string().optional(), source: z.string().optional() }),
          optedOut: z.boolean(),
          firstSeen: z.number().nullable(),
          lastActivity: z.number().nullable(),
          refreshedAt: z.number().nullable(),
          freshEvents: z.number().int(),
          explanation: z.object({
            purchases: z.string(),
            rfm: z.string(),
            interests: z.string(),
            activity: z.string(),
            segments: z.string(),
            experiments: z.string(),
          }),
        }),
        'The profile',
      ),
      ...errorResponses,
    },
  }),
  async (c) => {
    const now = Date.now();
    const db = openDatabase(c.env.DB);
    const user = c.req.valid('param').id;
    const [shopper, experiments] = await Promise.all([currentShopper(db, user, now), listExperiments(db)]);
    const arms = shopperArms(user, experiments);
    const { facts, rfm, group } = shopper;
    return c.json(
      {
        user: shopper.user,
        known: facts !== undefined,
        rfm:
          facts && rfm && group && facts.lastPurchase !== null
            ? {
                recencyDays: Math.floor((now - facts.lastPurchase) / 86_400_000),
                orders: facts.orders,
                monetary: facts.monetary,
                scores: rfm,
                group,
                groupName: segmentName(`rfm:${group}`, []),
              }
            : null,
        categories: (facts?.categories ?? []).map(([category, share]) => ({ category, share })),
        recentItems: facts?.recent ?? [],
        segments: Object.keys(shopper.segments).map((id) => ({ id, name: segmentName(id, shopper.definitions) })),
        experiments: arms.map((a) => ({ ...a, status: a.status as 'running' | 'stopped' | 'promoted' })),
        context: { country: facts?.country, device: facts?.device, source: facts?.source },
        optedOut: facts?.optOut === true,
        firstSeen: facts?.firstSeen ?? null,
        lastActivity: facts?.lastSeen ?? null,
        refreshedAt: shopper.builtAt,
        freshEvents: shopper.freshEvents,
        explanation: explainProfile(shopper, now, arms),
      },
      200,
    );
  },
);

audiences.openapi(
  createRoute({
    method: 'get',
    path: '/v1/admin/users/{id}/export',
    tags: ['audiences', 'privacy'],
    summary: 'Everything held about one shopper (access requests)',
    ...admin,
    request: { params: userParam },
    responses: { 200: jsonContent(z.record(z.string(), z.unknown()), 'Events, profiles, segments, cap counters, experiment arms'), ...errorResponses },
  }),
  async (c) => {
    const db = openDatabase(c.env.DB);
    const user = c.req.valid('param').id;
    const [held, experiments] = await Promise.all([exportShopper(db, openTableStore(c.env), user), listExperiments(db)]);
    return c.json({ ...held, experimentArms: shopperArms(user, experiments) }, 200);
  },
);

audiences.openapi(
  createRoute({
    method: 'get',
    path: '/v1/users/{id}/segments',
    tags: ['audiences'],
    summary: "The current shopper's segments",
    description:
      'Recomputed from the last refresh and the events logged since. A shopper who opted out is in none. Under `REQUIRE_USER_TOKEN` the public key needs the shopper token (`X-User-Token`).',
    security: [{ ingestKey: [] }],
    middleware: [requireKey('ingest'), rateLimit('segments'), shopperAccess()] as const,
    request: { params: userParam, query: z.object({ token: z.string().optional() }) },
    responses: { 200: jsonContent(z.object({ segments: z.array(SegmentRefSchema) }), 'Segments'), ...errorResponses },
  }),
  async (c) => {
    const { user } = shopperFor(accessOf(c), c.req.valid('param').id, 'id');
    const shopper = await currentShopper(openDatabase(c.env.DB), user!);
    return c.json({ segments: Object.keys(shopper.segments).map((id) => ({ id, name: segmentName(id, shopper.definitions) })) }, 200);
  },
);

audiences.openapi(
  createRoute({
    method: 'get',
    path: '/v1/admin/segments',
    tags: ['audiences'],
    summary: 'Every segment with its size and change at the last refresh',
    ...admin,
    responses: { 200: jsonContent(z.object({ segments: z.array(SegmentSummarySchema) }), 'Segments'), ...errorResponses },
  }),
  async (c) => c.json({ segments: await listSegments(openDatabase(c.env.DB)) }, 200),
);

const CustomSegmentSchema = RuleGroupSchema.extend({ id: NewIdSchema, name: z.string().min(1).max(200) }).openapi('CustomSegmentInput');

audiences.openapi(
  createRoute({
    method: 'post',
    path: '/v1/admin/segments',
    tags: ['audiences'],
    summary: 'Create a custom segment from rules (all/any) over profile fields and event context',
    description: 'Members appear at the next rebuild; `GET /v1/users/:id/segments` applies it at once.',
    ...admin,
    request: { body: { required: true, content: { 'application/json': { schema: CustomSegmentSchema } } } },
    responses: { 201: jsonContent(SegmentRefSchema, 'Created'), 409: jsonContent(z.any(), 'The id is taken'), ...errorResponses },
  }),
  async (c) => {
    const { id, name, match, rules } = c.req.valid('json');
    if (!(await addDefinition(openDatabase(c.env.DB), { id, name, kind: 'custom', rules: { match, rules } }))) {
      throw new ApiError(409, 'conflict', `Segment ${id} exists`, 'id');
    }
    return c.json({ id, name }, 201);
  },
);

const AudienceSchema = z
  .object({
    id: NewIdSchema,
    name: z.string().min(1).max(200),
    item: IdSchema.optional().openapi({ description: 'Shoppers likely to buy this item who have not bought it.' }),
    category: z.string().min(1).max(128).optional().openapi({ description: 'Shoppers likely to buy in this category who have not bought in it.' }),
    size: z.number().int().min(1).max(10_000_000).optional().openapi({ description: 'Keep the best this many.' }),
  })
  .refine((a) => (a.item === undefined) !== (a.category === undefined), { message: 'give item or category', path: ['item'] })
  .openapi('ProductAudienceInput');

audiences.openapi(
  createRoute({
    method: 'post',
    path: '/v1/admin/audiences',
    tags: ['audiences'],
    summary: 'Create a product audience: shoppers likely to buy an item or category who have not bought it',
    description:
      'Ranked at every rebuild from the shoppers’ personal candidates (neighbour tables) and category shares; exported and targeted like a segment (its id).',
    ...admin,
    request: { body: { required: true, content: { 'application/json': { schema: AudienceSchema } } } },
    responses: { 201: jsonContent(SegmentRefSchema, 'Created'), 409: jsonContent(z.any(), 'The id is taken'), ...errorResponses },
  }),
  async (c) => {
    const { id, name, ...audience } = c.req.valid('json');
    if (!(await addDefinition(openDatabase(c.env.DB), { id, name, kind: 'audience', audience }))) {
      throw new ApiError(409, 'conflict', `Segment ${id} exists`, 'id');
    }
    return c.json({ id, name }, 201);
  },
);

audiences.openapi(
  createRoute({
    method: 'delete',
    path: '/v1/admin/segments/{id}',
    tags: ['audiences'],
    summary: 'Delete a custom segment or product audience (members leave at the next refresh)',
    ...admin,
    request: { params: segmentParam },
    responses: { 200: jsonContent(z.object({ deleted: z.literal(true) }), 'Deleted'), ...errorResponses, ...notFoundResponse },
  }),
  async (c) => {
    if (!(await deleteDefinition(openDatabase(c.env.DB), c.req.valid('param').id))) throw new ApiError(404, 'not_found', 'No such custom segment', 'id');
    return c.json({ deleted: true as const }, 200);
  },
);

audiences.openapi(
  createRoute({
    method: 'get',
    path: '/v1/admin/segments/{id}/users',
    tags: ['audiences'],
    summary: "Export a segment's members, or only the joins and leaves since a previous export",
    description:
      'JSON lines (default) or CSV (`format=csv`), `limit` lines per page. Headers: `x-next-cursor` (pass as `cursor`; absent on the last page) and ' +
      '`x-since` (pass as `since` next time to get only `{ user, change: join|leave, at }` lines after this export).',
    ...admin,
    request: {
      params: segmentParam,
      query: z.object({
        format: z.enum(['jsonl', 'csv']).default('jsonl'),
        limit: z.coerce.number().int().min(1).max(10_000).default(1000),
        cursor: z.string().max(200).optional(),
        since: z.coerce.number().int().min(0).optional(),
      }),
    },
    responses: {
      200: {
        description: 'A page of lines',
        content: { 'application/x-ndjson': { schema: z.string() }, 'text/csv': { schema: z.string() } },
        headers: z.object({ 'x-next-cursor': z.string().optional(), 'x-since': z.string() }),
      },
      ...errorResponses,
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const { format, limit, cursor, since } = c.req.valid('query');
    const db = openDatabase(c.env.DB);
    const page = since === undefined ? await exportMembers(db, id, cursor, limit) : await exportChanges(db, id, since, cursor, limit);
    const columns = since === undefined ? ['user', 'joinedAt', 'score'] : ['user', 'change', 'at'];
    const headers: Record<string, string> = {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'x-since': String(page.since),
      'cache-control': 'no-store',
    };
    if (page.nextCursor !== null) headers['x-next-cursor'] = page.nextCursor;
    return new Response(format === 'csv' ? toCsv(columns, page.lines) : toJsonLines(page.lines), { status: 200, headers });
  },
);

audiences.openapi(
  createRoute({
    method: 'get',
    path: '/v1/admin/segments/{id}/sizes',
    tags: ['audiences'],
    summary: "A segment's size after each refresh (sizes over time)",
    ...admin,
    request: { params: segmentParam },
    responses: {
      200: jsonContent(
        z.object({ sizes: z.array(z.object({ at: z.number(), version: z.string(), size: z.number(), joined: z.number(), left: z.number() })) }),
        'Oldest first',
      ),
      ...errorResponses,
    },
  }),
  async (c) => c.json({ sizes: await segmentSizesOverTime(openDatabase(c.env.DB), c.req.valid('param').id) }, 200),
);

audiences.openapi(
  createRoute({
    method: 'get',
    path: '/v1/admin/rfm/movement',
    tags: ['audiences'],
    summary: 'How many shoppers moved between RFM groups at the last refresh',
    ...admin,
    responses: {
      200: jsonContent(z.object({ movement: z.array(z.object({ from: z.string().nullable(), to: z.string().nullable(), shoppers: z.number() })) }), 'Moves'),
      ...errorResponses,
    },
  }),
  async (c) => c.json({ movement: await rfmMovement(openDatabase(c.env.DB)) }, 200),
);

import { createRoute, z } from '@hono/zod-openapi';
import { openDatabase } from '../src/db/client.ts';
import { createRouter } from '../src/http/app.ts';
import { requireKey } from '../src/http/auth.ts';
import { ApiError } from '../src/http/errors.ts';
import { errorResponses, jsonContent, notFoundResponse } from '../src/http/openapi.ts';
import { addRule, deleteRule, listRules } from '../src/rules/rules-store.ts';

const SURFACES = ['for-you', 'similar', 'bought-together', 'cart', 'trending', 'search'] as const;

/** A moment as ISO 8601 text or milliseconds since the epoch, read as milliseconds. */
import { TimestampSchema as Timestamp } from '../src/http/timestamp.ts';

const RuleInputSchema = z
  .object({
    action: z.enum(['pin', 'boost', 'bury', 'hide']),
    targetType: z.enum(['item', 'category']),
    target: z.string().min(1).max(128),
    amount: z
      .number()
      .min(0)
      .max(1000)
      .nullable()
      .default(null)
      .openapi({ description: 'Multiplier for boost (default 2) and bury (default 0.25); position for pin (0 = first).' }),
    surfaces: z.array(z.enum(SURFACES)).default([]).openapi({ description: 'Where it applies; empty: everywhere.' }),
    enabled: z.boolean().default(true),
    startsAt: Timestamp.nullable().default(null).openapi({ description: 'When the rule starts to apply (ISO 8601 or ms since the epoch); null: at once.' }),
    endsAt: Timestamp.nullable().default(null).openapi({ description: 'When it stops applying, e.g. the end of a sale; null: never.' }),
  })
  .refine((r) => r.action !== 'pin' || r.targetType === 'item', { message: 'pin takes an item', path: ['targetType'] })
  .refine((r) => r.startsAt === null || r.endsAt === null || r.startsAt < r.endsAt, { message: 'endsAt must be after startsAt', path: ['endsAt'] })
  .openapi('RuleInput');
const RuleSchema = z
  .object({
    id: z.number().int(),
    action: z.string(),
    targetType: z.string(),
    target: z.string(),
    amount: z.number().nullable(),
    surfaces: z.array(z.string()),
    enabled: z.boolean(),
    createdAt: z.number(),
    startsAt: z.number().nullable(),
    endsAt: z.number().nullable(),
  })
  .openapi('Rule');
const security = [{ adminKey: [] }];
const middleware = requireKey('admin');

/** Merchandising rules (admin key): pin, boost, bury or hide an item or a category, applied at request time. */
export const rules = createRouter();

rules.openapi(
  createRoute({
    method: 'get',
    path: '/v1/admin/rules',
    tags: ['rules'],
    security,
    middleware,
    summary: 'List the rules',
    responses: { 200: jsonContent(z.object({ rules: z.array(RuleSchema) }), 'All rules'), ...errorResponses },
  }),
  async (c) => c.json({ rules: await listRules(openDatabase(c.env.DB)) }, 200),
);

rules.openapi(
  createRoute({
    method: 'post',
    path: '/v1/admin/rules',
    tags: ['rules'],
    security,
    middleware,
    summary: 'Add a rule',
    request: { body: { required: true, content: { 'application/json': { schema: RuleInputSchema } } } },
    responses: { 201: jsonContent(RuleSchema, 'The rule'), ...errorResponses },
  }),
  async (c) => c.json(await addRule(openDatabase(c.env.DB), c.req.valid('json')), 201),
);

rules.openapi(
  createRoute({
    method: 'delete',
    path: '/v1/admin/rules/{id}',
    tags: ['rules'],
    security,
    middleware,
    summary: 'Delete a rule',
    request: {
      params: z.object({
        id: z.coerce
          .number()
          .int()
          .positive()
          .openapi({ param: { name: 'id', in: 'path' } }),
      }),
    },
    responses: { 200: jsonContent(z.object({ deleted: z.literal(true) }), 'Deleted'), ...errorResponses, ...notFoundResponse },
  }),
  async (c) => {
    if (!(await deleteRule(openDatabase(c.env.DB), c.req.valid('param').id))) throw new ApiError(404, 'not_found', 'No such rule', 'id');
    return c.json({ deleted: true as const }, 200);
  },
);

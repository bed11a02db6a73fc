import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { type CollectOptions, collectBatch } from '../src/collect/collect-batch.ts';
import { rateLimit } from '../src/limits/rate-limit.ts';
import { accessOf, mayActFor, shopperAccess } from '../src/security/shopper-access.ts';
import { CollectResultSchema, EventBatchSchema, EventSchema, MAX_BATCH } from '../src/collect/event-schema.ts';
import { PIXEL_GIF, eventFromQuery } from '../src/collect/pixel-event.ts';
import { wakeArchiver } from './archive.ts';
import { openDatabase } from '../src/db/client.ts';
import { requireKey } from '../src/http/auth.ts';
import { type AppEnv, createRouter } from '../src/http/app.ts';
import { ApiError, ErrorSchema, validationError } from '../src/http/errors.ts';
import { errorResponses, jsonContent, queryKeySecurity, rateLimitedResponse } from '../src/http/openapi.ts';

const errors = {
  ...errorResponses,
  ...rateLimitedResponse,
  413: jsonContent(ErrorSchema, 'Body over 1 MB'),
  503: jsonContent(ErrorSchema, 'The event log is busy: nothing stored; send again after `Retry-After` seconds'),
};

const collected = jsonContent(CollectResultSchema, 'What the batch did');

/** Collection endpoints: batches, browser beacons and pixels. */
export const collect = createRouter();
collect.openAPIRegistry.register('Event', EventSchema);

collect.use('/v1/events', requireKey('ingest'), rateLimit('events'), shopperAccess());
collect.use('/v1/events/*', requireKey('ingest', { allowQueryKey: true }), rateLimit('events'), shopperAccess());

/** Events may be written for the shoppers this request may act for (any with the admin key; see `REQUIRE_USER_TOKEN`). */
function writer(c: Context<AppEnv>): CollectOptions {
  const access = accessOf(c);
  return { mayWriteFor: (user) => mayActFor(access, user) };
}

/** Stores a batch and, when something new was stored, wakes the archiver. */
async function store(c: Context<AppEnv>, events: readonly unknown[]) {
  const result = await collectBatch(openDatabase(c.env.DB), events, writer(c));
  if (result.accepted > 0) c.executionCtx.waitUntil(wakeArchiver(c.env));
  return result;
}

collect.openapi(
  createRoute({
    method: 'post',
    path: '/v1/events',
    tags: ['collect'],
    summary: 'Store a batch of behaviour events',
    description: `Up to ${MAX_BATCH} events. Valid events are stored atomically; invalid ones are reported by index and field. Re-sending a batch stores nothing new.`,
    security: [{ ingestKey: [] }],
    request: { body: { required: true, content: { 'application/json': { schema: EventBatchSchema } } } },
    responses: { 200: collected, ...errors },
  }),
  async (c) => c.json(await store(c, c.req.valid('json').events), 200),
);

collect.openapi(
  createRoute({
    method: 'post',
    path: '/v1/events/beacon',
    tags: ['collect'],
    summary: 'Store events sent with navigator.sendBeacon',
    description: 'The body is JSON sent as text/plain: a batch envelope or one event. The ingest key goes in `?key=`.',
    security: queryKeySecurity,
    request: { query: z.object({ key: z.string().optional() }) },
    responses: { 200: collected, ...errors },
  }),
  async (c) => {
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      throw new ApiError(400, 'invalid_request', 'Body is not JSON', 'body');
    }
    const events = isEnvelope(body) ? EventBatchSchema.safeParse(body) : { success: true as const, data: { events: [body] } };
    if (!events.success) throw validationError(events.error);
    return c.json(await store(c, events.data.events), 200);
  },
);

collect.openapi(
  createRoute({
    method: 'get',
    path: '/v1/events/pixel',
    tags: ['collect'],
    summary: 'Store one event from an image pixel',
    description: 'Event fields as query parameters (`items` as a comma list, `ctx.*` into context); the ingest key in `?key=`. Answers a 1x1 GIF.',
    security: queryKeySecurity,
    request: { query: z.object({ key: z.string().optional(), id: z.string(), type: z.string(), user: z.string() }).passthrough() },
    responses: { 200: { description: 'Stored (or a duplicate)', content: { 'image/gif': { schema: z.string().openapi({ format: 'binary' }) } } }, ...errors },
  }),
  async (c) => {
    const result = await store(c, [eventFromQuery(c.req.query())]);
    const refused = result.rejected[0];
    if (refused) throw new ApiError(400, 'invalid_event', refused.error, refused.field);
    return c.body(PIXEL_GIF, 200, { 'content-type': 'image/gif', 'cache-control': 'no-store' });
  },
);

function isEnvelope(body: unknown): body is { events: unknown } {
  return typeof body === 'object' && body !== null && 'events' in body;
}

import { createRoute, z } from '@hono/zod-openapi';
import { CampaignBodySchema, CampaignIdSchema, TIERS } from '../src/campaigns/campaign.ts';
import { deleteCampaign, saveCampaign } from '../src/campaigns/campaign-store.ts';
import { campaignDelivery, rollUpDelivery } from '../src/campaigns/delivery.ts';
import { type PickRequest, pickCampaigns } from '../src/campaigns/pick-campaigns.ts';
import { renderBanner } from '../src/campaigns/render-banner.ts';
import { validTimeZone } from '../src/campaigns/shop-calendar.ts';
import { IdSchema } from '../src/collect/event-schema.ts';
import { openDatabase } from '../src/db/client.ts';
import { timedD1 } from '../src/db/timed-d1.ts';
import type { Env } from '../src/env.ts';
import { type AppEnv, createRouter } from '../src/http/app.ts';
import { requireKey } from '../src/http/auth.ts';
import { ApiError } from '../src/http/errors.ts';
import { errorResponses, jsonContent, notFoundResponse } from '../src/http/openapi.ts';
import { serverTiming } from '../src/http/server-timing.ts';
import { rateLimit } from '../src/limits/rate-limit.ts';
import { ioClock } from '../src/serve/io-clock.ts';
import { accessOf, shopperAccess, shopperFor } from '../src/security/shopper-access.ts';
import type { Context } from 'hono';

const admin = { security: [{ adminKey: [] }], middleware: requireKey('admin') };
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const PickQuerySchema = z.object({
  user: IdSchema.optional().openapi({ description: "The shopper (default: the user token's shopper)." }),
  session: IdSchema.optional().openapi({ description: 'The session: per-session caps count on it.' }),
  placement: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[\w.-]+$/, 'letters, digits, dot, dash, underscore')
    .openapi({ example: 'home-top' }),
  count: z.coerce.number().int().min(1).max(10).default(1),
  country: z.string().length(2).optional().openapi({ description: "Default: the shopper's last known country, else the request's (Cloudflare)." }),
  device: z.string().min(1).max(64).optional(),
  optOut: flag.optional().openapi({ description: 'The shopper opted out of tracking: untargeted campaigns only, no capping state.' }),
  strategy: z.enum(['weighted', 'thompson']).default('weighted').openapi({ description: 'How a tier draws: by weight, or Thompson sampling on CTR.' }),
  token: z.string().optional(),
});

const DecisionSchema = z
  .object({
    rank: z.number().int(),
    campaign: z.object({ id: z.string(), name: z.string(), tier: z.enum(TIERS) }),
    creative: z.object({
      title: z.string(),
      text: z.string().optional(),
      image: z.string().optional(),
      link: z.string().optional(),
      items: z.array(z.string()).optional(),
    }),
    reason: z.string(),
    rid: z.string(),
    tracking: z.object({ impression: z.record(z.string(), z.unknown()), click: z.record(z.string(), z.unknown()) }),
  })
  .openapi('CampaignDecision');

/** The shop's time zone for per-day caps (`SHOP_TIME_ZONE`, default UTC). */
export function shopTimeZone(env: Pick<Env, 'SHOP_TIME_ZONE'>): string {
  const tz = env.SHOP_TIME_ZONE?.trim() || 'UTC';
  return validTimeZone(tz) ? tz : 'UTC';
}

function pickRequest(c: Context<AppEnv>, q: z.infer<typeof PickQuerySchema>): PickRequest {
  const { user } = shopperFor(accessOf(c), q.user);
  if (!user) throw new ApiError(400, 'invalid_request', 'Name the shopper (user) or send their token', 'user');
  const requestCountry = (c.req.raw as { cf?: { country?: string } }).cf?.country;
  return {
    user,
    session: q.session,
    placement: q.placement,
    count: q.count,
    country: q.country,
    requestCountry,
    device: q.device,
    optOut: q.optOut,
    strategy: q.strategy,
  };
}

/** Campaigns: admin CRUD and delivery, the pick at the edge, and the banner widget. */
export const campaigns = createRouter();

campaigns.openapi(
  createRoute({
    method: 'put',
    path: '/v1/admin/campaigns/{id}',
    tags: ['campaigns'],
    summary: 'Create or replace a campaign',
    description:
      'Creative, target (segments, product audiences, category affinity, country, device; empty: everyone), schedule, tier, weight, goal with even pacing, frequency caps.',
    ...admin,
    request: {
      params: z.object({ id: CampaignIdSchema.openapi({ param: { name: 'id', in: 'path' } }) }),
      body: { required: true, content: { 'application/json': { schema: CampaignBodySchema } } },
    },
    responses: { 200: jsonContent(z.object({ id: z.string(), created: z.boolean() }), 'Saved'), ...errorResponses },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const spec = c.req.valid('json');
    const now = Date.now();
    if (spec.endsAt !== undefined && spec.endsAt <= (spec.startsAt ?? now)) throw new ApiError(400, 'invalid_request', 'must be after startsAt', 'endsAt');
    const created = await saveCampaign(openDatabase(c.env.DB), id, spec, now);
    return c.json({ id, created }, 200);
  },
);

campaigns.openapi(
  createRoute({
    method: 'get',
    path: '/v1/admin/campaigns',
    tags: ['campaigns'],
    summary: 'Every campaign with its delivery against its goal',
    description:
      '`served`: picks that reserved a slot (at once); `impressions`, `clicks`: tracked events as of the last roll-up (5-minute cron or `POST /v1/admin/campaigns/rollup`).',
    ...admin,
    responses: { 200: jsonContent(z.object({ campaigns: z.array(z.record(z.string(), z.unknown())) }), 'Campaigns'), ...errorResponses },
  }),
  async (c) => c.json({ campaigns: await campaignDelivery(openDatabase(c.env.DB)) }, 200),
);

campaigns.openapi(
  createRoute({
    method: 'delete',
    path: '/v1/admin/campaigns/{id}',
    tags: ['campaigns'],
    summary: 'Delete a campaign and its counters',
    ...admin,
    request: {
      params: z.object({
        id: z
          .string()
          .min(1)
          .max(63)
          .openapi({ param: { name: 'id', in: 'path' } }),
      }),
    },
    responses: { 200: jsonContent(z.object({ deleted: z.literal(true) }), 'Deleted'), ...errorResponses, ...notFoundResponse },
  }),
  async (c) => {
    if (!(await deleteCampaign(openDatabase(c.env.DB), c.req.valid('param').id))) throw new ApiError(404, 'not_found', 'No such campaign', 'id');
    return c.json({ deleted: true as const }, 200);
  },
);

campaigns.openapi(
  createRoute({
    method: 'post',
    path: '/v1/admin/campaigns/rollup',
    tags: ['campaigns'],
    summary: 'Count the impressions and clicks tracked since the last roll-up now (the 5-minute cron does it)',
    ...admin,
    responses: { 200: jsonContent(z.object({ status: z.enum(['rolled-up', 'busy']), campaigns: z.number().int() }), 'What it did'), ...errorResponses },
  }),
  async (c) => c.json(await rollUpDelivery(openDatabase(c.env.DB)), 200),
);

campaigns.openapi(
  createRoute({
    method: 'get',
    path: '/v1/campaigns/pick',
    tags: ['campaigns'],
    summary: 'Pick campaigns for a shopper on a placement',
    description:
      'The eligible campaigns in decision order (tier override > contract > remnant > house, then a weighted lottery or Thompson sampling within the tier), ' +
      'each with the reason, a `rid` and the impression and click events to send to `POST /v1/events`. Pacing and frequency caps are reserved in D1 at pick time, ' +
      'so they hold under concurrent picks. A shopper who opted out gets untargeted campaigns only and no capping state.',
    security: [{ ingestKey: [] }],
    middleware: [requireKey('ingest'), rateLimit('campaigns'), shopperAccess()] as const,
    request: { query: PickQuerySchema },
    responses: {
      200: jsonContent(
        z.object({
          placement: z.string(),
          decisions: z.array(DecisionSchema),
          optedOut: z.boolean(),
          skipped: z.array(z.object({ id: z.string(), why: z.enum(['paced', 'capped']) })),
          degraded: z.string().optional(),
        }),
        'Decisions, possibly none',
      ),
      ...errorResponses,
    },
  }),
  async (c) => {
    const clock = ioClock();
    const started = performance.now();
    const answer = await pickCampaigns(openDatabase(timedD1(c.env.DB, clock)), pickRequest(c, c.req.valid('query')), { timeZone: shopTimeZone(c.env) });
    const totalMs = performance.now() - started;
    c.header('cache-control', 'private, no-store');
    c.header('Server-Timing', serverTiming({ totalMs, ioMs: clock.ioMs(), cpuMs: Math.max(0, totalMs - clock.ioMs()) }));
    return c.json(answer, 200);
  },
);

campaigns.openapi(
  createRoute({
    method: 'get',
    path: '/v1/widgets/campaign',
    tags: ['widgets', 'campaigns'],
    summary: 'The campaign banner widget (HTML fragment)',
    description:
      '`<div data-recommend="campaign" data-placement="home-top"></div>` with `widget.js`. Same query as the pick (count is 1); the key may go in `?key=`.',
    security: [{ ingestKey: [] }],
    middleware: [requireKey('ingest', { allowQueryKey: true }), rateLimit('widgets'), shopperAccess()] as const,
    request: { query: PickQuerySchema.omit({ count: true }).extend({ key: z.string().optional(), lang: z.string().optional() }) },
    responses: { 200: { description: 'The fragment', content: { 'text/html': { schema: z.string() } } }, ...errorResponses },
  }),
  async (c) => {
    const { key: _key, lang: _lang, ...q } = c.req.valid('query');
    const answer = await pickCampaigns(openDatabase(c.env.DB), pickRequest(c, { ...q, count: 1 }), { timeZone: shopTimeZone(c.env) });
    return new Response(renderBanner(answer), { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'private, no-store' } });
  },
);

/** The 5-minute cron (`TRENDING_CRON`) also rolls up campaign impressions and clicks. */
export async function scheduledCampaigns(controller: ScheduledController, env: Env): Promise<void> {
  if (controller.cron !== (env.TRENDING_CRON ?? '*/5 * * * *')) return;
  const rolled = await rollUpDelivery(openDatabase(env.DB));
  console.log(`campaign roll-up: ${rolled.status}, ${rolled.campaigns} campaigns`);
}

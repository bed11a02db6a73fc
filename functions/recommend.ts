import { createRoute } from '@hono/zod-openapi';
import { createRouter } from '../src/http/app.ts';
import { requireKey } from '../src/http/auth.ts';
import { errorResponses, jsonContent, notFoundResponse, rateLimitedResponse } from '../src/http/openapi.ts';
import { rateLimit } from '../src/limits/rate-limit.ts';
import { accessOf, forShopper, shopperAccess } from '../src/security/shopper-access.ts';
import type { Context } from 'hono';
import type { AppEnv } from '../src/http/app.ts';
import { serverTiming } from '../src/http/server-timing.ts';
import { type ServeTiming, recommend } from '../src/serve/recommend.ts';
import type { RecommendRequest } from '../src/serve/types.ts';
import { CartBodySchema, CommonQuerySchema, ForYouQuerySchema, ItemPathSchema, RecommendResponseSchema } from '../src/serve/request-schema.ts';

const answer = {
  200: jsonContent(RecommendResponseSchema, 'Recommendations (`degraded` says when a fallback answered)'),
  ...errorResponses,
  ...rateLimitedResponse,
};
const security = [{ ingestKey: [] }];
const tags = ['recommend'];

/** Answers with the recommendation and a `Server-Timing` header splitting CPU from store waits. */
async function answerWith(c: Context<AppEnv>, { token: _token, ...asked }: RecommendRequest & { token?: string }) {
  let timing: ServeTiming | undefined;
  const answer = await recommend(c.env, forShopper(accessOf(c), asked), (t) => (timing = t));
  if (timing) c.header('Server-Timing', serverTiming({ ...timing, assignMs: timing.assignMs ?? 0 }));
  return answer;
}

/** Recommendation endpoints (the ingest key is enough: they are read-only). */
export const recommendations = createRouter();

for (const path of ['/v1/recommend/*', '/v1/trending', '/v1/items/*/similar', '/v1/items/*/bought-together'])
  recommendations.use(path, requireKey('ingest'), rateLimit('recommend'), shopperAccess());

recommendations.openapi(
  createRoute({
    method: 'get',
    path: '/v1/recommend/for-you',
    tags,
    security,
    summary: 'Personal recommendations',
    description: "From the user's profile and the items of the current session (`recent`), so a view a second ago already counts.",
    request: { query: ForYouQuerySchema },
    responses: answer,
  }),
  async (c) => {
    const q = c.req.valid('query');
    return c.json(await answerWith(c, { kind: 'for-you', ...q }), 200);
  },
);

recommendations.openapi(
  createRoute({
    method: 'get',
    path: '/v1/items/{id}/similar',
    tags,
    security,
    summary: 'Items similar to an item',
    request: { params: ItemPathSchema, query: CommonQuerySchema },
    responses: { ...answer, ...notFoundResponse },
  }),
  async (c) => c.json(await answerWith(c, { kind: 'similar', item: c.req.valid('param').id, ...c.req.valid('query') }), 200),
);

recommendations.openapi(
  createRoute({
    method: 'get',
    path: '/v1/items/{id}/bought-together',
    tags,
    security,
    summary: 'Items bought together with an item',
    request: { params: ItemPathSchema, query: CommonQuerySchema },
    responses: { ...answer, ...notFoundResponse },
  }),
  async (c) => c.json(await answerWith(c, { kind: 'bought-together', item: c.req.valid('param').id, ...c.req.valid('query') }), 200),
);

recommendations.openapi(
  createRoute({
    method: 'post',
    path: '/v1/recommend/cart',
    tags,
    security,
    summary: 'Complete the cart',
    request: { body: { required: true, content: { 'application/json': { schema: CartBodySchema } } } },
    responses: { ...answer, ...notFoundResponse },
  }),
  async (c) => c.json(await answerWith(c, { kind: 'cart', ...c.req.valid('json') }), 200),
);

recommendations.openapi(
  createRoute({
    method: 'get',
    path: '/v1/trending',
    tags,
    security,
    summary: 'Trending items, globally or in a category',
    request: { query: CommonQuerySchema },
    responses: answer,
  }),
  async (c) => c.json(await answerWith(c, { kind: 'trending', ...c.req.valid('query') }), 200),
);

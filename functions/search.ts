import { createRoute } from '@hono/zod-openapi';
import { createRouter } from '../src/http/app.ts';
import { requireKey } from '../src/http/auth.ts';
import { errorResponses, jsonContent, rateLimitedResponse } from '../src/http/openapi.ts';
import { rateLimit } from '../src/limits/rate-limit.ts';
import { accessOf, forShopper, shopperAccess } from '../src/security/shopper-access.ts';
import { SearchQuerySchema, SearchResponseSchema, SuggestQuerySchema, SuggestResponseSchema } from '../src/search/request-schema.ts';
import { search } from '../src/search/serve-search.ts';
import { suggest } from '../src/search/suggest.ts';
import { serverTiming } from '../src/http/server-timing.ts';
import type { ServeTiming } from '../src/serve/recommend.ts';

const security = [{ ingestKey: [] }];
const tags = ['search'];

/**
 * Product search and search-box suggestions (the ingest key is enough: they are read-only).
 * Rate-limited per address and key like the other public paths; `user` needs the shopper's
 * token under `REQUIRE_USER_TOKEN`, and without it the reasons never name their history.
 */
export const searchRoutes = createRouter();
for (const path of ['/v1/search', '/v1/search/*']) searchRoutes.use(path, requireKey('ingest'), rateLimit('search'), shopperAccess());

searchRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/search',
    tags,
    security,
    summary: 'Search the catalog, personalised',
    description:
      'Ranked items with a reason each, facet counts (categories, price bands), the table version and a `qid`. A query that matches nothing answers with the closest items and trending ones (`fallback`), never an empty page.',
    request: { query: SearchQuerySchema },
    responses: { 200: jsonContent(SearchResponseSchema, 'Results (`degraded` says when a fallback answered)'), ...errorResponses, ...rateLimitedResponse },
  }),
  async (c) => {
    const q = c.req.valid('query');
    let timing: ServeTiming | undefined;
    const asked = forShopper(accessOf(c), {
      q: q.q,
      user: q.user,
      session: q.session,
      filters: { category: q.category, priceMin: q.price_min, priceMax: q.price_max, available: q.available },
      k: q.k,
      offset: q.offset,
      lang: q.lang,
    });
    const answer = await search(c.env, asked, (t) => (timing = t));
    if (timing) c.header('Server-Timing', serverTiming(timing));
    return c.json(answer, 200);
  },
);

searchRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/search/suggest',
    tags,
    security,
    summary: 'Completions for the search box',
    description: 'Popular past queries (searched by at least two shoppers) that begin with what was typed, then titles of the best matches.',
    request: { query: SuggestQuerySchema },
    responses: { 200: jsonContent(SuggestResponseSchema, 'Suggestions'), ...errorResponses, ...rateLimitedResponse },
  }),
  async (c) => c.json(await suggest(c.env, c.req.valid('query')), 200),
);

import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../src/http/app.ts';
import { requireKey } from '../src/http/auth.ts';
import { ApiError } from '../src/http/errors.ts';
import { rateLimit } from '../src/limits/rate-limit.ts';
import { accessOf, forShopper, shopperAccess } from '../src/security/shopper-access.ts';
import { errorResponses, notFoundResponse, queryKeySecurity, rateLimitedResponse } from '../src/http/openapi.ts';
import { openDatabase } from '../src/db/client.ts';
import { decideServing, servingState } from '../src/experiments/serving-decision.ts';
import { recommend, servedVersion, serveDeps } from '../src/serve/recommend.ts';
import { catalogStamp } from '../src/widgets/catalog-stamp.ts';
import { SHARED_SCRIPT_CACHE, matchesEtag, scriptEtag } from '../src/widgets/cache-policy.ts';
import { serveWidget } from '../src/widgets/serve-widget.ts';
import { WIDGET_SCRIPT } from '../src/widgets/widget-script.ts';
import { CURRENCY, WidgetParamsSchema, WidgetQuerySchema, widgetRequest } from '../src/widgets/widget-query.ts';
import type { Env } from '../src/env.ts';

const html = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });

/** Shop widgets: server-rendered HTML fragments, and the one script a shop embeds to show them. */
export const widgets = createRouter();

widgets.use('/v1/widgets/*', requireKey('ingest', { allowQueryKey: true }), rateLimit('widgets'), shopperAccess());

widgets.openapi(
  createRoute({
    method: 'get',
    path: '/v1/widgets/{kind}',
    tags: ['widgets'],
    summary: 'A recommendation widget as an HTML fragment',
    description:
      'What `widget.js` puts in a `[data-recommend]` container: product cards, every string escaped, with the rid (`data-rid`) and item ids (`data-item`). ' +
      'Non-personal widgets are public, cached at the edge per table version and catalog changes, and carry an ETag that changes with both; `for-you`, `user` or `recent` make it private. ' +
      'An empty answer renders an empty root (no heading). ' +
      'The ingest key may go in `?key=`. `x-cache` tells `hit`, `miss`, `revalidated` or `bypass`; `data-degraded` marks a fallback answer.',
    security: queryKeySecurity,
    request: { params: WidgetParamsSchema, query: WidgetQuerySchema },
    responses: {
      200: html('The fragment'),
      304: { description: 'Not modified (If-None-Match)' },
      ...errorResponses,
      ...rateLimitedResponse,
      ...notFoundResponse,
    },
  }),
  async (c) => {
    const { kind } = c.req.valid('param');
    const query = c.req.valid('query');
    const request = forShopper(accessOf(c), widgetRequest(kind, query));
    request.serving = decideServing(await servingState(openDatabase(c.env.DB)), request);
    const { store, cacheName } = serveDeps(c.env);
    const deps = {
      recommend: (r: typeof request) => recommend(c.env, r).catch(asWidgetError),
      servedVersion: () => servedVersion(c.env),
      catalogStamp: () => catalogStamp(store, cacheName),
      cache: caches.default,
    };
    const currency = query.currency ?? shopCurrency(c.env);
    return serveWidget(deps, {
      kind,
      lang: query.lang,
      request,
      origin: new URL(c.req.url).origin,
      ifNoneMatch: c.req.header('if-none-match'),
      currency,
    });
  },
);

widgets.openapi(
  createRoute({
    method: 'get',
    path: '/widget.js',
    tags: ['widgets'],
    summary: 'The script a shop embeds to show widgets',
    description:
      'One tag: `<script src="…/widget.js" data-key="INGEST_KEY" async></script>`, then containers like `<div data-recommend="similar" data-item="sku-1" data-k="6"></div>`. No key needed to load it.',
    responses: { 200: { description: 'The script', content: { 'text/javascript': { schema: z.string() } } }, 304: { description: 'Not modified' } },
  }),
  async (c) => {
    const etag = await scriptEtag(WIDGET_SCRIPT);
    const headers = { etag, 'cache-control': SHARED_SCRIPT_CACHE, 'content-type': 'text/javascript; charset=utf-8' };
    if (matchesEtag(c.req.header('if-none-match'), etag)) return new Response(null, { status: 304, headers });
    return new Response(WIDGET_SCRIPT, { status: 200, headers });
  },
);

/** The shop's currency for widget prices (`SHOP_CURRENCY`, an ISO 4217 code; unset or malformed: none). */
function shopCurrency(env: Pick<Env, 'SHOP_CURRENCY'>): string | undefined {
  const code = env.SHOP_CURRENCY?.trim().toUpperCase();
  return code && CURRENCY.test(code) ? code : undefined;
}

/** Serving names the item as `id` (a path parameter of the JSON API); the widget takes it as `item`. */
function asWidgetError(err: unknown): never {
  if (err instanceof ApiError && err.field === 'id') throw new ApiError(err.status, err.code, err.message, 'query.item');
  throw err;
}

import type { RecommendRequest, RecommendResponse } from '../serve/types.ts';
import { NO_STORE, SHARED_CACHE, matchesEtag, widgetCacheKey, widgetEtag } from './cache-policy.ts';
import type { WidgetKind, WidgetLang } from './kinds.ts';
import { renderWidget } from './render-widget.ts';
import { isPersonal, normalizedQuery } from './widget-query.ts';

/** What serving a widget needs: the recommender, the version in service and an edge cache. */
export interface WidgetDeps {
  recommend(request: RecommendRequest): Promise<RecommendResponse>;
  /** The table version in service (cheap: cached per isolate), or null when none is published. */
  servedVersion(): Promise<string | null>;
  /** A stamp of the catalog changes since the version's snapshot (`catalog-stamp.ts`); none: the version alone. */
  catalogStamp?(): Promise<string>;
  /** `caches.default` in a Worker; absent where there is none. */
  cache?: Cache;
}

/** One widget request. */
export interface WidgetCall {
  kind: WidgetKind;
  lang: WidgetLang;
  request: RecommendRequest;
  /** Origin of the engine, for the cache key. */
  origin: string;
  ifNoneMatch?: string;
  /** ISO 4217 code the prices show in (none: the bare number). */
  currency?: string;
}

/**
 * Answers a widget with its HTML fragment. Personal requests are rendered fresh and marked
 * `private, no-store`. Non-personal ones carry an ETag of version, catalog changes and query (a
 * matching If-None-Match gets a 304), and are kept in the edge cache under a key holding the
 * same, so a hit reads no table and a changed price or title is never served from the cache. A
 * fallback answer is never kept. `x-cache` says which path answered: `hit`, `miss`,
 * `revalidated` or `bypass`.
 */
export async function serveWidget(deps: WidgetDeps, call: WidgetCall): Promise<Response> {
  const { kind, lang, request } = call;
  const options = { currency: call.currency };
  if (isPersonal(request)) return fragment(renderWidget(kind, lang, await deps.recommend(request), options), NO_STORE, 'bypass');
  const [served, stamp] = await Promise.all([deps.servedVersion(), deps.catalogStamp?.() ?? '']);
  if (served === null) return fragment(renderWidget(kind, lang, await deps.recommend(request), options), NO_STORE, 'bypass');

  const version = stamp ? `${served}+${stamp}` : served;
  const query = normalizedQuery(request) + (call.currency ? `&currency=${call.currency}` : '');
  const etag = await widgetEtag(version, kind, query);
  if (matchesEtag(call.ifNoneMatch, etag)) {
    return new Response(null, { status: 304, headers: { etag, 'cache-control': SHARED_CACHE, 'x-cache': 'revalidated' } });
  }
  const key = widgetCacheKey(call.origin, kind, query, version);
  const hit = await deps.cache?.match(key);
  if (hit) {
    const response = new Response(hit.body, hit);
    response.headers.set('x-cache', 'hit');
    return response;
  }
  const answer = await deps.recommend(request);
  const html = renderWidget(kind, lang, answer, options);
  if (answer.degraded !== undefined) return fragment(html, NO_STORE, 'bypass');
  const response = fragment(html, SHARED_CACHE, 'miss', etag);
  await deps.cache?.put(key, withoutHeader(response.clone(), 'x-cache')).catch((err: unknown) => console.warn('widget not cached', err));
  return response;
}

function fragment(html: string, cacheControl: string, cache: string, etag?: string): Response {
  const headers = new Headers({ 'content-type': 'text/html; charset=utf-8', 'cache-control': cacheControl, 'x-cache': cache });
  if (etag) headers.set('etag', etag);
  return new Response(html, { status: 200, headers });
}

function withoutHeader(response: Response, name: string): Response {
  const copy = new Response(response.body, response);
  copy.headers.delete(name);
  return copy;
}

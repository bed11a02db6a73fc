import { z } from '@hono/zod-openapi';
import { IdSchema } from '../collect/event-schema.ts';
import { ApiError } from '../http/errors.ts';
import { ForYouQuerySchema } from '../serve/request-schema.ts';
import type { RecommendRequest } from '../serve/types.ts';
import { ITEM_KINDS, WIDGET_KINDS, type WidgetKind } from './kinds.ts';

/** The path parameter of `GET /v1/widgets/{kind}`. */
export const WidgetParamsSchema = z.object({
  kind: z.enum(WIDGET_KINDS).openapi({ param: { name: 'kind', in: 'path' }, example: 'similar' }),
});

/** An ISO 4217 currency code. */
export const CURRENCY = /^[A-Z]{3}$/;

/** Query parameters of a widget: those of the JSON endpoints, the product of the page and the ingest key. */
export const WidgetQuerySchema = ForYouQuerySchema.extend({
  currency: z
    .string()
    .regex(CURRENCY, 'must be an ISO 4217 code such as EUR')
    .optional()
    .openapi({ description: "Currency of the prices (ISO 4217, e.g. `EUR`, `CNY`); default: the shop's `SHOP_CURRENCY`, else bare numbers.", example: 'EUR' }),
  item: IdSchema.optional().openapi({ description: 'The product of the page; required for `similar` and `bought-together`.', example: 'sku-audio-earbuds-1' }),
  key: z.string().optional().openapi({ description: 'The public ingest key (a script tag cannot send headers).' }),
});

/** A validated widget query. */
export type WidgetQuery = z.infer<typeof WidgetQuerySchema>;

/** What to ask serving for; an item-based kind without `item` is a 400 naming it. */
export function widgetRequest(kind: WidgetKind, query: WidgetQuery): RecommendRequest {
  const { item, key: _key, token: _token, currency: _currency, recent, user, category, excludeSeen, offset, ...rest } = query;
  if (ITEM_KINDS.has(kind) && !item) {
    throw new ApiError(400, 'invalid_request', `A ${kind} widget needs the product of the page: add ?item=<id>`, 'query.item');
  }
  const request: RecommendRequest = { kind, ...rest };
  if (item && ITEM_KINDS.has(kind)) request.item = item;
  if (user) request.user = user;
  if (category) request.category = category;
  if (recent?.length) request.recent = recent;
  if (offset) request.offset = offset;
  if (excludeSeen && user) request.excludeSeen = true;
  return request;
}

/** A personal answer depends on who asks, so no cache may share it. */
export function isPersonal(request: RecommendRequest): boolean {
  return request.kind === 'for-you' || request.user !== undefined || (request.recent?.length ?? 0) > 0;
}

/** The query of a non-personal request in one canonical form: sorted, defaults applied, no key. */
export function normalizedQuery(request: RecommendRequest): string {
  const params = new URLSearchParams();
  if (request.category) params.set('category', request.category);
  if (request.item) params.set('item', request.item);
  params.set('k', String(request.k));
  params.set('lang', request.lang ?? 'en');
  if (request.offset) params.set('offset', String(request.offset));
  if (request.serving?.experiment) params.set('arm', `${request.serving.experiment}.${request.serving.armIndex}`);
  return params.toString();
}

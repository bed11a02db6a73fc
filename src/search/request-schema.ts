import { z } from '@hono/zod-openapi';
import { IdSchema } from '../collect/event-schema.ts';
import { CommonQuerySchema, MAX_K } from '../serve/request-schema.ts';

const price = (what: string) =>
  z.coerce
    .number()
    .min(0)
    .max(1e9)
    .optional()
    .openapi({ description: `${what} price (inclusive).` });

/** Query of `GET /v1/search`. */
export const SearchQuerySchema = z
  .object({
    q: z
      .string()
      .max(200)
      .refine((q) => q.trim().length > 0, 'must not be blank')
      .openapi({ description: 'What the shopper typed (English, Chinese or both); a trailing space ends the last word.', example: 'green tea' }),
    user: IdSchema.optional().openapi({ description: 'The shopper: results lean to their interests and recent items.' }),
    session: IdSchema.optional().openapi({ description: 'Anonymous session (used when there is no `user`).' }),
    category: CommonQuerySchema.shape.category,
    price_min: price('Lowest'),
    price_max: price('Highest'),
    available: z.enum(['true', 'false', 'any']).default('true').openapi({ description: '`true` (default): available items only.' }),
    k: CommonQuerySchema.shape.k,
    offset: CommonQuerySchema.shape.offset,
    lang: CommonQuerySchema.shape.lang,
  })
  .refine((q) => q.price_min === undefined || q.price_max === undefined || q.price_min <= q.price_max, {
    message: 'must not be below price_min',
    path: ['price_max'],
  });

/** Query of `GET /v1/search/suggest`. */
export const SuggestQuerySchema = z.object({
  q: z
    .string()
    .max(100)
    .refine((q) => q.trim().length > 0, 'must not be blank')
    .openapi({ description: 'What the shopper has typed so far.', example: 'gre' }),
  k: z.coerce.number().int().min(1).max(20).default(8),
  lang: CommonQuerySchema.shape.lang,
});

const SearchItemSchema = z.object({
  id: z.string(),
  title: z.string(),
  price: z.number().nullable(),
  score: z.number(),
  reason: z.string().openapi({ example: 'matches "green tea"' }),
  url: z.string().nullable(),
  image: z.string().nullable(),
});

/** The answer of `GET /v1/search`. */
export const SearchResponseSchema = z
  .object({
    items: z.array(SearchItemSchema),
    total: z.number().int().openapi({ description: 'Items matching the whole query and the filters.' }),
    facets: z.object({
      categories: z.array(z.object({ value: z.string(), count: z.number().int() })),
      prices: z.array(z.object({ min: z.number(), max: z.number().nullable(), count: z.number().int() })),
    }),
    fallback: z
      .enum(['closest', 'trending'])
      .optional()
      .openapi({ description: 'Nothing matched: the closest items by content, then trending in the guessed category.' }),
    version: z.string().nullable(),
    qid: z.string().openapi({ description: 'Send back as `rid` with clicks and purchases, and as `rid` with `context.q` on the impression.' }),
    degraded: z.string().optional(),
  })
  .openapi('SearchResponse');

/** The answer of `GET /v1/search/suggest`. */
export const SuggestResponseSchema = z
  .object({
    suggestions: z.array(z.object({ text: z.string(), kind: z.enum(['query', 'item']), id: z.string().optional() })),
    version: z.string().nullable(),
  })
  .openapi('SuggestResponse');

/** Most items one search answer may hold. */
export const MAX_SEARCH_K = MAX_K;

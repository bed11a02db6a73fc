import { z } from '@hono/zod-openapi';
import { IdSchema } from '../collect/event-schema.ts';

/** Most items one answer may hold. */
export const MAX_K = 100;

const idList = (max: number) =>
  z
    .string()
    .transform((s, ctx) => {
      const ids = s
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean);
      if (ids.length > max) ctx.addIssue({ code: 'custom', message: `at most ${max} ids` });
      for (const id of ids) if (!IdSchema.safeParse(id).success) ctx.addIssue({ code: 'custom', message: `malformed id: ${JSON.stringify(id.slice(0, 40))}` });
      return ids;
    })
    .openapi({ type: 'string', description: `Comma-separated item ids, newest first (at most ${max}).`, example: 'sku-1,sku-2' });

/** Query parameters every recommendation endpoint and widget takes. */
export const CommonQuerySchema = z.object({
  k: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_K)
    .default(10)
    .openapi({ description: `How many items (1-${MAX_K}).` }),
  offset: z.coerce.number().int().min(0).max(500).default(0).openapi({ description: 'Items to skip (paging).' }),
  category: z.string().min(1).max(100).optional().openapi({ description: 'Only items of this category.' }),
  user: IdSchema.optional().openapi({ description: "The shopper; their purchases are excluded. With a user token, it defaults to the token's shopper." }),
  token: z
    .string()
    .max(1024)
    .optional()
    .openapi({ description: 'Signed user token (or the `X-User-Token` header). Required to act for a shopper when `REQUIRE_USER_TOKEN` is on.' }),
  session: IdSchema.optional().openapi({ description: 'Anonymous visitor or session id: assigns experiment arms when there is no `user`.' }),
  lang: z.enum(['en', 'zh']).default('en').openapi({ description: 'Language of titles and reasons.' }),
});

/** Query of "for you": the common parameters plus the session's items. */
export const ForYouQuerySchema = CommonQuerySchema.extend({
  recent: idList(50).optional().openapi({ description: 'Items of the current session, newest first: they count at once.' }),
  excludeSeen: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .openapi({ type: 'string', description: 'Also drop items the user already saw.' }),
});

/** Body of "complete the cart". */
export const CartBodySchema = z
  .object({
    items: z.array(IdSchema).min(1).max(50).openapi({ description: 'Items in the cart.' }),
    user: IdSchema.optional().openapi({ description: 'The shopper (the user token goes in `X-User-Token`).' }),
    session: IdSchema.optional().openapi({ description: 'Anonymous visitor or session id: assigns experiment arms when there is no `user`.' }),
    k: z.number().int().min(1).max(MAX_K).default(10),
    category: z.string().min(1).max(100).optional(),
    lang: z.enum(['en', 'zh']).default('en'),
  })
  .openapi('CartRequest');

/** An item as recommended. */
export const RecommendedItemSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    price: z.number().nullable(),
    score: z.number(),
    reason: z.string(),
    url: z.string().nullable(),
    image: z.string().nullable(),
  })
  .openapi('RecommendedItem');

/** The answer of every recommendation endpoint. */
export const RecommendResponseSchema = z
  .object({
    items: z.array(RecommendedItemSchema),
    version: z.string().nullable().openapi({ description: 'Table version that answered.' }),
    rid: z.string().openapi({ description: 'Recommendation id: send it back with impression and click events.' }),
    degraded: z.string().optional().openapi({ description: 'Present when a fallback answered: why.' }),
    experiment: z
      .string()
      .optional()
      .openapi({ description: 'The experiment serving this surface for this shopper (send impressions and clicks with the rid).' }),
    arm: z.string().optional().openapi({ description: 'The arm of that experiment.' }),
  })
  .openapi('Recommendations');

/** Path parameter of item-based endpoints. */
export const ItemPathSchema = z.object({ id: IdSchema.openapi({ param: { name: 'id', in: 'path' } }) });

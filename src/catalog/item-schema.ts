import { z } from '@hono/zod-openapi';
import { IdSchema } from '../collect/event-schema.ts';

/** An absolute http(s) address (no `javascript:` or `data:` links in the catalog). */
const WebUrl = z
  .string()
  .max(2048)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');

/** Attributes the engine reads, and their shapes: localized titles and category names (shown with `lang=zh`). */
const LOCALIZED: Record<string, [z.ZodType, string]> = {
  title_zh: [z.string().trim().min(1).max(300), 'must be a string of 1-300 characters'],
  category_zh: [
    z.union([z.string().trim().min(1).max(100), z.array(z.string().trim().min(1).max(100)).max(10)]),
    'must be a name or a list of names (at most 10, each 1-100 characters), in the order of categories',
  ],
};

const itemFields = {
  title: z.string().trim().min(1).max(300).openapi({ example: 'Wireless earbuds 无线耳机' }),
  categories: z
    .array(z.string().trim().min(1).max(100))
    .max(10)
    .openapi({ description: 'Most general first.', example: ['electronics', 'audio'] }),
  price: z.number().nonnegative().max(1e9).nullable(),
  available: z.boolean(),
  url: WebUrl.nullable(),
  image: WebUrl.nullable(),
  attributes: z
    .record(z.string(), z.unknown())
    .refine((a) => JSON.stringify(a).length <= 8192, 'must be at most 8192 characters as JSON')
    .superRefine((attributes, ctx) => {
      for (const [name, [schema, message]] of Object.entries(LOCALIZED)) {
        if (attributes[name] !== undefined && !schema.safeParse(attributes[name]).success) ctx.addIssue({ code: 'custom', path: [name], message });
      }
    })
    .openapi({
      description:
        'Free-form (at most 8 KB as JSON). Read by the engine: `title_zh` (the Chinese title) and `category_zh` (Chinese names of `categories`, in their order; one string names the first).',
      example: { title_zh: '无线耳机', category_zh: ['电子产品', '音频'], colour: 'blue' },
    }),
};

/** An item as the shop sends it to the catalog. */
export const ItemInputSchema = z
  .object({
    id: IdSchema.openapi({ example: 'sku-1001' }),
    ...itemFields,
    categories: itemFields.categories.default([]),
    price: itemFields.price.optional(),
    available: itemFields.available.default(true),
    url: itemFields.url.optional(),
    image: itemFields.image.optional(),
    attributes: itemFields.attributes.default({}),
  })
  .openapi('ItemInput');

export type ItemInput = z.infer<typeof ItemInputSchema>;

/** An item as the API returns it. */
export const ItemSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    categories: z.array(z.string()),
    price: z.number().nullable(),
    available: z.boolean(),
    url: z.string().nullable(),
    image: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    updatedAt: z.number().int(),
  })
  .openapi('Item');

export type Item = z.infer<typeof ItemSchema>;

/** Largest catalog batch. */
export const MAX_ITEMS_BATCH = 1000;

/** A catalog batch: all items are valid or nothing is stored. */
export const ItemBatchSchema = z.object({ items: z.array(ItemInputSchema).min(1).max(MAX_ITEMS_BATCH) }).openapi('ItemBatch');

/** Fields of an item that can change alone. */
export const ItemPatchSchema = z.object(itemFields).partial().openapi('ItemPatch');
export type ItemPatch = z.infer<typeof ItemPatchSchema>;

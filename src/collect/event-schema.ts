import { z } from '@hono/zod-openapi';

/** An identifier of a user, item, session or event: 1-128 printable characters. */
export const IdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\s\u0000-\u001f]+$/, 'must be 1-128 characters without spaces or control characters');

/** Event types the engine collects. */
export const EVENT_TYPES = ['view', 'click', 'add_to_cart', 'remove_from_cart', 'purchase', 'rating', 'impression'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Latest a client timestamp may lie in the future (clock skew), in ms. */
const MAX_FUTURE_MS = 24 * 3600 * 1000;
/** Largest `context` object, as JSON text. */
const MAX_CONTEXT_CHARS = 2048;

const common = {
  id: IdSchema.openapi({ description: 'Client-chosen event id; re-sending it stores nothing new.', example: 'e-7f3a' }),
  user: IdSchema.openapi({ description: 'Shopper id (or an anonymous visitor id).', example: 'u-42' }),
  ts: z
    .number()
    .int()
    .positive()
    .refine((ts) => ts <= Date.now() + MAX_FUTURE_MS, 'must not lie in the future')
    .optional()
    .openapi({ description: 'When it happened, ms since the epoch (default: when received).' }),
  session: IdSchema.optional(),
  rid: IdSchema.optional().openapi({ description: 'Recommendation id this event answers to (from a widget).' }),
  context: z
    .record(z.string(), z.unknown())
    .refine((o) => JSON.stringify(o).length <= MAX_CONTEXT_CHARS, `must be at most ${MAX_CONTEXT_CHARS} characters as JSON`)
    .optional()
    .openapi({
      description:
        'Free-form object (page, widget...). Segments read `country` (ISO 3166 alpha-2), `device` (mobile, desktop, tablet...), ' +
        '`source` (utm source or referrer) and `optOut` (true: the shopper opted out of tracking: no segments, no capping state, no targeting).',
      example: { country: 'DE', device: 'mobile', source: 'newsletter' },
    }),
};

const itemEvent = <T extends string>(type: T) =>
  z.object({
    ...common,
    type: z.literal(type),
    item: IdSchema,
    value: z.number().positive().max(1e6).optional().openapi({ description: 'Quantity for cart and purchase events.' }),
  });

/** One behaviour event, as a client sends it. */
export const EventSchema = z
  .discriminatedUnion('type', [
    itemEvent('view'),
    itemEvent('click'),
    itemEvent('add_to_cart'),
    itemEvent('remove_from_cart'),
    itemEvent('purchase').extend({
      price: z.number().min(0).max(1e9).optional().openapi({ description: 'Unit price paid; revenue is price x quantity (default: the catalog price).' }),
    }),
    z.object({ ...common, type: z.literal('rating'), item: IdSchema, value: z.number().int().min(1).max(5) }),
    z.object({
      ...common,
      type: z.literal('impression'),
      items: z.array(IdSchema).max(100).openapi({ description: 'Items shown, in order; empty for the exposure of a "no recommendations" holdout arm.' }),
      rid: IdSchema.openapi({ description: 'Recommendation id of the list shown.' }),
    }),
  ])
  .openapi('Event');

export type EventInput = z.infer<typeof EventSchema>;

/** Largest batch `POST /v1/events` takes. */
export const MAX_BATCH = 1000;

/** The envelope of a batch. Events are checked one by one so that bad ones are reported, not fatal. */
export const EventBatchSchema = z
  .object({
    events: z
      .array(z.unknown().openapi({ description: 'An `Event` (checked one by one).' }))
      .min(1)
      .max(MAX_BATCH)
      .openapi({ description: `1 to ${MAX_BATCH} events.` }),
  })
  .openapi('EventBatch');

/** What a batch did: stored, already there, refused. */
export const CollectResultSchema = z
  .object({
    accepted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.array(z.object({ index: z.number().int(), field: z.string(), error: z.string() })),
  })
  .openapi('CollectResult');

export type CollectResult = z.infer<typeof CollectResultSchema>;

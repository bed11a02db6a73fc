/**
 * The shapes of the chat's data: FAQ entries as the shop sends them and as
 * the API returns them, and the chat request and reply.
 */
import { z } from '@hono/zod-openapi';
import { IdSchema } from '../collect/event-schema.ts';
import { SMALL_TALK } from './conversation/small-talk.ts';

/** Languages of FAQ entries and messages. */
export const CHAT_LANGUAGES = ['zh', 'en'] as const;

/** Longest message the chat reads, in characters. */
export const MAX_MESSAGE_CHARS = 500;

const Phrase = z.string().trim().min(1).max(300);

/** An FAQ entry as the shop sends it. */
export const FaqInputSchema = z
  .object({
    id: IdSchema.openapi({ example: 'shipping-time' }),
    question: Phrase.openapi({ example: 'How long does delivery take?' }),
    alternatives: z
      .array(Phrase)
      .max(30)
      .default([])
      .openapi({ example: ['When will my parcel arrive?'] }),
    answer: z.string().trim().min(1).max(4000),
    tags: z.array(z.string().trim().min(1).max(50)).max(10).default([]),
    lang: z.enum(CHAT_LANGUAGES),
    enabled: z.boolean().default(true),
  })
  .openapi('FaqInput');

export type FaqInput = z.infer<typeof FaqInputSchema>;

/** Fields of an entry that can be changed after creation. */
export const FaqPatchSchema = FaqInputSchema.omit({ id: true }).partial().openapi('FaqPatch');
export type FaqPatch = z.infer<typeof FaqPatchSchema>;

/** An FAQ entry as the API returns it. */
export const FaqSchema = z
  .object({
    id: z.string(),
    question: z.string(),
    alternatives: z.array(z.string()),
    answer: z.string(),
    tags: z.array(z.string()),
    lang: z.string(),
    enabled: z.boolean(),
    updatedAt: z.number().int(),
  })
  .openapi('Faq');

export type Faq = z.infer<typeof FaqSchema>;

/** A chat message from a shopper. */
export const ChatRequestSchema = z
  .object({
    message: z
      .string()
      .max(MAX_MESSAGE_CHARS, `must be at most ${MAX_MESSAGE_CHARS} characters`)
      .refine((m) => m.trim().length > 0, 'must not be empty')
      .openapi({ example: 'How long does delivery take?' }),
    session: IdSchema.optional().openapi({ description: "The shopper's chat session (rate limit, miss log)." }),
    lang: z.enum(CHAT_LANGUAGES).optional().openapi({ description: 'Detected from the message when absent.' }),
    shopper: IdSchema.optional().openapi({ description: "The shop's id of the shopper, passed on with a handoff." }),
  })
  .openapi('ChatRequest');

export type ChatRequest = z.infer<typeof ChatRequestSchema>;

/** Why the chat replied as it did. */
export const CHAT_REASONS = [
  'answered',
  'close_call',
  'low_confidence',
  'small_talk',
  'person_requested',
  'product_advice',
  'unsupported_language',
  'unreadable',
] as const;
export type ChatReason = (typeof CHAT_REASONS)[number];

/** A recommended product in a reply to a product question. */
export const ChatProductSchema = z.object({
  id: z.string(),
  title: z.string(),
  url: z.string().nullable().optional(),
  price: z.number().nullable().optional(),
  reason: z.string().optional().openapi({ description: 'Why this product (plain text).' }),
});
export type ChatProduct = z.infer<typeof ChatProductSchema>;

/** The chat's reply. Text fields are plain text: render them as text, never as HTML. */
export const ChatReplySchema = z
  .object({
    answer: z.string().optional(),
    faq: z.string().optional().openapi({ description: 'Id of the FAQ entry answered.' }),
    confidence: z.number().min(0).max(1).openapi({ description: 'Estimated probability that the best FAQ entry is right.' }),
    suggestions: z.array(z.object({ faq: z.string(), question: z.string() })).max(3),
    handoff: z.boolean().openapi({ description: 'True: hand the conversation over to a person.' }),
    reason: z.enum(CHAT_REASONS),
    lang: z.enum(CHAT_LANGUAGES).optional(),
    products: z.array(ChatProductSchema).optional(),
    intent: z.enum(SMALL_TALK).optional().openapi({ description: 'The small-talk intent answered.' }),
    turn: z.number().int().optional().openapi({ description: 'Id of this reply in the session (for `POST /v1/chat/feedback`); only with a session.' }),
    degraded: z
      .string()
      .optional()
      .openapi({ description: 'Set when the database was busy: answered without the conversation so far, and this turn was not remembered.' }),
  })
  .openapi('ChatReply');

export type ChatReply = z.infer<typeof ChatReplySchema>;

/**
 * The shop's chat settings: the target precision that sets the answer
 * threshold, its own small-talk replies and what the chat says when it hands
 * over (opening hours, expected wait). Stored in D1 (`settings` row
 * `chat:settings`) and published with the FAQ index, so a request reads
 * nothing more.
 */
import { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { settings } from '../db/schema.ts';
import { SMALL_TALK } from './conversation/small-talk.ts';

const Text = z.string().trim().min(1).max(500);
const PerLanguage = z.object({ en: Text.optional(), zh: Text.optional() });

/** The settings as the shop sends them (every field optional, defaults below). */
export const ChatSettingsSchema = z
  .object({
    targetPrecision: z
      .number()
      .min(0.5)
      .max(0.99)
      .default(0.9)
      .openapi({ description: 'Share of direct answers that should be right; sets the answer threshold.' }),
    smallTalk: z.partialRecord(z.enum(SMALL_TALK), PerLanguage).default({}).openapi({ description: 'Replies to greeting, thanks, goodbye, bot and person.' }),
    handoffNote: PerLanguage.default({}).openapi({
      description: 'Added to every handoff reply: opening hours or expected wait.',
      example: { en: 'We answer Mon-Fri 9:00-18:00, usually within 2 hours.' },
    }),
  })
  .openapi('ChatSettings');

export type ChatSettings = z.infer<typeof ChatSettingsSchema>;

/** A new shop's settings. */
export const DEFAULT_CHAT_SETTINGS: ChatSettings = ChatSettingsSchema.parse({});

const KEY = 'chat:settings';

/** The shop's chat settings (defaults while it has none). */
export async function loadChatSettings(db: Database): Promise<ChatSettings> {
  const row = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, KEY)).get();
  return row ? ChatSettingsSchema.parse(JSON.parse(row.value)) : DEFAULT_CHAT_SETTINGS;
}

/** Replaces the shop's chat settings. */
export async function saveChatSettings(db: Database, value: ChatSettings, now = Date.now()): Promise<void> {
  const json = JSON.stringify(value);
  await db
    .insert(settings)
    .values({ key: KEY, value: json, updatedAt: now })
    .onConflictDoUpdate({ target: settings.key, set: { value: json, updatedAt: now } });
}

/**
 * Chat sessions in D1: every turn is a row of `chat_turns`. The last bot
 * turn carries the session's context (last topic, pending choices), read
 * with one indexed query per message; the rows are also the transcript a
 * handoff carries and the unlabelled messages the answer threshold is
 * calibrated on.
 */
import { and, desc, eq, gte, inArray } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { chatTurns } from '../../db/schema.ts';
import type { ChatReply } from '../faq-schema.ts';
import type { ChatContext } from './follow-up.ts';

/** Turns of a transcript. */
export interface TranscriptTurn {
  role: 'shopper' | 'bot';
  text: string;
  at: number;
}

/** The context the session's last bot turn left (empty for a new session). */
export async function loadContext(db: Database, session: string): Promise<ChatContext> {
  const row = await db
    .select({ context: chatTurns.context })
    .from(chatTurns)
    .where(and(eq(chatTurns.session, session), eq(chatTurns.role, 'bot')))
    .orderBy(desc(chatTurns.id))
    .limit(1)
    .get();
  return row?.context ? (JSON.parse(row.context) as ChatContext) : {};
}

/** Stores the shopper's message and the bot's reply (one batch); returns the bot turn's id. */
export async function recordTurn(db: Database, session: string, message: string, reply: ChatReply, context: ChatContext, now = Date.now()): Promise<number> {
  const [, bot] = await db.batch([
    db.insert(chatTurns).values({ session, role: 'shopper', text: message.slice(0, 500), createdAt: now }),
    db
      .insert(chatTurns)
      .values({
        session,
        role: 'bot',
        text: (reply.answer ?? '').slice(0, 4000),
        faq: reply.faq ?? null,
        reason: reply.reason,
        confidence: reply.confidence,
        context: JSON.stringify(context),
        createdAt: now,
      })
      .returning({ id: chatTurns.id }),
  ]);
  return bot[0]!.id;
}

/** The session's last `limit` turns, oldest first. */
export async function loadTranscript(db: Database, session: string, limit = 20): Promise<TranscriptTurn[]> {
  const rows = await db
    .select({ role: chatTurns.role, text: chatTurns.text, at: chatTurns.createdAt })
    .from(chatTurns)
    .where(eq(chatTurns.session, session))
    .orderBy(desc(chatTurns.id))
    .limit(limit)
    .all();
  return rows.reverse();
}

/** A bot turn and the shopper message before it (for feedback). */
export async function loadAnsweredTurn(db: Database, session: string, turn: number): Promise<{ faq: string; confidence: number; question: string } | null> {
  const rows = await db
    .select()
    .from(chatTurns)
    .where(and(eq(chatTurns.session, session), inArray(chatTurns.id, [turn, turn - 1])))
    .all();
  const bot = rows.find((r) => r.id === turn && r.role === 'bot');
  const shopper = rows.find((r) => r.id === turn - 1 && r.role === 'shopper');
  if (!bot?.faq || !shopper) return null;
  return { faq: bot.faq, confidence: bot.confidence ?? 0, question: shopper.text };
}

/** Confidences of recent FAQ decisions (answered, clarified or handed over): unlabelled calibration data. */
export async function recentConfidences(db: Database, since: number, limit = 2000): Promise<number[]> {
  const rows = await db
    .select({ confidence: chatTurns.confidence })
    .from(chatTurns)
    .where(and(eq(chatTurns.role, 'bot'), gte(chatTurns.createdAt, since), inArray(chatTurns.reason, ['answered', 'close_call', 'low_confidence'])))
    .orderBy(desc(chatTurns.id))
    .limit(limit)
    .all();
  return rows.map((r) => r.confidence ?? 0);
}

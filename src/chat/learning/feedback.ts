/**
 * "Did this help?" on an answer: one row per bot turn (a repeated press is
 * stored once); an answer that did not help is logged as a miss, so it shows
 * in the admin's list to resolve.
 */
import { chatFeedback } from '../../db/schema.ts';
import type { Database } from '../../db/client.ts';
import { loadAnsweredTurn } from '../conversation/session-store.ts';
import { logMiss } from '../misses.ts';

/** What the widget sends. */
export interface Feedback {
  session: string;
  turn: number;
  helpful: boolean;
}

/**
 * Stores feedback on an answered turn of the session. Returns false when the
 * turn is not an answer of that session; true when stored or already stored.
 */
export async function recordFeedback(db: Database, feedback: Feedback, now = Date.now()): Promise<boolean> {
  const answered = await loadAnsweredTurn(db, feedback.session, feedback.turn);
  if (!answered) return false;
  const inserted = await db
    .insert(chatFeedback)
    .values({ turn: feedback.turn, session: feedback.session, ...answered, helpful: feedback.helpful, createdAt: now })
    .onConflictDoNothing()
    .returning({ turn: chatFeedback.turn });
  if (inserted.length && !feedback.helpful) {
    await logMiss(
      db,
      { session: feedback.session, message: answered.question, lang: null, confidence: answered.confidence, bestFaq: answered.faq, reason: 'not_helpful' },
      now,
    );
  }
  return true;
}

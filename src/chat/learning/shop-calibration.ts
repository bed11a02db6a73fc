/**
 * The answer threshold for the shop's target precision, from the shop's own
 * messages: answers marked helpful or not and resolved misses (labelled
 * with the confidence and best entry they had when they were missed; once
 * resolved they are phrasings, so re-scoring them would only find
 * themselves), else the confidences of recent messages
 * (unlabelled), else the shipped table (`PRECISION_TABLE`).
 */
import { gte, isNotNull } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { chatFeedback, chatMisses } from '../../db/schema.ts';
import { PRECISION_TABLE } from '../confidence.ts';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../decide.ts';
import { thresholdForPrecision, thresholdFromTable, type PrecisionThreshold, type ScoredMessage } from '../precision.ts';
import { recentConfidences } from '../conversation/session-store.ts';

/** How far back the shop's messages count. */
const WINDOW_MS = 90 * 24 * 3600 * 1000;

/** The shop's labelled and unlabelled messages. */
export async function shopMessages(db: Database, now = Date.now()): Promise<ScoredMessage[]> {
  const since = now - WINDOW_MS;
  const [feedback, resolved, recent] = await Promise.all([
    db.select().from(chatFeedback).where(gte(chatFeedback.createdAt, since)).limit(2000).all(),
    db
      .select({ confidence: chatMisses.confidence, best: chatMisses.bestFaq, faq: chatMisses.resolvedFaq })
      .from(chatMisses)
      .where(isNotNull(chatMisses.resolvedFaq))
      .limit(2000)
      .all(),
    recentConfidences(db, since),
  ]);
  const labelled: ScoredMessage[] = feedback.map((f) => ({ confidence: f.confidence, right: f.helpful }));
  for (const miss of resolved) labelled.push({ confidence: miss.confidence, right: miss.best === miss.faq });
  return [...labelled, ...recent.map((confidence) => ({ confidence }))];
}

/** The thresholds for `target` on these messages, and how they were set (null: the shipped table). */
export function shopThresholds(messages: readonly ScoredMessage[], target: number): { thresholds: Thresholds; precision: PrecisionThreshold | null } {
  const precision = thresholdForPrecision(messages, target);
  const answer = precision?.threshold ?? thresholdFromTable(PRECISION_TABLE, target);
  return { thresholds: { ...DEFAULT_THRESHOLDS, answer }, precision };
}

/**
 * Handoffs that reach a person: each handoff is a row of the D1 outbox
 * `chat_handoffs` (written in the chat request), delivered to the shop's
 * webhook by `drainHandoffs` (right after the request through
 * `ctx.waitUntil`, and by every cron run). A delivery is signed, carries
 * the row id as `Idempotency-Key`, and is retried with exponential backoff
 * until the webhook answers 2xx: at least once, so receivers deduplicate by
 * the key.
 */
import { and, eq, inArray, isNull, lt, lte } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { chatHandoffs } from '../../db/schema.ts';
import type { TranscriptTurn } from '../conversation/session-store.ts';
import { signatureHeader } from './signature.ts';

/** What the webhook receives. */
export interface HandoffPayload {
  id: string;
  type: 'chat.handoff';
  session: string | null;
  shopper: string | null;
  /** Why: the shopper asked for a person, the chat did not understand, an unsupported language, no products to advise. */
  reason: string;
  lang: string | null;
  transcript: TranscriptTurn[];
  createdAt: number;
}

/** Where handoffs go. */
export interface HandoffTarget {
  url: string;
  secret: string;
}

/** Delivery attempts before a handoff stays undelivered (visible in the table with its last error). */
export const MAX_ATTEMPTS = 10;
/** First retry delay; doubled per attempt, capped at {@link MAX_DELAY_MS}. */
export const FIRST_DELAY_MS = 30_000;
const MAX_DELAY_MS = 6 * 3600_000;
/** A claimed row is not picked again by another drain for this long. */
const CLAIM_MS = 60_000;

/** The delay before attempt `attempts + 1`. */
export function retryDelay(attempts: number): number {
  return Math.min(FIRST_DELAY_MS * 2 ** Math.max(0, attempts - 1), MAX_DELAY_MS);
}

/** Writes a handoff to the outbox; returns its id (the idempotency key). */
export async function enqueueHandoff(db: Database, handoff: Omit<HandoffPayload, 'id' | 'type' | 'createdAt'>, now = Date.now()): Promise<string> {
  const id = crypto.randomUUID();
  const payload: HandoffPayload = { id, type: 'chat.handoff', ...handoff, createdAt: now };
  await db.insert(chatHandoffs).values({ id, session: handoff.session, payload: JSON.stringify(payload), nextAttemptAt: now, createdAt: now });
  return id;
}

/** What one drain did. */
export interface DrainResult {
  delivered: number;
  failed: number;
}

/**
 * Delivers due handoffs (at most `limit`): claims them, POSTs each signed
 * payload, marks it delivered on 2xx, else schedules the next attempt.
 */
export async function drainHandoffs(
  db: Database,
  target: HandoffTarget,
  options: { now?: number; limit?: number; fetch?: typeof fetch } = {},
): Promise<DrainResult> {
  const now = options.now ?? Date.now();
  const send = options.fetch ?? fetch;
  const due = and(isNull(chatHandoffs.deliveredAt), lte(chatHandoffs.nextAttemptAt, now), lt(chatHandoffs.attempts, MAX_ATTEMPTS));
  const ids = await db
    .select({ id: chatHandoffs.id })
    .from(chatHandoffs)
    .where(due)
    .orderBy(chatHandoffs.nextAttemptAt)
    .limit(options.limit ?? 20)
    .all();
  if (!ids.length) return { delivered: 0, failed: 0 };
  const claimed = await db
    .update(chatHandoffs)
    .set({ nextAttemptAt: now + CLAIM_MS })
    .where(
      and(
        due,
        inArray(
          chatHandoffs.id,
          ids.map((r) => r.id),
        ),
      ),
    )
    .returning();
  const result: DrainResult = { delivered: 0, failed: 0 };
  for (const row of claimed) {
    let error: string | null = null;
    try {
      const res = await send(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': row.id,
          'x-chat-signature': await signatureHeader(target.secret, row.payload, now),
        },
        body: row.payload,
      });
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (err) {
      error = String(err).slice(0, 200);
    }
    const attempts = row.attempts + 1;
    if (error === null) {
      result.delivered++;
      await db.update(chatHandoffs).set({ attempts, deliveredAt: now, lastError: null }).where(eq(chatHandoffs.id, row.id));
    } else {
      result.failed++;
      await db
        .update(chatHandoffs)
        .set({ attempts, nextAttemptAt: now + retryDelay(attempts), lastError: error })
        .where(eq(chatHandoffs.id, row.id));
    }
  }
  return result;
}

import type { Database } from '../db/client.ts';
import { ApiError } from '../http/errors.ts';
import { publicError } from '../security/public-error.ts';
import type { CollectResult } from './event-schema.ts';
import { COLLECT_RETRY, RetriesExhaustedError, type RetryPolicy, withRetries } from './retry.ts';
import { storeEvents } from './store-events.ts';
import { checkEvents } from './validate-events.ts';

/** Seconds a client is asked to wait before re-sending a batch D1 could not take. */
export const RETRY_AFTER_SECONDS = 2;

/** Options of {@link collectBatch}. */
export interface CollectOptions {
  /** Shoppers this request may write events for (default: any). */
  mayWriteFor?: (user: string) => boolean;
  retry?: RetryPolicy;
}

/**
 * Checks a batch event by event and stores the valid ones atomically. A failing D1 write is
 * retried with jittered backoff; when the budget is spent the answer is a 503 with
 * `Retry-After` (nothing of the batch is stored, so re-sending it is safe).
 */
export async function collectBatch(db: Database, rawEvents: readonly unknown[], options: CollectOptions = {}): Promise<CollectResult> {
  const { valid, rejected } = checkEvents(rawEvents, options.mayWriteFor);
  const retry = options.retry ?? COLLECT_RETRY;
  if (valid.length === 0) return { accepted: 0, duplicates: 0, rejected };
  try {
    return { ...(await withRetries(() => storeEvents(db, valid), retry)), rejected };
  } catch (err) {
    if (!(err instanceof RetriesExhaustedError)) throw err;
    console.error(`event log unavailable after ${err.attempts} tries: ${publicError(err.cause)}`);
    throw new ApiError(503, 'unavailable', 'The event log is busy; nothing of this batch was stored. Send it again later.', undefined, {
      'retry-after': String(RETRY_AFTER_SECONDS),
    });
  }
}

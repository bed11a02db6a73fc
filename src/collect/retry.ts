/** How a failed write is retried. */
export interface RetryPolicy {
  /** Tries in all (the first one included). */
  attempts: number;
  /** Upper bound of the first wait; each later wait's bound doubles ("full jitter"). */
  baseMs: number;
  /** Random source in [0, 1) (tests pass a fixed one). */
  random?: () => number;
  /** How to wait (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
}

/** Collection's budget: 4 tries, waits drawn from 0-40, 0-80 and 0-160 ms (at most 280 ms in all). */
export const COLLECT_RETRY: RetryPolicy = { attempts: 4, baseMs: 40 };

/** The last error after every try failed. */
export class RetriesExhaustedError extends Error {
  override name = 'RetriesExhaustedError';
  readonly attempts: number;
  constructor(attempts: number, cause: unknown) {
    super(`failed ${attempts} times`, { cause });
    this.attempts = attempts;
  }
}

/**
 * Runs `work` until it succeeds or the policy's tries are spent, waiting a jittered,
 * exponentially growing time between tries. `work` must be safe to repeat (the event log's
 * batch is one transaction and idempotent by event id).
 *
 * @example await withRetries(() => storeEvents(db, valid), COLLECT_RETRY)
 */
export async function withRetries<T>(work: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const random = policy.random ?? Math.random;
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let last: unknown;
  for (let attempt = 0; attempt < policy.attempts; attempt++) {
    if (attempt > 0) await sleep(random() * policy.baseMs * 2 ** (attempt - 1));
    try {
      return await work();
    } catch (err) {
      last = err;
    }
  }
  throw new RetriesExhaustedError(policy.attempts, last);
}

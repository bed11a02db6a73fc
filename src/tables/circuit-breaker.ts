import type { TableStore } from './table-store.ts';

/** Options of {@link circuitBreaker}. */
export interface BreakerOptions {
  /** Consecutive failures (errors or timeouts) that open the breaker. */
  failures: number;
  /** How long an open breaker refuses calls before letting one probe through. */
  cooldownMs: number;
  /** A call that takes longer counts as a failure (and is abandoned). */
  timeoutMs: number;
}

/** The store's defaults: 3 failures in a row open it for 5 s; a call over 1.5 s is a failure. */
export const STORE_BREAKER: BreakerOptions = { failures: 3, cooldownMs: 5000, timeoutMs: 1500 };

/** Thrown instead of calling the store while the breaker is open (or another call is probing). */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/** `closed`: calls go through; `open`: refused at once; `half-open`: one probe decides. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** A circuit breaker: guards calls to one dependency. */
export interface CircuitBreaker {
  run<T>(work: () => Promise<T>): Promise<T>;
  state(): BreakerState;
}

/**
 * The standard circuit breaker: after `failures` consecutive failures it opens and refuses
 * calls for `cooldownMs`; then one call probes (half-open): success closes it, failure opens
 * it again. State is per isolate, which is what matters: it spares this isolate's requests
 * the wait on a hung store.
 *
 * @example const breaker = circuitBreaker(STORE_BREAKER); await breaker.run(() => store.getMany(keys));
 */
export function circuitBreaker(options: BreakerOptions, now: () => number = Date.now): CircuitBreaker {
  let state: BreakerState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let probing = false;

  function failed(): void {
    failures++;
    if (state === 'half-open' || failures >= options.failures) {
      state = 'open';
      openedAt = now();
    }
  }

  return {
    state: () => (state === 'open' && now() - openedAt >= options.cooldownMs ? 'half-open' : state),
    async run(work) {
      if (state === 'open') {
        if (now() - openedAt < options.cooldownMs) throw new StoreUnavailableError('circuit open');
        state = 'half-open';
      }
      const probe = state === 'half-open';
      if (probe && probing) throw new StoreUnavailableError('circuit half-open, probe in flight');
      probing ||= probe;
      try {
        const value = await withTimeout(work(), options.timeoutMs);
        state = 'closed';
        failures = 0;
        return value;
      } catch (err) {
        failed();
        throw err;
      } finally {
        if (probe) probing = false;
      }
    },
  };
}

/** A store whose reads go through `breaker` (writes are the rebuild's, which reports its own failures). */
export function guardedStore(store: TableStore, breaker: CircuitBreaker): TableStore {
  return {
    kind: store.kind,
    getMany: (keys) => breaker.run(() => store.getMany(keys)),
    putMany: (entries) => store.putMany(entries),
    deleteMany: (keys) => store.deleteMany(keys),
  };
}

const breakers = new Map<string, CircuitBreaker>();

/** This isolate's breaker for the named store (one per store, shared by the isolate's requests). */
export function storeBreaker(name: string, options: BreakerOptions = STORE_BREAKER): CircuitBreaker {
  let breaker = breakers.get(name);
  if (!breaker) breakers.set(name, (breaker = circuitBreaker(options)));
  return breaker;
}

/** Rejects with a timeout error when `work` takes longer than `ms`. */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Flood protection for the chat, in two layers:
 * - a token bucket per key in this isolate: free, instant, stops a burst
 *   that lands on one isolate (the usual case: one client, one connection);
 * - a per-minute counter per key in KV, shared by isolates: catches a flood
 *   spread over isolates. KV allows one write per second per key and is not
 *   atomic, so each isolate adds its local count at most once a second
 *   (approximate, but bounded and cheap). An exact global limit would need a
 *   Durable Object or the Rate Limiting binding; not worth it for a chat.
 */

/** Limits of one kind of key. */
export interface RateLimit {
  /** Burst size of the isolate bucket. */
  burst: number;
  /** Tokens added to the bucket per second. */
  refillPerSecond: number;
  /** Requests per minute window across isolates (KV). */
  perMinute: number;
}

/** Per chat session, and per client IP. */
export const CHAT_LIMITS = {
  session: { burst: 8, refillPerSecond: 1 / 3, perMinute: 20 },
  ip: { burst: 30, refillPerSecond: 1, perMinute: 120 },
} satisfies Record<string, RateLimit>;

interface Bucket {
  tokens: number;
  at: number;
}
interface Window {
  minute: number;
  remote: number;
  pending: number;
  flushedAt: number;
}

const MAX_TRACKED = 10_000;

/** A limiter holding its buckets and windows in this isolate. */
export function createRateLimiter() {
  const buckets = new Map<string, Bucket>();
  const windows = new Map<string, Window>();

  function takeToken(key: string, limit: RateLimit, now: number): boolean {
    const bucket = buckets.get(key) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.refillPerSecond);
    bucket.at = now;
    if (buckets.size >= MAX_TRACKED && !buckets.has(key)) buckets.clear();
    buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  async function countMinute(store: KVNamespace | undefined, key: string, limit: RateLimit, now: number): Promise<boolean> {
    const minute = Math.floor(now / 60_000);
    let window = windows.get(key);
    if (!window || window.minute !== minute) window = { minute, remote: 0, pending: 0, flushedAt: 0 };
    if (windows.size >= MAX_TRACKED && !windows.has(key)) windows.clear();
    windows.set(key, window);
    window.pending++;
    if (store && now - window.flushedAt >= 1000) {
      const name = `chat:rate:${key}:${minute}`;
      const seen = Number((await store.get(name)) ?? 0) || 0;
      window.remote = seen + window.pending;
      window.pending = 0;
      window.flushedAt = now;
      await store.put(name, String(window.remote), { expirationTtl: 120 });
    }
    return window.remote + window.pending <= limit.perMinute;
  }

  /**
   * Counts one request of `key`; false when over the limit.
   *
   * @example await allow(env.TABLES, `s:${session}`, CHAT_LIMITS.session)
   */
  return async function allow(kv: KVNamespace | undefined, key: string, limit: RateLimit, now = Date.now()): Promise<boolean> {
    if (!takeToken(key, limit, now)) return false;
    return countMinute(kv, key, limit, now);
  };
}

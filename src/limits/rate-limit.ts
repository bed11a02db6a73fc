import type { Context, MiddlewareHandler } from 'hono';
import type { Env } from '../env.ts';
import type { AppEnv } from '../http/app.ts';
import { ApiError } from '../http/errors.ts';

/** The rate-limit bindings (`[[ratelimits]]` in wrangler.toml) and what each one counts. */
export interface RateLimitBindings {
  /** Requests per client IP and surface. */
  IP_RATE_LIMIT?: RateLimit;
  /** Requests per public key and surface, over all clients. */
  KEY_RATE_LIMIT?: RateLimit;
  /** `off` turns every limit off (benchmarks on loopback); default on where the bindings exist. */
  RATE_LIMITS?: string;
}

/** Seconds a refused client is asked to wait: the binding's period (10 or 60 s; the longer one, not knowing which). */
const RETRY_AFTER_SECONDS = 60;

function limited(surface: string): ApiError {
  return new ApiError(429, 'rate_limited', `Too many ${surface} requests from this client; slow down`, undefined, {
    'retry-after': String(RETRY_AFTER_SECONDS),
  });
}

/** The client's address as Cloudflare gives it (`CF-Connecting-IP`); locally there is none. */
export function clientIp(c: Context): string {
  return c.req.header('cf-connecting-ip') ?? 'local';
}

function active(env: Env, c: Context<AppEnv>): boolean {
  return env.RATE_LIMITS?.toLowerCase() !== 'off' && c.get('keyRole') !== 'admin';
}

/**
 * Middleware (after `requireKey`): counts the request against the per-IP and per-key limits of
 * `surface` and answers 429 with `Retry-After` past either. The admin key (the shop's backend)
 * is not limited. Without the bindings (or with `RATE_LIMITS=off`) it does nothing.
 *
 * @example router.use('/v1/search', requireKey('ingest'), rateLimit('search'));
 */
export function rateLimit(surface: string): MiddlewareHandler<AppEnv> {
  return async function rateLimitMiddleware(c, next) {
    // Counted once per request, also where two route patterns both match (`/x` and `/x/*`).
    if (c.req.method !== 'OPTIONS' && !c.get('rateCounted') && active(c.env, c)) {
      c.set('rateCounted', true);
      const [ip, key] = await Promise.all([
        c.env.IP_RATE_LIMIT?.limit({ key: `${surface}:${clientIp(c)}` }),
        c.env.KEY_RATE_LIMIT?.limit({ key: `${surface}:${c.get('keyRole') ?? 'none'}` }),
      ]);
      if (ip?.success === false || key?.success === false) throw limited(surface);
    }
    await next();
  };
}

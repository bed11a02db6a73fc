import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app.ts';
import { ApiError } from './errors.ts';

/** Who may call an endpoint: `ingest` accepts the public key or the admin key, `admin` only the admin key. */
export type KeyRole = 'ingest' | 'admin';

/** Options of {@link requireKey}. */
export interface RequireKeyOptions {
  /**
   * Also accept the key as `?key=` (for `sendBeacon` and pixels, which cannot set headers).
   * Only the public ingest key is taken from a URL, never the admin key.
   */
  allowQueryKey?: boolean;
}

/**
 * Middleware that checks `Authorization: Bearer <key>`: a missing key is a 401, a key that is
 * not valid for the role a 403.
 *
 * @example
 * app.use('/v1/items/*', requireKey('admin'));
 */
export function requireKey(role: KeyRole, options: RequireKeyOptions = {}): MiddlewareHandler<AppEnv> {
  return async function requireKeyMiddleware(c, next) {
    if (c.req.method === 'OPTIONS') return next();
    const header = c.req.header('authorization');
    const bearer = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    const queryKey = bearer === undefined && options.allowQueryKey && role === 'ingest' ? c.req.query('key') : undefined;
    const key = bearer ?? queryKey;
    if (!key) throw new ApiError(401, 'unauthorized', 'Missing API key: send Authorization: Bearer <key>', 'authorization');
    const admin = queryKey === undefined && (await sameSecret(key, c.env.ADMIN_KEY));
    const allowed = admin || (role === 'ingest' && (await sameSecret(key, c.env.INGEST_KEY)));
    if (!allowed) {
      const message = role === 'admin' ? 'This endpoint needs the admin key' : 'Unknown API key';
      throw new ApiError(403, 'forbidden', message, 'authorization');
    }
    c.set('keyRole', admin ? 'admin' : 'ingest');
    await next();
  };
}

const encoder = new TextEncoder();

/** Constant-time comparison of two secrets (both hashed first so lengths do not leak). */
export async function sameSecret(given: string, expected: string | undefined): Promise<boolean> {
  if (!expected) return false;
  const [a, b] = await Promise.all([crypto.subtle.digest('SHA-256', encoder.encode(given)), crypto.subtle.digest('SHA-256', encoder.encode(expected))]);
  return crypto.subtle.timingSafeEqual(a, b);
}

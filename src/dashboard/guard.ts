import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../http/app.ts';
import { sameSecret } from '../http/auth.ts';
import { SESSION_COOKIE, verifySession } from './session.ts';

/** Paths under /dashboard that answer without a login. */
const PUBLIC_PATHS = new Set(['/dashboard/login', '/dashboard/style.css']);

/**
 * True when a state-changing request comes from the dashboard's own pages. Browsers send
 * `Sec-Fetch-Site` (a header pages cannot forge), which must say `same-origin`; without it, the
 * `Origin` header must name this host. A request with neither is refused.
 */
export function sameOrigin(c: Context): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site) return site === 'same-origin';
  const origin = c.req.header('origin');
  if (!origin) return false;
  if (origin === new URL(c.req.url).origin) return true;
  try {
    return new URL(origin).host === c.req.header('host');
  } catch {
    return false;
  }
}

/**
 * Guards the dashboard. Scripts send the admin key as `Authorization: Bearer`; people carry the
 * signed session cookie. Without either, pages redirect to the login form and form posts get a
 * 401; a cookie-carrying post from another origin is refused with a 403 (cross-site request
 * forgery), on top of the cookie's `SameSite=Strict`.
 */
export function dashboardGuard(): MiddlewareHandler<AppEnv> {
  return async function guard(c, next) {
    if (PUBLIC_PATHS.has(c.req.path)) return next();
    const bearer = c.req
      .header('authorization')
      ?.match(/^Bearer\s+(.+)$/i)?.[1]
      ?.trim();
    if (bearer !== undefined) {
      if (!(await sameSecret(bearer, c.env.ADMIN_KEY))) return c.text('This page needs the admin key', 403);
      return next();
    }
    const signedIn = await verifySession(getCookie(c, SESSION_COOKIE), c.env.ADMIN_KEY);
    const reading = c.req.method === 'GET' || c.req.method === 'HEAD';
    if (!signedIn) {
      if (!reading) return c.text('Sign in first', 401);
      return c.redirect(`/dashboard/login?next=${encodeURIComponent(c.req.path)}`, 302);
    }
    if (!reading && !sameOrigin(c)) return c.text('Cross-site form posts are refused', 403);
    return next();
  };
}

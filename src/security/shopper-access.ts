import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/app.ts';
import { ApiError } from '../http/errors.ts';
import { verifyUserToken } from './user-token.ts';

/** Visitor ids `widget.js` makes up start with this: an anonymous visitor owns their random id. */
export const ANONYMOUS_PREFIX = 'anon-';

/** Who a request may act for, from its key and its shopper token. */
export interface ShopperAccess {
  /** The admin key (the shop's backend): any shopper. */
  admin: boolean;
  /** The shopper a valid token names. */
  tokenUser?: string;
  /** `REQUIRE_USER_TOKEN` is on: the public key acts only for the token's shopper (or anonymous ids). */
  required: boolean;
}

/** True for `true`, `1`, `yes`, `on` (any case). */
export function isOn(value: string | undefined): boolean {
  return /^(true|1|yes|on)$/i.test(value?.trim() ?? '');
}

/** An id `widget.js` made up for an anonymous visitor. */
export function isAnonymous(user: string): boolean {
  return user.startsWith(ANONYMOUS_PREFIX);
}

/**
 * Middleware (after `requireKey`): reads the shopper token from `X-User-Token` or `?token=`,
 * verifies it, and sets `c.var.shopper`. A token that is malformed, forged or expired is a 401.
 *
 * @example router.use('/v1/segments/*', requireKey('ingest'), shopperAccess());
 */
export function shopperAccess(): MiddlewareHandler<AppEnv> {
  return async function shopperAccessMiddleware(c, next) {
    const token = c.req.header('x-user-token') ?? c.req.query('token');
    const access: ShopperAccess = { admin: c.get('keyRole') === 'admin', required: isOn(c.env.REQUIRE_USER_TOKEN) };
    if (token) {
      const user = await verifyUserToken(c.env.USER_TOKEN_SECRET, token);
      if (user === undefined) throw new ApiError(401, 'invalid_token', 'The user token is malformed, expired or not signed by this shop', 'token');
      access.tokenUser = user;
    }
    c.set('shopper', access);
    await next();
  };
}

/** The access a request was given (no token, public key, when the middleware did not run). */
export function accessOf(c: Context<AppEnv>): ShopperAccess {
  return c.get('shopper') ?? { admin: c.get('keyRole') === 'admin', required: isOn(c.env.REQUIRE_USER_TOKEN) };
}

/** May this request read or write data of `user`? */
export function mayActFor(access: ShopperAccess, user: string): boolean {
  return access.admin || access.tokenUser === user || isAnonymous(user) || !access.required;
}

/** May answers name items of `user`'s own history ("because you bought X")? Only for the admin key, the token's shopper, or an anonymous visitor. */
export function mayShowHistory(access: ShopperAccess, user: string): boolean {
  return access.admin || access.tokenUser === user || isAnonymous(user);
}

/**
 * The shopper a read is for (`user`, or the token's shopper when it names none), and whether
 * the answer may name items of their history. Refuses (403, field `field`) a shopper the
 * request may not act for.
 */
export function shopperFor(access: ShopperAccess, user: string | undefined, field = 'user'): { user?: string; showHistory: boolean } {
  const shopper = user ?? access.tokenUser;
  if (shopper === undefined) return { showHistory: true };
  if (!mayActFor(access, shopper))
    throw new ApiError(403, 'user_token_required', `Acting for this shopper needs their user token (X-User-Token or ?token=)`, field);
  return { user: shopper, showHistory: mayShowHistory(access, shopper) };
}

/**
 * A read request made for the shopper it may act for: `user` resolved (the token's shopper
 * when it names none) and `historyInReasons` false when answers must not name items of the
 * shopper's history. Refuses (403) as {@link shopperFor}.
 *
 * @example recommend(env, forShopper(accessOf(c), { kind: 'for-you', user: q.user, k: 10 }))
 */
export function forShopper<T extends { user?: string }>(access: ShopperAccess, request: T): T & { historyInReasons: boolean } {
  const { user, showHistory } = shopperFor(access, request.user);
  return user === undefined ? { ...request, historyInReasons: showHistory } : { ...request, user, historyInReasons: showHistory };
}

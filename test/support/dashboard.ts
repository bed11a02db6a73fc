import { expect } from 'vitest';
import { call } from './api.ts';

/** The origin the test Worker answers on. */
export const ORIGIN = 'https://engine.test';

/** Signs in through the dashboard's form and returns the session cookie pair (`name=value`), checking its attributes. */
export async function signIn(next = '/dashboard/models'): Promise<string> {
  const res = await call('/dashboard/login', {
    method: 'POST',
    headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ key: 'test-admin-key', next }),
    redirect: 'manual',
  });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe(next);
  const cookie = res.headers.get('set-cookie')!;
  expect(cookie).toMatch(/HttpOnly/i);
  expect(cookie).toMatch(/Secure/i);
  expect(cookie).toMatch(/SameSite=Strict/i);
  expect(cookie).toMatch(/Max-Age=28800/);
  return cookie.split(';')[0]!;
}

/** A dashboard form post, with or without the session cookie and an `Origin`. */
export function post(path: string, cookie: string | undefined, origin: string | undefined, body: Record<string, string> = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (cookie) headers.cookie = cookie;
  if (origin) headers.origin = origin;
  return call(path, { method: 'POST', headers, body: new URLSearchParams(body), redirect: 'manual' });
}

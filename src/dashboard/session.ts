/**
 * The dashboard's login session: a cookie holding an expiry and a nonce, signed with an HMAC
 * key derived from the admin key. Nothing is stored server-side; changing the admin key ends
 * every session. The expiry is checked from the signed value, not trusted from the browser.
 */

/** Name of the session cookie. */
export const SESSION_COOKIE = 'ep_session';

/** How long a login lasts (8 hours). */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

const encoder = new TextEncoder();

async function signingKey(adminKey: string): Promise<CryptoKey> {
  const material = await crypto.subtle.digest('SHA-256', encoder.encode(`dashboard-session:${adminKey}`));
  return crypto.subtle.importKey('raw', material, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function fromHex(hex: string): Uint8Array | null {
  if (!/^(?:[0-9a-f]{2})+$/.test(hex)) return null;
  return Uint8Array.from(hex.match(/../g)!, (pair) => parseInt(pair, 16));
}

/** A new session value that expires `SESSION_TTL_MS` after `now`. */
export async function issueSession(adminKey: string, now = Date.now()): Promise<{ value: string; expiresAt: number }> {
  const expiresAt = now + SESSION_TTL_MS;
  const payload = `${expiresAt}.${toHex(crypto.getRandomValues(new Uint8Array(12)))}`;
  const signature = await crypto.subtle.sign('HMAC', await signingKey(adminKey), encoder.encode(payload));
  return { value: `${payload}.${toHex(signature)}`, expiresAt };
}

/** True when `value` was signed with this admin key and has not expired. */
export async function verifySession(value: string | undefined, adminKey: string | undefined, now = Date.now()): Promise<boolean> {
  if (!value || !adminKey) return false;
  const parts = value.split('.');
  if (parts.length !== 3) return false;
  const [expiry, nonce, signature] = parts as [string, string, string];
  const expiresAt = Number(expiry);
  const bytes = fromHex(signature);
  if (!Number.isSafeInteger(expiresAt) || expiresAt <= now || !bytes) return false;
  return crypto.subtle.verify('HMAC', await signingKey(adminKey), bytes, encoder.encode(`${expiry}.${nonce}`));
}

/**
 * Signed shopper tokens: the shop's backend signs a shopper id with `USER_TOKEN_SECRET` and an
 * expiry; pages pass the token instead of a bare `user`, so the public ingest key can only act
 * for the shopper a token names.
 *
 * Format: `<base64url(user)>.<expiry, unix seconds>.<base64url(HMAC-SHA256(secret, first two parts))>`.
 * Signing snippets for Node, PHP and Python backends are in src/security/README.md.
 */

const encoder = new TextEncoder();
/** Imported keys per secret: the keys themselves, never an import in flight (a request must not await another request's promise). */
const keys = new Map<string, CryptoKey>();

async function hmacKey(secret: string): Promise<CryptoKey> {
  const known = keys.get(secret);
  if (known) return known;
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  if (keys.size > 8) keys.clear();
  keys.set(secret, key);
  return key;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    return Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (ch) => ch.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/**
 * Signs a token for `user`, valid for `ttlSeconds` (the shop's backend does this; the engine
 * only verifies). Exposed for tests, the local tools and backends written in TypeScript.
 *
 * @example const token = await signUserToken(env.USER_TOKEN_SECRET, 'u-42', 3600);
 */
export async function signUserToken(secret: string, user: string, ttlSeconds: number, now = Date.now()): Promise<string> {
  const payload = `${toBase64Url(encoder.encode(user))}.${Math.floor(now / 1000) + ttlSeconds}`;
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(payload)));
  return `${payload}.${toBase64Url(signature)}`;
}

/** The shopper a token names, or `undefined` when it is malformed, forged or expired. */
export async function verifyUserToken(secret: string | undefined, token: string, now = Date.now()): Promise<string | undefined> {
  if (!secret || token.length > 1024) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [userPart, expiryPart, signaturePart] = parts as [string, string, string];
  const expiry = /^\d{1,12}$/.test(expiryPart) ? Number(expiryPart) : NaN;
  const signature = fromBase64Url(signaturePart);
  const userBytes = fromBase64Url(userPart);
  if (!(expiry * 1000 > now) || !signature || !userBytes) return undefined;
  const valid = await crypto.subtle.verify('HMAC', await hmacKey(secret), signature, encoder.encode(`${userPart}.${expiryPart}`));
  return valid ? new TextDecoder().decode(userBytes) : undefined;
}

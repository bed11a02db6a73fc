/**
 * Webhook signatures: `X-Chat-Signature: t=<unix ms>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
 * with the shop's secret, the scheme Stripe and Slack use. The receiver
 * recomputes it and refuses old timestamps (replays).
 */

const encoder = new TextEncoder();

async function hmacHex(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(text)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The signature header of a body sent at `timestamp`.
 *
 * @example await signatureHeader('s3cret', '{"id":"h1"}', 1767225600000) // 't=1767225600000,v1=9f2c...'
 */
export async function signatureHeader(secret: string, body: string, timestamp: number): Promise<string> {
  return `t=${timestamp},v1=${await hmacHex(secret, `${timestamp}.${body}`)}`;
}

/** Checks a signature header (what a receiver does); `toleranceMs` bounds the timestamp's age. */
export async function verifySignature(secret: string, body: string, header: string, now = Date.now(), toleranceMs = 5 * 60_000): Promise<boolean> {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isFinite(timestamp) || Math.abs(now - timestamp) > toleranceMs || !parts.v1) return false;
  const expected = await hmacHex(secret, `${timestamp}.${body}`);
  if (expected.length !== parts.v1.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ parts.v1.charCodeAt(i);
  return diff === 0;
}

import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { app } from '../../functions/index.ts';
import { ADMIN, INGEST, uniq } from '../support/api.ts';

declare global {
  namespace Cloudflare {
    interface Env {
      /** A Rate Limiting binding of 5 per 60 s (vitest.config.ts), standing in for the configured limits. */
      TIGHT_RATE_LIMIT: RateLimit;
    }
  }
}

/** The engine with the real (emulated) Rate Limiting binding at 5 requests per minute. */
function fetchLimited(path: string, ip: string, init: RequestInit = {}, limits: 'ip' | 'key' = 'ip') {
  const tight = limits === 'ip' ? { IP_RATE_LIMIT: env.TIGHT_RATE_LIMIT } : { KEY_RATE_LIMIT: env.TIGHT_RATE_LIMIT, IP_RATE_LIMIT: undefined };
  const headers = { ...INGEST, 'cf-connecting-ip': ip, ...(init.headers as Record<string, string>) };
  return app.fetch(new Request(`https://engine.test${path}`, { ...init, headers }), { ...env, RATE_LIMITS: 'on', ...tight }, createExecutionContext());
}

const event = () => JSON.stringify({ events: [{ id: uniq('e'), type: 'view', user: uniq('u'), item: 'sku-1' }] });

describe('rate limits on public paths', () => {
  it('answer 429 with Retry-After past the per-IP limit, per surface, for events, beacon, pixel, recommendations, widgets and chat', async () => {
    const cases: [string, RequestInit][] = [
      ['/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: event() }],
      ['/v1/trending?k=3', {}],
      ['/v1/widgets/trending?key=test-ingest-key&k=3', {}],
      ['/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'hello', session: 's' }) }],
    ];
    for (const [path, init] of cases) {
      const ip = `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        const again = init.body ? { ...init, body: path === '/v1/events' ? event() : init.body } : init;
        statuses.push((await fetchLimited(path, ip, again)).status);
      }
      expect(
        statuses.slice(0, 5).every((s) => s !== 429),
        `${path}: ${statuses}`,
      ).toBe(true);
      const refused = await fetchLimited(path, ip, init);
      expect(refused.status, path).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited' } });
      expect((await fetchLimited(path, `${ip}1`, init)).status, `another address: ${path}`).not.toBe(429);
    }
    const beaconIp = `10.8.${Math.floor(Math.random() * 250)}.1`;
    for (let i = 0; i < 5; i++) await fetchLimited('/v1/events/beacon?key=test-ingest-key', beaconIp, { method: 'POST', body: event() });
    expect((await fetchLimited(`/v1/events/pixel?key=test-ingest-key&id=${uniq('e')}&type=view&user=u&item=sku-1`, beaconIp)).status).toBe(429);
  });

  it('limit the public key over all addresses, and never the admin key', async () => {
    const surface = `/v1/items/${uniq('nope')}/similar`;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await fetchLimited('/v1/recommend/for-you?k=2', `10.7.0.${i}`, {}, 'key')).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    const admin = [];
    for (let i = 0; i < 8; i++) admin.push((await fetchLimited(surface, '10.6.0.1', { headers: ADMIN })).status);
    expect(admin).not.toContain(429);
  });
});

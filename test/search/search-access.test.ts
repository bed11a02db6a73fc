import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { app } from '../../functions/index.ts';
import { signUserToken } from '../../src/security/user-token.ts';
import { INGEST, uniq } from '../support/api.ts';

const SECRET = 'test-user-token-secret';

function fetchSearch(path: string, vars: Record<string, unknown>, headers: Record<string, string> = {}) {
  return app.fetch(new Request(`https://engine.test${path}`, { headers: { ...INGEST, ...headers } }), { ...env, ...vars }, createExecutionContext());
}

describe('search paths: shopper tokens and rate limits', () => {
  it('under REQUIRE_USER_TOKEN, searching for a named shopper needs their token', async () => {
    const required = { REQUIRE_USER_TOKEN: 'true' };
    const user = uniq('u');
    const refused = await fetchSearch(`/v1/search?q=tea&user=${user}`, required);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'user_token_required', field: 'user' } });
    const token = await signUserToken(SECRET, user, 600);
    expect((await fetchSearch(`/v1/search?q=tea&user=${user}`, required, { 'x-user-token': token })).status).toBe(200);
    expect((await fetchSearch(`/v1/search?q=tea&user=someone-else`, required, { 'x-user-token': token })).status).toBe(403);
    expect((await fetchSearch(`/v1/search?q=tea&user=anon-${uniq('v')}`, required)).status).toBe(200);
    expect((await fetchSearch('/v1/search?q=tea', required)).status).toBe(200);
    const forged = await fetchSearch(`/v1/search?q=tea&user=${user}&token=${token.slice(0, -2)}xx`, required);
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: { code: 'invalid_token', field: 'token' } });
    expect((await fetchSearch(`/v1/search/suggest?q=te&token=garbage`, required)).status).toBe(401);
  });

  it('answer 429 with Retry-After past the per-address limit, for search and suggestions alike', async () => {
    const limited = { RATE_LIMITS: 'on', IP_RATE_LIMIT: env.TIGHT_RATE_LIMIT };
    const ip = `10.6.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await fetchSearch(i % 2 ? '/v1/search/suggest?q=te' : '/v1/search?q=tea', limited, { 'cf-connecting-ip': ip })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const refused = await fetchSearch('/v1/search/suggest?q=te', limited, { 'cf-connecting-ip': ip });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await fetchSearch('/v1/search?q=tea', limited, { 'cf-connecting-ip': `${ip}9` })).status).toBe(200);
  });
});

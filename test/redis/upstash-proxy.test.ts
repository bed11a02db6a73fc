import { Redis } from '@upstash/redis/cloudflare';
import { beforeAll, describe, expect, inject, it } from 'vitest';

const proxy = inject('upstashProxy');
if (!proxy) {
  console.warn('!!! test/redis SKIPPED: redis-server is not installed, so the Upstash REST proxy was not started. !!!');
}

const client = (options: { token?: string; base64?: boolean } = {}) =>
  new Redis({
    url: proxy!.url,
    token: options.token ?? proxy!.token,
    responseEncoding: options.base64 === false ? false : 'base64',
    enableTelemetry: false,
    retry: false,
  });

/** A raw protocol request, to check exactly what the proxy sends back. */
async function raw(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${proxy!.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${proxy!.token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));

/** Strings whose bytes must survive Redis and base64 exactly. */
const tricky = [
  '怎么更改花呗手机号码',
  '🛒 emoji + ünïcödé',
  'control \u0000\u0001\u001f\t\r\n chars',
  'quotes " \' \\ and {"json": "inside"}',
  'OK',
  'T0s=',
  'abcd',
  '',
  ' leading and trailing ',
];

describe.skipIf(!proxy)('@upstash/redis against the local Upstash REST proxy', () => {
  let redis: Redis;
  let prefix: string;
  beforeAll(() => {
    redis = client();
    prefix = `t:${crypto.randomUUID()}:`;
  });
  const key = (name: string) => prefix + name;

  it('sets and gets strings and JSON values', async () => {
    expect(await redis.set(key('s'), 'hello')).toBe('OK');
    expect(await redis.get(key('s'))).toBe('hello');
    const doc = { id: 'sku-1', price: 12.5, tags: ['tea', '茶'], nested: { ok: true, none: null } };
    await redis.set(key('doc'), doc);
    expect(await redis.get(key('doc'))).toEqual(doc);
    expect(await redis.get(key('missing'))).toBeNull();
  });

  it('round-trips unicode and binary-ish strings exactly', async () => {
    for (const [i, value] of tricky.entries()) {
      await redis.set(key(`u${i}`), value);
      expect(await redis.get<string>(key(`u${i}`))).toBe(value);
    }
    expect(await redis.strlen(key('u0'))).toBe(new TextEncoder().encode(tricky[0]!).length);
  });

  it('round-trips a 2 MB value', async () => {
    const big = '购物车-cart-'.repeat(200_000);
    await redis.set(key('big'), big);
    expect(await redis.get(key('big'))).toBe(big);
  });

  it('does mset and mget, with null for missing keys', async () => {
    await redis.mset({ [key('m1')]: 'one', [key('m2')]: { n: 2 }, [key('m3')]: '三' });
    expect(await redis.mget(key('m1'), key('m2'), key('nope'), key('m3'))).toEqual(['one', { n: 2 }, null, '三']);
  });

  it('does hset and hgetall', async () => {
    const fields = { name: '乌龙茶', price: 12.5, stock: 3, tags: ['a', 'b'], flag: 'OK' };
    expect(await redis.hset(key('h'), fields)).toBe(5);
    // As with hosted Upstash, the client's hgetall keeps numbers that are not safe integers as strings.
    expect(await redis.hgetall(key('h'))).toEqual({ ...fields, price: '12.5' });
    expect(await redis.hget(key('h'), 'name')).toBe('乌龙茶');
    expect(await redis.hgetall(key('no-hash'))).toBeNull();
  });

  it('runs a pipeline in one request', async () => {
    const p = redis.pipeline();
    p.set(key('p1'), { a: 1 });
    p.incr(key('p2'));
    p.incrby(key('p2'), 41);
    p.get(key('p1'));
    p.mget(key('p1'), key('p-missing'));
    p.hset(key('ph'), { x: 'y' });
    p.hgetall(key('ph'));
    p.lpush(key('pl'), 'c', 'b', 'a');
    p.lrange(key('pl'), 0, -1);
    expect(await p.exec()).toEqual(['OK', 1, 42, { a: 1 }, [{ a: 1 }, null], 1, { x: 'y' }, 3, ['a', 'b', 'c']]);
  });

  it('reports a failing command inside a pipeline in its position', async () => {
    await redis.set(key('word'), 'not a number');
    const p = redis.pipeline();
    p.set(key('pe'), 'v');
    p.incr(key('word'));
    p.get(key('pe'));
    await expect(p.exec()).rejects.toThrow(/Command 2 \[ incr \] failed: ERR value is not an integer/);
    const q = redis.pipeline();
    q.set(key('pe'), 'w');
    q.incr(key('word'));
    q.get(key('pe'));
    const results = await q.exec({ keepErrors: true });
    expect(results.map((r) => r.error)).toEqual([undefined, 'ERR value is not an integer or out of range', undefined]);
    expect(results[2]?.result).toBe('w');
  });

  it('runs multi/exec as a transaction', async () => {
    const tx = redis.multi();
    tx.set(key('tx'), 10);
    tx.incrby(key('tx'), 5);
    tx.get(key('tx'));
    tx.hset(key('txh'), { f: '值' });
    tx.hgetall(key('txh'));
    expect(await tx.exec()).toEqual(['OK', 15, 15, 1, { f: '值' }]);
  });

  it('aborts a transaction with a bad command and applies nothing', async () => {
    const res = await raw('/multi-exec', [['SET', key('abort'), 'x'], ['NO-SUCH-COMMAND']]);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: expect.stringMatching(/^EXECABORT .*unknown command/) });
    expect(await redis.exists(key('abort'))).toBe(0);
  });

  it('runs concurrent transactions atomically', async () => {
    await Promise.all(
      Array.from({ length: 20 }, () => {
        const tx = redis.multi();
        tx.incr(key('a'));
        tx.incr(key('b'));
        return tx.exec();
      }),
    );
    expect(await redis.mget(key('a'), key('b'))).toEqual([20, 20]);
  });

  it('keeps replies in order under concurrent requests', async () => {
    const n = 100;
    await redis.mset(Object.fromEntries(Array.from({ length: n }, (_, i) => [key(`c${i}`), `v${i}`])));
    const got = await Promise.all(Array.from({ length: n }, (_, i) => redis.get(key(`c${i}`))));
    expect(got).toEqual(Array.from({ length: n }, (_, i) => `v${i}`));
  });

  it('deletes keys', async () => {
    await redis.set(key('d1'), 1);
    await redis.set(key('d2'), 2);
    expect(await redis.del(key('d1'), key('d2'), key('d-missing'))).toBe(2);
    expect(await redis.exists(key('d1'), key('d2'))).toBe(0);
  });

  it('expires keys and reports ttl', async () => {
    await redis.set(key('e'), 'v');
    expect(await redis.ttl(key('e'))).toBe(-1);
    expect(await redis.expire(key('e'), 100)).toBe(1);
    const ttl = await redis.ttl(key('e'));
    expect(ttl).toBeGreaterThan(90);
    expect(ttl).toBeLessThanOrEqual(100);
    await redis.set(key('ex'), 'v', { px: 50 });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await redis.get(key('ex'))).toBeNull();
    expect(await redis.ttl(key('ex'))).toBe(-2);
  });

  it('turns a Redis error into an UpstashError and HTTP 400', async () => {
    await redis.set(key('txt'), 'abc');
    await expect(redis.incr(key('txt'))).rejects.toThrow(/ERR value is not an integer or out of range/);
    await expect(redis.incr(key('txt'))).rejects.toHaveProperty('name', 'UpstashError');
    const res = await raw('/', ['HGET', key('txt')]);
    expect(res).toEqual({ status: 400, body: { error: "ERR wrong number of arguments for 'hget' command" } });
  });

  it('rejects a wrong or missing token with 401', async () => {
    await expect(client({ token: 'wrong' }).get(key('s'))).rejects.toThrow(/Unauthorized/);
    const res = await fetch(proxy!.url, { method: 'POST', body: '["PING"]' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'Unauthorized' });
  });

  it('gives the same results without base64 encoding', async () => {
    const plain = client({ base64: false });
    await redis.hset(key('same'), { a: '乌龙', b: 2 });
    expect(await redis.hgetall(key('same'))).toEqual({ a: '乌龙', b: 2 });
    for (const [i, value] of tricky.entries()) expect(await plain.get(key(`u${i}`))).toBe(value);
    expect(await plain.hgetall(key('same'))).toEqual({ a: '乌龙', b: 2 });
  });

  it('encodes replies exactly like Upstash on the wire', async () => {
    const k = key('wire');
    const base64 = { 'upstash-encoding': 'base64' };
    expect(await raw('/', ['SET', k, '怎么'], base64)).toEqual({ status: 200, body: { result: 'OK' } });
    expect(await raw('/', ['GET', k], base64)).toEqual({ status: 200, body: { result: b64('怎么') } });
    expect(await raw('/', ['GET', k])).toEqual({ status: 200, body: { result: '怎么' } });
    expect(await raw('/', ['PING'], base64)).toEqual({ status: 200, body: { result: b64('PONG') } });
    expect(await raw('/', ['TYPE', k], base64)).toEqual({ status: 200, body: { result: b64('string') } });
    expect(await raw('/', ['STRLEN', k], base64)).toEqual({ status: 200, body: { result: 6 } });
    expect(await raw('/', ['GET', key('none')], base64)).toEqual({ status: 200, body: { result: null } });
    const pipeline = await raw(
      '/pipeline',
      [
        ['DEL', key('bits')],
        ['SETBIT', key('bits'), 0, 1],
        ['GET', key('bits')],
        ['SCAN', '0', 'MATCH', k, 'COUNT', 100000],
        ['HSET', key('wh'), 'f', 'v'],
        ['HGETALL', key('wh')],
      ],
      base64,
    );
    expect(pipeline).toEqual({
      status: 200,
      body: [{ result: 0 }, { result: 0 }, { result: 'gA==' }, { result: [b64('0'), [b64(k)]] }, { result: 1 }, { result: [b64('f'), b64('v')] }],
    });
  });

  it('refuses malformed requests and commands that would break the shared connection', async () => {
    expect(await raw('/', ['SELECT', '1'])).toEqual({ status: 400, body: { error: 'ERR command is not available over REST: SELECT' } });
    expect((await raw('/pipeline', [])).status).toBe(400);
    expect((await raw('/', { not: 'a command' })).status).toBe(400);
    expect((await raw('/', ['PING'], { 'upstash-response-format': 'resp2' })).status).toBe(400);
  });

  it('serves blocking commands on their own connection', async () => {
    const blocked = redis.exec(['BLPOP', key('empty-list'), 1]);
    const started = Date.now();
    expect(await redis.ping()).toBe('PONG');
    expect(Date.now() - started).toBeLessThan(500);
    expect(await blocked).toBeNull();
  });
});

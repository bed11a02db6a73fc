/**
 * `--publish kv`: the table store over the KV REST API's bulk endpoints, against a local HTTP
 * STAND-IN of the API (the real api.cloudflare.com cannot be reached from here). The stand-in
 * implements the documented shapes: PUT .../bulk (an array of at most 10,000
 * `{ key, value, expiration_ttl? }`, 100 MB at most, TTL >= 60), POST .../bulk/get
 * (`{ keys: <= 100, type }`), POST .../bulk/delete (an array of keys), Bearer token, and
 * Cloudflare's envelope `{ success, errors, messages, result }`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kvRestTableStore } from '../../src/offline/kv-rest-store.ts';

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const NAMESPACE = 'fedcba9876543210fedcba9876543210';
const TOKEN = 'stand-in-token';

/** The KV REST API stand-in: one namespace in a Map, requests recorded. */
function kvRestStandIn() {
  const values = new Map<string, { value: string; ttl?: number }>();
  const requests: Array<{ method: string; path: string; items: number; bytes: number }> = [];
  let failOnce = new Set<string>();
  const prefix = `/client/v4/accounts/${ACCOUNT}/storage/kv/namespaces/${NAMESPACE}`;
  const envelope = (result: unknown) => ({ success: true, errors: [], messages: [], result });
  const failure = (code: number, message: string) => ({ success: false, errors: [{ code, message }], messages: [], result: null });
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const server: Server = createServer(async (req, res) => {
    const body = await read(req);
    const answer = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return answer(403, failure(10000, 'Authentication error'));
    if (!req.url?.startsWith(prefix)) return answer(404, failure(10013, 'namespace not found'));
    const path = req.url.slice(prefix.length);
    const json = JSON.parse(body.toString('utf8')) as unknown;
    requests.push({
      method: req.method!,
      path,
      items: Array.isArray(json) ? json.length : ((json as { keys?: unknown[] }).keys?.length ?? 0),
      bytes: body.length,
    });
    if (req.method === 'PUT' && path === '/bulk') {
      if (!Array.isArray(json) || json.length > 10_000) return answer(400, failure(10026, 'body must be an array of at most 10000 pairs'));
      if (body.length > 100 * 2 ** 20) return answer(413, failure(10027, 'request larger than 100 MB'));
      const unsuccessful: string[] = [];
      for (const pair of json as Array<{ key: unknown; value: unknown; expiration_ttl?: unknown }>) {
        if (typeof pair.key !== 'string' || typeof pair.value !== 'string' || Buffer.byteLength(pair.key) > 512)
          return answer(400, failure(10026, 'each pair needs a string key (<= 512 bytes) and a string value'));
        if (pair.expiration_ttl !== undefined && (typeof pair.expiration_ttl !== 'number' || pair.expiration_ttl < 60))
          return answer(400, failure(10026, 'expiration_ttl must be at least 60'));
        if (failOnce.delete(pair.key)) unsuccessful.push(pair.key);
        else values.set(pair.key, { value: pair.value, ttl: pair.expiration_ttl as number | undefined });
      }
      return answer(200, envelope({ successful_key_count: json.length - unsuccessful.length, unsuccessful_keys: unsuccessful }));
    }
    if (req.method === 'POST' && path === '/bulk/get') {
      const { keys, type } = json as { keys: string[]; type?: string };
      if (!Array.isArray(keys) || keys.length > 100 || (type !== undefined && type !== 'text')) return answer(400, failure(10026, 'keys: at most 100'));
      return answer(200, envelope({ values: Object.fromEntries(keys.map((k) => [k, values.get(k)?.value ?? null])) }));
    }
    if (req.method === 'POST' && path === '/bulk/delete') {
      if (!Array.isArray(json) || json.length > 10_000) return answer(400, failure(10026, 'at most 10000 keys'));
      for (const key of json as string[]) values.delete(key);
      return answer(200, envelope({ successful_key_count: json.length, unsuccessful_keys: [] }));
    }
    return answer(405, failure(10000, 'method not allowed'));
  });
  return { server, values, requests, failNextWriteOf: (keys: string[]) => (failOnce = new Set(keys)) };
}

describe('KV REST bulk store (--publish kv), against a local stand-in of the API', () => {
  const standIn = kvRestStandIn();
  let baseUrl = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => standIn.server.listen(Number(process.env.KV_STAND_IN_PORT ?? 8862), '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(standIn.server.address() as AddressInfo).port}/client/v4`;
  });
  afterAll(() => new Promise<void>((resolve) => standIn.server.close(() => resolve())));

  it('writes in requests of at most 10,000 pairs, reads back, deletes', async () => {
    const store = kvRestTableStore({ accountId: ACCOUNT, namespaceId: NAMESPACE, apiToken: TOKEN, baseUrl });
    const entries = Array.from({ length: 25_001 }, (_, i) => ({ key: `t:v1:nb:${i}`, value: `\nitem-${i}\t["a",0.5,"b\\"q",${i}]\n`, ttlSeconds: 30 }));
    await store.putMany(entries);
    const writes = standIn.requests.filter((r) => r.path === '/bulk');
    expect(writes.map((r) => r.items)).toEqual([10_000, 10_000, 5_001]);
    expect(standIn.values.size).toBe(25_001);
    expect(standIn.values.get('t:v1:nb:7')).toEqual({ value: entries[7]!.value, ttl: 60 });
    expect(await store.getMany(['t:v1:nb:3', 'missing', 't:v1:nb:25000'])).toEqual([entries[3]!.value, null, entries[25_000]!.value]);
    await store.deleteMany(entries.slice(0, 12_000).map((e) => e.key));
    expect(standIn.requests.filter((r) => r.path === '/bulk/delete').map((r) => r.items)).toEqual([10_000, 2_000]);
    expect(standIn.values.size).toBe(13_001);
    await expect(store.getMany(Array.from({ length: 101 }, (_, i) => `k${i}`))).rejects.toThrow(/at most 100/);
  });

  it('sends again the keys the API lists as unsuccessful', async () => {
    const store = kvRestTableStore({ accountId: ACCOUNT, namespaceId: NAMESPACE, apiToken: TOKEN, baseUrl });
    standIn.failNextWriteOf(['retry-b']);
    const before = standIn.requests.length;
    await store.putMany(['retry-a', 'retry-b', 'retry-c'].map((key) => ({ key, value: key })));
    expect(standIn.requests.slice(before).map((r) => r.items)).toEqual([3, 1]);
    expect(standIn.values.get('retry-b')?.value).toBe('retry-b');
  });

  it("fails with the API's error (a wrong token, an unknown namespace)", async () => {
    const wrongToken = kvRestTableStore({ accountId: ACCOUNT, namespaceId: NAMESPACE, apiToken: 'nope', baseUrl });
    await expect(wrongToken.putMany([{ key: 'k', value: 'v' }])).rejects.toThrow(/403 10000 Authentication error/);
    const wrongNamespace = kvRestTableStore({ accountId: ACCOUNT, namespaceId: 'other', apiToken: TOKEN, baseUrl });
    await expect(wrongNamespace.getMany(['k'])).rejects.toThrow(/404 10013/);
  });
});

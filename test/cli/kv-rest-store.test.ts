/**
 * `--publish kv`: the table store over the KV REST API's bulk endpoints, against a local HTTP
 * STAND-IN of the API (the real api.cloudflare.com cannot be reached from here). The stand-in
 * implements the documented shapes: PUT .../bulk (an array of at most 10,000
 * `{ key, value, expiration_ttl? }`, 100 MB at most, TTL >= 60), POST .../bulk/get
 * (`{ keys: <= 100, type }`), POST .../bulk/delete (an array of keys), Bearer token, and
 * Cloudflare's envelope `{ success, errors, messages, result }` (test/cli/stand-ins.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kvRestTableStore } from '../../src/offline/kv-rest-store.ts';
import { ACCOUNT, NAMESPACE, TOKEN, kvRestStandIn, listen } from './stand-ins.ts';

describe('KV REST bulk store (--publish kv), against a local stand-in of the API', () => {
  const standIn = kvRestStandIn();
  let baseUrl = '';
  beforeAll(async () => {
    baseUrl = await listen(standIn.server, Number(process.env.KV_STAND_IN_PORT ?? 8862));
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

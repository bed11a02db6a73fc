/**
 * Local HTTP STAND-INS of Cloudflare's REST APIs (the real api.cloudflare.com cannot be reached
 * from here), for the offline job's clients: the KV bulk endpoints (src/offline/kv-rest-store.ts)
 * and D1's query endpoints (src/offline/d1-rest.ts). Each implements the documented request and
 * answer shapes, checks the Bearer token, answers in Cloudflare's envelope
 * `{ success, errors, messages, result }`, and records the requests it got.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const ACCOUNT = '0123456789abcdef0123456789abcdef';
export const NAMESPACE = 'fedcba9876543210fedcba9876543210';
export const DATABASE = '11111111-2222-3333-4444-555555555555';
export const TOKEN = 'stand-in-token';

const envelope = (result: unknown) => ({ success: true, errors: [], messages: [], result });
const failure = (code: number, message: string) => ({ success: false, errors: [{ code, message }], messages: [], result: null });
const answer = (res: ServerResponse, status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
const read = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** Listens on `port` (0: any free one) on 127.0.0.1; the base URL clients take (`.../client/v4`). */
export async function listen(server: Server, port: number): Promise<string> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4`;
}

/** The KV REST API stand-in: one namespace in a Map, requests recorded. */
export function kvRestStandIn() {
  const values = new Map<string, { value: string; ttl?: number }>();
  const requests: Array<{ method: string; path: string; items: number; bytes: number }> = [];
  let failOnce = new Set<string>();
  const prefix = `/client/v4/accounts/${ACCOUNT}/storage/kv/namespaces/${NAMESPACE}`;
  const server: Server = createServer(async (req, res) => {
    const body = await read(req);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return answer(res, 403, failure(10000, 'Authentication error'));
    if (!req.url?.startsWith(prefix)) return answer(res, 404, failure(10013, 'namespace not found'));
    const path = req.url.slice(prefix.length);
    const json = JSON.parse(body.toString('utf8')) as unknown;
    requests.push({
      method: req.method!,
      path,
      items: Array.isArray(json) ? json.length : ((json as { keys?: unknown[] }).keys?.length ?? 0),
      bytes: body.length,
    });
    if (req.method === 'PUT' && path === '/bulk') {
      if (!Array.isArray(json) || json.length > 10_000) return answer(res, 400, failure(10026, 'body must be an array of at most 10000 pairs'));
      if (body.length > 100 * 2 ** 20) return answer(res, 413, failure(10027, 'request larger than 100 MB'));
      const unsuccessful: string[] = [];
      for (const pair of json as Array<{ key: unknown; value: unknown; expiration_ttl?: unknown }>) {
        if (typeof pair.key !== 'string' || typeof pair.value !== 'string' || Buffer.byteLength(pair.key) > 512)
          return answer(res, 400, failure(10026, 'each pair needs a string key (<= 512 bytes) and a string value'));
        if (pair.expiration_ttl !== undefined && (typeof pair.expiration_ttl !== 'number' || pair.expiration_ttl < 60))
          return answer(res, 400, failure(10026, 'expiration_ttl must be at least 60'));
        if (failOnce.delete(pair.key)) unsuccessful.push(pair.key);
        else values.set(pair.key, { value: pair.value, ttl: pair.expiration_ttl as number | undefined });
      }
      return answer(res, 200, envelope({ successful_key_count: json.length - unsuccessful.length, unsuccessful_keys: unsuccessful }));
    }
    if (req.method === 'POST' && path === '/bulk/get') {
      const { keys, type } = json as { keys: string[]; type?: string };
      if (!Array.isArray(keys) || keys.length > 100 || (type !== undefined && type !== 'text')) return answer(res, 400, failure(10026, 'keys: at most 100'));
      return answer(res, 200, envelope({ values: Object.fromEntries(keys.map((k) => [k, values.get(k)?.value ?? null])) }));
    }
    if (req.method === 'POST' && path === '/bulk/delete') {
      if (!Array.isArray(json) || json.length > 10_000) return answer(res, 400, failure(10026, 'at most 10000 keys'));
      for (const key of json as string[]) values.delete(key);
      return answer(res, 200, envelope({ successful_key_count: json.length, unsuccessful_keys: [] }));
    }
    return answer(res, 405, failure(10000, 'method not allowed'));
  });
  return { server, values, requests, failNextWriteOf: (keys: string[]) => (failOnce = new Set(keys)) };
}

/**
 * The D1 REST API stand-in, backed by a real D1 (miniflare's SQLite, `d1`): `POST .../query` with
 * `{ sql, params }` (one statement here; the real API also takes several joined by semicolons) or
 * `{ batch: [{ sql, params }] }` (run as one D1 batch: one transaction), answering one
 * `{ results: [row objects], meta, success }` per statement; `POST .../raw` answering
 * `{ results: { columns, rows }, meta, success }`. A SQL error is a 400 with the error as D1 words it.
 * `failNext(status, body)` makes the next request answer that raw body (a proxy's error page).
 */
export function d1RestStandIn(d1: D1Database) {
  const requests: Array<{ path: string; statements: number; sql: string }> = [];
  let injected: { status: number; body: string } | undefined;
  const prefix = `/client/v4/accounts/${ACCOUNT}/d1/database/${DATABASE}`;
  type Query = { sql?: unknown; params?: unknown };
  const statement = (q: Query) => {
    if (typeof q.sql !== 'string' || !q.sql.trim()) throw Object.assign(new Error('sql must be a non-empty string'), { code: 7400 });
    const params = q.params ?? [];
    if (!Array.isArray(params) || params.some((p) => p !== null && typeof p !== 'string' && typeof p !== 'number'))
      throw Object.assign(new Error('params must be an array of strings, numbers or null'), { code: 7400 });
    return d1.prepare(q.sql).bind(...(params as unknown[]));
  };
  const server: Server = createServer(async (req, res) => {
    const body = await read(req);
    if (injected) {
      const { status, body: raw } = injected;
      injected = undefined;
      return res.writeHead(status, { 'content-type': 'text/html' }).end(raw);
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return answer(res, 403, failure(10000, 'Authentication error'));
    if (!req.url?.startsWith(prefix)) return answer(res, 404, failure(7404, 'Could not find the database'));
    const path = req.url.slice(prefix.length);
    if (req.method !== 'POST' || (path !== '/query' && path !== '/raw')) return answer(res, 405, failure(10000, 'method not allowed'));
    try {
      const json = JSON.parse(body.toString('utf8')) as Query & { batch?: Query[] };
      if (Array.isArray(json.batch)) {
        if (path !== '/query') throw Object.assign(new Error('batch is taken by /query'), { code: 7400 });
        requests.push({ path, statements: json.batch.length, sql: String(json.batch[0]?.sql ?? '') });
        const results = await d1.batch(json.batch.map(statement));
        return answer(res, 200, envelope(results.map((r) => ({ results: r.results, meta: r.meta, success: true }))));
      }
      requests.push({ path, statements: 1, sql: String(json.sql ?? '') });
      if (path === '/raw') {
        const [columns, ...rows] = await statement(json).raw({ columnNames: true });
        return answer(res, 200, envelope([{ results: { columns, rows }, meta: {}, success: true }]));
      }
      const result = await statement(json).all();
      return answer(res, 200, envelope([{ results: result.results, meta: result.meta, success: true }]));
    } catch (err) {
      const { code = 7500, message } = err as { code?: unknown; message: string };
      return answer(res, 400, failure(typeof code === 'number' ? code : 7500, message));
    }
  });
  return { server, requests, failNext: (status: number, body: string) => (injected = { status, body }) };
}

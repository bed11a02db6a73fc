/**
 * A local stand-in for Upstash's hosted Redis REST service, backed by a real
 * redis-server. It speaks the protocol `@upstash/redis` uses:
 *
 * - `POST /` with a JSON command array -> `{"result": ...}`, or `{"error": "..."}` with 400
 * - `POST /pipeline` with an array of command arrays -> `[{"result"} | {"error"}, ...]`
 * - `POST /multi-exec` -> the same, run atomically in MULTI/EXEC (400 if Redis aborts it)
 * - `Authorization: Bearer <token>` (or `?_token=`), else 401 `{"error": "Unauthorized"}`
 * - `Upstash-Encoding: base64`: every string in the result (bulk or simple, at
 *   any depth) is base64 of its bytes, except the simple string `OK`.
 *   (`Upstash-Response-Format: resp2`, which @upstash/redis never sends, is refused.)
 *
 * CLI: `npx node src/dev/upstash-proxy.ts --redis-port 6379 --port 8079 --token T`
 * (or `--spawn-redis` to start a throwaway redis-server too).
 */
import { Buffer } from 'node:buffer';
import { timingSafeEqual } from 'node:crypto';
import { realpathSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RedisConnection } from './redis-connection.ts';
import { startRedisServer } from './redis-server.ts';
import { RedisError, type RespReply } from './resp.ts';

export interface UpstashProxyOptions {
  redisPort: number;
  /** Default 127.0.0.1. */
  redisHost?: string;
  /** Bearer token clients must send. */
  token: string;
  /** HTTP port; default: a free port. */
  port?: number;
  /** HTTP bind address; default 127.0.0.1. */
  host?: string;
}

/** A running proxy: pass `url` and `token` to `new Redis({ url, token })`. */
export interface UpstashProxy {
  url: string;
  token: string;
  close(): Promise<void>;
}

type Command = string[];
type Entry = { result: unknown } | { error: string };

class BadRequest extends Error {}

/** Commands that change per-connection state or never reply normally; they would break the shared pipelined socket. */
const REFUSED = new Set([
  'MULTI',
  'EXEC',
  'DISCARD',
  'WATCH',
  'UNWATCH',
  'SELECT',
  'AUTH',
  'HELLO',
  'RESET',
  'QUIT',
  'CLIENT',
  'MONITOR',
  'SUBSCRIBE',
  'PSUBSCRIBE',
  'SSUBSCRIBE',
  'UNSUBSCRIBE',
  'PUNSUBSCRIBE',
  'SUNSUBSCRIBE',
  'SYNC',
  'PSYNC',
]);
/** Commands that may block; they get a connection of their own so they cannot stall everyone else. */
const BLOCKING = new Set(['BLPOP', 'BRPOP', 'BRPOPLPUSH', 'BLMOVE', 'BLMPOP', 'BZPOPMIN', 'BZPOPMAX', 'BZMPOP', 'XREAD', 'XREADGROUP', 'WAIT', 'WAITAOF']);

/** Starts the REST proxy; it connects to Redis lazily and reconnects after Redis restarts. */
export async function startUpstashProxy(options: UpstashProxyOptions): Promise<UpstashProxy> {
  const redisHost = options.redisHost ?? '127.0.0.1';
  const expected = Buffer.from(`Bearer ${options.token}`);
  let shared: Promise<RedisConnection> | null = null;

  const connection = async (): Promise<RedisConnection> => {
    for (;;) {
      const pending = (shared ??= RedisConnection.connect(options.redisPort, redisHost));
      const conn = await pending.catch((error: unknown) => {
        if (shared === pending) shared = null;
        throw error;
      });
      if (conn.open) return conn;
      if (shared === pending) shared = null;
    }
  };

  const run = async (commands: Command[], transaction: boolean): Promise<RespReply[]> => {
    const ownConnection = commands.some((c) => BLOCKING.has(c[0]!.toUpperCase()));
    const conn = ownConnection ? await RedisConnection.connect(options.redisPort, redisHost) : await connection();
    try {
      if (!transaction) return await conn.send(commands);
      const replies = await conn.send([['MULTI'], ...commands, ['EXEC']]);
      const exec = replies.at(-1);
      if (exec instanceof RedisError) {
        const cause = replies.find((reply): reply is RedisError => reply instanceof RedisError && reply !== exec);
        throw cause ? new RedisError(`${exec.message} ${cause.message}`) : exec;
      }
      if (!Array.isArray(exec)) throw new RedisError('ERR transaction aborted');
      return exec;
    } finally {
      if (ownConnection) await conn.close();
    }
  };

  const handle = async (req: http.IncomingMessage): Promise<[number, unknown]> => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const auth = req.headers.authorization ?? (url.searchParams.has('_token') ? `Bearer ${url.searchParams.get('_token')}` : '');
    const given = Buffer.from(auth);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return [401, { error: 'Unauthorized' }];
    if (req.method !== 'POST') return [405, { error: 'ERR only POST is supported' }];
    if (req.headers['upstash-response-format']) return [400, { error: 'ERR Upstash-Response-Format is not supported: replies are JSON' }];
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    const body = await readJson(req);
    switch (url.pathname.replace(/\/+$/, '') || '/') {
      case '/': {
        const [reply = null] = await run([toCommand(body)], false);
        return reply instanceof RedisError ? [400, { error: reply.message }] : [200, { result: toJson(reply, base64) }];
      }
      case '/pipeline':
      case '/multi-exec': {
        if (!Array.isArray(body) || body.length === 0) throw new BadRequest('ERR expected a non-empty JSON array of commands');
        const replies = await run(body.map(toCommand), url.pathname.startsWith('/multi-exec'));
        return [200, replies.map((reply): Entry => (reply instanceof RedisError ? { error: reply.message } : { result: toJson(reply, base64) }))];
      }
      default:
        return [404, { error: `ERR unknown endpoint ${url.pathname}` }];
    }
  };

  const server = http.createServer((req, res) => {
    handle(req)
      .catch((error: unknown): [number, unknown] => {
        if (error instanceof BadRequest || error instanceof RedisError) return [400, { error: error.message }];
        return [502, { error: `ERR proxy could not reach Redis: ${error instanceof Error ? error.message : String(error)}` }];
      })
      .then(([status, payload]) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      });
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    token: options.token,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const conn = shared && (await shared.catch(() => null));
      await conn?.close();
    },
  };
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadRequest('ERR request body is not valid JSON');
  }
}

function toCommand(value: unknown): Command {
  if (!Array.isArray(value) || value.length === 0) throw new BadRequest('ERR expected a non-empty JSON array command');
  const command = value.map((arg) => {
    if (typeof arg === 'string') return arg;
    if (typeof arg === 'number' || typeof arg === 'boolean') return String(arg);
    throw new BadRequest('ERR command arguments must be strings, numbers or booleans');
  });
  const name = command[0]!.toUpperCase();
  if (REFUSED.has(name)) throw new BadRequest(`ERR command is not available over REST: ${name}`);
  return command;
}

/** The JSON form of a reply, as Upstash sends it with or without `Upstash-Encoding: base64`. */
export function toJson(reply: RespReply, base64: boolean): unknown {
  if (reply === null || typeof reply === 'number') return reply;
  if (typeof reply === 'string') return base64 && reply !== 'OK' ? Buffer.from(reply).toString('base64') : reply;
  if (reply instanceof RedisError) return toJson(reply.message, base64);
  if (Array.isArray(reply)) return reply.map((item) => toJson(item, base64));
  return base64 ? reply.toString('base64') : reply.toString('utf8');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'redis-port': { type: 'string', default: '6379' },
      'redis-host': { type: 'string', default: '127.0.0.1' },
      'spawn-redis': { type: 'boolean', default: false },
      port: { type: 'string', default: '8079' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string', default: process.env.UPSTASH_REDIS_REST_TOKEN },
    },
  });
  if (!values.token) throw new Error('--token (or UPSTASH_REDIS_REST_TOKEN) is required');
  const redis = values['spawn-redis'] ? await startRedisServer() : null;
  const redisPort = redis?.port ?? Number(values['redis-port']);
  const proxy = await startUpstashProxy({
    redisPort,
    redisHost: values['redis-host'],
    token: values.token,
    port: Number(values.port),
    host: values.host,
  });
  console.log(`Upstash REST proxy for redis ${values['redis-host']}:${redisPort}${redis ? ' (spawned)' : ''}`);
  console.log(`UPSTASH_REDIS_REST_URL=${proxy.url}`);
  console.log(`UPSTASH_REDIS_REST_TOKEN=${proxy.token}`);
  const shutdown = async () => {
    await proxy.close();
    await redis?.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

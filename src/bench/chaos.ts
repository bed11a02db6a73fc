/**
 * `npm run bench:chaos`: faults under load on the local stack with the Redis table store.
 * Starts redis-server, the Upstash REST stand-in in front of it and `wrangler dev --local` on a
 * scratch state (loopback only), loads the demo shop, rebuilds, then drives a bounded mixed load
 * with autocannon (events, for-you, similar, widgets, chat, trending) through phases: steady;
 * redis-server hung (SIGSTOP); redis-server killed (SIGKILL), restarted empty at the end;
 * rebuilds during load (which refill the new Redis); D1 locked (an exclusive SQLite lock on the
 * local D1 file) for a few seconds; steady again. Prints per phase the requests, 5xx (must be 0),
 * degraded share, p50/p99, and checks that every event acknowledged was stored exactly once.
 * `5xx` must be 0; `503+RA` counts the deliberate "busy, send again" answers (503 with
 * Retry-After) of events and chat while D1 is locked: those batches are sent again afterwards,
 * as widget.js does, and must then be stored once. Wrangler's error log goes to its log file
 * (`VERBOSE=1` shows it).
 * Knobs: `CHAOS_PHASE_S` (seconds per phase, default 15), `CHAOS_CONNECTIONS` (default 6),
 * `CHAOS_LOCK_S` (D1 lock, default 5), `PORT` (default: a free one), `KEEP=1` keeps the scratch state.
 */
import { rmSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import autocannon from 'autocannon';
import { loadDemoShop } from '../cli/demo-shop.ts';
import { engineClient } from '../cli/engine-client.ts';
import { ensureDevVars, migrateLocal, queryLocalD1, scratchState, startLocalStack } from '../cli/local-stack.ts';
import { demoCatalog } from '../demo/catalog.ts';
import { type RedisServer, freePort, startRedisServer } from '../dev/redis-server.ts';
import { startUpstashProxy } from '../dev/upstash-proxy.ts';
import { seededRandom } from '../random.ts';
import { fmt, benchNumber } from './measure.ts';

const PHASE_S = benchNumber('CHAOS_PHASE_S', 15);
const CONNECTIONS = benchNumber('CHAOS_CONNECTIONS', 6);
const LOCK_S = benchNumber('CHAOS_LOCK_S', 5);
const EVENTS_PER_BATCH = 20;

type Kind = 'events' | 'for-you' | 'similar' | 'widget' | 'chat' | 'trending';
type Event = { id: string; type: string; user: string; item: string };
interface Counts {
  requests: number;
  ms: number[];
  fivexx: number;
  busy: number;
  degraded: number;
  other: Record<string, number>;
}
interface PhaseResult {
  name: string;
  requests: number;
  fivexx: number;
  busy: number;
  errors: number;
  p50: number;
  p99: number;
  kinds: Map<Kind, Counts>;
}

const { keys } = ensureDevVars();
const random = seededRandom(23);
const items = demoCatalog().map((p) => p.item.id);
const runId = randomBytes(3).toString('hex');
const sentBatches: Event[][] = [];
/** Batches answered other than 200: the client keeps them and sends them again (as widget.js does). */
const refused: Event[][] = [];
/** Batches sent whose answer never came (in flight when a phase ended): the client sends them again too. */
const unanswered = new Set<Event[]>();
const acknowledged = new Set<string>();
const answers = { accepted: 0, duplicates: 0 };
let nextEvent = 0;

/** The request mix; each answer is counted into `counts()` (the current phase's). */
function mix(counts: () => Map<Kind, Counts>): autocannon.Request[] {
  const count = (kind: Kind, status: number, degraded: boolean, context: object, headers: Record<string, unknown> = {}) => {
    const map = counts();
    const c = map.get(kind) ?? { requests: 0, ms: [], fivexx: 0, busy: 0, degraded: 0, other: {} };
    map.set(kind, c);
    c.requests++;
    c.ms.push(performance.now() - (context as { sentAt: number }).sentAt);
    if (status === 503 && Object.keys(headers).some((h) => h.toLowerCase() === 'retry-after')) c.busy++;
    else if (status >= 500) c.fivexx++;
    else if (status !== 200) c.other[status] = (c.other[status] ?? 0) + 1;
    if (degraded) c.degraded++;
  };
  const auth = { authorization: `Bearer ${keys.ingest}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const sent = <T>(context: object, request: T): T => (((context as { sentAt: number }).sentAt = performance.now()), request);
  const get = (kind: Kind, route: () => string): autocannon.Request => ({
    method: 'GET',
    headers: auth,
    setupRequest: (req, context) => sent(context, { ...req, path: route() }),
    onResponse: (status, body, context, headers) => count(kind, status, /"degraded"|data-degraded/.test(body), context, headers ?? {}),
  });
  const user = () => `shopper-${random.int(1, 3000)}`;
  const events: autocannon.Request = {
    method: 'POST',
    headers: json,
    setupRequest: (req, context) => {
      // About one batch in ten is sent again, as a client does after a lost answer: never stored twice.
      const again = sentBatches.length > 0 && random.next() < 0.1;
      const batch = again
        ? random.pick(sentBatches)
        : Array.from({ length: EVENTS_PER_BATCH }, () => ({
            id: `chaos-${runId}-${nextEvent++}`,
            type: random.pick(['view', 'view', 'view', 'click', 'add_to_cart', 'purchase']),
            user: user(),
            item: random.pick(items),
          }));
      if (!again) sentBatches.push(batch);
      (context as { batch?: Event[] }).batch = batch;
      unanswered.add(batch);
      return sent(context, { ...req, path: '/v1/events', body: JSON.stringify({ events: batch }) });
    },
    onResponse: (status, body, context, headers) => {
      count('events', status, false, context, headers ?? {});
      const batch = (context as { batch: Event[] }).batch;
      unanswered.delete(batch);
      if (status === 200) acknowledge(batch, JSON.parse(body) as typeof answers);
      else refused.push(batch);
    },
  };
  const recent = () => [...new Set(Array.from({ length: 5 }, () => random.pick(items)))].join(',');
  return [
    events,
    get('for-you', () => `/v1/recommend/for-you?user=${user()}&k=10&recent=${recent()}`),
    get('similar', () => `/v1/items/${random.pick(items)}/similar?k=10`),
    get('for-you', () => `/v1/recommend/for-you?user=${user()}&k=10`),
    get('widget', () => `/v1/widgets/similar?item=${random.pick(items)}&k=6&key=${keys.ingest}`),
    events,
    {
      method: 'POST',
      headers: json,
      setupRequest: (req, context) =>
        sent(context, {
          ...req,
          path: '/v1/chat',
          body: JSON.stringify({
            session: `chaos-${random.int(1, 100_000)}`,
            message: random.pick(['how long is shipping?', '运费多少？', 'can I return it?', 'something like earbuds']),
          }),
        }),
      onResponse: (status, body, context, headers) => count('chat', status, /"degraded"/.test(body), context, headers ?? {}),
    },
    get('trending', () => `/v1/trending?k=10`),
  ];
}

function acknowledge(batch: readonly Event[], answer: typeof answers): void {
  answers.accepted += answer.accepted;
  answers.duplicates += answer.duplicates;
  for (const e of batch) acknowledged.add(e.id);
}

/** One phase: autocannon for `seconds` while `during` runs the fault. */
async function phase(name: string, url: string, seconds: number, during: () => Promise<void> = async () => {}): Promise<PhaseResult> {
  const kinds = new Map<Kind, Counts>();
  const [r] = await Promise.all([autocannon({ url, connections: CONNECTIONS, duration: seconds, timeout: 20, requests: mix(() => kinds) }), during()]);
  const all = [...kinds.values()];
  const sum = (field: 'fivexx' | 'busy') => all.reduce((s, c) => s + c[field], 0);
  const out = {
    name,
    requests: r.requests.total,
    fivexx: sum('fivexx'),
    busy: sum('busy'),
    errors: r.errors + r.timeouts,
    p50: r.latency.p50,
    p99: r.latency.p99,
    kinds,
  };
  console.log(`  phase ${name}: ${out.requests} requests, 5xx ${out.fivexx}, 503+Retry-After ${out.busy}, p99 ${out.p99} ms`);
  return out;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Holds an exclusive SQLite lock on the local D1 file for `seconds` (what a busy database looks like to the Worker). */
async function lockD1(persistTo: string, seconds: number): Promise<void> {
  const dir = path.join(persistTo, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const file = readdirSync(dir).find((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite');
  if (!file) throw new Error(`no local D1 database in ${dir}`);
  const emitWarning = process.emitWarning;
  process.emitWarning = (() => undefined) as typeof process.emitWarning;
  const { DatabaseSync } = await import('node:sqlite').finally(() => (process.emitWarning = emitWarning));
  const db = new DatabaseSync(path.join(dir, file));
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('BEGIN EXCLUSIVE');
    await sleep(seconds * 1000);
    db.exec('ROLLBACK');
  } finally {
    db.close();
  }
}

/** Sends the refused batches again until each is answered 200 (bounded), as a client's queue does. */
async function resendRefused(url: string): Promise<number> {
  let resent = 0;
  refused.push(...unanswered);
  for (const batch of refused) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const res = await fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events: batch }),
      });
      if (res.ok) {
        acknowledge(batch, (await res.json()) as typeof answers);
        resent++;
        break;
      }
      await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000);
    }
  }
  return resent;
}

const scratch = scratchState('bench-chaos-');
migrateLocal(scratch);
let redis: RedisServer = await startRedisServer();
const redisPort = redis.port;
const token = randomBytes(16).toString('base64url');
const proxy = await startUpstashProxy({ redisPort, token });
const stack = await startLocalStack({
  port: process.env.PORT ? benchNumber('PORT', 0) : await freePort(),
  persistTo: scratch,
  quietErrors: !process.env.VERBOSE,
  vars: { TABLE_STORE: 'redis', UPSTASH_REDIS_REST_URL: proxy.url, UPSTASH_REDIS_REST_TOKEN: token, RATE_LIMITS: 'off' },
});
const results: PhaseResult[] = [];
const rebuilds: string[] = [];
let integrity = '';
try {
  const engine = engineClient(stack.url);
  const loaded = await loadDemoShop(engine, keys);
  const first = await engine.rebuild(keys.admin);
  console.log(`chaos benchmark: demo shop (${loaded.events} events), first rebuild ${first.status}; ${CONNECTIONS} connections, ${PHASE_S} s per phase`);
  const rebuild = async () => {
    const run = await engine.rebuild(keys.admin, { timeoutMs: 120_000 });
    rebuilds.push(`${run.status}${run.error ? ` (${run.error})` : ''}`);
  };

  await phase('warm-up', stack.url, 3);
  results.push(await phase('steady', stack.url, PHASE_S));
  results.push(await phase('rebuilds', stack.url, PHASE_S, async () => (await rebuild(), await rebuild())));
  results.push(
    await phase('redis hung', stack.url, PHASE_S, async () => {
      process.kill(redis.pid, 'SIGSTOP');
      await sleep(PHASE_S * 1000 - 1000);
      process.kill(redis.pid, 'SIGCONT');
    }),
  );
  results.push(
    await phase('redis killed', stack.url, PHASE_S, async () => {
      process.kill(redis.pid, 'SIGKILL');
      await sleep((PHASE_S * 1000) / 2);
      await redis.close();
      redis = await startRedisServer({ port: redisPort });
      await rebuild();
    }),
  );
  results.push(
    await phase('d1 locked', stack.url, PHASE_S, async () => {
      await sleep(1000);
      await lockD1(scratch, LOCK_S);
    }),
  );
  results.push(await phase('steady again', stack.url, PHASE_S));

  const resent = await resendRefused(stack.url);
  const sent = new Set(sentBatches.flat().map((e) => e.id));
  const rows = queryLocalD1<{ id: string; n: number }>(`SELECT id, count(*) AS n FROM events WHERE id LIKE 'chaos-${runId}-%' GROUP BY id`, scratch);
  const stored = new Map(rows.map((r) => [r.id, r.n]));
  const missing = [...acknowledged].filter((id) => !stored.has(id)).length;
  const doubled = rows.filter((r) => r.n > 1).length;
  const invented = rows.filter((r) => !sent.has(r.id)).length;
  const ok = missing === 0 && doubled === 0 && invented === 0 && resent === refused.length && acknowledged.size === sent.size;
  integrity = `events: ${sent.size} sent, ${acknowledged.size} acknowledged (answers: ${answers.accepted} accepted, ${answers.duplicates} duplicates); ${refused.length} batches refused during the load or unanswered at a phase's end, ${resent} of them re-sent and acknowledged afterwards; stored ${stored.size} distinct: ${missing} acknowledged missing, ${doubled} stored twice, ${invented} never sent: ${ok ? 'OK' : 'FAILED'}`;
  if (!ok) process.exitCode = 1;
} finally {
  await stack.stop();
  await proxy.close();
  await redis.close();
  if (!process.env.KEEP) rmSync(scratch, { recursive: true, force: true });
}

const pct = (part: number, whole: number) => (whole ? `${fmt((100 * part) / whole)}%` : '-');
console.log(`\nchaos benchmark: ${results.length} phases x ${PHASE_S} s, ${CONNECTIONS} connections (autocannon), loopback; D1 locked ${LOCK_S} s
  phase          requests   5xx  503+RA  errors  degraded   p50 ms   p99 ms   by kind: requests, degraded, p50/p99 ms, other statuses`);
for (const r of results) {
  const degraded = [...r.kinds.values()].reduce((s, c) => s + c.degraded, 0);
  const by = [...r.kinds]
    .map(
      ([k, c]) =>
        `${k} ${c.requests}/${c.degraded} ${fmt(quantile(c.ms, 0.5), 0)}/${fmt(quantile(c.ms, 0.99), 0)}${c.fivexx + c.busy ? ` [5xx:${c.fivexx} 503+RA:${c.busy}]` : ''}${Object.keys(c.other).length ? ` [${Object.entries(c.other).map(([s, n]) => `${s}:${n}`)}]` : ''}`,
    )
    .join(', ');
  console.log(
    `  ${r.name.padEnd(14)} ${String(r.requests).padStart(8)} ${String(r.fivexx).padStart(5)} ${String(r.busy).padStart(7)} ${String(r.errors).padStart(7)} ${pct(degraded, r.requests).padStart(9)} ${String(r.p50).padStart(8)} ${String(r.p99).padStart(8)}   ${by}`,
  );
  if (r.fivexx > 0) process.exitCode = 1;
}
console.log(`  rebuilds during load: ${rebuilds.join(', ')}\n  ${integrity}`);

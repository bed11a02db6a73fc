/**
 * `npm run bench:search`: search on the local stack (wrangler dev, local D1 and KV) for
 * synthetic catalogs of 1,000, 10,000 and 100,000 items (`BENCH_SIZES`). Per size: the catalog
 * through `PUT /v1/items`, a rebuild through the admin API, then throughput of `GET /v1/search`
 * (a mix of kinds, brands, Chinese, prefixes, typos, description words and no-result queries)
 * next to `GET /health` in alternating rounds, the CPU time per request inside the isolate (the
 * `Server-Timing` cpu figure, wall time minus store waits) from requests sent one at a time,
 * and the index's size in the local KV (head, postings and clicks shards) per item.
 */
import { readFileSync, rmSync } from 'node:fs';
import { engineClient } from '../cli/engine-client.ts';
import { ensureDevVars, migrateLocal, scratchState, startLocalStack } from '../cli/local-stack.ts';
import { findWorkerd, runtimeWorkerd } from './rebuild-proc.ts';
import { syntheticCatalog, syntheticQueries } from '../search/bench/synthetic-catalog.ts';
import { fmt, median, throughput, benchNumber } from './measure.ts';
import { kvSizesByTable } from './rebuild-kv.ts';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').filter(Boolean).map(Number);
const ROUNDS = benchNumber('BENCH_ROUNDS', 3);
const SECONDS = benchNumber('BENCH_SECONDS', 5);
const CLIENTS = benchNumber('BENCH_CLIENTS', 4);
const CPU_REQUESTS = benchNumber('BENCH_CPU_REQUESTS', 300);
const REBUILD_MAX_S = benchNumber('BENCH_REBUILD_MAX_S', 1200);

const { keys } = ensureDevVars();
/** The isolate's clock ticks in whole milliseconds: the figure is the median of means of batches of 25 requests. */
const batchMedian = (values: number[]) =>
  median(Array.from({ length: Math.floor(values.length / 25) }, (_, b) => values.slice(b * 25, b * 25 + 25).reduce((s, v) => s + v, 0) / 25));

interface SizeResult {
  items: number;
  rebuildS: number;
  health: number[];
  search: number[];
  cpu: number[];
  /** CPU of the workerd process per request (ms), sequential requests, per round: /health and search. */
  processHealth: number[];
  processSearch: number[];
  bytes: Record<string, { keys: number; bytes: number }>;
}

async function measure(size: number, port: number): Promise<SizeResult> {
  const scratch = scratchState('bench-search-');
  migrateLocal(scratch);
  const stack = await startLocalStack({ port, persistTo: scratch, vars: { RATE_LIMITS: 'off' } });
  const engine = engineClient(stack.url);
  const catalog = syntheticCatalog(size);
  const queries = syntheticQueries(catalog, 1000);
  let next = 0;
  const result: SizeResult = { items: size, rebuildS: 0, health: [], search: [], cpu: [], processHealth: [], processSearch: [], bytes: {} };
  const get = async (route: string, cpu?: number[]) => {
    const res = await fetch(`${stack.url}${route}`, { headers: { authorization: `Bearer ${keys.ingest}` } });
    const body = await res.text();
    if (!res.ok) throw new Error(`${route}: ${res.status} ${body}`);
    const ms = res.headers.get('server-timing')?.match(/cpu;dur=([\d.]+)/)?.[1];
    if (cpu && ms) cpu.push(Number(ms));
    return body;
  };
  const searchPath = () => `/v1/search?q=${encodeURIComponent(queries[next++ % queries.length]!)}&k=10&user=shopper-${next % 50}`;
  let version = '';
  try {
    await engine.putItems(catalog.items, keys.admin);
    const events = Array.from({ length: 2000 }, (_, i) => ({ id: `bench-${i}`, type: 'view', user: `shopper-${i % 50}`, item: `syn-${(i * 7919) % size}` }));
    await engine.postEvents(events, keys.ingest);
    const started = performance.now();
    const run = await engine.rebuild(keys.admin, { timeoutMs: REBUILD_MAX_S * 1000, pollMs: 1000 });
    version = run.version;
    if (run.status !== 'published') throw new Error(`rebuild ${version}: ${run.status} ${run.error ?? ''}`);
    result.rebuildS = (performance.now() - started) / 1000;
    const first = JSON.parse(await get(searchPath())) as { version: string | null; degraded?: string };
    if (first.version !== version || first.degraded)
      throw new Error(`search answered from ${first.version} (${first.degraded ?? 'not degraded'}), expected ${version}`);
    for (let i = 0; i < 100; i++) await get(searchPath());
    for (let round = 0; round < ROUNDS; round++) {
      result.health.push(await throughput(CLIENTS, SECONDS, () => get('/health').then(() => undefined)));
      result.search.push(await throughput(CLIENTS, SECONDS, () => get(searchPath()).then(() => undefined)));
    }
    for (let i = 0; i < CPU_REQUESTS; i++) {
      await get(searchPath(), result.cpu);
    }
    const runtime = runtimeWorkerd(findWorkerd(stack.process.pid!), port);
    for (let round = 0; runtime && round < ROUNDS; round++) {
      result.processHealth.push(await processCpu(runtime.pid, () => get('/health')));
      result.processSearch.push(await processCpu(runtime.pid, () => get(searchPath())));
    }
  } finally {
    await stack.stop();
  }
  const sizes = version ? await kvSizesByTable(scratch, `t:${version}:`) : undefined;
  for (const table of ['sh', 'sp', 'sq']) result.bytes[table] = sizes?.get(table) ?? { keys: 0, bytes: 0 };
  if (!process.env.KEEP) rmSync(scratch, { recursive: true, force: true });
  return result;
}

/** CPU time (user + system, /proc ticks of 10 ms) of a process per request over CPU_REQUESTS sequential requests, in ms. */
async function processCpu(pid: number, request: () => Promise<unknown>): Promise<number> {
  const ticks = () => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  };
  const before = ticks();
  for (let i = 0; i < CPU_REQUESTS; i++) await request();
  return ((ticks() - before) * 10) / CPU_REQUESTS;
}

const results: SizeResult[] = [];
for (const [i, size] of SIZES.entries()) results.push(await measure(size, benchNumber('PORT', 8860) + i));

console.log(
  `search benchmark: synthetic catalogs, ${ROUNDS} rounds x ${SECONDS} s per endpoint, ${CLIENTS} clients, medians; CPU from ${CPU_REQUESTS} sequential requests (median of batch means of 25)`,
);
for (const r of results) {
  const health = median(r.health);
  const search = median(r.search);
  const stored = Object.values(r.bytes).reduce((s, t) => s + t.bytes, 0);
  const tables = Object.entries(r.bytes)
    .map(([t, v]) => `${t} ${v.keys} keys ${fmt(v.bytes / 1024, 0)} KB`)
    .join(', ');
  console.log(`  ${String(r.items).padStart(6)} items: rebuild ${fmt(r.rebuildS, 1)} s
    GET /health   ${fmt(health)} req/s (rounds ${r.health.map((x) => fmt(x)).join(', ')})
    GET /v1/search ${fmt(search)} req/s (rounds ${r.search.map((x) => fmt(x)).join(', ')}) = ${fmt(search / health, 2)} x /health; CPU in the isolate ${fmt(batchMedian(r.cpu), 3)} ms per request (p90 of single requests ${fmt([...r.cpu].sort((a, b) => a - b)[Math.floor(0.9 * r.cpu.length)] ?? NaN, 1)} ms)
    CPU of the workerd process per request (sequential, rounds of ${CPU_REQUESTS}): /health ${fmt(median(r.processHealth), 2)} ms, search ${fmt(median(r.processSearch), 2)} ms = ${fmt(median(r.processSearch) / median(r.processHealth), 1)} x /health (search rounds ${r.processSearch.map((x) => fmt(x, 2)).join(', ')})
    index in KV: ${fmt(stored / 1024 / 1024, 2)} MB = ${fmt(stored / r.items, 0)} bytes per item (${tables})`);
}

/**
 * `npm run bench:search`: search on the local stack (wrangler dev, local D1 and KV) for
 * synthetic catalogs of 1,000, 10,000 and 100,000 items (`BENCH_SIZES`). Per size: the catalog
 * through `PUT /v1/items`, a rebuild through the admin API, then throughput of `GET /v1/search`
 * (a mix of kinds, brands, Chinese, prefixes, typos, description words and no-result queries)
 * next to `GET /health` in alternating rounds, the CPU time per request inside the isolate (the
 * `Server-Timing` cpu figure, wall time minus store waits) from requests sent one at a time,
 * and the index's size in the local KV (head, postings and clicks shards) per item. With the CPU
 * figure, the means of every `Server-Timing` entry of those searches (steps, keys and characters
 * read per table, terms found decoded) and the workerd process's resident memory.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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
/** `BENCH_DUMP=<path>`: the answers to the first `BENCH_DUMP_QUERIES` queries (without `qid`) go to `<path>-<size>.json`, to compare two versions answer for answer. */
const DUMP_QUERIES = benchNumber('BENCH_DUMP_QUERIES', 300);
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
  /** Means over the CPU pass's searches of every `Server-Timing` entry (steps in ms, counts). */
  timing: Map<string, number>;
  /** Resident memory of the workerd process at the end (kB): now and its peak. */
  rssKb?: { now: number; peak: number };
}

/**
 * `BENCH_STATE=<folder>` keeps the built state of each size in `<folder>/<size>` and, when a
 * later run finds it there (a published version recorded in `bench-search.json`), serves it
 * again instead of rebuilding (a 100k catalog takes minutes to build).
 */
const STATE = process.env.BENCH_STATE;

async function measure(size: number, port: number): Promise<SizeResult> {
  const kept = STATE ? path.resolve(STATE, String(size)) : undefined;
  const marker = kept && path.join(kept, 'bench-search.json');
  const reused = marker && existsSync(marker) ? (JSON.parse(readFileSync(marker, 'utf8')) as { version: string; rebuildS: number }) : undefined;
  const scratch = kept ?? scratchState('bench-search-');
  if (kept) mkdirSync(kept, { recursive: true });
  if (!reused) migrateLocal(scratch);
  const stack = await startLocalStack({ port, persistTo: scratch, vars: { RATE_LIMITS: 'off' } });
  const engine = engineClient(stack.url);
  const catalog = syntheticCatalog(size);
  const queries = syntheticQueries(catalog, 1000);
  let next = 0;
  const timings: string[] = [];
  const result: SizeResult = {
    items: size,
    rebuildS: 0,
    health: [],
    search: [],
    cpu: [],
    processHealth: [],
    processSearch: [],
    bytes: {},
    timing: new Map(),
  };
  const get = async (route: string, cpu?: number[]) => {
    const res = await fetch(`${stack.url}${route}`, { headers: { authorization: `Bearer ${keys.ingest}` } });
    const body = await res.text();
    if (!res.ok) throw new Error(`${route}: ${res.status} ${body}`);
    const header = res.headers.get('server-timing') ?? '';
    const ms = header.match(/cpu;dur=([\d.]+)/)?.[1];
    if (cpu && ms) {
      cpu.push(Number(ms));
      timings.push(header);
    }
    return body;
  };
  const searchPath = () => `/v1/search?q=${encodeURIComponent(queries[next++ % queries.length]!)}&k=10&user=shopper-${next % 50}`;
  let version = '';
  try {
    if (reused) {
      version = reused.version;
      result.rebuildS = reused.rebuildS;
    } else {
      await engine.putItems(catalog.items, keys.admin);
      const events = Array.from({ length: 2000 }, (_, i) => ({ id: `bench-${i}`, type: 'view', user: `shopper-${i % 50}`, item: `syn-${(i * 7919) % size}` }));
      await engine.postEvents(events, keys.ingest);
      const started = performance.now();
      const run = await engine.rebuild(keys.admin, { timeoutMs: REBUILD_MAX_S * 1000, pollMs: 1000 });
      version = run.version;
      if (run.status !== 'published') throw new Error(`rebuild ${version}: ${run.status} ${run.error ?? ''}`);
      result.rebuildS = (performance.now() - started) / 1000;
      if (marker) writeFileSync(marker, JSON.stringify({ version, rebuildS: result.rebuildS }));
    }
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
    if (runtime) result.rssKb = rss(runtime.pid);
    if (process.env.BENCH_DUMP) {
      const answers: unknown[] = [];
      for (const [i, q] of queries.slice(0, DUMP_QUERIES).entries()) {
        const body = JSON.parse(await get(`/v1/search?q=${encodeURIComponent(q)}&k=10&user=shopper-${i % 50}`)) as Record<string, unknown>;
        delete body.qid;
        answers.push({ q, ...body });
      }
      writeFileSync(`${process.env.BENCH_DUMP}-${size}.json`, JSON.stringify(answers, null, 1));
    }
    result.timing = meanTimings(timings);
  } finally {
    await stack.stop();
  }
  const sizes = version ? await kvSizesByTable(scratch, `t:${version}:`) : undefined;
  for (const table of ['sh', 'sp', 'sq']) result.bytes[table] = sizes?.get(table) ?? { keys: 0, bytes: 0 };
  if (!process.env.KEEP && !kept) rmSync(scratch, { recursive: true, force: true });
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

/** Means of every entry of `Server-Timing` headers: `name;dur=ms`, `name;desc=n` and the `tables` reads, keys and characters. */
function meanTimings(headers: readonly string[]): Map<string, number> {
  const sums = new Map<string, number>();
  const add = (name: string, value: number) => sums.set(name, (sums.get(name) ?? 0) + value);
  for (const header of headers) {
    for (const [, name, value] of header.matchAll(/(\w+);(?:dur|desc)=([\d.]+)/g)) add(name!, Number(value));
    for (const [, name, value] of header.matchAll(/(reads|keys|chars)=(\d+)/g)) add(`store ${name!}`, Number(value));
  }
  return new Map([...sums].map(([name, sum]) => [name, sum / Math.max(1, headers.length)]));
}

/** Resident memory of a process (kB), now and at its peak. */
function rss(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? NaN);
  return { now: kb('VmRSS'), peak: kb('VmHWM') };
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
    index in KV: ${fmt(stored / 1024 / 1024, 2)} MB = ${fmt(stored / r.items, 0)} bytes per item (${tables})
    per search (means of the CPU pass, Server-Timing): ${[...r.timing].map(([name, v]) => `${name} ${fmt(v, v >= 100 ? 0 : 3)}`).join(', ')}
    workerd process memory: ${r.rssKb ? `${fmt(r.rssKb.now / 1024, 0)} MB resident at the end, peak ${fmt(r.rssKb.peak / 1024, 0)} MB` : 'not found'}`);
}

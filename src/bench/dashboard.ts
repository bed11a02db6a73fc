/**
 * `npm run bench:dashboard`: page weight and server time of every dashboard page on the local
 * stack (wrangler dev, local D1 and KV) holding the demo shop plus the dashboard's demo activity
 * (an experiment, a campaign, chat questions, two rebuilds). Each round requests `GET /health`
 * (one D1 round trip) and then every page once, one request at a time, so the baseline shares
 * the machine's load of the same moment; the figure per page is the median time to the last
 * byte over the rounds and its ratio to the median of `/health`. Weight: the HTML's bytes, its
 * gzip size (Cloudflare compresses HTML on the way out) and the charts it carries. A page's
 * first request draws its charts; later ones, with the same data, take them from the isolate's
 * cache of SVGs, so first against repeat tells chart drawing from the pages' D1 reads.
 */
import { rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { loadDashboardActivity } from '../cli/dashboard-demo.ts';
import { loadDemoShop } from '../cli/demo-shop.ts';
import { engineClient } from '../cli/engine-client.ts';
import { ensureDevVars, migrateLocal, scratchState, startLocalStack } from '../cli/local-stack.ts';
import { PAGES } from '../dashboard/layout.ts';
import { fmt, median, benchNumber } from './measure.ts';

const ROUNDS = benchNumber('BENCH_ROUNDS', 30);

const { keys } = ensureDevVars();
const scratch = scratchState('bench-dashboard-');
migrateLocal(scratch);
const stack = await startLocalStack({ port: benchNumber('PORT', 8797), persistTo: scratch, vars: { RATE_LIMITS: 'off' } });
const engine = engineClient(stack.url);

interface Sample {
  ms: number;
  bytes: number;
  gzip: number;
  charts: number;
}

async function fetchTimed(path: string): Promise<Sample> {
  const started = performance.now();
  const res = await fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${keys.admin}` } });
  const body = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - started;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${body.toString().slice(0, 200)}`);
  return { ms, bytes: body.length, gzip: gzipSync(body).length, charts: (body.toString().match(/<svg/g) ?? []).length };
}

const samples = new Map<string, Sample[]>();
/** The first request of each page: its charts drawn (later ones take them from the isolate's cache while the data stays the same). */
const first = new Map<string, Sample>();
let label = new Map<string, string>();
try {
  const loaded = await loadDemoShop(engine, keys);
  const demo = await loadDashboardActivity(engine, keys);
  console.log(
    `demo shop: ${loaded.products} products, ${loaded.events} events; dashboard activity: experiment ${demo.experimentId}, campaign ${demo.campaignId}`,
  );
  const paths = ['/health', ...PAGES.map((p) => `/dashboard/${p}`), `/dashboard/experiments/${demo.experimentId}`];
  label = new Map(paths.map((p) => [p, p.replace(demo.experimentId, '<id>')]));
  for (const path of paths) first.set(path, await fetchTimed(path));
  for (let round = 0; round < ROUNDS; round++) {
    for (const path of paths) samples.set(path, [...(samples.get(path) ?? []), await fetchTimed(path)]);
  }
} finally {
  await stack.stop();
  if (!process.env.KEEP) rmSync(scratch, { recursive: true, force: true });
}

const health = median(samples.get('/health')!.map((s) => s.ms));
console.log(`dashboard benchmark: ${ROUNDS} rounds, one request at a time, each round /health then every page; medians
  first view: the page's first request (charts drawn; one sample); repeat: the median of the rounds (same data: charts from the isolate's cache)
  ${'page'.padEnd(32)} ${'HTML KB'.padStart(8)} ${'gzip KB'.padStart(8)} ${'charts'.padStart(7)} ${'first ms'.padStart(9)} ${'x /health'.padStart(10)} ${'repeat ms'.padStart(10)} ${'x /health'.padStart(10)}`);
for (const [path, list] of samples) {
  const last = list[list.length - 1]!;
  const ms = median(list.map((s) => s.ms));
  const cold = first.get(path)!.ms;
  console.log(
    `  ${label.get(path)!.padEnd(32)} ${fmt(last.bytes / 1024).padStart(8)} ${fmt(last.gzip / 1024).padStart(8)} ${String(last.charts).padStart(7)} ${fmt(cold, 1).padStart(9)} ${fmt(cold / health, 2).padStart(10)} ${fmt(ms, 2).padStart(10)} ${fmt(ms / health, 2).padStart(10)}`,
  );
}

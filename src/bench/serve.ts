/**
 * `npm run bench:serve`: serving on the local stack (wrangler dev, local D1 and KV) with the
 * demo shop. Throughput of "for you" (a history of 50 items, 100 neighbours per item) and of
 * "similar items" next to `GET /health` in the same run, and the CPU time of each request
 * measured inside the isolate (the `Server-Timing` cpu figure: wall time minus store waits),
 * from requests sent one at a time after the throughput rounds. Then the cost of experiment
 * assignment: "for you" again with an A/A experiment running on it (both arms the default
 * configuration, so only the assignment differs), in alternating blocks with and without it;
 * the extra CPU is the difference of the two medians, next to the `assign` figure of
 * `Server-Timing` (the decision alone). With the CPU figure, what each request read from the table
 * store (`Server-Timing` `tables`: round trips, keys, characters), the medians per kind. And the
 * CPU the stack's workerd processes (the Worker, local D1 and KV) used per request in the
 * throughput rounds, from /proc: on a shared machine the request rates follow the other
 * sessions' load, the CPU a request costs much less so.
 */
import { rmSync } from 'node:fs';
import { loadDemoShop } from '../cli/demo-shop.ts';
import { engineClient } from '../cli/engine-client.ts';
import { ensureDevVars, migrateLocal, startLocalStack, scratchState } from '../cli/local-stack.ts';
import { demoCatalog } from '../demo/catalog.ts';
import { seededRandom } from '../random.ts';
import { fmt, median, throughput, benchNumber, step } from './measure.ts';
import { cpuSeconds, findWorkerd } from './rebuild-proc.ts';

const ROUNDS = benchNumber('BENCH_ROUNDS', 3);
const SECONDS = benchNumber('BENCH_SECONDS', 6);
const CLIENTS = benchNumber('BENCH_CLIENTS', 4);
/** Requests per kind sent one at a time for the CPU figure (concurrent clients on 2 cores would inflate it). */
const CPU_REQUESTS = benchNumber('BENCH_CPU_REQUESTS', 500);

const { keys } = ensureDevVars();
const scratch = scratchState('bench-serve-');
migrateLocal(scratch);
const stack = await startLocalStack({ port: benchNumber('PORT', 8792), persistTo: scratch, vars: { RATE_LIMITS: 'off' } });
const engine = engineClient(stack.url);
const random = seededRandom(17);
const items = demoCatalog().map((p) => p.item.id);
const cpu: Record<string, number[]> = { 'for-you': [], similar: [], 'for-you (no experiment)': [], 'for-you (A/A experiment)': [], assign: [] };
const tableReads: Record<string, { reads: number[]; keys: number[]; chars: number[] }> = {};

const forYouPath = () => {
  const history = Array.from({ length: 50 }, () => random.pick(items));
  return `/v1/recommend/for-you?user=shopper-${random.int(1, 3000)}&k=10&recent=${[...new Set(history)].join(',')}`;
};
const similarPath = () => `/v1/items/${random.pick(items)}/similar?k=10`;

const get = async (route: string, label?: string) => {
  const res = await fetch(`${stack.url}${route}`, { headers: { authorization: `Bearer ${keys.ingest}` } });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${route}: ${res.status}`);
  const ms = res.headers.get('server-timing')?.match(/cpu;dur=([\d.]+)/)?.[1];
  if (label && ms) cpu[label]!.push(Number(ms));
  const tables = res.headers.get('server-timing')?.match(/tables;desc="reads=(\d+) keys=(\d+) chars=(\d+)"/);
  if (label && tables) {
    const seen = (tableReads[label] ??= { reads: [], keys: [], chars: [] });
    seen.reads.push(Number(tables[1]));
    seen.keys.push(Number(tables[2]));
    seen.chars.push(Number(tables[3]));
  }
  const assign = res.headers.get('server-timing')?.match(/assign;dur=([\d.]+)/)?.[1];
  if (label?.includes('A/A') && assign) cpu.assign!.push(Number(assign));
};

const rates: Record<string, number[]> = { health: [], 'for-you': [], similar: [] };
/** Milliseconds of the stack's workerd CPU per request, per throughput round. */
const stackCpu: Record<string, number[]> = { health: [], 'for-you': [], similar: [] };
const workerd = findWorkerd(stack.process.pid!).map((p) => p.pid);
const stackSeconds = () => workerd.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
/** Requests per second of `route` over one round, and the stack's CPU per request in it. */
const measureRound = async (kind: string, route: () => string) => {
  let requests = 0;
  const cpuBefore = stackSeconds();
  rates[kind]!.push(await throughput(CLIENTS, SECONDS, () => get(route()).then(() => void requests++)));
  stackCpu[kind]!.push(((stackSeconds() - cpuBefore) * 1000) / Math.max(1, requests));
};
try {
  step('loading the demo shop');
  const loaded = await loadDemoShop(engine, keys);
  const { stats } = await engine.rebuild(keys.admin);
  const rebuilt = { stats: stats as { neighbourPairs: number; items: number } };
  console.log(
    `demo shop: ${loaded.events} events, ${rebuilt.stats.items} items, ${rebuilt.stats.neighbourPairs} neighbour pairs (${fmt(rebuilt.stats.neighbourPairs / rebuilt.stats.items, 0)} per item)`,
  );
  for (let i = 0; i < 50; i++) await Promise.all([get(forYouPath()), get(similarPath())]);
  cpu['for-you'] = [];
  cpu.similar = [];
  for (let round = 0; round < ROUNDS; round++) {
    step(`throughput round ${round + 1}/${ROUNDS}`);
    await measureRound('health', () => '/health');
    await measureRound('for-you', forYouPath);
    await measureRound('similar', similarPath);
  }
  step(`CPU: ${CPU_REQUESTS} sequential requests per kind`);
  for (let i = 0; i < CPU_REQUESTS; i++) {
    await get(forYouPath(), 'for-you');
    await get(similarPath(), 'similar');
  }
  const experiment = await engine.request<{ id: string }>('POST', '/v1/admin/experiments', keys.admin, {
    name: 'bench A/A',
    surfaces: ['for-you'],
    start: false,
    arms: [
      { name: 'control', share: 0.5 },
      { name: 'same', share: 0.5 },
    ],
  });
  step('assignment: alternating blocks with and without an A/A experiment');
  for (let block = 0; block < 4; block++) {
    const on = block % 2 === 1;
    await engine.request('POST', `/v1/admin/experiments/${experiment.id}/${on ? 'start' : 'stop'}`, keys.admin);
    for (let i = 0; i < CPU_REQUESTS / 2; i++) await get(forYouPath(), on ? 'for-you (A/A experiment)' : 'for-you (no experiment)');
  }
} finally {
  await stack.stop();
  if (!process.env.KEEP) rmSync(scratch, { recursive: true, force: true });
}

const health = median(rates.health!);
/**
 * The isolate's clock ticks in whole milliseconds, so one request's figure is quantized; the
 * mean of a batch is not biased by that. The figure is the median over batches of 25 requests.
 */
const batchMedian = (values: number[]) =>
  median(Array.from({ length: Math.floor(values.length / 25) }, (_, b) => values.slice(b * 25, b * 25 + 25).reduce((s, v) => s + v, 0) / 25));
console.log(`serve benchmark: ${ROUNDS} rounds x ${SECONDS} s per endpoint, ${CLIENTS} clients, medians; CPU from ${CPU_REQUESTS} sequential requests per kind
  GET /health                 ${fmt(health)} req/s (rounds ${rates.health!.map((r) => fmt(r)).join(', ')}); stack CPU ${fmt(median(stackCpu.health!), 2)} ms per request (${workerd.length} workerd processes)`);
const withExperiment = batchMedian(cpu['for-you (A/A experiment)']!);
const withoutExperiment = batchMedian(cpu['for-you (no experiment)']!);
const onlyAssign = median(cpu.assign!);
const meanAssign = cpu.assign!.reduce((s, v) => s + v, 0) / Math.max(1, cpu.assign!.length);
console.log(`  assignment (for-you, ${cpu.assign!.length} requests under an A/A experiment, alternating blocks with ${cpu['for-you (no experiment)']!.length} without)
    CPU with the experiment ${fmt(withExperiment, 3)} ms, without ${fmt(withoutExperiment, 3)} ms: extra ${fmt(withExperiment - withoutExperiment, 3)} ms per request
    Server-Timing assign: median ${fmt(onlyAssign, 3)} ms, mean ${fmt(meanAssign, 4)} ms per request`);
for (const kind of ['for-you', 'similar'] as const) {
  const rate = median(rates[kind]!);
  console.log(
    `  ${kind.padEnd(27)} ${fmt(rate)} req/s (rounds ${rates[kind]!.map((r) => fmt(r)).join(', ')}) = ${fmt(rate / health, 2)} x /health; CPU in the isolate: ${fmt(batchMedian(cpu[kind]!), 3)} ms per request (median of ${Math.floor(cpu[kind]!.length / 25)} batch means of 25 requests)`,
  );
  const cpuPerRequest = median(stackCpu[kind]!);
  console.log(
    `  ${''.padEnd(27)} stack CPU ${fmt(cpuPerRequest, 2)} ms per request (rounds ${stackCpu[kind]!.map((r) => fmt(r, 2)).join(', ')}): /health's ${fmt(median(stackCpu.health!) / cpuPerRequest, 2)} x`,
  );
  const read = tableReads[kind];
  if (read) {
    const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
    console.log(
      `  ${''.padEnd(27)} table store per request: median ${median(read.reads)} reads, ${median(read.keys)} keys, ${median(read.chars)} chars (mean ${fmt(mean(read.reads), 2)} reads, ${fmt(mean(read.chars), 0)} chars)`,
    );
  }
}

/**
 * `npm run bench:fresh`: what fresh catalog fields and new items cost serving, on the local stack
 * (wrangler dev, local D1 and KV) with the demo shop. The CPU of each request measured inside the
 * isolate (`Server-Timing` cpu: wall time minus store waits), requests sent one at a time, in
 * three phases of the same run: (A) no catalog change since the rebuild; (B) after 300 catalog
 * writes (the fresh entries full: 280 price changes and 20 new products), "for you" and
 * "similar" of known items again, plus "similar" of a new product (the content match through
 * the search index, kept per isolate once computed), the same with an `offset` drawn from 1-40
 * so that most requests compute it again (`uncached`), and "for you" of a session whose
 * newest item is new; (A2) after a rebuild
 * that drops the fresh entries, the phase A requests again (the run's noise). `BENCH_PARTS=8`
 * splits the rebuilds (the search index in 2 segments, as on a large shop).
 */
import { rmSync } from 'node:fs';
import { loadDemoShop } from '../cli/demo-shop.ts';
import { engineClient } from '../cli/engine-client.ts';
import { ensureDevVars, migrateLocal, scratchState, startLocalStack } from '../cli/local-stack.ts';
import { demoCatalog } from '../demo/catalog.ts';
import { seededRandom } from '../random.ts';
import { fmt, median, benchNumber } from './measure.ts';

const REQUESTS = benchNumber('BENCH_CPU_REQUESTS', 300);
const BATCH = 25;

const { keys } = ensureDevVars();
const scratch = scratchState('bench-fresh-');
migrateLocal(scratch);
/** `BENCH_PARTS=8`: the rebuilds split into 8 parts, so the search index (what a new item's title match reads) is in 2 segments. */
const PARTS = process.env.BENCH_PARTS;
const stack = await startLocalStack({
  port: benchNumber('PORT', 8793),
  persistTo: scratch,
  vars: { RATE_LIMITS: 'off', ...(PARTS ? { REBUILD_PARTS: PARTS } : {}) },
});
const engine = engineClient(stack.url);
const random = seededRandom(23);
const catalog = demoCatalog().map((p) => p.item);
const ids = catalog.map((item) => item.id);
const fresh = Array.from({ length: 20 }, (_, i) => {
  const base = catalog[(i * 17) % catalog.length]!;
  return { ...base, id: `${base.id}-new-${i}`, title: `${base.title} (new ${i})` };
});
const cpu = new Map<string, number[]>();

const forYouPath = (newest?: string) => {
  const history = [...new Set(Array.from({ length: 20 }, () => random.pick(ids)))];
  return `/v1/recommend/for-you?user=shopper-${random.int(1, 3000)}&k=10&recent=${[...(newest ? [newest] : []), ...history].join(',')}`;
};
const similarPath = (id: string) => `/v1/items/${id}/similar?k=10`;

async function get(route: string, label: string): Promise<void> {
  const res = await fetch(`${stack.url}${route}`, { headers: { authorization: `Bearer ${keys.ingest}` } });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${route}: ${res.status}`);
  const ms = res.headers.get('server-timing')?.match(/cpu;dur=([\d.]+)/)?.[1];
  if (ms) cpu.set(label, [...(cpu.get(label) ?? []), Number(ms)]);
}

async function phase(name: string, kinds: Record<string, () => string>): Promise<void> {
  for (const route of Object.values(kinds)) for (let i = 0; i < 20; i++) await get(route(), 'warm-up');
  for (let i = 0; i < REQUESTS; i++) for (const [kind, route] of Object.entries(kinds)) await get(route(), `${name}: ${kind}`);
}

const known = { 'for-you': () => forYouPath(), 'similar (known item)': () => similarPath(random.pick(ids)) };
try {
  const loaded = await loadDemoShop(engine, keys);
  await engine.rebuild(keys.admin);
  console.log(`demo shop: ${loaded.events} events, ${catalog.length} items${PARTS ? `, REBUILD_PARTS=${PARTS}` : ''}`);
  await phase('A', known);
  const repriced = catalog.slice(0, 280).map((item) => ({ ...item, price: (item.price ?? 10) + 1 }));
  await engine.putItems([...repriced, ...fresh], keys.admin);
  await phase('B', {
    ...known,
    'similar (new item)': () => similarPath(random.pick(fresh).id),
    'similar (new item, uncached)': () => `${similarPath(random.pick(fresh).id)}&offset=${random.int(1, 40)}`,
    'for-you (newest item new)': () => forYouPath(random.pick(fresh).id),
  });
  await engine.rebuild(keys.admin);
  await phase('A2', known);
} finally {
  await stack.stop();
  if (!process.env.KEEP) rmSync(scratch, { recursive: true, force: true });
}

/** The isolate's clock ticks in whole milliseconds: the figure is the median of batch means of 25 requests. */
const batchMedian = (values: readonly number[]) =>
  median(Array.from({ length: Math.floor(values.length / BATCH) }, (_, b) => values.slice(b * BATCH, (b + 1) * BATCH).reduce((s, v) => s + v, 0) / BATCH));
/** The kind each figure is compared with: the new-item kinds with the known-item kind of the same phase (requests interleaved), the rest with phase A. */
const BASELINE: Record<string, string> = {
  'similar (new item)': 'similar (known item)',
  'similar (new item, uncached)': 'similar (known item)',
  'for-you (newest item new)': 'for-you',
};
console.log(`fresh-catalog serving benchmark: CPU in the isolate per request, ${REQUESTS} sequential requests per kind and phase (median of batch means of ${BATCH})
  A  = no catalog change since the rebuild; B = 300 fresh entries (280 repriced, 20 new products); A2 = after the next rebuild`);
for (const [label, values] of cpu) {
  if (label === 'warm-up') continue;
  const kind = label.slice(label.indexOf(': ') + 2);
  const phaseName = label.slice(0, label.indexOf(':'));
  const baseline = BASELINE[kind] ? `${phaseName}: ${BASELINE[kind]}` : `A: ${kind}`;
  const ratio = batchMedian(values) / batchMedian(cpu.get(baseline)!);
  console.log(`  ${label.padEnd(34)} ${fmt(batchMedian(values), 3)} ms = ${fmt(ratio, 2)} x ${baseline}`);
}

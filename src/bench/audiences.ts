/**
 * `npm run bench:audiences`: the marketing side's two costs.
 *
 * 1. Segment refresh per 100,000 profiles (knob `BENCH_PROFILES`): seeded shopper facts staged in
 *    a local D1 (miniflare's) as the rebuild's parts stage them, then `refreshSegments` (RFM cut
 *    points, every built-in and custom segment, a product audience, joins and leaves, sizes) as
 *    the publishing invocation runs it, twice: a first refresh and one after 10% of the shoppers
 *    changed. Baseline in the same run: only reading the staged facts. Figures: wall time, peak JS
 *    heap above the start (the Worker's share; SQLite runs in workerd), D1 statements. The facts
 *    are generated while staged, never held, and the script runs with a 128 MB V8 heap limit (the
 *    Worker's memory), so finishing at all shows the refresh fits.
 * 2. Campaign pick on the local stack (`wrangler dev`, local D1 and KV, the demo shop, segments
 *    refreshed by a rebuild): throughput of `GET /v1/campaigns/pick` next to `GET /health` in
 *    alternating rounds, and the CPU per pick inside the isolate from `Server-Timing` (wall time
 *    minus D1 waits), from requests sent one at a time. Five campaigns in three tiers, targeted at
 *    built-in segments and a country, with per-day and per-session caps: every pick reads the
 *    shopper and the campaigns and reserves its deliveries with conditional D1 writes.
 */
import { rmSync } from 'node:fs';
import { loadDemoShop } from '../cli/demo-shop.ts';
import { engineClient } from '../cli/engine-client.ts';
import { ensureDevVars, migrateLocal, scratchState, startLocalStack } from '../cli/local-stack.ts';
import { addDefinition } from '../audiences/segment-store.ts';
import { refreshSegments } from '../audiences/refresh-segments.ts';
import type { ShopperFacts } from '../audiences/shopper-facts.ts';
import { openDatabase } from '../db/client.ts';
import { timedD1 } from '../db/timed-d1.ts';
import { demoCatalog } from '../demo/catalog.ts';
import { type Random, seededRandom } from '../random.ts';
import { migratedLocalD1 } from './local-d1.ts';
import { fmt, median, throughput, benchNumber, step } from './measure.ts';

const PROFILES = benchNumber('BENCH_PROFILES', 100_000);
const ROUNDS = benchNumber('BENCH_ROUNDS', 3);
const SECONDS = benchNumber('BENCH_SECONDS', 6);
const CLIENTS = benchNumber('BENCH_CLIENTS', 4);
const CPU_REQUESTS = benchNumber('BENCH_CPU_REQUESTS', 500);
const SKIP = new Set((process.env.BENCH_SKIP ?? '').split(','));
const DAY = 86_400_000;
const CATEGORIES = Array.from({ length: 24 }, (_, i) => `category-${i}`);
const COUNTRIES = ['DE', 'FR', 'US', 'GB', 'NL', 'ES', 'IT', 'PL', 'SE', 'CN'];

/** One seeded shopper: 55% buyers (orders and spend heavy-tailed), categories, context, audience scores. */
function shopperFacts(random: Random, now: number): ShopperFacts {
  const firstSeen = now - random.int(1, 365) * DAY;
  const buyer = random.chance(0.55);
  const orders = buyer ? Math.max(1, Math.round(Math.exp(random.next() * 3))) : 0;
  const shares = Array.from({ length: random.int(1, 5) }, () => random.next());
  const total = shares.reduce((s, x) => s + x, 0);
  const facts: ShopperFacts = {
    firstSeen,
    lastSeen: Math.max(firstSeen, now - random.int(0, 120) * DAY),
    lastPurchase: buyer ? now - random.int(0, 300) * DAY : null,
    orders,
    monetary: buyer ? Math.round(orders * 20 * Math.exp(random.next() * 2) * 100) / 100 : 0,
    categories: shares.map((s, i) => [CATEGORIES[(i * 7 + random.int(0, 23)) % 24]!, Math.round((s / total) * 1000) / 1000] as [string, number]),
    recent: Array.from({ length: random.int(1, 10) }, () => `sku-${random.int(1, 5000)}`),
    purchased: Array.from({ length: Math.min(orders, 10) }, () => `sku-${random.int(1, 5000)}`),
    country: random.pick(COUNTRIES),
    device: random.chance(0.6) ? 'mobile' : 'desktop',
    source: random.chance(0.3) ? 'newsletter' : undefined,
  };
  if (random.chance(0.3)) facts.audiences = { 'likely-sku-1': Math.round(random.next() * 1000) / 1000 };
  return facts;
}

/** Stages every shopper's facts for a version, generated on the fly (nothing held): shopper i is seeded by i, and by the version for the changed tenth. */
async function stage(d1: D1Database, version: string, changedShare: number, now: number): Promise<void> {
  const insert = d1.prepare(
    "INSERT OR REPLACE INTO audience_stage (version, user_id, facts) SELECT ?1, json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?2)",
  );
  for (let start = 0; start < PROFILES; start += 2000) {
    const rows: string[][] = [];
    for (let i = start; i < Math.min(PROFILES, start + 2000); i++) {
      const changed = (i % 1000) / 1000 < changedShare;
      rows.push([`u${String(i).padStart(7, '0')}`, JSON.stringify(shopperFacts(seededRandom(changed ? i * 7 + version.length : i + 1), now))]);
    }
    await insert.bind(version, JSON.stringify(rows)).run();
  }
}

/** Peak `heapUsed` above the level at the start, sampled every 5 ms while `work` runs (after a GC when exposed). */
async function withPeakHeap<T>(work: () => Promise<T>): Promise<{ result: T; peakMb: number; ms: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
  const started = performance.now();
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return { result, peakMb: (peak - base) / 2 ** 20, ms: performance.now() - started };
  } finally {
    clearInterval(timer);
  }
}

async function segmentRefreshBench(): Promise<string[]> {
  const { d1, dispose } = await migratedLocalD1();
  try {
    const statements = { count: 0 };
    const counting = { wait: <T>(p: Promise<T>) => (statements.count++, p), ioMs: () => 0 };
    const db = openDatabase(timedD1(d1, counting));
    const now = Date.now();
    await addDefinition(db, {
      id: 'de-mobile',
      name: 'German mobile',
      kind: 'custom',
      rules: {
        match: 'all',
        rules: [
          { field: 'country', op: 'eq', value: 'DE' },
          { field: 'device', op: 'eq', value: 'mobile' },
        ],
      },
    });
    await addDefinition(db, {
      id: 'big-or-newsletter',
      name: 'Big spenders or newsletter',
      kind: 'custom',
      rules: {
        match: 'any',
        rules: [
          { field: 'monetary', op: 'gte', value: 500 },
          { field: 'source', op: 'eq', value: 'newsletter' },
        ],
      },
    });
    await addDefinition(db, {
      id: 'likely-sku-1',
      name: 'Likely to buy sku-1',
      kind: 'audience',
      audience: { item: 'sku-1', size: Math.round(PROFILES / 10) },
    });
    const lines: string[] = [];
    for (const [version, changed] of [
      ['v1', 0],
      ['v2', 0.1],
    ] as const) {
      step(`staging ${PROFILES} profiles for ${version}`);
      await stage(d1, version, changed, now);
      const read = await withPeakHeap(async () => {
        let rows = 0;
        let after = '';
        for (;;) {
          const page = await d1
            .prepare('SELECT user_id, facts FROM audience_stage WHERE version = ?1 AND user_id > ?2 ORDER BY user_id LIMIT 2000')
            .bind(version, after)
            .all<{ user_id: string; facts: string }>();
          for (const r of page.results) JSON.parse(r.facts);
          rows += page.results.length;
          if (page.results.length < 2000) return rows;
          after = page.results[page.results.length - 1]!.user_id;
        }
      });
      statements.count = 0;
      step(`refreshing segments of ${version}`);
      const refresh = await withPeakHeap(() => refreshSegments(db, version, now));
      const s = refresh.result;
      const per100k = 100_000 / PROFILES;
      lines.push(
        `  ${version === 'v1' ? 'first refresh      ' : 'after 10% changed  '} ${fmt(refresh.ms / 1000, 2)} s (${fmt((refresh.ms / 1000) * per100k, 2)} s per 100k profiles; ${fmt(refresh.ms / read.ms, 1)} x reading the staged facts, ${fmt(read.ms / 1000, 2)} s), ` +
          `peak heap +${fmt(refresh.peakMb, 1)} MB (reading alone +${fmt(read.peakMb, 1)} MB), ${statements.count} D1 statements; ` +
          `${s.profiles} profiles, ${s.buyers} buyers, ${s.joins} joins, ${s.leaves} leaves`,
      );
    }
    return lines;
  } finally {
    await dispose();
  }
}

async function campaignPickBench(): Promise<string[]> {
  const { keys } = ensureDevVars();
  const scratch = scratchState('bench-audiences-');
  migrateLocal(scratch);
  const stack = await startLocalStack({ port: benchNumber('PORT', 8797), persistTo: scratch, vars: { RATE_LIMITS: 'off' } });
  const engine = engineClient(stack.url);
  const random = seededRandom(23);
  const category = demoCatalog()[0]!.item.categories![0]!;
  const cpu: number[] = [];
  const store: number[] = [];
  const rates = { health: [] as number[], pick: [] as number[] };
  const decided = { picks: 0, withCampaign: 0 };
  const get = async (route: string, record = false) => {
    const res = await fetch(`${stack.url}${route}`, { headers: { authorization: `Bearer ${keys.ingest}` } });
    const body = (await res.json()) as { decisions?: unknown[] };
    if (!res.ok) throw new Error(`${route}: ${res.status}`);
    if (body.decisions) {
      decided.picks++;
      if (body.decisions.length > 0) decided.withCampaign++;
    }
    const timing = res.headers.get('server-timing') ?? '';
    if (record) {
      cpu.push(Number(timing.match(/cpu;dur=([\d.]+)/)?.[1] ?? NaN));
      store.push(Number(timing.match(/store;dur=([\d.]+)/)?.[1] ?? NaN));
    }
  };
  const pickPath = () => `/v1/campaigns/pick?user=shopper-${random.int(1, 3000)}&session=s${random.int(1, 20)}&placement=home-top&count=2`;
  try {
    step('loading the demo shop and campaigns');
    await loadDemoShop(engine, keys);
    const put = (id: string, body: object) =>
      engine.request('PUT', `/v1/admin/campaigns/${id}`, keys.admin, {
        name: id,
        creative: { title: id, link: `https://shop.example/${id}` },
        placements: ['home-top'],
        ...body,
      });
    await put('champions-thanks', { tier: 'override', target: { segments: ['rfm:champions'] }, caps: { perDay: 2 } });
    await put('affinity-sale', { tier: 'contract', weight: 3, target: { segments: [`affinity:${category}`] }, caps: { perDay: 3, perSession: 2 } });
    await put('winback', { tier: 'contract', weight: 1, target: { segments: ['lapsed'] }, caps: { perWeek: 3 } });
    await put('germany', { tier: 'remnant', target: { countries: ['DE'] }, caps: { perDay: 5 } });
    await put('house', { tier: 'house' });
    const run = await engine.rebuild(keys.admin);
    if (run.status !== 'published') throw new Error(`rebuild ${run.status}`);
    for (let i = 0; i < 50; i++) await get(pickPath());
    for (let round = 0; round < ROUNDS; round++) {
      step(`throughput round ${round + 1}/${ROUNDS}`);
      rates.health.push(await throughput(CLIENTS, SECONDS, () => get('/health')));
      rates.pick.push(await throughput(CLIENTS, SECONDS, () => get(pickPath())));
    }
    for (let i = 0; i < CPU_REQUESTS; i++) await get(pickPath(), true);
  } finally {
    await stack.stop();
    if (!process.env.KEEP) rmSync(scratch, { recursive: true, force: true });
  }
  const batchMeans = (values: number[]) =>
    Array.from({ length: Math.floor(values.length / 25) }, (_, b) => values.slice(b * 25, b * 25 + 25).reduce((s, v) => s + v, 0) / 25);
  const health = median(rates.health);
  const pick = median(rates.pick);
  return [
    `  GET /health              ${fmt(health)} req/s (rounds ${rates.health.map((r) => fmt(r)).join(', ')})`,
    `  GET /v1/campaigns/pick   ${fmt(pick)} req/s (rounds ${rates.pick.map((r) => fmt(r)).join(', ')}) = ${fmt(pick / health, 2)} x /health; ` +
      `${fmt((100 * decided.withCampaign) / Math.max(1, decided.picks), 0)}% of picks served a campaign (the rest capped or untargeted)`,
    `  CPU in the isolate       ${fmt(median(batchMeans(cpu)), 3)} ms per pick, D1 waits ${fmt(median(batchMeans(store)), 3)} ms (medians of ${batchMeans(cpu).length} batch means of 25 sequential picks)`,
  ];
}

if (!SKIP.has('refresh')) {
  console.log(`segment refresh: ${PROFILES} profiles, 3 custom segments (2 rule groups, 1 product audience) and every built-in, local D1`);
  for (const line of await segmentRefreshBench()) console.log(line);
}
if (!SKIP.has('pick')) {
  console.log(
    `campaign pick: demo shop, 5 campaigns in 3 tiers with caps, ${ROUNDS} rounds x ${SECONDS} s, ${CLIENTS} clients, medians; CPU from ${CPU_REQUESTS} sequential picks`,
  );
  for (const line of await campaignPickBench()) console.log(line);
}

/**
 * `npm run bench:rebuild-offline`: the offline rebuild (DuckDB over the event archive) on the seeded
 * power-law log of `bench:rebuild` (syntheticEventPages, seed 7) at 1M and 10M events (knob:
 * BENCH_OFFLINE_EVENTS=1000000,10000000,50000000), next to the Worker rebuild (runRebuild, the
 * same code the Worker runs, here in Node against miniflare's local D1 and KV) at 1M events in
 * the same run (BENCH_WORKER_EVENTS, 0 skips it). Each measurement is a fresh child process.
 *
 * The archive is written straight to a scratch directory in its R2 layout (gzip JSON lines by
 * hour, as src/archive writes it), the catalog to a local D1; the job publishes to the local KV.
 * Figures: seconds, events per second, the ratio to the Worker rebuild's events per second,
 * the child's peak resident memory (Node + DuckDB, sampled every 100 ms, and the kernel's
 * maxRSS), and the most bytes DuckDB had spilled to disk. DuckDB's memory limit:
 * BENCH_MEMORY_LIMIT (default 1GB); threads: BENCH_THREADS (default 2).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipLines } from '../archive/jsonl.ts';
import { type ArchivedEvent, eventObjectKey, partitionOf } from '../archive/layout.ts';
import { openDatabase } from '../db/client.ts';
import { syntheticEventPages } from '../eval/synthetic-events.ts';
import { archiveGlobs, dirArchiveBucket } from '../offline/dir-bucket.ts';
import { openEngine } from '../offline/engine.ts';
import { applyMigrations, openLocalBindings } from '../offline/local-bindings.ts';
import { rebuildOffline } from '../offline/rebuild-offline.ts';
import { runRebuild } from '../rebuild/run-rebuild.ts';
import { rebuildConfig } from '../rebuild/settings.ts';
import { searchIndexTables } from '../search/index-tables.ts';
import { kvTableStore } from '../tables/kv-store.ts';
import { fmt, benchNumber } from './measure.ts';
import { syntheticItems, syntheticSpan } from './rebuild-data.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const env = process.env;
const SEED = 7;
const CHUNK = 50_000;
const DAY = 86_400_000;

interface Figures {
  kind: 'offline' | 'worker';
  events: number;
  loadSeconds: number;
  seconds: number;
  peakRssMB: number;
  maxRssMB: number;
  spilledMB: number;
  keysWritten: number;
  phases: Record<string, number>;
}

if (process.argv[2] === 'child') {
  const figures = await child(process.argv[3] as 'offline' | 'worker', Number(process.argv[4]));
  console.log(`RESULT ${JSON.stringify(figures)}`);
  process.exit(0);
}

const sizes = (env.BENCH_OFFLINE_EVENTS ?? '1000000,10000000').split(',').map(Number).filter(Boolean);
const workerEvents = benchNumber('BENCH_WORKER_EVENTS', 1_000_000);
console.log(
  `bench:rebuild-offline  syntheticEventPages(seed ${SEED}), users = events/10, items = events/20; DuckDB memory_limit ${env.BENCH_MEMORY_LIMIT ?? '1GB'}, threads ${env.BENCH_THREADS ?? 2}; one fresh child per row\n`,
);
const rows: Figures[] = [];
if (workerEvents) rows.push(run('worker', workerEvents));
for (const size of sizes) rows.push(run('offline', size));
const baseline = rows.find((r) => r.kind === 'worker');
console.log('\nrebuild                      events   load s  rebuild s      events/s   x Worker   peak RSS MB   maxRSS MB   spilled MB   keys');
for (const r of rows) {
  const rate = r.events / r.seconds;
  const ratio = baseline ? fmt(rate / (baseline.events / baseline.seconds), 1) : '-';
  const label = r.kind === 'worker' ? 'Worker (runRebuild, D1 pages)' : 'offline (DuckDB, archive)';
  console.log(
    `${label.padEnd(28)} ${String(r.events).padStart(9)} ${fmt(r.loadSeconds).padStart(8)} ${fmt(r.seconds).padStart(10)} ${Math.round(rate).toLocaleString('en-US').padStart(13)} ${ratio.padStart(10)} ${fmt(r.peakRssMB, 0).padStart(13)} ${fmt(r.maxRssMB, 0).padStart(11)} ${fmt(r.spilledMB, 0).padStart(12)} ${String(r.keysWritten).padStart(6)}`,
  );
}
for (const r of rows) if (Object.keys(r.phases).length) console.log(`phases ${r.kind} ${r.events}: ${JSON.stringify(r.phases)}`);

function run(kind: 'offline' | 'worker', events: number): Figures {
  console.log(`running ${kind} at ${events.toLocaleString('en-US')} events...`);
  const result = spawnSync(process.execPath, [path.join(import.meta.dirname, 'rebuild-offline.ts'), 'child', kind, String(events)], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`${kind} ${events} failed:\n${result.stdout.slice(-3000)}`);
  return JSON.parse(line.slice(7)) as Figures;
}

async function child(kind: 'offline' | 'worker', events: number): Promise<Figures> {
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  const scratch = mkdtempSync(path.join(tmpdir(), 'bench-offline-'));
  const local = await openLocalBindings();
  try {
    await applyMigrations(local.d1, path.join(ROOT, 'migrations'));
    const span = syntheticSpan({ events, seed: SEED, pageSize: CHUNK });
    const now = span.newest + 60_000;
    const config = { ...rebuildConfig({ REBUILD_SELECTION: 'off' }), windowDays: Math.ceil((span.newest - span.oldest) / DAY) + 2 };
    await loadCatalog(local.d1, events, now);
    const db = openDatabase(local.d1);
    const store = kvTableStore(local.kv);
    const loadStart = performance.now();
    if (kind === 'worker') await loadD1(local.d1, events);
    else await writeArchive(path.join(scratch, 'archive'), events);
    const loadSeconds = (performance.now() - loadStart) / 1000;
    peak = process.memoryUsage.rss();
    const start = performance.now();
    let keysWritten = 0;
    let spilled = 0;
    const phases: Record<string, number> = {};
    if (kind === 'worker') {
      const outcome = await runRebuild({ db, store, config, extensions: [searchIndexTables] }, 'bench', now);
      if (outcome.status !== 'published') throw new Error(`worker rebuild ${outcome.status}: ${outcome.error}`);
      keysWritten = outcome.stats.keysWritten as number;
    } else {
      const engine = await openEngine({
        memoryLimit: env.BENCH_MEMORY_LIMIT ?? '1GB',
        threads: benchNumber('BENCH_THREADS', 2),
        tempDirectory: path.join(scratch, 'spill'),
      });
      const outcome = await rebuildOffline({ db, store, config, extensions: [searchIndexTables] }, engine, archiveGlobs(path.join(scratch, 'archive')), {
        now,
        onPhase: (name, ms) => (phases[name] = Math.round(ms / 100) / 10),
      });
      if (outcome.status !== 'published') throw new Error(`offline rebuild ${outcome.status}: ${outcome.error}`);
      keysWritten = outcome.stats.keysWritten as number;
      spilled = engine.spilledBytes();
      engine.close();
    }
    const seconds = (performance.now() - start) / 1000;
    clearInterval(sampler);
    return {
      kind,
      events,
      loadSeconds,
      seconds,
      peakRssMB: peak / 2 ** 20,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      spilledMB: spilled / 2 ** 20,
      keysWritten,
      phases,
    };
  } finally {
    await local.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The synthetic log with its seq, page by page (its own times; the run's `now` follows the newest). */
function* archivedPages(events: number): Generator<ArchivedEvent[]> {
  let seq = 0;
  for (const page of syntheticEventPages({ events, seed: SEED, pageSize: CHUNK }))
    yield page.map((e) => {
      seq++;
      const ts = e.ts;
      return {
        seq,
        id: `syn-${seq}`,
        type: e.type,
        user_id: e.user,
        item_id: e.item!,
        items: null,
        value: null,
        price: null,
        rid: null,
        session: null,
        context: null,
        ts,
        received_at: ts,
      };
    });
}

async function writeArchive(dir: string, events: number): Promise<void> {
  const bucket = dirArchiveBucket(dir);
  for (const page of archivedPages(events)) {
    const partitions = new Map<string, ArchivedEvent[]>();
    for (const e of page) {
      const key = partitionOf(e.ts);
      const list = partitions.get(key);
      if (list) list.push(e);
      else partitions.set(key, [e]);
    }
    for (const [partition, lines] of partitions)
      await bucket.put(eventObjectKey(partition, lines[0]!.seq, lines[lines.length - 1]!.seq), await gzipLines(lines));
  }
}

async function loadD1(d1: D1Database, events: number): Promise<void> {
  const insert =
    "INSERT INTO events (seq, id, type, user_id, item_id, ts, received_at) SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'), json_extract(value, '$[5]') FROM json_each(?1)";
  for (const page of archivedPages(events))
    for (let i = 0; i < page.length; i += 10_000)
      await d1
        .prepare(insert)
        .bind(JSON.stringify(page.slice(i, i + 10_000).map((e) => [e.seq, e.id, e.type, e.user_id, e.item_id, e.ts])))
        .run();
}

async function loadCatalog(d1: D1Database, events: number, now: number): Promise<void> {
  const items = syntheticItems(events).map((i) => [i.id, i.title, JSON.stringify(i.categories), now]);
  for (let i = 0; i < items.length; i += 5000)
    await d1
      .prepare(
        "INSERT INTO items (id, title, categories, updated_at) SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]') FROM json_each(?1)",
      )
      .bind(JSON.stringify(items.slice(i, i + 5000)))
      .run();
}

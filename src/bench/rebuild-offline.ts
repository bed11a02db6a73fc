/**
 * `npm run bench:rebuild-offline`: the offline rebuild (DuckDB over the event archive) on the seeded
 * power-law log of `bench:rebuild` (syntheticEventPages, seed 7) at 1M, 10M and 50M events (knob:
 * BENCH_OFFLINE_EVENTS=1000000,10000000,50000000), next to the Worker rebuild (runRebuild, the
 * same code the Worker runs, here in Node against miniflare's local D1) at BENCH_WORKER_EVENTS
 * (default 1M; 0 skips it) in the same run. Each measurement is a fresh child process.
 *
 * The archive is written straight to a scratch directory under the OS temp dir in its R2 layout
 * (gzip JSON lines by hour, as src/archive writes it), streamed page by page (gzip on libuv's
 * threads while the next page is generated), with a catalog snapshot (src/archive/catalog-snapshot.ts)
 * that the offline job reads instead of D1 (`catalogFrom: 'archive'`); BENCH_ARCHIVE_DIR keeps the
 * archives there and reuses a finished one (the row then reports the time it first took). The
 * Worker row's events and catalog go straight into the SQLite file of miniflare's local D1
 * (node:sqlite, while miniflare is closed), which the Worker rebuild then reads through D1. Both rebuilds
 * publish to the same store, BENCH_STORE: `redis` (default: a real redis-server behind the
 * Upstash REST proxy of src/dev, port BENCH_PORT, default 8861) or `kv` (miniflare's local KV,
 * which takes ~30 ms per put on the shared machine: a KV row measures miniflare).
 * Figures: seconds, events per second, the ratio to the Worker rebuild's events per second, the
 * child's peak resident memory (VmHWM of /proc/self/status: Node + DuckDB), and the most bytes
 * DuckDB had spilled to its temp directory, and the CPU seconds of the rebuild over every thread
 * and process it ran on (the child with DuckDB's threads, its profile workers, miniflare's workerd
 * that serves D1 to the Worker row; not the redis-server both rows write to): events per CPU
 * second, against the Worker's, says how much of the ratio is less work and how much is cores.
 * DuckDB's memory limit: BENCH_MEMORY_LIMIT (default 1GB; the offline child's JS heap is capped
 * from it as the CLI does, unless NODE_OPTIONS sets --max-old-space-size); threads: BENCH_THREADS (default 2). BENCH_TIMEOUT_S bounds each child (default 7200).
 * BENCH_PROFILE_WORKERS (default 1): the job's `profileWorkers`; their own peaks are printed beside the child's.
 * BENCH_DIGEST=1 also prints, per table, the keys written and an order-free digest of their
 * contents (XOR of each key and value's SHA-1), to check that two runs or two versions of the code
 * publish the same tables (costs a hash of every value written).
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { snapshotRow, writeCatalogSnapshot } from '../archive/catalog-snapshot.ts';
import { type ArchivedEvent, eventObjectKey, partitionOf } from '../archive/layout.ts';
import type { Item } from '../catalog/item-schema.ts';
import { openDatabase } from '../db/client.ts';
import { syntheticEventPages } from '../eval/synthetic-events.ts';
import { startRedisServer } from '../dev/redis-server.ts';
import { startUpstashProxy } from '../dev/upstash-proxy.ts';
import { archiveGlobs, dirArchiveBucket } from '../offline/dir-bucket.ts';
import { openEngine, parseBytes } from '../offline/engine.ts';
import { heapCapMB, heapCapSet, withAllocatorEnv } from '../offline/memory-budget.ts';
import { applyMigrations, type LocalBindings, openLocalBindings } from '../offline/local-bindings.ts';
import { rebuildOffline } from '../offline/rebuild-offline.ts';
import type { CatalogPages } from '../rebuild/catalog-snapshot.ts';
import { runRebuild } from '../rebuild/run-rebuild.ts';
import { rebuildConfig } from '../rebuild/settings.ts';
import { searchIndexTables } from '../search/index-tables.ts';
import { kvTableStore } from '../tables/kv-store.ts';
import { redisTableStore } from '../tables/redis-store.ts';
import type { TableStore } from '../tables/table-store.ts';
import { fmt, benchNumber } from './measure.ts';
import { treeCpuSeconds } from './rebuild-proc.ts';
import { syntheticItems } from './rebuild-data.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const env = process.env;
const SEED = 7;
const CHUNK = 50_000;
const DAY = 86_400_000;
const storeKind = env.BENCH_STORE ?? 'redis';
const memoryLimit = env.BENCH_MEMORY_LIMIT ?? '1GB';
if (storeKind !== 'redis' && storeKind !== 'kv') {
  console.error(`error: BENCH_STORE must be redis or kv (got "${storeKind}")`);
  process.exit(2);
}

interface Figures {
  kind: 'offline' | 'worker';
  events: number;
  items: number;
  loadSeconds: number;
  seconds: number;
  peakRssMB: number;
  maxRssMB: number;
  spilledMB: number;
  keysWritten: number;
  /** CPU seconds of the rebuild: the child and every process below it (treeCpuSeconds). */
  cpuSeconds: number;
  phases: Record<string, number>;
  /** The most resident memory sampled in each phase (MB). */
  phasePeaks?: Record<string, number>;
  /** CPU seconds in each phase, over the child and its processes (the offline row). */
  phaseCpu?: Record<string, number>;
  /** BENCH_DIGEST=1: per table, its keys and their digest. */
  tables?: Record<string, string>;
  /** BENCH_PROFILE_WORKERS > 1: each profile worker process's peak resident set (MB), not in peakRssMB. */
  profileWorkerPeakRssMB?: number[];
}

if (process.argv[2] === 'archive') {
  // Writes (or finds) the archives of BENCH_ARCHIVE_DIR ahead of the runs: `node src/bench/rebuild-offline.ts archive 10000000 50000000`.
  if (!env.BENCH_ARCHIVE_DIR) throw new Error('set BENCH_ARCHIVE_DIR');
  for (const events of process.argv.slice(3).map(Number)) {
    const started = performance.now();
    const input = await cachedArchive(path.join(env.BENCH_ARCHIVE_DIR, `syn-seed${SEED}-${events}`), events);
    console.log(`archive of ${events} events, ${input.items} items: ${fmt(input.cachedSeconds ?? (performance.now() - started) / 1000)} s`);
  }
  process.exit(0);
}

if (process.argv[2] === 'child') {
  const figures = await child(process.argv[3] as 'offline' | 'worker', Number(process.argv[4]));
  console.log(`RESULT ${JSON.stringify(figures)}`);
  process.exit(0);
}

const sizes = (env.BENCH_OFFLINE_EVENTS ?? '1000000,10000000').split(',').map(Number).filter(Boolean);
const workerEvents = benchNumber('BENCH_WORKER_EVENTS', 1_000_000, { min: 0 });
const timeoutSeconds = benchNumber('BENCH_TIMEOUT_S', 7200);
console.log(
  `bench:rebuild-offline  syntheticEventPages(seed ${SEED}), users = events/10, items = syntheticCatalogSize (events/20 to 1M events, then 50,000 x sqrt(events/1M)); DuckDB memory_limit ${memoryLimit} (Node's heap cap ${heapCapSet([], env.NODE_OPTIONS) ? 'from NODE_OPTIONS' : `${heapCapMB(parseBytes(memoryLimit))} MiB`}), threads ${env.BENCH_THREADS ?? 2}; both publish to ${storeKind}; one fresh child per row\n`,
);
const rows: Figures[] = [];
if (workerEvents) {
  const row = await run('worker', workerEvents);
  if (row) rows.push(row);
}
for (const size of sizes) {
  const row = await run('offline', size);
  if (row) rows.push(row);
}
const baseline = rows.find((r) => r.kind === 'worker');
console.log(
  '\nrebuild                      events     items   load s  rebuild s      events/s   x Worker    CPU s   events/CPU s   x Worker   peak RSS MB   maxRSS MB   spilled MB   keys',
);
for (const r of rows) {
  const rate = r.events / r.seconds;
  const ratio = baseline ? fmt(rate / (baseline.events / baseline.seconds), 1) : '-';
  const cpuRate = r.events / r.cpuSeconds;
  const cpuRatio = baseline ? fmt(cpuRate / (baseline.events / baseline.cpuSeconds), 1) : '-';
  const workers = r.profileWorkerPeakRssMB?.length;
  const label = r.kind === 'worker' ? 'Worker (runRebuild, D1 pages)' : workers ? `offline, ${workers} profile workers` : 'offline (DuckDB, archive)';
  console.log(
    `${label.padEnd(28)} ${String(r.events).padStart(9)} ${String(r.items).padStart(9)} ${fmt(r.loadSeconds).padStart(8)} ${fmt(r.seconds).padStart(10)} ${Math.round(rate).toLocaleString('en-US').padStart(13)} ${ratio.padStart(10)} ${fmt(r.cpuSeconds).padStart(8)} ${Math.round(cpuRate).toLocaleString('en-US').padStart(14)} ${cpuRatio.padStart(10)} ${fmt(r.peakRssMB, 0).padStart(13)} ${fmt(r.maxRssMB, 0).padStart(11)} ${fmt(r.spilledMB, 0).padStart(12)} ${String(r.keysWritten).padStart(6)}`,
  );
}
for (const r of rows) if (Object.keys(r.phases).length) console.log(`phases ${r.kind} ${r.events}: ${JSON.stringify(r.phases)}`);
for (const r of rows) {
  if (r.phaseCpu && Object.keys(r.phaseCpu).length) console.log(`CPU s by phase ${r.kind} ${r.events}: ${JSON.stringify(r.phaseCpu)}`);
  if (r.phasePeaks && Object.keys(r.phasePeaks).length) console.log(`peak RSS MB by phase ${r.kind} ${r.events}: ${JSON.stringify(r.phasePeaks)}`);
  if (r.tables && Object.keys(r.tables).length) console.log(`tables (keys digest) ${r.kind} ${r.events}: ${JSON.stringify(r.tables)}`);
}

/**
 * One row in a fresh child. The row's redis-server is this process's, not the child's: a child
 * killed by the timeout or by V8 running out of heap runs no exit handler, and would leave it behind.
 */
async function run(kind: 'offline' | 'worker', events: number): Promise<Figures | undefined> {
  console.error(`running ${kind} at ${events.toLocaleString('en-US')} events...`);
  const redis = storeKind === 'redis' ? await startRedisServer() : undefined;
  try {
    return measure(kind, events, redis ? { ...env, BENCH_REDIS_PORT: String(redis.port) } : env);
  } finally {
    await redis?.close();
  }
}

function measure(kind: 'offline' | 'worker', events: number, env: NodeJS.ProcessEnv): Figures | undefined {
  // As the CLI runs the job: Node's heap capped from the memory limit (memory-budget.ts), unless NODE_OPTIONS sets a cap.
  const heap = kind === 'offline' && !heapCapSet([], env.NODE_OPTIONS) ? [`--max-old-space-size=${heapCapMB(parseBytes(memoryLimit))}`] : [];
  const result = spawnSync(process.execPath, [...heap, path.join(import.meta.dirname, 'rebuild-offline.ts'), 'child', kind, String(events)], {
    cwd: ROOT,
    // As the job's image and npm script run it: its allocator settings (src/offline/README.md, memory).
    env: kind === 'offline' ? withAllocatorEnv(env) : env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
    timeout: timeoutSeconds * 1000,
    killSignal: 'SIGKILL',
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) {
    console.log(
      `${kind} at ${events} events did not finish (${result.signal ? `killed after ${timeoutSeconds} s` : `exit ${result.status}`}):\n${result.stdout.slice(-2000)}`,
    );
    return undefined;
  }
  const figures = JSON.parse(line.slice(7)) as Figures;
  console.error(
    `  ${kind} ${events}: ${fmt(figures.seconds)} s (CPU ${fmt(figures.cpuSeconds)} s), peak ${fmt(figures.peakRssMB, 0)} MB${figures.profileWorkerPeakRssMB ? ` (profile workers' peaks ${figures.profileWorkerPeakRssMB.join(', ')} MB)` : ''}, spilled ${fmt(figures.spilledMB, 0)} MB ${JSON.stringify(figures.phases)}`,
  );
  return figures;
}

async function child(kind: 'offline' | 'worker', events: number): Promise<Figures> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'bench-offline-'));
  const persistTo = path.join(scratch, 'state');
  const redisPort = storeKind === 'redis' ? benchNumber('BENCH_REDIS_PORT', 0) : 0;
  if (storeKind === 'redis' && !redisPort) throw new Error('a child runs on the redis-server its parent started (BENCH_REDIS_PORT)');
  const proxy = redisPort ? await startUpstashProxy({ redisPort, token: randomUUID(), port: benchNumber('BENCH_PORT', 8861) }) : undefined;
  let local: LocalBindings | undefined;
  try {
    local = await openLocalBindings(persistTo);
    await applyMigrations(local.d1, path.join(ROOT, 'migrations'));
    const archive =
      kind === 'offline' ? (env.BENCH_ARCHIVE_DIR ? path.join(env.BENCH_ARCHIVE_DIR, `syn-seed${SEED}-${events}`) : path.join(scratch, 'archive')) : '';
    const loadStart = performance.now();
    let input: SyntheticInput;
    if (kind === 'worker') {
      await local.dispose();
      local = undefined;
      input = await loadD1File(persistTo, events);
    } else input = await cachedArchive(archive, events);
    const loadSeconds = input.cachedSeconds ?? (performance.now() - loadStart) / 1000;
    local ??= await openLocalBindings(persistTo);
    console.error(
      `    ${kind === 'worker' ? "D1's SQLite file loaded" : input.cachedSeconds ? 'archive reused' : 'archive written'}: ${events} events, ${input.items} items in ${fmt(loadSeconds)} s${kind === 'worker' ? '' : ` (${fmt(directoryMB(archive), 0)} MB)`}`,
    );
    const now = input.newest + 60_000;
    const config = { ...rebuildConfig({ REBUILD_SELECTION: 'off' }), windowDays: Math.ceil((input.newest - input.oldest) / DAY) + 2 };
    const db = openDatabase(local.d1);
    const published: TableStore = proxy ? redisTableStore({ url: proxy.url, token: proxy.token }) : kvTableStore(local.kv);
    const tables: Record<string, TableDigest> = {};
    const store = env.BENCH_DIGEST === '1' ? digestingStore(published, tables) : published;
    resetPeak();
    const cpuStart = treeCpuSeconds(process.pid);
    let cpuAtPhase = cpuStart;
    const start = performance.now();
    let keysWritten = 0;
    let spilled = 0;
    let workerPeaks: number[] | undefined;
    const phases: Record<string, number> = {};
    const phasePeaks: Record<string, number> = {};
    const phaseCpu: Record<string, number> = {};
    const trace = env.BENCH_MEMORY_TRACE_S ? setInterval(traceMemory, Number(env.BENCH_MEMORY_TRACE_S) * 1000, start) : undefined;
    if (kind === 'worker') {
      const outcome = await runRebuild({ db, store, config, extensions: [searchIndexTables] }, 'bench', now);
      if (outcome.status !== 'published') throw new Error(`worker rebuild ${outcome.status}: ${outcome.error}`);
      keysWritten = outcome.stats.keysWritten as number;
    } else {
      const engine = await openEngine({
        memoryLimit,
        threads: benchNumber('BENCH_THREADS', 2),
        tempDirectory: path.join(scratch, 'spill'),
      });
      const outcome = await rebuildOffline({ db, store, config, extensions: [searchIndexTables] }, engine, archiveGlobs(archive), {
        now,
        catalogFrom: 'archive',
        profileWorkers: benchNumber('BENCH_PROFILE_WORKERS', 1),
        onPhase: (name, ms, m) => {
          phases[name] = Math.round((phases[name] ?? 0) * 10 + ms / 100) / 10;
          phasePeaks[name] = Math.max(phasePeaks[name] ?? 0, m.rssPeakMB);
          const cpu = treeCpuSeconds(process.pid);
          phaseCpu[name] = Math.round(((phaseCpu[name] ?? 0) + cpu - cpuAtPhase) * 10) / 10;
          cpuAtPhase = cpu;
          console.error(
            `    ${name} ${phases[name]} s (RSS ${m.rssMB} MB, peak in phase ${m.rssPeakMB}, process peak ${Math.round(statusKB('VmHWM') / 1024)}; heap ${m.heapMB} of ${m.heapTotalMB} committed, external ${m.externalMB}; DuckDB ${m.duckdbMB}, peak in phase ${m.duckdbPeakMB} of ${m.duckdbLimitMB}; spilled ${Math.round(engine.spilledBytes() / 2 ** 20)} MB)`,
          );
        },
      });
      if (outcome.status !== 'published') throw new Error(`offline rebuild ${outcome.status}: ${outcome.error}`);
      keysWritten = outcome.stats.keysWritten as number;
      workerPeaks = outcome.stats.profileWorkerPeakRssMB as number[] | undefined;
      spilled = engine.spilledBytes();
      engine.close();
    }
    clearInterval(trace);
    const seconds = (performance.now() - start) / 1000;
    const cpuSeconds = treeCpuSeconds(process.pid) - cpuStart;
    return {
      kind,
      events,
      items: input.items,
      loadSeconds,
      seconds,
      peakRssMB: statusKB('VmHWM') / 1024,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      spilledMB: spilled / 2 ** 20,
      keysWritten,
      cpuSeconds,
      phases,
      phasePeaks,
      phaseCpu,
      ...(workerPeaks ? { profileWorkerPeakRssMB: workerPeaks } : {}),
      tables: Object.fromEntries(Object.entries(tables).map(([table, d]) => [table, `${d.keys} ${d.digest.toString('hex').slice(0, 16)}`])),
    };
  } finally {
    await proxy?.close();
    await local?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
}

interface TableDigest {
  keys: number;
  digest: Buffer;
}

/** `store`, counting the keys each table is written and folding each key and value into the table's digest. */
function digestingStore(store: TableStore, tables: Record<string, TableDigest>): TableStore {
  return {
    kind: store.kind,
    getMany: (keys) => store.getMany(keys),
    deleteMany: (keys) => store.deleteMany(keys),
    async putMany(entries) {
      for (const { key, value } of entries) {
        const [, , table = key] = key.split(':');
        const digest = (tables[table] ??= { keys: 0, digest: Buffer.alloc(20) });
        digest.keys++;
        const hash = createHash('sha1')
          .update(key.slice(key.indexOf(':', 2)))
          .update('\n')
          .update(value)
          .digest();
        for (let b = 0; b < 20; b++) digest.digest[b]! ^= hash[b]!;
      }
      return store.putMany(entries);
    },
  };
}

/** What the inputs of a row hold: the log's time span, the catalog size, and (for a reused archive) how long it took to write. */
interface SyntheticInput {
  oldest: number;
  newest: number;
  items: number;
  cachedSeconds?: number;
}

/**
 * The archive of the synthetic log at `dir` with its catalog snapshot: reused when a previous
 * run finished it (BENCH_ARCHIVE_DIR; `input.json` is written last), else written.
 */
async function cachedArchive(dir: string, events: number): Promise<SyntheticInput> {
  const marker = path.join(dir, 'input.json');
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, 'utf8')) as SyntheticInput;
  rmSync(dir, { recursive: true, force: true });
  const started = performance.now();
  const span = await writeArchive(dir, events);
  const at = span.newest + 60_000;
  const { items } = await writeCatalogSnapshot(dirArchiveBucket(dir), syntheticCatalogPages(events, at), at);
  writeFileSync(marker, JSON.stringify({ ...span, items, cachedSeconds: (performance.now() - started) / 1000 }));
  return { ...span, items };
}

/** The synthetic catalog (syntheticItems) as catalog pages of 10,000 items, written at `at`. */
function syntheticCatalogPages(events: number, at: number): CatalogPages {
  return async function* () {
    const all = syntheticItems(events);
    for (let i = 0; i < all.length; i += 10_000)
      yield all.slice(i, i + 10_000).map((item): Item => ({ ...item, price: null, available: true, url: null, image: null, attributes: {}, updatedAt: at }));
  };
}

function directoryMB(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) bytes += statSync(path.join(entry.parentPath, entry.name)).size;
  return bytes / 2 ** 20;
}

/** BENCH_MEMORY_TRACE_S: the resident set, its peak and Node's heap every so many seconds (where a peak falls between phase ends). */
function traceMemory(start: number): void {
  const m = process.memoryUsage();
  console.error(
    `      [${fmt((performance.now() - start) / 1000, 0)} s] RSS ${Math.round(m.rss / 2 ** 20)} MB, peak ${Math.round(statusKB('VmHWM') / 1024)}, heap ${Math.round(m.heapUsed / 2 ** 20)}, external ${Math.round(m.external / 2 ** 20)}`,
  );
}

/** A figure of /proc/self/status in kB (VmHWM: the peak resident set since the last reset). */
function statusKB(field: string): number {
  const match = readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return match ? Number(match[1]) : 0;
}

/** Resets VmHWM to the current resident set (writing 5 to clear_refs), so the peak is the rebuild's own. */
function resetPeak(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not permitted: the peak then includes the load.
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

/**
 * Writes the archive page by page, one gzip object per hour partition of a page (the archiver's
 * layout); gzip runs on libuv's threads, up to 8 objects in flight, while the next page is made.
 */
async function writeArchive(dir: string, events: number): Promise<{ oldest: number; newest: number }> {
  const gzipAsync = promisify(gzip);
  let oldest = Infinity;
  let newest = -Infinity;
  const inFlight = new Set<Promise<void>>();
  for (const page of archivedPages(events)) {
    const partitions = new Map<string, string[]>();
    const bounds = new Map<string, [number, number]>();
    oldest = Math.min(oldest, page[0]!.ts);
    newest = Math.max(newest, page[page.length - 1]!.ts);
    for (const e of page) {
      const key = partitionOf(e.ts);
      const lines = partitions.get(key);
      if (lines) lines.push(JSON.stringify(e));
      else partitions.set(key, [JSON.stringify(e)]);
      bounds.set(key, [bounds.get(key)?.[0] ?? e.seq, e.seq]);
    }
    for (const [partition, lines] of partitions) {
      const [from, to] = bounds.get(partition)!;
      const file = path.join(dir, eventObjectKey(partition, from, to));
      const job = (async () => {
        const bytes = await gzipAsync(lines.join('\n') + '\n', { level: 1 });
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, bytes);
      })();
      inFlight.add(job);
      void job.finally(() => inFlight.delete(job));
      if (inFlight.size >= 8) await Promise.race(inFlight);
    }
  }
  await Promise.all(inFlight);
  return { oldest, newest };
}

/**
 * Loads the synthetic log and its catalog straight into the SQLite file of miniflare's local D1
 * under `persistTo` (migrated, and closed by miniflare meanwhile) with node:sqlite, one
 * transaction per page: the same rows and indexes the Worker rebuild then reads through the D1
 * binding, without a million statements over miniflare's loopback (which dropped connections).
 */
async function loadD1File(persistTo: string, events: number): Promise<SyntheticInput> {
  const dir = path.join(persistTo, 'd1');
  const file = readdirSync(dir, { recursive: true, withFileTypes: true }).find((f) => f.isFile() && f.name.endsWith('.sqlite') && f.name !== 'metadata.sqlite');
  if (!file) throw new Error(`no local D1 database under ${dir}`);
  const emitWarning = process.emitWarning;
  process.emitWarning = (() => undefined) as typeof process.emitWarning;
  const { DatabaseSync } = await import('node:sqlite').finally(() => (process.emitWarning = emitWarning));
  const sqlite = new DatabaseSync(path.join(file.parentPath, file.name));
  let oldest = Infinity;
  let newest = -Infinity;
  try {
    // A bulk load: a big page cache, no fsync (a scratch copy), and the events' secondary indexes
    // dropped during the load and created again after it from their own DDL (one sort each).
    sqlite.exec('PRAGMA cache_size = -262144; PRAGMA synchronous = OFF');
    const indexes = sqlite.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL").all() as {
      name: string;
      sql: string;
    }[];
    for (const { name } of indexes) sqlite.exec(`DROP INDEX "${name}"`);
    const insertEvent = sqlite.prepare('INSERT INTO events (seq, id, type, user_id, item_id, ts, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const page of archivedPages(events)) {
      sqlite.exec('BEGIN');
      for (const e of page) insertEvent.run(e.seq, e.id, e.type, e.user_id, e.item_id, e.ts, e.received_at);
      sqlite.exec('COMMIT');
      oldest = Math.min(oldest, page[0]!.ts);
      newest = Math.max(newest, page[page.length - 1]!.ts);
    }
    for (const { sql } of indexes) sqlite.exec(sql);
    const insertItem = sqlite.prepare(
      'INSERT INTO items (id, title, categories, price, available, url, image, attributes, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    let items = 0;
    for await (const page of syntheticCatalogPages(events, newest + 60_000)()) {
      sqlite.exec('BEGIN');
      for (const r of page.map(snapshotRow)) insertItem.run(r.id, r.title, r.categories, r.price, r.available, r.url, r.image, r.attributes, r.updated_at);
      sqlite.exec('COMMIT');
      items += page.length;
    }
    return { oldest, newest, items };
  } finally {
    sqlite.close();
  }
}

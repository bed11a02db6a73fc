/**
 * `npm run bench:offline-events -- <archive dir>`: the offline rebuild's events step alone
 * (src/offline/events-step.ts: each id once, tombstones, the window, one group of hour partitions
 * at a time) over an archive directory, at DuckDB's memory limit BENCH_MEMORY_LIMIT (default 1GB)
 * and BENCH_THREADS (default 2), spilling under BENCH_TEMP_DIR (default a scratch folder under the
 * OS temp dir). BENCH_EVENTS_PER_GROUP=0 deduplicates the whole archive in one group (the old
 * plan). Prints seconds, rows kept, groups, peak resident memory (VmHWM) and the spill's high-water
 * mark. Reads the archive only.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { archiveGlobs } from '../offline/dir-bucket.ts';
import { openEngine } from '../offline/engine.ts';
import { loadWindowEvents } from '../offline/events-step.ts';

const archive = process.argv[2];
if (!archive) throw new Error('usage: npm run bench:offline-events -- <archive dir>');
const env = process.env;
const temp = env.BENCH_TEMP_DIR ?? mkdtempSync(path.join(tmpdir(), 'events-step-'));
const spill = path.join(temp, 'spill');
mkdirSync(temp, { recursive: true });
const engine = await openEngine({ memoryLimit: env.BENCH_MEMORY_LIMIT ?? '1GB', threads: Number(env.BENCH_THREADS ?? 2), tempDirectory: spill });
const perGroup = env.BENCH_EVENTS_PER_GROUP === undefined ? undefined : Number(env.BENCH_EVENTS_PER_GROUP) || Number.MAX_SAFE_INTEGER;
const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
try {
  const { groups, objects } = await loadWindowEvents(engine, {
    eventsGlob: archiveGlobs(archive).events,
    tombstonesGlob: archiveGlobs(archive).tombstones,
    sinceTs: 0,
    rowsPerGroup: perGroup,
    onGroup: (done, total) => console.log(`  group ${done}/${total} at ${seconds()} s, RSS ${statusMB('VmRSS')} MB, spilled ${mb(engine.spilledBytes())} MB`),
  });
  const [{ rows } = { rows: 0 }] = await engine.all<{ rows: number }>('SELECT count(*)::DOUBLE AS rows FROM window_events');
  console.log(
    `events step: ${seconds()} s, ${rows} rows, ${groups} groups of ${objects} objects, peak RSS ${statusMB('VmHWM')} MB, spilled ${mb(engine.spilledBytes())} MB`,
  );
} finally {
  engine.close();
  if (!env.BENCH_TEMP_DIR) rmSync(temp, { recursive: true, force: true });
}

function statusMB(field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : 0;
}

function mb(bytes: number): number {
  return Math.round(bytes / 1e6);
}

/**
 * `npm run bench:rebuild`: the rebuild end to end on the local stack (wrangler dev, local D1
 * and KV, the emulated Queue). For each real data set (MovieLens 100K, the Taobao files, the
 * Online Retail sample, read in place from ../shared/data) and for a seeded synthetic
 * power-law log of 1M events: a scratch D1/KV, the catalog and the events loaded through the
 * API, then `POST /v1/admin/rebuild` (the run is queued; it is followed on `GET /v1/admin/rebuilds` until
 * published). Prints events/s loaded through the API (the baseline of the same run) and
 * rebuilt, the ratio of the two, store operations, bytes written (by table, from the local
 * KV), and the resident memory of the workerd process (idle after loading, and its peak
 * during the rebuild). Every wait is bounded; wrangler is stopped and the scratch folders
 * removed at the end (KEEP=1 keeps them).
 *
 *   npm run bench:rebuild
 *   BENCH_SETS=movielens BENCH_SYNTHETIC=0 npm run bench:rebuild    # one real set only
 *   BENCH_SETS= BENCH_SYNTHETIC=200000 BENCH_PARTS=4 npm run bench:rebuild
 *
 * Each repeat rebuilds twice on the same loaded data: with the model selection (the default)
 * and without it (`POST /v1/admin/rebuild?selection=off`), so the selection's time and memory
 * are read against a baseline of the same run (BENCH_SELECTION_OFF=0 skips the baseline).
 * BENCH_SPLIT_PARTS=N adds, to each repeat, the same two rebuilds split into N parts on the queue
 * (`?parts=N`), and the set's usual rebuilds run in one invocation (`?parts=1`): split vs single
 * and selection on vs off, alternated on the same loaded data. BENCH_CONTENT_OFF=1 adds, to each
 * repeat, a rebuild whose selection leaves the content blends out (`?content=off`): content on vs
 * off in the same run (the content index of the catalog, its candidates, the blended rows).
 *
 *   BENCH_SETS=movielens BENCH_SYNTHETIC=0 BENCH_SPLIT_PARTS=4 npm run bench:rebuild
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type EngineClient, engineClient } from '../cli/engine-client.ts';
import { ROOT, ensureDevVars, migrateLocal, queryLocalD1, type Keys, type LocalStack, scratchState } from '../cli/local-stack.ts';
import { fmt, median, benchNumber } from './measure.ts';
import { type ApiEvent, type ApiItem, REAL_SETS, realSet, syntheticApiPages, syntheticItems, syntheticSpan } from './rebuild-data.ts';
import { kvTableSizes, type TableSizes } from './rebuild-kv.ts';
import { findWorkerd, memory, resetPeak, rssSampler, runtimeWorkerd } from './rebuild-proc.ts';
import { type Snapshot, snapshotSources, startSnapshotStack } from './rebuild-stack.ts';

const env = process.env;
const SETS = (env.BENCH_SETS ?? REAL_SETS.join(','))
  .split(',')
  .map((s: string) => s.trim())
  .filter(Boolean);
const SYNTHETIC = benchNumber('BENCH_SYNTHETIC', 1_000_000, { min: 0 });
const REPEATS = Math.max(1, benchNumber('BENCH_REPEATS', 3));
const SYNTHETIC_REPEATS = Math.max(1, benchNumber('BENCH_SYNTHETIC_REPEATS', 1));
/** `REBUILD_PARTS` of the synthetic run (`auto`: planParts decides). The real sets keep `auto`. */
const PARTS = env.BENCH_PARTS ?? 'auto';
const PORT = benchNumber('PORT', 8795);
const KEEP = env.KEEP === '1';
/** Bounds: loading the synthetic log, one rebuild (including its queued parts). */
const LOAD_MAX_S = benchNumber('BENCH_LOAD_MAX_S', 900);
const REBUILD_MAX_S = benchNumber('BENCH_REBUILD_MAX_S', 1500);
const SEED = 7;
const SELECTION_BASELINE = env.BENCH_SELECTION_OFF !== '0';
/** Parts of the split rebuilds compared with single ones in the same run; 0: no comparison. */
const SPLIT_PARTS = benchNumber('BENCH_SPLIT_PARTS', 0, { min: 0 });
/** Each repeat also rebuilds with the selection but without its content candidates (`?content=off`). */
const CONTENT_BASELINE = env.BENCH_CONTENT_OFF === '1';
const BATCH = 1000;
const IN_FLIGHT = 2;
const CHUNK = 50_000;
/** KV's limit per invocation (PLATFORM.md) and the rebuild's default page size, to annotate the parts. */
const KV_OPS_PER_INVOCATION = 1000;
const PAGE_SIZE = 5000;

interface RebuildStats {
  events: number;
  users: number;
  items: number;
  neighbourPairs: number;
  togetherPairs: number;
  keysWritten: number;
  bytesWritten: number;
  storeOperations: number;
  parts: number;
  shards: Record<string, number>;
  selection?: { winner: string; shoppers: number; ms: number; candidates: unknown[] };
  content?: { items: number; features: number; postings: number; ms: number };
  contentRows?: number;
}

interface Run {
  version: string;
  status: string;
  durationMs: number | null;
  stats: RebuildStats & { window?: unknown };
  error: string | null;
}

interface RebuildResult {
  version: string;
  status: string;
  split: boolean;
  /** finishedAt - startedAt as the engine records it. */
  durationMs: number;
  /** From sending the POST to seeing the final status. */
  wallMs: number;
  stats: RebuildStats;
  peakMB: number;
  sampledPeakMB: number;
  /** workerd restarted during the run (wrangler dev reloads on file changes): its figures do not count. */
  restarted: boolean;
  /** Whether the run selected the model (`off`: the baseline without selection; `no-content`: selected without the content candidates). */
  selection: Selection;
  /** Parts asked for with `?parts=` (BENCH_SPLIT_PARTS); absent: the configured REBUILD_PARTS. */
  parts?: number;
  error?: string;
}

interface SetReport {
  name: string;
  source: string;
  events: number;
  catalog: number;
  spanDays: number;
  windowDays: number;
  parts: string;
  loadItemsS: number;
  loadEventsS: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  /** Pid of the workerd that runs the Worker. */
  workerd: number;
  restarts: number;
  restartedWhileLoading: boolean;
  /** Peak RSS of the other workerd (wrangler's proxy on the public port), for reference. */
  proxyMB: number[];
  startMB: number;
  loadPeakMB: number;
  idleMB: number;
  peakResetOk: boolean;
  rebuilds: RebuildResult[];
  partRows: { part: number; stats: Record<string, number>; doneAt: number }[];
  tables?: TableSizes;
}

/** An error with its cause chain (undici's "fetch failed" hides the reason in `cause`). */
const describe = (err: unknown): string =>
  err instanceof Error ? `${err.stack ?? err.message}${err.cause ? `\n  cause: ${describe(err.cause)}` : ''}` : String(err);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const num = (n: number, decimals = 0) => n.toLocaleString('en', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
const mb = (bytes: number) => fmt(bytes / 1048576, 2);

/** Network-level retries (idempotent requests only), counted for the report. */
let retries = 0;
async function retrying<T>(what: string, task: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await task();
    } catch (err) {
      const network = err instanceof TypeError && err.message === 'fetch failed';
      if (!network || attempt >= attempts) throw err;
      retries++;
      console.error(
        `  ${what}: ${describe(err)
          .split('\n')
          .filter((l) => l.includes('cause') || l.startsWith('TypeError'))
          .join(' / ')}; retry ${attempt}`,
      );
      await sleep(500 * attempt);
    }
  }
}

/** Sends events in chunks (keeps memory flat for 1M); stops at the time bound. */
async function loadEvents(engine: EngineClient, keys: Keys, chunks: Iterable<ApiEvent[]>, total: number, label: string) {
  const totals = { accepted: 0, duplicates: 0, rejected: 0 };
  const started = performance.now();
  let sent = 0;
  let lastNote = started;
  for (const chunk of chunks) {
    // A dropped keep-alive connection ("fetch failed: other side closed") loses a batch's answer: the chunk is
    // sent again; the engine de-duplicates by event id, so nothing is stored twice and `accepted` stays exact.
    const r = await retrying(`${label} events`, () => engine.postEvents(chunk, keys.ingest, { batchSize: BATCH, concurrency: IN_FLIGHT }));
    totals.accepted += r.accepted;
    totals.duplicates += r.duplicates;
    totals.rejected += r.rejected;
    sent += chunk.length;
    const elapsed = (performance.now() - started) / 1000;
    if (performance.now() - lastNote > 30_000 && sent < total) {
      lastNote = performance.now();
      console.error(`  ${label}: ${num(sent)} / ${num(total)} events loaded (${fmt(elapsed)} s, ${num(sent / elapsed)} events/s)`);
    }
    if (elapsed > LOAD_MAX_S && sent < total)
      throw new Error(`${label}: loading stopped at ${num(sent)} of ${num(total)} events after ${fmt(elapsed)} s (BENCH_LOAD_MAX_S=${LOAD_MAX_S})`);
  }
  return { ...totals, seconds: (performance.now() - started) / 1000 };
}

function* chunked<T>(list: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < list.length; i += size) yield list.slice(i, i + size);
}

function* regroup<T>(pages: Iterable<T[]>, size: number): Generator<T[]> {
  let out: T[] = [];
  for (const page of pages) {
    out.push(...page);
    if (out.length >= size) {
      yield out;
      out = [];
    }
  }
  if (out.length) yield out;
}

/**
 * The runtime workerd of a wrangler dev, re-found when it goes away: wrangler dev watches the
 * sources and restarts workerd when a file changes (other people edit this repo), which would
 * otherwise make the memory figures silently wrong. Restarts are counted and reported.
 */
function workerdTracker(root: number, port: number) {
  const seen = new Set<number>();
  const find = () => {
    const found = findWorkerd(root);
    for (const p of found) seen.add(p.pid);
    return { runtime: runtimeWorkerd(found, port)?.pid, others: found.map((p) => p.pid) };
  };
  let { runtime, others } = find();
  if (runtime === undefined) throw new Error(`no workerd process found below wrangler (pid ${root})`);
  let pid: number = runtime;
  let restarts = 0;
  return {
    get pid() {
      return pid;
    },
    get restarts() {
      return restarts;
    },
    /** Every workerd pid seen, to make sure none outlives the bench. */
    seen: () => [...seen],
    proxies: () => others.filter((p) => p !== pid),
    /** True when the same runtime process is still alive; otherwise re-finds it and counts a restart. */
    check(): boolean {
      if (existsSync(`/proc/${pid}/status`)) return true;
      ({ runtime, others } = find());
      if (runtime !== undefined) pid = runtime;
      restarts++;
      return false;
    },
  };
}

type Tracker = ReturnType<typeof workerdTracker>;
type Selection = 'on' | 'off' | 'no-content';

/** One rebuild through the admin API, followed until its version is final; memory of workerd around it. */
async function rebuildOnce(engine: EngineClient, keys: Keys, workerd: Tracker, selection: Selection, parts?: number): Promise<RebuildResult> {
  workerd.check();
  const pid = workerd.pid;
  resetPeak(pid);
  const sampler = rssSampler(pid);
  const started = performance.now();
  const deadline = Date.now() + REBUILD_MAX_S * 1000;
  try {
    const query = new URLSearchParams({
      ...(selection === 'off' ? { selection } : {}),
      ...(selection === 'no-content' ? { content: 'off' } : {}),
      ...(parts ? { parts: String(parts) } : {}),
    }).toString();
    const outcome = await engine.request<{ version: string; status: string; error?: string }>(
      'POST',
      `/v1/admin/rebuild${query ? `?${query}` : ''}`,
      keys.admin,
    );
    let run: Run | undefined;
    for (;;) {
      const { runs } = await retrying('GET /v1/admin/rebuilds', () => engine.request<{ runs: Run[] }>('GET', '/v1/admin/rebuilds?limit=100', keys.admin));
      run = runs.find((r) => r.version === outcome.version);
      if (run && !['queued', 'starting', 'split', 'running'].includes(run.status)) break;
      if (Date.now() > deadline)
        throw new Error(`rebuild ${outcome.version} still ${run?.status ?? 'unlisted'} after ${REBUILD_MAX_S} s (BENCH_REBUILD_MAX_S)`);
      await sleep(run?.status === 'split' ? 1000 : 200);
    }
    const split = Number(run.stats.parts ?? 1) > 1;
    const wallMs = performance.now() - started;
    const sampledPeakMB = sampler.stop();
    const restarted = !workerd.check();
    return {
      version: outcome.version,
      status: run.status,
      split,
      durationMs: run.durationMs ?? wallMs,
      wallMs,
      stats: run.stats,
      peakMB: restarted ? NaN : memory(pid).peakMB,
      sampledPeakMB,
      restarted,
      selection,
      ...(parts ? { parts } : {}),
      ...(run.error ? { error: run.error } : {}),
    };
  } finally {
    sampler.stop();
  }
}

/** Loads one set into a fresh scratch D1/KV, rebuilds `repeats` times, stops the stack. */
async function benchSet(
  snapshot: Snapshot,
  index: number,
  name: string,
  source: string,
  catalog: ApiItem[],
  events: { total: number; chunks: () => Iterable<ApiEvent[]> },
  spanDays: number,
  parts: string,
  repeats: number,
): Promise<SetReport> {
  const { keys } = ensureDevVars();
  mkdirSync(path.join(ROOT, '.wrangler'), { recursive: true });
  const scratch = scratchState(`bench-rebuild-${name}-`);
  const windowDays = Math.ceil(spanDays) + 2;
  let stack: LocalStack | undefined;
  let workerd: Tracker | undefined;
  try {
    migrateLocal(scratch);
    stack = await startSnapshotStack(snapshot, {
      port: PORT + index,
      persistTo: scratch,
      vars: { REBUILD_WINDOW_DAYS: String(windowDays), REBUILD_PARTS: parts },
      verbose: env.VERBOSE === '1',
    });
    workerd = workerdTracker(stack.process.pid!, PORT + index);
    const startMB = memory(workerd.pid).rssMB;
    const engine = engineClient(stack.url);
    const t0 = performance.now();
    await engine.putItems(catalog, keys.admin);
    const loadItemsS = (performance.now() - t0) / 1000;
    const loaded = await loadEvents(engine, keys, events.chunks(), events.total, name);
    await sleep(1000);
    const restartedWhileLoading = !workerd.check();
    const afterLoad = memory(workerd.pid);
    const peakResetOk = resetPeak(workerd.pid);
    await sleep(500);
    const idleMB = memory(workerd.pid).rssMB;
    const rebuilds: RebuildResult[] = [];
    // A run during which workerd restarted does not count; one extra run replaces it.
    const single = SPLIT_PARTS > 0 ? 1 : undefined;
    for (let r = 0, extra = 1; r < repeats; r++) {
      const result = await rebuildOnce(engine, keys, workerd, 'on', single);
      rebuilds.push(result);
      if (result.restarted && extra-- > 0) r--;
      else if (result.status !== 'published') break;
      else {
        const more: Array<[Selection, number | undefined]> = [
          ...(SELECTION_BASELINE ? [['off', single] as ['off', number | undefined]] : []),
          ...(CONTENT_BASELINE ? [['no-content', single] as ['no-content', number | undefined]] : []),
          ...(SPLIT_PARTS > 0 ? [['on', SPLIT_PARTS] as ['on', number]] : []),
          ...(SPLIT_PARTS > 0 && SELECTION_BASELINE ? [['off', SPLIT_PARTS] as ['off', number]] : []),
        ];
        let failedRun = false;
        for (const [selection, parts] of more) {
          const run = await rebuildOnce(engine, keys, workerd, selection, parts);
          rebuilds.push(run);
          if ((failedRun = run.status !== 'published')) break;
        }
        if (failedRun) break;
      }
    }
    const proxyMB = workerd.proxies().map((p) => (existsSync(`/proc/${p}/status`) ? memory(p).peakMB : NaN));
    await stack.stop();
    stack = undefined;
    const last = rebuilds[rebuilds.length - 1];
    const partRows = last?.split
      ? queryLocalD1<{ part: number; stats: string; done_at: number }>(
          `SELECT part, stats, done_at FROM rebuild_parts WHERE version = '${last.version}' ORDER BY part`,
          scratch,
        ).map((row) => ({
          part: row.part,
          stats: JSON.parse(row.stats) as Record<string, number>,
          doneAt: row.done_at,
        }))
      : [];
    const tables = last?.status === 'published' ? await kvTableSizes(scratch, last.version) : undefined;
    return {
      name,
      source,
      events: events.total,
      catalog: catalog.length,
      spanDays,
      windowDays,
      parts,
      loadItemsS,
      loadEventsS: loaded.seconds,
      accepted: loaded.accepted,
      rejected: loaded.rejected,
      duplicates: loaded.duplicates,
      workerd: workerd.pid,
      restarts: workerd.restarts,
      restartedWhileLoading,
      proxyMB,
      startMB,
      loadPeakMB: afterLoad.peakMB,
      idleMB,
      peakResetOk,
      rebuilds,
      partRows,
      ...(tables ? { tables } : {}),
    };
  } finally {
    if (stack) await stack.stop();
    await sleep(500);
    for (const pid of workerd?.seen() ?? []) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('workerd')) process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    if (KEEP) console.error(`  kept ${path.relative(ROOT, scratch)}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}

function printReport(r: SetReport): string[] {
  const out: string[] = [];
  const loadRate = r.accepted / r.loadEventsS;
  out.push(`${r.name}: ${r.source}`);
  out.push(
    `  data       ${num(r.events)} events, ${num(r.catalog)} catalog items; span ${fmt(r.spanDays)} days, shifted to end 1 min ago; REBUILD_WINDOW_DAYS=${r.windowDays}, REBUILD_PARTS=${r.parts}`,
  );
  out.push(
    `  load       catalog ${fmt(r.loadItemsS, 2)} s; events ${fmt(r.loadEventsS)} s = ${num(loadRate)} events/s through POST /v1/events (batches of ${BATCH}, ${IN_FLIGHT} in flight); accepted ${num(r.accepted)}, duplicates ${num(r.duplicates)}, rejected ${num(r.rejected)}`,
  );
  if (r.restarts)
    out.push(
      `  WARNING    workerd restarted ${r.restarts}x (wrangler dev reloads when a source file changes)${r.restartedWhileLoading ? ', once while loading: the idle/loading memory figures are of the new process' : ''}`,
    );
  const counted = (selection: Selection, split: boolean) =>
    r.rebuilds.filter((b) => b.status === 'published' && !b.restarted && b.selection === selection && (b.parts !== undefined && b.parts > 1) === split);
  const ok = counted('on', false);
  const baseline = counted('off', false);
  for (const b of r.rebuilds) {
    if (b.restarted) out.push(`  rebuild    ${b.version}: ${b.status}, but workerd restarted during it: not counted`);
    else if (b.status !== 'published') out.push(`  rebuild    ${b.version}: ${b.status}${b.error ? ` (${b.error})` : ''}`);
  }
  if (ok.length) {
    const s = ok[ok.length - 1]!.stats;
    const durations = ok.map((b) => b.durationMs);
    const d = median(durations);
    const rate = s.events / (d / 1000);
    const reads = s.storeOperations - s.keysWritten;
    out.push(
      `  rebuild    ${ok[0]!.split ? `split over the queue into ${s.parts} parts` : 'one invocation'}: ${num(s.events)} events read, ${num(s.users)} users, ${num(s.items)} items, ${num(s.neighbourPairs)} neighbour pairs, ${num(s.togetherPairs)} bought-together pairs`,
    );
    out.push(
      `             duration ${fmt(d / 1000, 2)} s (median of ${ok.length}: ${durations.map((x) => fmt(x / 1000, 2)).join(', ')} s; client wall ${fmt(median(ok.map((b) => b.wallMs)) / 1000, 2)} s) = ${num(rate)} events/s = ${fmt(rate / loadRate, 2)}x the API load rate of this run`,
    );
    out.push(
      `  store      KV: ${num(s.keysWritten)} keys written, ${num(s.storeOperations)} operations (${num(s.keysWritten)} puts + ${num(reads)} bulk reads), ${mb(s.bytesWritten)} MB written = ${num(s.bytesWritten / Math.max(1, s.items))} bytes per rebuilt item; shards ${JSON.stringify(s.shards)}`,
    );
    if (r.tables) {
      const t = r.tables;
      const per = (table: keyof TableSizes, n: number, what: string) =>
        `${num(t[table].keys)} keys ${mb(t[table].bytes)} MB (${num(t[table].bytes / Math.max(1, n))} B/${what})`;
      out.push(
        `  tables     nb ${per('nb', s.items, 'item')}; bt ${per('bt', s.items, 'item')}; pf ${per('pf', s.users, 'user')}; ct ${per('ct', r.catalog, 'catalog item')}; tr 1 key ${mb(t.tr.bytes)} MB`,
      );
    }
  }
  if (r.partRows.length) {
    const start = startOf(r);
    let previous = start;
    for (const p of r.partRows.slice().sort((a, b) => a.doneAt - b.doneAt)) {
      const st = p.stats;
      const puts = st.writes ?? 0;
      out.push(
        `  part ${String(p.part).padEnd(6)}${num(puts).padStart(6)} KV puts${puts + (st.reads ?? 0) > KV_OPS_PER_INVOCATION ? ` (OVER KV's ${num(KV_OPS_PER_INVOCATION)} operations per invocation)` : ''}, ${mb(st.bytesWritten ?? 0)} MB, ${num(st.events ?? 0)} events read in ${num(Math.floor((st.events ?? 0) / PAGE_SIZE) + 1)} D1 pages, done at +${fmt((p.doneAt - start) / 1000, 1)} s (${fmt((p.doneAt - previous) / 1000, 1)} s after the previous)`,
      );
      previous = p.doneAt;
    }
  }
  const selected = ok.map((b) => b.stats.selection).filter((s) => s !== undefined);
  if (selected.length) {
    const s = selected[selected.length - 1]!;
    out.push(
      `  selection  winner ${s.winner}; ${num(s.shoppers)} held-out items, ${s.candidates.length} candidates; selection ${fmt(median(selected.map((x) => x.ms)) / 1000, 2)} s (median of ${selected.length}, inside the rebuild)`,
    );
  }
  if (ok.length && baseline.length) {
    const on = median(ok.map((b) => b.durationMs));
    const off = median(baseline.map((b) => b.durationMs));
    const peakOn = median(ok.map((b) => b.peakMB));
    const peakOff = median(baseline.map((b) => b.peakMB));
    out.push(
      `  vs off     rebuild ${fmt(on / 1000, 2)} s with selection, ${fmt(off / 1000, 2)} s without (?selection=off, medians of ${ok.length}/${baseline.length}, alternated) = ${fmt(on / off, 2)}x; ` +
        `workerd peak ${fmt(peakOn)} MB with, ${fmt(peakOff)} MB without (+${fmt(peakOn - peakOff)} MB)`,
    );
  }
  const noContent = counted('no-content', false);
  if (ok.length && noContent.length) {
    const on = median(ok.map((b) => b.durationMs));
    const off = median(noContent.map((b) => b.durationMs));
    const c = ok[ok.length - 1]!.stats;
    const winnerOff = noContent[noContent.length - 1]!.stats.selection?.winner;
    out.push(
      `  content    rebuild ${fmt(on / 1000, 2)} s with the content candidates, ${fmt(off / 1000, 2)} s without (?content=off, medians of ${ok.length}/${noContent.length}, alternated) = ${fmt(on / off, 2)}x; ` +
        `selection ${fmt(median(ok.map((b) => b.stats.selection?.ms ?? NaN)) / 1000, 2)} s with, ${fmt(median(noContent.map((b) => b.stats.selection?.ms ?? NaN)) / 1000, 2)} s without; ` +
        `workerd peak ${fmt(median(ok.map((b) => b.peakMB)))} MB with, ${fmt(median(noContent.map((b) => b.peakMB)))} MB without`,
    );
    out.push(
      `             content index ${c.content ? `${num(c.content.items)} items, ${num(c.content.features)} features, ${num(c.content.postings)} postings, built in ${fmt(c.content.ms / 1000, 2)} s` : 'not built'}; ` +
        `winner with ${c.selection?.winner ?? '-'}, without ${winnerOff ?? '-'}; ${num(c.contentRows ?? 0)} similar lists from content alone`,
    );
  }
  const splitOn = counted('on', true);
  const splitOff = counted('off', true);
  if (splitOn.length && ok.length) {
    const sec = (list: RebuildResult[]) => median(list.map((b) => b.durationMs)) / 1000;
    const peak = (list: RebuildResult[]) => median(list.map((b) => b.peakMB));
    const planned = splitOn.map((b) => b.stats.selection).filter((x) => x !== undefined);
    const same = splitOn.every((b) => b.stats.selection?.winner === ok[ok.length - 1]!.stats.selection?.winner);
    out.push(
      `  split      ${splitOn[0]!.parts} parts on the queue vs one invocation (?parts=, medians of ${splitOn.length}/${ok.length}): with selection ${fmt(sec(splitOn), 2)} s split, ${fmt(sec(ok), 2)} s single = ${fmt(sec(splitOn) / sec(ok), 2)}x` +
        (splitOff.length && baseline.length
          ? `; without selection ${fmt(sec(splitOff), 2)} s split, ${fmt(sec(baseline), 2)} s single = ${fmt(sec(splitOff) / sec(baseline), 2)}x; selection's cost split ${fmt(sec(splitOn) - sec(splitOff), 2)} s, single ${fmt(sec(ok) - sec(baseline), 2)} s`
          : ''),
    );
    out.push(
      `             selection once in the planning step: ${fmt(median(planned.map((x) => x.ms)) / 1000, 2)} s (median of ${planned.length}); split winner ${same ? 'equal to' : 'DIFFERENT from'} the single run's; workerd peak ${fmt(peak(splitOn))} MB split with selection${splitOff.length ? `, ${fmt(peak(splitOff))} MB without` : ''}`,
    );
  }
  const peaks = ok.map((b) => b.peakMB);
  out.push(
    `  workerd    runtime pid ${r.workerd}: RSS ${fmt(r.startMB)} MB at start, peak ${fmt(r.loadPeakMB)} MB while loading, ${fmt(r.idleMB)} MB idle after loading (baseline); ` +
      (peaks.length
        ? `rebuild peak ${fmt(median(peaks))} MB (VmHWM${r.peakResetOk ? ' reset before each run' : ' NOT resettable, includes loading'}; median of ${peaks.length}, max ${fmt(Math.max(...peaks))}) = +${fmt(median(peaks) - r.idleMB)} MB over idle; sampled VmRSS peak ${fmt(median(ok.map((b) => b.sampledPeakMB)))} MB` +
          `; wrangler's proxy workerd (not counted): peak ${r.proxyMB.map((x) => fmt(x)).join(', ')} MB`
        : 'no published rebuild'),
  );
  return out;
}

/** Start of the last run (ms), from its stats window or its version name. */
function startOf(r: SetReport): number {
  const last = r.rebuilds[r.rebuilds.length - 1]!;
  return parseInt(last.version.slice(1, -4), 36);
}

ensureDevVars();
mkdirSync(path.join(ROOT, '.wrangler'), { recursive: true });
const snapshot = snapshotSources();
const reports: SetReport[] = [];
let failed = false;
const benchStarted = performance.now();
const removeSnapshot = () => {
  if (KEEP) console.error(`  kept ${path.relative(ROOT, snapshot.dir)}`);
  else snapshot.remove();
};
// Ctrl-C: the current set's finally stops wrangler; the snapshot goes here.
process.once('SIGINT', () => {
  removeSnapshot();
  process.exit(130);
});
try {
  let index = 0;
  for (const name of SETS) {
    try {
      const set = realSet(name, Date.now());
      console.error(`bench:rebuild ${name}: ${num(set.events.length)} events, ${num(set.items.length)} items...`);
      const report = await benchSet(
        snapshot,
        index++,
        name,
        set.source,
        set.items,
        { total: set.events.length, chunks: () => chunked(set.events, CHUNK) },
        set.spanDays,
        'auto',
        REPEATS,
      );
      reports.push(report);
      console.log(printReport(report).join('\n') + '\n');
    } catch (err) {
      failed = true;
      console.error(`bench:rebuild ${name} failed: ${describe(err)}`);
    }
  }
  if (SYNTHETIC > 0) {
    try {
      const options = { events: SYNTHETIC, seed: SEED, pageSize: 1000 };
      const { newest, oldest } = syntheticSpan(options);
      const now = Date.now();
      const items = syntheticItems(SYNTHETIC);
      console.error(`bench:rebuild synthetic: ${num(SYNTHETIC)} events, ${num(items.length)} items...`);
      const report = await benchSet(
        snapshot,
        index++,
        'synthetic',
        `syntheticEventPages({ events: ${SYNTHETIC}, seed: ${SEED} }) (power law, ${num(SYNTHETIC / 10)} users, ${num(items.length)} items)`,
        items,
        { total: SYNTHETIC, chunks: () => regroup(syntheticApiPages(options, now, newest), CHUNK) },
        (newest - oldest) / 86_400_000,
        PARTS,
        SYNTHETIC_REPEATS,
      );
      reports.push(report);
      console.log(printReport(report).join('\n') + '\n');
    } catch (err) {
      failed = true;
      console.error(`bench:rebuild synthetic failed: ${describe(err)}`);
    }
  }
} finally {
  removeSnapshot();
}
console.log(
  `bench:rebuild done in ${fmt((performance.now() - benchStarted) / 1000)} s; ${retries} network retries of idempotent requests${failed ? ' (with failures, see above)' : ''}`,
);
if (env.BENCH_JSON) console.log(JSON.stringify(reports));
if (failed || reports.some((r) => r.rebuilds.some((b) => b.status !== 'published'))) process.exitCode = 1;

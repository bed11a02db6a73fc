import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type DuckDBConnection, type DuckDBDataChunk, DuckDBInstance } from '@duckdb/node-api';
import { type SqlParam, sqlFile } from './sql-files.ts';

/** How the engine may use the machine: its memory limit is what bounds the job's peak, not the data. */
export interface EngineSettings {
  /** DuckDB's `memory_limit`, e.g. `"2GB"` (default: DuckDB's, 80% of RAM). */
  memoryLimit?: string;
  /** Worker threads (default: every core). */
  threads?: number;
  /** Where DuckDB spills what does not fit (default: a `.tmp` next to its database). */
  tempDirectory?: string;
  /**
   * The database file (removed on close). Default: `<tempDirectory>.duckdb` when a temp
   * directory is set, so the job's tables are pages DuckDB's buffer manager can evict rather
   * than memory counted against the limit (at 10M events the events table alone is 884 MB);
   * `:memory:` otherwise.
   */
  databaseFile?: string;
}

/** A DuckDB connection with the job's settings, and the calls the job makes on it. */
export interface Engine {
  connection: DuckDBConnection;
  /** A second connection to the same database, for work done while a stream of `connection` is open. */
  side: DuckDBConnection;
  /** Runs a SQL file of src/offline/sql with its parameters. */
  runFile(name: string, params: Record<string, SqlParam>): Promise<void>;
  /** The rows of a query as plain JS values. */
  all<T extends Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Streams a query's rows (arrays of JS values) chunk by chunk. */
  stream(sql: string): AsyncIterable<unknown[][]>;
  /**
   * Streams a query column by column, chunk by chunk (DuckDB's vectors of up to 2,048 rows,
   * converted a column at a time: strings, numbers, bigints, null), the bulk way out of the engine.
   */
  columns(sql: string, on?: DuckDBConnection): AsyncIterable<unknown[][]>;
  /** Streams a query's chunks as DuckDB gives them, for reading its vectors without converting them (lists of numbers). */
  chunks(sql: string, on?: DuckDBConnection): AsyncIterable<DuckDBDataChunk>;
  /**
   * A directory of the engine's own for files one step writes and a later one reads, outside the
   * database (next to its file, or under the OS temp dir without one); removed on close.
   */
  workDirectory: string;
  /** Another engine on the same database (its own two connections), for work that runs beside this one's; closed with it. */
  fork(): Promise<Engine>;
  /** DuckDB's memory limit in bytes (what the job sizes its parts by). */
  memoryLimitBytes(): Promise<number>;
  /** The most bytes seen in the temp directory (sampled every 200 ms): what DuckDB spilled. */
  spilledBytes(): number;
  /**
   * The process's and DuckDB's memory now, and the most seen since the last call (sampled every
   * 250 ms, DuckDB's from `duckdb_memory()` on a connection of its own): the job's per-phase report.
   */
  memory(): MemoryReport;
  close(): void;
}

/** Memory figures in MB: the process (resident set, peak since start, Node's heap, its buffers) and DuckDB's buffer manager. */
export interface MemoryReport {
  /** Resident set now. */
  rssMB: number;
  /** The most resident set sampled since the last report. */
  rssPeakMB: number;
  /** The process's peak resident set so far (the kernel's figure: between samples too). */
  maxRssMB: number;
  /** Node's JS heap in use, and memory outside it held by JS objects (buffers, DuckDB chunks handed to JS). */
  heapMB: number;
  /** The JS heap V8 has committed (in use plus free space not yet given back): what the heap adds to the resident set. */
  heapTotalMB: number;
  externalMB: number;
  /** DuckDB's buffer manager (`duckdb_memory()`): in use now, the most since the last report, and the limit. */
  duckdbMB: number;
  duckdbPeakMB: number;
  duckdbLimitMB: number;
}

/** Opens a DuckDB with the settings (its tables in `databaseFile`, spilling to `tempDirectory`). */
export async function openEngine(settings: EngineSettings = {}): Promise<Engine> {
  const options: Record<string, string> = { preserve_insertion_order: 'false' };
  if (settings.memoryLimit) Object.assign(options, { memory_limit: settings.memoryLimit, ...allocatorFlush(parseBytes(settings.memoryLimit)) });
  if (settings.threads) options.threads = String(settings.threads);
  if (settings.tempDirectory) options.temp_directory = settings.tempDirectory;
  const file = settings.databaseFile ?? (settings.tempDirectory ? `${settings.tempDirectory}.duckdb` : undefined);
  if (file) removeDatabase(file);
  const work = file ? `${file}.files` : mkdtempSync(path.join(tmpdir(), 'duckdb-work-'));
  if (file) rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const instance = await DuckDBInstance.create(file ?? ':memory:', options);
  let spilled = 0;
  const sampler = settings.tempDirectory ? setInterval(() => (spilled = Math.max(spilled, directoryBytes(settings.tempDirectory!))), 200) : undefined;
  sampler?.unref();
  const memory = await memorySampler(instance);
  const forks: Engine[] = [];
  return connectEngine(
    instance,
    work,
    forks,
    () => spilled,
    memory.report,
    () => {
      clearInterval(sampler);
      for (const fork of forks) fork.close();
      rmSync(work, { recursive: true, force: true });
      // The instance closes once the memory probe's query (if one is running) is done.
      memory.stop(() => {
        instance.closeSync();
        if (file) removeDatabase(file);
      });
    },
  );
}

/** An engine over two new connections of `instance`; `closed` runs after they close. */
async function connectEngine(
  instance: DuckDBInstance,
  workDirectory: string,
  forks: Engine[],
  spilled: () => number,
  memory: () => MemoryReport,
  closed: () => void,
): Promise<Engine> {
  const connection = await instance.connect();
  const side = await instance.connect();
  let isClosed = false;
  const engine: Engine = {
    connection,
    side,
    async runFile(name, params) {
      await connection.run(sqlFile(name, params));
    },
    async all<T extends Record<string, unknown>>(sql: string) {
      return (await connection.runAndReadAll(sql)).getRowObjectsJS() as T[];
    },
    async *stream(sql) {
      const result = await connection.stream(sql);
      for await (const rows of result.yieldRowsJs()) yield rows as unknown[][];
    },
    async *columns(sql, on = connection) {
      for await (const chunk of engine.chunks(sql, on)) yield chunk.getColumns() as unknown[][];
    },
    async *chunks(sql, on = connection) {
      const result = await on.stream(sql);
      // The next chunk is fetched (on DuckDB's threads) while the caller works on this one.
      let next = result.fetchChunk();
      try {
        for (;;) {
          const chunk = await next;
          if (!chunk || chunk.rowCount === 0) return;
          next = result.fetchChunk();
          yield chunk;
        }
      } finally {
        await next.catch(() => undefined);
      }
    },
    async memoryLimitBytes() {
      const [{ limit } = { limit: '' }] = (await connection.runAndReadAll("SELECT current_setting('memory_limit') AS limit")).getRowObjectsJS() as {
        limit: string;
      }[];
      return parseBytes(limit);
    },
    async fork() {
      const fork = await connectEngine(instance, workDirectory, [], spilled, memory, () => undefined);
      forks.push(fork);
      return fork;
    },
    spilledBytes: spilled,
    workDirectory,
    memory,
    close() {
      if (isClosed) return;
      isClosed = true;
      side.closeSync();
      connection.closeSync();
      closed();
    },
  };
  return engine;
}

const MB = 2 ** 20;

/**
 * When DuckDB hands freed memory back to the system (its allocator flush, `malloc_trim` with
 * glibc): after a task that allocated more than 1/64 of the limit, and before a large allocation
 * that follows a bulk release of more than 1/16 of it (defaults 128 MiB and 512 MiB whatever the
 * limit). Without it, glibc kept about 300 MB of freed pages resident at a 1 GB limit (1M events).
 */
function allocatorFlush(limit: number): Record<string, string> {
  return {
    allocator_flush_threshold: `${Math.max(1, Math.floor(limit / 64 / MB))}MiB`,
    allocator_bulk_deallocation_flush_threshold: `${Math.max(1, Math.floor(limit / 16 / MB))}MiB`,
  };
}

/** Samples the process's resident set and DuckDB's buffer manager every 250 ms; `report` gives the figures and restarts the peaks. */
async function memorySampler(instance: DuckDBInstance): Promise<{ report: () => MemoryReport; stop: (then: () => void) => void }> {
  const probe = await instance.connect();
  const [{ limit } = { limit: '' }] = (await probe.runAndReadAll("SELECT current_setting('memory_limit') AS limit")).getRowObjectsJS() as { limit: string }[];
  let rssPeak = 0;
  let duckdb = 0;
  let duckdbPeak = 0;
  let running: Promise<void> | undefined;
  let stopped = false;
  const sample = () => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    if (running || stopped) return;
    running = probe
      .runAndReadAll('SELECT coalesce(sum(memory_usage_bytes), 0)::DOUBLE AS used FROM duckdb_memory()')
      .then((result) => {
        duckdb = (result.getRowObjectsJS()[0]?.used as number) ?? 0;
        duckdbPeak = Math.max(duckdbPeak, duckdb);
      })
      .catch(() => undefined)
      .finally(() => (running = undefined));
  };
  const timer = setInterval(sample, 250);
  timer.unref();
  return {
    report() {
      sample();
      const usage = process.memoryUsage();
      const report: MemoryReport = {
        rssMB: Math.round(usage.rss / MB),
        rssPeakMB: Math.round(Math.max(rssPeak, usage.rss) / MB),
        maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
        heapMB: Math.round(usage.heapUsed / MB),
        heapTotalMB: Math.round(usage.heapTotal / MB),
        externalMB: Math.round(usage.external / MB),
        duckdbMB: Math.round(duckdb / MB),
        duckdbPeakMB: Math.round(duckdbPeak / MB),
        duckdbLimitMB: Math.round(parseBytes(limit) / MB),
      };
      rssPeak = usage.rss;
      duckdbPeak = duckdb;
      return report;
    },
    stop(then) {
      stopped = true;
      clearInterval(timer);
      const close = () => {
        probe.closeSync();
        then();
      };
      if (running) void running.then(close);
      else close();
    },
  };
}

function removeDatabase(file: string): void {
  for (const name of [file, `${file}.wal`]) rmSync(name, { force: true });
}

function directoryBytes(dir: string): number {
  let total = 0;
  try {
    for (const name of readdirSync(dir)) total += statSync(path.join(dir, name)).size;
  } catch {
    return 0;
  }
  return total;
}

const UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 2 ** 10, MIB: 2 ** 20, GIB: 2 ** 30, TIB: 2 ** 40 };

/** Bytes of a size as DuckDB prints settings (`953.6 MiB`, `2.0 GB`); 1 GiB when unreadable. */
export function parseBytes(text: string): number {
  const match = /^\s*([\d.]+)\s*([A-Za-z]*)\s*$/.exec(text);
  const unit = UNITS[(match?.[2] || 'B').toUpperCase()];
  return match && unit ? Number(match[1]) * unit : 2 ** 30;
}

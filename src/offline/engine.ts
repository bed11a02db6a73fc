import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
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

/** A DuckDB connection with the job's settings, plus the two calls the job uses. */
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
  /** Another engine on the same database (its own two connections), for work that runs beside this one's; closed with it. */
  fork(): Promise<Engine>;
  /** DuckDB's memory limit in bytes (what the job sizes its parts by). */
  memoryLimitBytes(): Promise<number>;
  /** The most bytes seen in the temp directory (sampled every 200 ms): what DuckDB spilled. */
  spilledBytes(): number;
  close(): void;
}

/** Opens a DuckDB with the settings (its tables in `databaseFile`, spilling to `tempDirectory`). */
export async function openEngine(settings: EngineSettings = {}): Promise<Engine> {
  const options: Record<string, string> = { preserve_insertion_order: 'false' };
  if (settings.memoryLimit) options.memory_limit = settings.memoryLimit;
  if (settings.threads) options.threads = String(settings.threads);
  if (settings.tempDirectory) options.temp_directory = settings.tempDirectory;
  const file = settings.databaseFile ?? (settings.tempDirectory ? `${settings.tempDirectory}.duckdb` : undefined);
  if (file) removeDatabase(file);
  const instance = await DuckDBInstance.create(file ?? ':memory:', options);
  let spilled = 0;
  const sampler = settings.tempDirectory ? setInterval(() => (spilled = Math.max(spilled, directoryBytes(settings.tempDirectory!))), 200) : undefined;
  sampler?.unref();
  const forks: Engine[] = [];
  return connectEngine(
    instance,
    forks,
    () => spilled,
    () => {
      clearInterval(sampler);
      for (const fork of forks) fork.close();
      instance.closeSync();
      if (file) removeDatabase(file);
    },
  );
}

/** An engine over two new connections of `instance`; `closed` runs after they close. */
async function connectEngine(instance: DuckDBInstance, forks: Engine[], spilled: () => number, closed: () => void): Promise<Engine> {
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
      const result = await on.stream(sql);
      // The next chunk is fetched (on DuckDB's threads) while the caller works on this one.
      let next = result.fetchChunk();
      try {
        for (;;) {
          const chunk = await next;
          if (!chunk || chunk.rowCount === 0) return;
          next = result.fetchChunk();
          yield chunk.getColumns() as unknown[][];
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
      const fork = await connectEngine(instance, [], spilled, () => undefined);
      forks.push(fork);
      return fork;
    },
    spilledBytes: spilled,
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

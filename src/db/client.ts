import { getTableColumns, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { SQLiteColumn, SQLiteTable, SQLiteUpdateSetSource } from 'drizzle-orm/sqlite-core';
import { drizzle } from 'drizzle-orm/d1';
import * as schema from './schema.ts';

/** The engine's typed D1 client. */
export type Database = ReturnType<typeof openDatabase>;

const opened = new WeakMap<D1Database, ReturnType<typeof wrap>>();

function wrap(d1: D1Database) {
  return drizzle(d1, { schema });
}

/**
 * Wraps a D1 binding in drizzle with the engine's schema, once per binding object: building
 * the client reads the whole schema (about 0.2 ms), so an isolate reuses it across requests.
 */
export function openDatabase(d1: D1Database): ReturnType<typeof wrap> {
  let db = opened.get(d1);
  if (!db) opened.set(d1, (db = wrap(d1)));
  return db;
}

/** D1 binds at most 100 parameters per statement. */
export const MAX_BOUND_PARAMETERS = 100;

/** Splits rows into chunks that bind at most 100 parameters when each row binds `columns`. */
export function chunkRows<T>(rows: readonly T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_BOUND_PARAMETERS / columns));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

/** Runs statements as one D1 batch: one transaction, all or nothing. Returns each statement's result. */
export async function runBatch(db: Database, statements: readonly BatchItem<'sqlite'>[]): Promise<unknown[]> {
  if (statements.length === 0) return [];
  return db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
}

/** Rows a batch statement changed, from D1's result metadata. */
export function changedRows(result: unknown): number {
  return (result as D1Result | undefined)?.meta?.changes ?? 0;
}

/**
 * Inserts rows, replacing every column of a row whose `key` already exists, in one D1 batch
 * (all or nothing) of statements binding at most 100 parameters. Every row must set the
 * same columns. Returns how many rows were written.
 *
 * @example
 * await upsertRows(db, items, items.id, rows);
 */
export async function upsertRows<T extends SQLiteTable>(db: Database, table: T, key: SQLiteColumn, rows: readonly T['$inferInsert'][]): Promise<number> {
  if (rows.length === 0) return 0;
  const columns = getTableColumns(table);
  const set = Object.fromEntries(
    Object.entries(columns)
      .filter(([, column]) => column !== key)
      .map(([name, column]) => [name, sql.raw(`excluded."${column.name}"`)]),
  );
  const width = Object.keys(rows[0]!).length;
  const statements = chunkRows(rows, width).map((chunk) =>
    db
      .insert(table)
      .values(chunk as T['$inferInsert'][])
      .onConflictDoUpdate({ target: key, set: set as SQLiteUpdateSetSource<T> }),
  );
  await runBatch(db, statements as unknown as BatchItem<'sqlite'>[]);
  return rows.length;
}

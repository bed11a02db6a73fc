import type { BatchItem } from 'drizzle-orm/batch';
import { drizzle } from 'drizzle-orm/d1';
import * as schema from './schema.ts';

/** The engine's typed D1 client. */
export type Database = ReturnType<typeof openDatabase>;

/** Wraps a D1 binding in drizzle with the engine's schema. */
export function openDatabase(d1: D1Database) {
  return drizzle(d1, { schema });
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

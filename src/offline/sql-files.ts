import { readFileSync } from 'node:fs';
import path from 'node:path';

/** A value put into a SQL file's `{{name}}`: numbers as literals, strings quoted, `{ sql }` as it is. */
export type SqlParam = number | string | { sql: string };

const DIR = path.join(import.meta.dirname, 'sql');

/** The SQL of `src/offline/sql/<name>` with its `{{parameters}}` filled in (every one must be given). */
export function sqlFile(name: string, params: Record<string, SqlParam>): string {
  return readFileSync(path.join(DIR, name), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in params)) throw new Error(`${name}: no value for {{${key}}}`);
    return literal(params[key]!);
  });
}

/** A SQL literal: finite numbers as they are, infinities as DOUBLE, strings single-quoted. */
export function literal(value: SqlParam): string {
  if (typeof value === 'object') return value.sql;
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  if (Number.isFinite(value)) return String(value);
  if (value === Infinity) return "'Infinity'::DOUBLE";
  throw new Error(`not a SQL number: ${value}`);
}

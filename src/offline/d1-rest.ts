/**
 * D1 from outside a Worker (the offline job in a Container): the part of the `D1Database`
 * binding that drizzle and the job use, over D1's REST API under
 * `/accounts/{account_id}/d1/database/{database_id}`:
 *
 * - `POST /query` with `{ sql, params }`: `result` is one `{ results: [row objects], meta, success }`
 *   per statement (`all`, `run`, `first`);
 * - `POST /raw` with `{ sql, params }`: `results` is `{ columns, rows: [arrays] }` (`raw`, which
 *   drizzle uses for selects with fields);
 * - `POST /query` with `{ batch: [{ sql, params }] }`: one result per statement (`batch`).
 *
 * Authorization: `Bearer <API token>` with D1 Edit. Answers are Cloudflare's envelope
 * `{ success, errors, messages, result }`; a failure throws an error of at most a few hundred
 * characters with the status and the API's first error, never the token. No retries: a failed
 * call fails the job, which records the run as failed (when D1 answers) and leaves the tables in service.
 */

/** Where the database is and the token that reads and writes it. */
export interface D1RestSettings {
  accountId: string;
  databaseId: string;
  apiToken: string;
  /** Default `https://api.cloudflare.com/client/v4` (a stand-in's URL in tests). */
  baseUrl?: string;
  fetch?: typeof fetch;
}

/** The part of `D1Database` the REST client implements (drizzle calls `prepare` and `batch`). */
export type D1Client = Pick<D1Database, 'prepare' | 'batch'>;

/** One statement's answer in the API's `result` array. */
interface RestResult<R> {
  results?: R;
  meta?: Partial<D1Meta> & Record<string, unknown>;
  success?: boolean;
}

interface Envelope<T> {
  success: boolean;
  errors?: Array<{ code?: number; message?: string }>;
  result: T;
}

type Row = Record<string, unknown>;
type Param = string | number | null;
const MAX_ERROR_CHARS = 300;

/** A D1 database over the REST API (see the module comment), usable wherever a `D1Database` binding is. */
export function d1RestDatabase(settings: D1RestSettings): D1Database {
  const base = `${(settings.baseUrl ?? 'https://api.cloudflare.com/client/v4').replace(/\/+$/, '')}/accounts/${encodeURIComponent(settings.accountId)}/d1/database/${encodeURIComponent(settings.databaseId)}`;
  const doFetch = settings.fetch ?? fetch;
  const bounded = (text: string) => {
    const clean = settings.apiToken ? text.split(settings.apiToken).join('***') : text;
    return clean.length > MAX_ERROR_CHARS ? `${clean.slice(0, MAX_ERROR_CHARS)}...` : clean;
  };

  async function call<R>(endpoint: '/query' | '/raw', body: unknown, statements: number): Promise<RestResult<R>[]> {
    let response: Response;
    try {
      response = await doFetch(`${base}${endpoint}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${settings.apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (err) {
      throw new Error(bounded(`D1 REST POST ${endpoint}: ${err instanceof Error ? err.message : String(err)}`));
    }
    const text = await response.text();
    let envelope: Envelope<RestResult<R>[]> | undefined;
    try {
      envelope = JSON.parse(text) as Envelope<RestResult<R>[]>;
    } catch {
      // Not JSON (a proxy's page): reported below with the status.
    }
    if (!response.ok || !envelope?.success) {
      const error = envelope?.errors?.[0];
      throw new Error(bounded(`D1 REST POST ${endpoint}: ${response.status} ${error ? `${error.code ?? ''} ${error.message ?? ''}`.trim() : text}`));
    }
    const results = envelope.result;
    if (!Array.isArray(results) || results.length !== statements)
      throw new Error(`D1 REST POST ${endpoint}: expected ${statements} result(s), got ${Array.isArray(results) ? results.length : typeof results}`);
    return results;
  }

  const toResult = <T>(r: RestResult<T[]>): D1Result<T> =>
    ({ success: true, results: r.results ?? [], meta: { changes: 0, last_row_id: 0, duration: 0, ...r.meta } }) as D1Result<T>;

  class RestStatement {
    readonly sql: string;
    readonly params: Param[];
    constructor(sql: string, params: Param[] = []) {
      this.sql = sql;
      this.params = params;
    }

    bind(...values: unknown[]): RestStatement {
      return new RestStatement(this.sql, values.map(toParam));
    }

    async all<T = Row>(): Promise<D1Result<T>> {
      const [result] = await call<T[]>('/query', { sql: this.sql, params: this.params }, 1);
      return toResult(result!);
    }

    run<T = Row>(): Promise<D1Result<T>> {
      return this.all<T>();
    }

    async first<T = unknown>(column?: string): Promise<T | null> {
      const row = (await this.all<Row>()).results[0];
      if (!row) return null;
      if (column === undefined) return row as T;
      if (!(column in row)) throw new Error(`D1 REST first(): no column ${column}`);
      return row[column] as T;
    }

    async raw<T = unknown[]>(options?: { columnNames?: boolean }): Promise<T[]> {
      const [result] = await call<{ columns?: string[]; rows?: unknown[][] }>('/raw', { sql: this.sql, params: this.params }, 1);
      const rows = (result!.results?.rows ?? []) as T[];
      return options?.columnNames ? ([result!.results?.columns ?? [], ...rows] as T[]) : rows;
    }
  }

  const client: D1Client = {
    prepare: (sql: string) => new RestStatement(sql) as unknown as D1PreparedStatement,
    async batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
      if (statements.length === 0) return [];
      const batch = statements.map((s) => {
        if (!(s instanceof RestStatement)) throw new Error('D1 REST batch: statements must come from this client');
        return { sql: s.sql, params: s.params };
      });
      return (await call<T[]>('/query', { batch }, batch.length)).map((r) => toResult(r));
    },
  };
  // drizzle's D1 driver (and the job) call only these; exec, sessions and dump are not implemented.
  return client as unknown as D1Database;
}

/** A bound value as D1's binding takes it, in JSON: booleans as 1 or 0; undefined and blobs refused as the binding does. */
function toParam(value: unknown): Param {
  if (value === null || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`D1 REST: cannot bind ${value}`);
    return value;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  throw new Error(`D1 REST: cannot bind a value of type ${value === undefined ? 'undefined' : typeof value} (the REST API takes JSON values)`);
}

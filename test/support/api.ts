import { env, exports } from 'cloudflare:workers';

/** Headers carrying the test ingest key. */
export const INGEST = { authorization: 'Bearer test-ingest-key' } as const;
/** Headers carrying the test admin key. */
export const ADMIN = { authorization: 'Bearer test-admin-key' } as const;

/** Sends a request to the engine's Worker (the real entry, in workerd). */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`https://engine.test${path}`, init));
}

/** POSTs (or PUTs...) a JSON body with the given headers. */
export function send(method: string, path: string, body: unknown, headers: Record<string, string> = INGEST): Promise<Response> {
  return call(path, { method, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Runs a query against the real local D1 and returns its rows. */
export async function rows<T = Record<string, unknown>>(query: string, ...params: unknown[]): Promise<T[]> {
  return (
    await env.DB.prepare(query)
      .bind(...params)
      .all<T>()
  ).results;
}

/** A unique prefix so tests never collide on ids. */
export function uniq(label: string): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}`;
}

/** A run as `GET /v1/admin/rebuilds` lists it. */
export interface ListedRun {
  version: string;
  status: string;
  stats: Record<string, unknown>;
  error: string | null;
}

/**
 * `POST /v1/admin/rebuild` (which must answer 202 at once), then follows the run on
 * `GET /v1/admin/rebuilds` while the queue consumer runs it; returns the finished run.
 */
export async function rebuildThroughApi(timeoutMs = 25_000): Promise<ListedRun> {
  const res = await call('/v1/admin/rebuild', { method: 'POST', headers: ADMIN });
  if (res.status !== 202) throw new Error(`POST /v1/admin/rebuild: ${res.status} ${await res.text()}`);
  const { version } = (await res.json()) as { version: string };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { runs } = (await (await call('/v1/admin/rebuilds?limit=100', { headers: ADMIN })).json()) as { runs: ListedRun[] };
    const run = runs.find((r) => r.version === version);
    if (run && !['queued', 'starting', 'running', 'split'].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`rebuild ${version} still ${run?.status ?? 'unlisted'} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

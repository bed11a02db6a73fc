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

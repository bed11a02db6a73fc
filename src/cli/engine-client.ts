import { type EngineApi, type paths, createEngineApi } from '../client/index.ts';

/** A rebuild run as `GET /v1/admin/rebuilds` lists it. */
export interface RebuildRun {
  version: string;
  trigger: string;
  status: string;
  durationMs: number | null;
  stats: Record<string, unknown>;
  error: string | null;
}

type ItemsBody = paths['/v1/items']['put']['requestBody']['content']['application/json'];
type EventsBody = paths['/v1/events']['post']['requestBody']['content']['application/json'];

const UNFINISHED = new Set(['queued', 'starting', 'running', 'split']);

/**
 * The engine's API for the CLIs, benchmarks and browser tests, on the typed client of
 * src/client (openapi-fetch over the types generated from /openapi.json).
 */
export interface EngineClient {
  readonly url: string;
  /** The typed client sending `key` (one per key, reused). */
  api(key: string): EngineApi;
  /** Sends a JSON request; throws with the engine's error body on a non-2xx answer. */
  request<T = unknown>(method: string, path: string, key: string, body?: unknown): Promise<T>;
  /**
   * Starts a rebuild (`POST /v1/admin/rebuild`, which answers at once) and follows the run on
   * `GET /v1/admin/rebuilds` until it is over; throws after `timeoutMs`.
   */
  rebuild(adminKey: string, options?: { timeoutMs?: number; pollMs?: number }): Promise<RebuildRun>;
  /** Sends items in batches of 1,000. */
  putItems(items: readonly unknown[], adminKey: string): Promise<number>;
  /** Sends events in batches of `batchSize` with `concurrency` requests in flight. */
  postEvents(
    events: readonly unknown[],
    ingestKey: string,
    options?: { batchSize?: number; concurrency?: number },
  ): Promise<{ accepted: number; duplicates: number; rejected: number }>;
}

/** Creates a client for an engine at `url`. */
export function engineClient(url: string): EngineClient {
  const clients = new Map<string, EngineApi>();
  const api = (key: string) => clients.get(key) ?? clients.set(key, createEngineApi(url, key)).get(key)!;
  /** The answer's body, or an error naming the request, its status and the engine's error body. */
  const body = async <T>(call: Promise<{ data?: unknown; error?: unknown; response: Response }>, what: string): Promise<T> => {
    const { data, error, response } = await call;
    if (!response.ok) throw new Error(`${what}: ${response.status} ${JSON.stringify(error)}`);
    return data as T;
  };
  const request = <T>(method: string, path: string, key: string, payload?: unknown): Promise<T> =>
    // Any path: typed callers use api(key).GET/POST/... instead.
    body<T>(api(key).request(method.toLowerCase() as never, path as never, (payload === undefined ? {} : { body: payload }) as never), `${method} ${path}`);
  return {
    url,
    api,
    request,
    async rebuild(adminKey, { timeoutMs = 600_000, pollMs = 250 } = {}) {
      const { version } = await body<{ version: string }>(api(adminKey).POST('/v1/admin/rebuild'), 'POST /v1/admin/rebuild');
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { runs } = await body<{ runs: RebuildRun[] }>(
          api(adminKey).GET('/v1/admin/rebuilds', { params: { query: { limit: 100 } } }),
          'GET /v1/admin/rebuilds',
        );
        const run = runs.find((r) => r.version === version);
        if (run && !UNFINISHED.has(run.status)) return run;
        if (Date.now() > deadline) throw new Error(`rebuild ${version} still ${run?.status ?? 'unlisted'} after ${timeoutMs / 1000} s`);
        await new Promise((r) => setTimeout(r, pollMs));
      }
    },
    async putItems(items, adminKey) {
      let upserted = 0;
      for (let i = 0; i < items.length; i += 1000) {
        const batch = items.slice(i, i + 1000) as ItemsBody['items'];
        upserted += (await body<{ upserted: number }>(api(adminKey).PUT('/v1/items', { body: { items: batch } }), 'PUT /v1/items')).upserted;
      }
      return upserted;
    },
    async postEvents(events, ingestKey, { batchSize = 1000, concurrency = 2 } = {}) {
      const totals = { accepted: 0, duplicates: 0, rejected: 0 };
      let next = 0;
      const worker = async () => {
        while (next < events.length) {
          const batch = events.slice(next, (next += batchSize));
          const r = await body<{ accepted: number; duplicates: number; rejected: unknown[] }>(
            api(ingestKey).POST('/v1/events', { body: { events: batch as EventsBody['events'] } }),
            'POST /v1/events',
          );
          totals.accepted += r.accepted;
          totals.duplicates += r.duplicates;
          totals.rejected += r.rejected.length;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      return totals;
    },
  };
}

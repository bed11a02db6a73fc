/** A rebuild run as `GET /v1/admin/rebuilds` lists it. */
export interface RebuildRun {
  version: string;
  trigger: string;
  status: string;
  durationMs: number | null;
  stats: Record<string, unknown>;
  error: string | null;
}

const UNFINISHED = new Set(['queued', 'starting', 'running', 'split']);

/** A small HTTP client for the engine's API, used by the start script and benchmarks. */
export interface EngineClient {
  readonly url: string;
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
  const request = async <T>(method: string, path: string, key: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    url,
    request,
    async rebuild(adminKey, { timeoutMs = 600_000, pollMs = 250 } = {}) {
      const { version } = await request<{ version: string }>('POST', '/v1/admin/rebuild', adminKey);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { runs } = await request<{ runs: RebuildRun[] }>('GET', '/v1/admin/rebuilds?limit=100', adminKey);
        const run = runs.find((r) => r.version === version);
        if (run && !UNFINISHED.has(run.status)) return run;
        if (Date.now() > deadline) throw new Error(`rebuild ${version} still ${run?.status ?? 'unlisted'} after ${timeoutMs / 1000} s`);
        await new Promise((r) => setTimeout(r, pollMs));
      }
    },
    async putItems(items, adminKey) {
      let upserted = 0;
      for (let i = 0; i < items.length; i += 1000) {
        upserted += (await request<{ upserted: number }>('PUT', '/v1/items', adminKey, { items: items.slice(i, i + 1000) })).upserted;
      }
      return upserted;
    },
    async postEvents(events, ingestKey, { batchSize = 1000, concurrency = 2 } = {}) {
      const totals = { accepted: 0, duplicates: 0, rejected: 0 };
      let next = 0;
      const worker = async () => {
        while (next < events.length) {
          const batch = events.slice(next, (next += batchSize));
          const r = await request<{ accepted: number; duplicates: number; rejected: unknown[] }>('POST', '/v1/events', ingestKey, { events: batch });
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

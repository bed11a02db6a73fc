/**
 * The table store on Workers KV from outside a Worker (the offline job in a Container): the KV
 * REST API's bulk endpoints under
 * `/accounts/{account_id}/storage/kv/namespaces/{namespace_id}`:
 *
 * - `PUT /bulk`: up to 10,000 `{ key, value, expiration_ttl }` per request, 100 MB at most;
 *   keys the answer lists in `unsuccessful_keys` are sent again (up to 3 times);
 * - `POST /bulk/get`: `{ keys, type: "text" }`, up to 100 keys, answers `{ values: { key: value } }`;
 * - `POST /bulk/delete`: up to 10,000 keys.
 *
 * Authorization: `Bearer <API token>` with Workers KV Storage Write. Every answer is Cloudflare's
 * envelope `{ success, errors, result }`; a failure throws with the API's first error.
 */
import type { TableEntry, TableStore } from '../tables/table-store.ts';

/** Where the namespace is and the token that writes it. */
export interface KvRestSettings {
  accountId: string;
  namespaceId: string;
  apiToken: string;
  /** Default `https://api.cloudflare.com/client/v4` (a stand-in's URL in tests). */
  baseUrl?: string;
  fetch?: typeof fetch;
}

/** Most pairs one bulk write takes. */
export const KV_BULK_PAIRS = 10_000;
/** Most bytes one bulk write request may have (100 MB; a margin for the JSON around the values). */
export const KV_BULK_BYTES = 95 * 2 ** 20;
const MAX_KEYS_PER_GET = 100;
const MIN_TTL_SECONDS = 60;
const ATTEMPTS = 3;

interface Envelope<T> {
  success: boolean;
  errors?: Array<{ code?: number; message?: string }>;
  result: T;
}

/** The table store over the KV REST API's bulk endpoints (see the module comment). */
export function kvRestTableStore(settings: KvRestSettings): TableStore {
  const base = `${(settings.baseUrl ?? 'https://api.cloudflare.com/client/v4').replace(/\/+$/, '')}/accounts/${encodeURIComponent(settings.accountId)}/storage/kv/namespaces/${encodeURIComponent(settings.namespaceId)}`;
  const doFetch = settings.fetch ?? fetch;
  async function call<T>(method: string, path: string, body: unknown): Promise<T> {
    const response = await doFetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${settings.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    let envelope: Envelope<T> | undefined;
    try {
      envelope = JSON.parse(text) as Envelope<T>;
    } catch {
      // Not JSON: reported below with the status.
    }
    if (!response.ok || !envelope?.success) {
      const error = envelope?.errors?.[0];
      throw new Error(`KV REST ${method} ${path}: ${response.status} ${error ? `${error.code ?? ''} ${error.message ?? ''}`.trim() : text.slice(0, 200)}`);
    }
    return envelope.result;
  }
  async function write(entries: readonly TableEntry[]): Promise<void> {
    let left = entries;
    for (let attempt = 1; left.length > 0; attempt++) {
      const result = await call<{ unsuccessful_keys?: string[] } | null>(
        'PUT',
        '/bulk',
        left.map((e) => ({ key: e.key, value: e.value, ...(e.ttlSeconds ? { expiration_ttl: Math.max(MIN_TTL_SECONDS, e.ttlSeconds) } : {}) })),
      );
      const failed = new Set(result?.unsuccessful_keys ?? []);
      if (failed.size === 0) return;
      if (attempt === ATTEMPTS) throw new Error(`KV REST bulk write: ${failed.size} keys not written after ${ATTEMPTS} attempts (first: ${[...failed][0]})`);
      left = left.filter((e) => failed.has(e.key));
    }
  }
  return {
    kind: 'kv',
    async getMany(keys) {
      if (keys.length === 0) return [];
      if (keys.length > MAX_KEYS_PER_GET) throw new Error(`KV bulk get takes at most ${MAX_KEYS_PER_GET} keys`);
      const result = await call<{ values: Record<string, string | null> }>('POST', '/bulk/get', { keys, type: 'text' });
      return keys.map((key) => result.values[key] ?? null);
    },
    async putMany(entries) {
      let batch: TableEntry[] = [];
      let bytes = 0;
      for (const entry of entries) {
        const size = entry.key.length + entry.value.length * 2 + 64;
        if (batch.length && (batch.length === KV_BULK_PAIRS || bytes + size > KV_BULK_BYTES)) {
          await write(batch);
          batch = [];
          bytes = 0;
        }
        batch.push(entry);
        bytes += size;
      }
      if (batch.length) await write(batch);
    },
    async deleteMany(keys) {
      for (let i = 0; i < keys.length; i += KV_BULK_PAIRS) await call('POST', '/bulk/delete', keys.slice(i, i + KV_BULK_PAIRS));
    },
  };
}

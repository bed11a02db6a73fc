import { type Manifest, POINTER_KEY } from '../tables/layout.ts';
import { MAX_KEYS_PER_READ, type TableStore } from '../tables/table-store.ts';

/** How long an isolate trusts its copy of the pointer before re-reading it. */
const MANIFEST_TTL_MS = 15_000;
/** Memory an isolate gives to cached shards, text and decoded (versioned keys never go stale, so no TTL). */
const SHARD_CACHE_BYTES = 24 * 1024 * 1024;
/** Profile shards are read with every request, never cached: an erased shopper's profile must not linger in isolates. */
const UNCACHED = ':pf:';
/** A value is budgeted as its text plus its decoded form (about three times the text). */
const DECODED_FACTOR = 4;

/** Values of the keys a request asked for (versioned and unversioned), after one read. */
export interface TableRead {
  manifest: Manifest | undefined;
  value(key: string): string | null | undefined;
  /** The value of a key decoded by `decode`, decoded once per isolate (keys are versioned, so it never goes stale). */
  decoded<T>(key: string, decode: (value: string) => T): T | undefined;
  /** Round trips to the store this read made (0 when all came from the isolate cache). */
  roundTrips: number;
}

interface IsolateCache {
  manifest?: Manifest;
  manifestAt: number;
  shards: Map<string, string>;
  decoded: Map<string, unknown>;
  bytes: number;
}

const caches = new Map<string, IsolateCache>();

/** Drops what this isolate cached (tests, and after a rebuild in the same isolate). */
export function forgetCachedTables(): void {
  caches.clear();
}

/**
 * Reads what a request needs in one bulk read: the keys `keysOf(manifest)` builds for the
 * version in service, plus `unversioned` keys read every time. The pointer and shard values
 * are cached per isolate; a stale pointer is re-read in the same bulk read, and only a
 * version change (or a cold isolate) costs a second read.
 */
export async function readTables(
  store: TableStore,
  cacheName: string,
  unversioned: readonly string[],
  keysOf: (m: Manifest) => readonly string[],
  now = Date.now(),
): Promise<TableRead> {
  let cache = caches.get(cacheName);
  if (!cache) caches.set(cacheName, (cache = { manifestAt: 0, shards: new Map(), decoded: new Map(), bytes: 0 }));
  const values = new Map<string, string | null>();
  let roundTrips = 0;
  const fetch = async (keys: string[]) => {
    const wanted = [...new Set(keys)].filter((k) => !values.has(k) && !cache.shards.has(k));
    for (let i = 0; i < wanted.length; i += MAX_KEYS_PER_READ) {
      const batch = wanted.slice(i, i + MAX_KEYS_PER_READ);
      roundTrips++;
      (await store.getMany(batch)).forEach((value, j) => values.set(batch[j]!, value));
    }
  };
  const stale = !cache.manifest || now - cache.manifestAt > MANIFEST_TTL_MS;
  const guess = cache.manifest;
  await fetch([...(stale ? [POINTER_KEY] : []), ...unversioned, ...(guess ? keysOf(guess) : [])]);
  if (stale) {
    const pointer = values.get(POINTER_KEY);
    cache.manifest = pointer ? (JSON.parse(pointer) as Manifest) : undefined;
    cache.manifestAt = now;
    if (cache.manifest && cache.manifest.version !== guess?.version) await fetch([...keysOf(cache.manifest)]);
  }
  const manifest = cache.manifest;
  for (const [key, value] of values) {
    if (value !== null && manifest && key.startsWith(`t:${manifest.version}:`) && !key.includes(UNCACHED)) remember(cache, key, value);
  }
  const value = (key: string) => (values.has(key) ? values.get(key) : cache.shards.get(key));
  return { manifest, roundTrips, value, decoded: (key, decode) => decodedValue(cache, key, value(key), decode) };
}

function decodedValue<T>(cache: IsolateCache, key: string, value: string | null | undefined, decode: (value: string) => T): T | undefined {
  if (value === null || value === undefined) return undefined;
  if (!cache.shards.has(key)) return decode(value);
  let decoded = cache.decoded.get(key) as T | undefined;
  if (decoded === undefined) cache.decoded.set(key, (decoded = decode(value)));
  return decoded;
}

/** Reads more keys of the same version (e.g. catalog shards of the final items); cached likewise. */
export async function readMore(store: TableStore, cacheName: string, read: TableRead, keys: readonly string[]): Promise<TableRead> {
  const missing = keys.filter((k) => read.value(k) === undefined);
  if (missing.length === 0 || !read.manifest) return read;
  const manifest = read.manifest;
  const more = await readTables(store, cacheName, [], () => missing);
  return {
    manifest,
    roundTrips: read.roundTrips + more.roundTrips,
    value: (key) => read.value(key) ?? more.value(key),
    decoded: (key, decode) => (read.value(key) !== undefined ? read.decoded(key, decode) : more.decoded(key, decode)),
  };
}

function remember(cache: IsolateCache, key: string, value: string): void {
  if (cache.shards.has(key)) return;
  cache.shards.set(key, value);
  cache.bytes += DECODED_FACTOR * value.length;
  for (const [old, v] of cache.shards) {
    if (cache.bytes <= SHARD_CACHE_BYTES) break;
    cache.shards.delete(old);
    cache.decoded.delete(old);
    cache.bytes -= DECODED_FACTOR * v.length;
  }
}

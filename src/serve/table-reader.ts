import { ERASURES_KEY, type Manifest, POINTER_KEY, isProfileKey } from '../tables/layout.ts';
import { MAX_KEYS_PER_READ, type TableStore } from '../tables/table-store.ts';

/** How long an isolate trusts its copy of the pointer before re-reading it. */
const MANIFEST_TTL_MS = 15_000;
/**
 * Memory an isolate gives to cached shards, text and decoded, per cache name (versioned keys
 * never go stale, so no TTL; the least recently used go first). Serving uses one cache name,
 * search a second: 48 MB of the isolate's 128 MB at most, with search's 16 MB of terms.
 */
const SHARD_CACHE_BYTES = 24 * 1024 * 1024;
/** A decoded value is budgeted as its text plus its decoded form (about three times the text). */
const DECODED_FACTOR = 4;
/**
 * Shards only ever read a line at a time are kept as text only: a byte a character when the text
 * is Latin-1 (V8 keeps it as a one-byte string; the search index's postings are ASCII), else two.
 * Profiles (one shopper's line per request), and the search index's postings and clicks per
 * query (one term's or query's line: `src/search/serve-search.ts`, the cold-start title match).
 */
const LINE_TABLES = /:(pf|sp|sq):/;
const BEYOND_LATIN1 = /[^\u0000-\u00ff]/;

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
  /** Cached values in least recently used order. */
  shards: Map<string, string>;
  decoded: Map<string, unknown>;
  /** What each cached value was budgeted at. */
  costs: Map<string, number>;
  bytes: number;
  /** The erasure stamp the last completed read saw (`null`: none written; `undefined`: not read yet). */
  erasures?: string | null;
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
 *
 * Profile shards are rewritten in place by an erasure, so they are cached under the erasure
 * stamp ({@link ERASURES_KEY}), read with every request that needs a profile: a stamp other
 * than the one the cached shards were read under drops them, and the request reads its shard
 * again. A shard is kept only when this read saw the stamp that a read finished before it began
 * had seen, and the cache still holds that stamp: so it was read after every erasure stamped
 * until then had rewritten it (the eraser writes the stamp after the shards).
 */
export async function readTables(
  store: TableStore,
  cacheName: string,
  unversioned: readonly string[],
  keysOf: (m: Manifest) => readonly string[],
  now = Date.now(),
): Promise<TableRead> {
  let cache = caches.get(cacheName);
  if (!cache) caches.set(cacheName, (cache = { manifestAt: 0, shards: new Map(), decoded: new Map(), costs: new Map(), bytes: 0 }));
  const trusted = cache.erasures;
  const values = new Map<string, string | null>();
  const fromCache = new Set<string>();
  let stamp: string | null | undefined;
  let roundTrips = 0;
  const get = async (keys: string[]) => {
    for (let i = 0; i < keys.length; i += MAX_KEYS_PER_READ) {
      const batch = keys.slice(i, i + MAX_KEYS_PER_READ);
      roundTrips++;
      (await store.getMany(batch)).forEach((value, j) => values.set(batch[j]!, value));
    }
  };
  const fetch = async (keys: readonly string[]) => {
    const wanted: string[] = [];
    let profiles = false;
    for (const key of new Set(keys)) {
      profiles ||= isProfileKey(key);
      if (values.has(key)) continue;
      const hit = cache.shards.get(key);
      if (hit === undefined) wanted.push(key);
      else {
        touch(cache, key, hit);
        values.set(key, hit);
        fromCache.add(key);
      }
    }
    if (profiles && stamp === undefined && !wanted.includes(ERASURES_KEY)) wanted.push(ERASURES_KEY);
    await get(wanted);
    if (stamp !== undefined || !values.has(ERASURES_KEY)) return;
    stamp = values.get(ERASURES_KEY) ?? null;
    if (stamp === trusted) return;
    if (stamp !== cache.erasures) forgetProfiles(cache);
    cache.erasures = stamp;
    const stale = [...fromCache].filter(isProfileKey);
    for (const key of stale) {
      values.delete(key);
      fromCache.delete(key);
    }
    await get(stale);
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
  const keepProfiles = stamp !== undefined && stamp === trusted && stamp === cache.erasures;
  for (const [key, value] of values) {
    if (value === null || fromCache.has(key) || !manifest || !key.startsWith(`t:${manifest.version}:`)) continue;
    if (keepProfiles || !isProfileKey(key)) remember(cache, key, value);
  }
  const value = (key: string) => (values.has(key) ? values.get(key) : isProfileKey(key) ? undefined : cache.shards.get(key));
  return { manifest, roundTrips, value, decoded: (key, decode) => decodedValue(cache, key, value(key), decode) };
}

function decodedValue<T>(cache: IsolateCache, key: string, value: string | null | undefined, decode: (value: string) => T): T | undefined {
  if (value === null || value === undefined) return undefined;
  if (cache.shards.get(key) !== value) return decode(value);
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

function cost(key: string, value: string): number {
  if (!key.startsWith('t:') || !LINE_TABLES.test(key)) return value.length * DECODED_FACTOR;
  return value.length * (BEYOND_LATIN1.test(value) ? 2 : 1);
}

function touch(cache: IsolateCache, key: string, value: string): void {
  cache.shards.delete(key);
  cache.shards.set(key, value);
}

function drop(cache: IsolateCache, key: string): void {
  const value = cache.shards.get(key);
  if (value === undefined) return;
  cache.shards.delete(key);
  cache.decoded.delete(key);
  cache.bytes -= cache.costs.get(key) ?? 0;
  cache.costs.delete(key);
}

function forgetProfiles(cache: IsolateCache): void {
  for (const key of [...cache.shards.keys()]) if (isProfileKey(key)) drop(cache, key);
}

function remember(cache: IsolateCache, key: string, value: string): void {
  if (cache.shards.has(key)) return;
  cache.shards.set(key, value);
  const bytes = cost(key, value);
  cache.costs.set(key, bytes);
  cache.bytes += bytes;
  for (const old of cache.shards.keys()) {
    if (cache.bytes <= SHARD_CACHE_BYTES) break;
    drop(cache, old);
  }
}

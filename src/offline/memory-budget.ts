/**
 * The job's one memory setting (DuckDB's memory limit, `--memory-limit`) split over the whole
 * process: DuckDB's buffer manager gets the limit, Node's JS heap a cap derived from it (V8 would
 * otherwise size its heap from the machine's RAM and collect late), and the JS-side batches are
 * sized from that cap. The process then peaks at about the limit plus the heap cap plus what Node
 * and DuckDB's library need of their own (src/offline/README.md, memory).
 */

const MB = 2 ** 20;
/** The JS heap's share of DuckDB's memory limit. */
const HEAP_SHARE = 0.5;
/**
 * The least JS heap the job runs in: the catalog-sized structures (catalog maps, trending counts,
 * the search index builder) live there whatever the limit; 158,113 items (10M synthetic events)
 * took about 200 MB with bought together's pairs still in Node (they are SQL now).
 */
const MIN_HEAP_MB = 320;
/** The heap's share that the for-you scoring's parsed neighbour lists may take. */
const LIST_SHARE = 0.3;
/**
 * Node's memory per neighbour of a held list, with room to spare (NeighbourListCache: the
 * neighbour's iidx in an Int32Array and its weight in a Float64Array, 1.65 KB per list of 100
 * measured, against 11.7 KB as parsed `[id, weight]` pairs). The scorer's own arrays take 36 bytes
 * per item of the catalog, and the store the items' ids.
 */
const BYTES_PER_NEIGHBOUR = 24;
/** Heap per shopper of a profile batch (the builder's state, the scored profile, its packed shard), with room to spare. */
const BYTES_PER_PROFILE = 50 * 1024;

/** What the memory setting gives each side. */
export interface MemoryBudget {
  /** V8's old-space cap in MiB (`--max-old-space-size`). */
  heapMB: number;
  /** Neighbour lists the for-you scoring holds parsed at once. */
  neighbourListsInMemory: number;
  /** Shoppers whose profiles are built and scored at once. */
  usersPerBucket: number;
}

/** The budget of a job whose DuckDB memory limit is `limitBytes`, with neighbour lists of `k`. */
export function memoryBudget(limitBytes: number, k: number): MemoryBudget {
  const heapMB = heapCapMB(limitBytes);
  const heapBytes = heapMB * MB;
  return {
    heapMB,
    neighbourListsInMemory: Math.max(1000, Math.floor((heapBytes * LIST_SHARE) / (BYTES_PER_NEIGHBOUR * Math.max(1, k)))),
    usersPerBucket: Math.max(1000, Math.min(10_000, Math.floor(heapBytes / BYTES_PER_PROFILE))),
  };
}

/** V8's old-space cap in MiB for DuckDB's memory limit `limitBytes`: half of it, at least 320 MiB. */
export function heapCapMB(limitBytes: number): number {
  return Math.max(MIN_HEAP_MB, Math.floor((limitBytes * HEAP_SHARE) / MB));
}

/**
 * DuckDB's memory limit in MiB while Node's heap is at its fullest (from the neighbour shards on:
 * the catalog-sized builders, then the profiles): the limit less the heap cap, at least half the
 * limit (the shards' sorts, bought together's pairs and the profile stream spill past it).
 */
export function duckdbShareBesideHeap(limitBytes: number, heapMB: number): number {
  return Math.floor(Math.max(limitBytes / 2 / MB, limitBytes / MB - heapMB));
}

/** Whether Node's arguments (or NODE_OPTIONS) already set the old-space cap. */
export function heapCapSet(execArgv: readonly string[], nodeOptions = ''): boolean {
  return [...execArgv, ...nodeOptions.split(/\s+/)].some((arg) => /^--max[-_]old[-_]space[-_]size(=|$)/.test(arg));
}

/**
 * The allocator settings the job runs with (the npm script, the image, the CLI's restart and the
 * bench's child set them; a value already in the environment wins): two glibc arenas for Node's own
 * mallocs, and DuckDB's embedded jemalloc (`duckdb_je_*`, read from `DUCKDB_JE_MALLOC_CONF`) giving
 * freed pages back after 100 ms from a background thread. As built it decays them over 1 s but
 * only while it allocates, so pages freed before a Node-only phase stayed resident; decay 0 (every
 * free returned at once) held the least but made the DuckDB phases ~15% slower (README, memory).
 */
export const ALLOCATOR_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  DUCKDB_JE_MALLOC_CONF: 'background_thread:true,dirty_decay_ms:100,muzzy_decay_ms:0',
};

/** `env` with the job's allocator settings where it sets none (or an empty value). */
export function withAllocatorEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, ...Object.fromEntries(Object.entries(ALLOCATOR_ENV).map(([key, value]) => [key, env[key] || value])) };
}

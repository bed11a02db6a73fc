import type { ModelChoice } from '../model/selection/model-choice.ts';

/**
 * How derived tables are laid out in the table store. A rebuild writes every key of a new
 * version, then flips one pointer key to its manifest; readers follow the pointer, so they
 * never see two versions mixed.
 *
 * Keys: `tables:current` (the manifest of the served version) and `t:<version>:<table>:<shard>`.
 * Sharded tables pack many entries into one value, one line each: `\n<id>\t<JSON payload>\n`.
 * Ids never contain whitespace (the collection API refuses them), so a reader finds one
 * entry with a substring search and parses only that line.
 */

/** The key holding the manifest of the version in service. */
export const POINTER_KEY = 'tables:current';

/**
 * The erasure stamp: a new unique value written each time an erasure rewrote profile shards
 * (after the rewrite). Readers that keep profile shards drop them when it changes. Never expires.
 */
export const ERASURES_KEY = 'tables:erasures';

/** Whether a key is a profile shard (of any version). */
export function isProfileKey(key: string): boolean {
  return key.startsWith('t:') && key.includes(':pf:');
}

/** Sharded tables: neighbours, bought together, profiles, catalog snapshot. */
export type ShardedTable = 'nb' | 'bt' | 'pf' | 'ct';

/**
 * Search index tables (src/search): the head (`sh`, one key), postings sharded by term (`sp`),
 * clicks per query sharded by query (`sq`). Written by the rebuild's search extension.
 */
export type SearchTable = 'sh' | 'sp' | 'sq';

/** Entries packed per value, per table (see src/tables/README.md for the sizes this gives). */
export const ENTRIES_PER_SHARD: Record<ShardedTable, number> = { nb: 16, bt: 32, pf: 32, ct: 256 };

/** What a version holds and how to find it. */
export interface Manifest {
  version: string;
  builtAt: number;
  /** Shard count per sharded table (search tables when the search index was built). */
  shards: Record<ShardedTable, number> & Partial<Record<SearchTable, number>>;
  /** Figures of the run that built it. */
  stats: Record<string, number>;
  /**
   * The model the run selected (src/model/selection): neighbour model, history length and
   * half-life (null: no decay) serving scores with, popularity blend. Absent before selection existed.
   */
  model?: ModelChoice;
}

/** Key of one shard of a table of a version; `trending` has a single unsharded key. */
export function tableKey(version: string, table: ShardedTable | SearchTable | 'tr', shard = 0): string {
  return `t:${version}:${table}:${shard}`;
}

/** Shards needed for `entries` entries of a table. */
export function shardCount(table: ShardedTable, entries: number): number {
  return Math.max(1, Math.ceil(entries / ENTRIES_PER_SHARD[table]));
}

/** The shard an id falls in (FNV-1a hash). */
export function shardOf(id: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** Packs entries into one shard value. */
export function packShard(entries: Iterable<readonly [string, unknown]>): string {
  let out = '\n';
  for (const [id, payload] of entries) out += `${id}\t${JSON.stringify(payload)}\n`;
  return out;
}

/** The payload of one id in a packed shard value, or undefined. */
export function unpackEntry<T>(value: string, id: string): T | undefined {
  const start = value.indexOf(`\n${id}\t`);
  if (start < 0) return undefined;
  const from = start + id.length + 2;
  return JSON.parse(value.slice(from, value.indexOf('\n', from))) as T;
}

/** Every entry of a packed shard value (for tests, tools and erasure). */
export function unpackShard<T>(value: string): Map<string, T> {
  const entries = new Map<string, T>();
  for (const line of value.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) entries.set(line.slice(0, tab), JSON.parse(line.slice(tab + 1)) as T);
  }
  return entries;
}

/**
 * How the event archive is laid out in R2 (or a local directory with the same keys).
 *
 * Events: `events/date=YYYY-MM-DD/hour=HH/<first seq>-<last seq>.jsonl.gz`, partitioned by the
 * hour (UTC) of the event's `ts`; each object is gzip JSON lines, one D1 `events` row per line
 * with D1's column names. The name comes from the rows it holds, so writing the same rows again
 * replaces the object. Readers still deduplicate by event `id` (an object written twice with other
 * boundaries after a retry repeats rows).
 *
 * Tombstones: `tombstones/<at>-<hash prefix>.json`, one per erasure: `{ user_sha256, up_to_seq, at }`.
 * Every reader drops the events of that user (SHA-256 of the id, hex) with `seq <= up_to_seq`.
 */

/** One archived event: a D1 `events` row with its column names. */
export interface ArchivedEvent {
  seq: number;
  id: string;
  type: string;
  user_id: string;
  item_id: string | null;
  items: string | null;
  value: number | null;
  price: number | null;
  rid: string | null;
  session: string | null;
  context: string | null;
  ts: number;
  received_at: number;
}

/** One erasure as the archive's readers apply it. */
export interface Tombstone {
  /** SHA-256 of the user id, lowercase hex: the archive never names an erased shopper. */
  user_sha256: string;
  /** Events of the user up to this log sequence number are erased; later ones (a new consent) stay. */
  up_to_seq: number;
  at: number;
}

export const EVENTS_PREFIX = 'events/';
export const TOMBSTONES_PREFIX = 'tombstones/';

/** The hour partition of a timestamp: `date=2026-12-02/hour=13`. */
export function partitionOf(ts: number): string {
  const iso = new Date(ts).toISOString();
  return `date=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`;
}

/** The key of the object holding the rows `fromSeq..toSeq` of one partition. */
export function eventObjectKey(partition: string, fromSeq: number, toSeq: number): string {
  return `${EVENTS_PREFIX}${partition}/${pad(fromSeq)}-${pad(toSeq)}.jsonl.gz`;
}

const PARTITION_IN_PATH = /\/date=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\//;
const SEQ_RANGE = /(\d+)-(\d+)\.jsonl(?:\.gz)?$/;

/**
 * What an event object's key says, read back from the key or a path ending in one (the inverse of
 * {@link eventObjectKey}): its hour partition, the partition's first millisecond, and its rows at
 * most by the seq range of its name (absent when the name gives none). Undefined outside the layout.
 */
export function eventObjectOf(path: string): { partition: string; start: number; rows?: number } | undefined {
  const normalized = path.replaceAll('\\', '/');
  const match = PARTITION_IN_PATH.exec(normalized);
  if (!match) return undefined;
  const range = SEQ_RANGE.exec(normalized);
  const rows = range ? Number(range[2]) - Number(range[1]) + 1 : 0;
  return { partition: `date=${match[1]}/hour=${match[2]}`, start: Date.parse(`${match[1]}T${match[2]}:00:00Z`), ...(rows > 0 ? { rows } : {}) };
}

/** The key of a tombstone. */
export function tombstoneKey(tombstone: Tombstone): string {
  return `${TOMBSTONES_PREFIX}${pad(tombstone.at)}-${tombstone.user_sha256.slice(0, 16)}.json`;
}

/** SHA-256 of a string, lowercase hex (what DuckDB's `sha256()` returns). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function pad(n: number): string {
  return String(n).padStart(15, '0');
}

export const CATALOG_PREFIX = 'catalog/';

/**
 * The key of one object of a catalog snapshot taken at `at`: `catalog/<at>/part-<n>.jsonl.gz`,
 * gzip JSON lines, one D1 `items` row per line with D1's column names (categories and attributes
 * as their JSON text, available 1/0, updated_at).
 */
export function catalogObjectKey(at: number, part: number): string {
  return `${CATALOG_PREFIX}${pad(at)}/part-${String(part).padStart(6, '0')}.jsonl.gz`;
}

/** The marker written after every object of the snapshot taken at `at`: readers take the newest snapshot that has one. */
export function catalogDoneKey(at: number): string {
  return `${CATALOG_PREFIX}${pad(at)}/done.json`;
}

import type { ArchiveBucket } from './bucket.ts';
import { gunzipLines } from './jsonl.ts';
import { type ArchivedEvent, EVENTS_PREFIX, TOMBSTONES_PREFIX, type Tombstone, sha256Hex } from './layout.ts';

/** Every tombstone in the archive. */
export async function readTombstones(bucket: ArchiveBucket): Promise<Tombstone[]> {
  const tombstones: Tombstone[] = [];
  for (const key of await bucket.list(TOMBSTONES_PREFIX)) {
    const bytes = await bucket.get(key);
    if (bytes) tombstones.push(JSON.parse(new TextDecoder().decode(bytes)) as Tombstone);
  }
  return tombstones;
}

/**
 * The archive as every reader must see it: each event id once, tombstoned events gone, in
 * `(ts, seq)` order (the order the rebuild reads D1 in). Holds the whole archive: for tests and
 * small tools; the offline rebuild applies the same rules in SQL (src/archive/sql).
 */
export async function readArchive(bucket: ArchiveBucket, sinceTs = -Infinity): Promise<ArchivedEvent[]> {
  const erased = new Map<string, number>();
  for (const t of await readTombstones(bucket)) erased.set(t.user_sha256, Math.max(erased.get(t.user_sha256) ?? 0, t.up_to_seq));
  const byId = new Map<string, ArchivedEvent>();
  const hashes = new Map<string, string>();
  for (const key of await bucket.list(EVENTS_PREFIX)) {
    const bytes = await bucket.get(key);
    if (!bytes) continue;
    for (const event of await gunzipLines<ArchivedEvent>(bytes)) {
      if (event.ts < sinceTs || byId.has(event.id)) continue;
      let hash = hashes.get(event.user_id);
      if (hash === undefined) hashes.set(event.user_id, (hash = await sha256Hex(event.user_id)));
      if (event.seq <= (erased.get(hash) ?? -1)) continue;
      byId.set(event.id, event);
    }
  }
  return [...byId.values()].sort((a, b) => a.ts - b.ts || a.seq - b.seq);
}

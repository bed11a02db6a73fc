import { and, asc, eq, gt, lte, max, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { events, settings } from '../db/schema.ts';
import { acquireLease, releaseLease } from '../rebuild/lease.ts';
import type { ArchiveBucket } from './bucket.ts';
import { gzipLines } from './jsonl.ts';
import { type ArchivedEvent, eventObjectKey, partitionOf } from './layout.ts';

/** The settings key holding the last log sequence number written to the archive. */
export const ARCHIVE_CURSOR = 'archive.cursor';

const LEASE = 'archive';
const LEASE_MS = 5 * 60_000;

/** What one archiving run wrote. */
export interface ArchiveRun {
  status: 'archived' | 'busy';
  events: number;
  objects: number;
  /** The last sequence number now in the archive. */
  cursor: number;
  /** More events were waiting past `maxRows`. */
  more: boolean;
}

/** Options of {@link archivePending}. */
export interface ArchiveOptions {
  /** Rows read from D1 per query. Default 5,000. */
  pageSize?: number;
  /** Most rows one run writes (the next run goes on). Default 50,000. */
  maxRows?: number;
  now?: number;
}

/** The last sequence number in the archive (0 before the first run). */
export async function archiveCursor(db: Database): Promise<number> {
  const row = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, ARCHIVE_CURSOR)).get();
  return row ? Number(row.value) : 0;
}

/**
 * Appends the events stored since the last run to the archive: pages of the log in `seq`
 * order, each page split by hour partition into one gzip JSON lines object, then the cursor
 * moves. One run at a time (a lease); a run that dies before moving the cursor is redone by the
 * next, which writes the same rows again (readers deduplicate by id).
 */
export async function archivePending(db: Database, bucket: ArchiveBucket, options: ArchiveOptions = {}): Promise<ArchiveRun> {
  const pageSize = options.pageSize ?? 5000;
  const maxRows = options.maxRows ?? 50_000;
  const now = options.now ?? Date.now();
  const holder = crypto.randomUUID();
  let cursor = await archiveCursor(db);
  if (!(await acquireLease(db, LEASE, holder, LEASE_MS, now))) return { status: 'busy', events: 0, objects: 0, cursor, more: true };
  try {
    let written = 0;
    let objects = 0;
    for (;;) {
      const rows = await db.select().from(events).where(gt(events.seq, cursor)).orderBy(asc(events.seq)).limit(pageSize);
      if (rows.length === 0) return { status: 'archived', events: written, objects, cursor, more: false };
      const partitions = new Map<string, ArchivedEvent[]>();
      for (const row of rows) {
        const line = toArchived(row);
        const partition = partitionOf(line.ts);
        const list = partitions.get(partition);
        if (list) list.push(line);
        else partitions.set(partition, [line]);
      }
      for (const [partition, lines] of partitions) {
        await bucket.put(eventObjectKey(partition, lines[0]!.seq, lines[lines.length - 1]!.seq), await gzipLines(lines));
        objects++;
      }
      cursor = rows[rows.length - 1]!.seq;
      await setCursor(db, cursor, now);
      written += rows.length;
      if (rows.length < pageSize) return { status: 'archived', events: written, objects, cursor, more: false };
      if (written >= maxRows) return { status: 'archived', events: written, objects, cursor, more: true };
    }
  } finally {
    await releaseLease(db, LEASE, holder);
  }
}

/**
 * The highest sequence number the log ever handed out (SQLite's AUTOINCREMENT high-water mark,
 * so deleted rows still count), or the highest present; 0 when empty.
 */
export async function highWaterSeq(db: Database): Promise<number> {
  const [mark, present] = await Promise.all([
    db.get<{ seq: number } | undefined>(sql`SELECT seq FROM sqlite_sequence WHERE name = 'events'`),
    db
      .select({ seq: max(events.seq) })
      .from(events)
      .get(),
  ]);
  return Math.max(mark?.seq ?? 0, present?.seq ?? 0);
}

/**
 * With the archive on, D1 keeps only the recent window: deletes events older than `keepDays`
 * that the archive already holds (`seq` at or below its cursor), at most `maxRows` per call, in
 * chunks. Returns how many went.
 */
export async function pruneArchivedEvents(db: Database, keepDays: number, now = Date.now(), maxRows = 20_000): Promise<number> {
  const cutoff = now - keepDays * 86_400_000;
  const cursor = await archiveCursor(db);
  let deleted = 0;
  while (deleted < maxRows) {
    const chunk = Math.min(1000, maxRows - deleted);
    const doomed = db
      .select({ seq: events.seq })
      .from(events)
      .where(and(sql`${events.ts} < ${cutoff}`, lte(events.seq, cursor)))
      .orderBy(asc(events.ts), asc(events.seq))
      .limit(chunk);
    const gone = await db
      .delete(events)
      .where(sql`${events.seq} IN ${doomed}`)
      .returning({ seq: events.seq });
    deleted += gone.length;
    if (gone.length < chunk) break;
  }
  return deleted;
}

async function setCursor(db: Database, seq: number, now: number): Promise<void> {
  await db
    .insert(settings)
    .values({ key: ARCHIVE_CURSOR, value: String(seq), updatedAt: now })
    .onConflictDoUpdate({ target: settings.key, set: { value: String(seq), updatedAt: now } });
}

function toArchived(row: typeof events.$inferSelect): ArchivedEvent {
  return {
    seq: row.seq,
    id: row.id,
    type: row.type,
    user_id: row.userId,
    item_id: row.itemId,
    items: row.items,
    value: row.value,
    price: row.price,
    rid: row.rid,
    session: row.session,
    context: row.context,
    ts: row.ts,
    received_at: row.receivedAt,
  };
}

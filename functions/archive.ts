import { r2ArchiveBucket } from '../src/archive/bucket.ts';
import { archivePending, pruneArchivedEvents } from '../src/archive/write-archive.ts';
import { openDatabase } from '../src/db/client.ts';
import type { Env } from '../src/env.ts';

/** The queue the archiver is woken on (wrangler.toml). */
export const ARCHIVE_QUEUE_NAME = 'event-archive';

/** Days of events D1 keeps with the archive on, or undefined (keep all). */
export function d1KeepDays(env: Pick<Env, 'ARCHIVE' | 'ARCHIVE_D1_DAYS'>): number | undefined {
  const days = Number(env.ARCHIVE_D1_DAYS);
  return env.ARCHIVE && env.ARCHIVE_D1_DAYS && Number.isFinite(days) && days >= 1 ? days : undefined;
}

/** After a stored batch: wakes the archiver (a failed send only delays it to the next cron). */
export async function wakeArchiver(env: Env): Promise<void> {
  if (!env.ARCHIVE || !env.ARCHIVE_QUEUE) return;
  try {
    await env.ARCHIVE_QUEUE.send({ stored: Date.now() });
  } catch (err) {
    console.error('archive wake-up not sent', err);
  }
}

/** The archive queue's consumer: one archiving run per batch of wake-ups (a batch is many stored batches). */
export async function archiveConsumer(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  if (!env.ARCHIVE) return batch.ackAll();
  const run = await archivePending(openDatabase(env.DB), r2ArchiveBucket(env.ARCHIVE));
  if (run.more && env.ARCHIVE_QUEUE) await env.ARCHIVE_QUEUE.send({ more: run.cursor });
  batch.ackAll();
}

/** The 5-minute cron: sweeps what the queue missed, then prunes D1 to its window when configured. */
export async function scheduledArchive(env: Env): Promise<void> {
  if (!env.ARCHIVE) return;
  const db = openDatabase(env.DB);
  const run = await archivePending(db, r2ArchiveBucket(env.ARCHIVE));
  console.log(`archive: ${run.status}, ${run.events} events in ${run.objects} objects, cursor ${run.cursor}`);
  const days = d1KeepDays(env);
  if (days !== undefined) console.log(`archive: pruned ${await pruneArchivedEvents(db, days)} events older than ${days} days from D1`);
}

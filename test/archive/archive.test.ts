import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../functions/index.ts';
import { r2ArchiveBucket } from '../../src/archive/bucket.ts';
import { gunzipLines } from '../../src/archive/jsonl.ts';
import { type ArchivedEvent, EVENTS_PREFIX, sha256Hex } from '../../src/archive/layout.ts';
import { readArchive, readTombstones } from '../../src/archive/read-archive.ts';
import { ARCHIVE_CURSOR, archiveCursor, archivePending } from '../../src/archive/write-archive.ts';
import { openDatabase } from '../../src/db/client.ts';
import { ADMIN, call, rows, send, uniq } from '../support/api.ts';

const db = openDatabase(env.DB);
const bucket = r2ArchiveBucket(env.ARCHIVE!);
const DAY = 86_400_000;

/** Runs the archiver until the log is archived (the queue consumer may hold the lease a moment). */
async function archiveAll(options: { pageSize?: number } = {}): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const run = await archivePending(db, bucket, options);
    if (run.status === 'archived' && !run.more) return;
    if (run.status === 'busy') await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('archive never caught up');
}

async function postEvents(events: unknown[]): Promise<void> {
  const res = await send('POST', '/v1/events', { events });
  expect(res.status).toBe(200);
}

function viewsOf(user: string, count: number, ts: number) {
  return Array.from({ length: count }, (_, n) => ({ id: `${user}-e${n}`, type: 'view', user, item: `sku-${n % 7}`, ts: ts + n * 60_000 }));
}

describe('event archive', () => {
  it('holds every stored event once, in log order, even when objects are written again with other boundaries', async () => {
    const user = uniq('arch');
    const now = Date.now();
    await postEvents(viewsOf(user, 30, now - 3 * 3600_000));
    await postEvents([{ id: `${user}-e3`, type: 'view', user, item: 'sku-3' }]); // a re-sent event: stored once
    await archiveAll();
    const before = await archiveCursor(db);
    // A run that died before moving its cursor is redone by the next: rewind and archive again in other pages.
    await env.DB.prepare('UPDATE settings SET value = ? WHERE key = ?').bind('0', ARCHIVE_CURSOR).run();
    await archiveAll({ pageSize: 7 });
    expect(await archiveCursor(db)).toBe(before);

    const keys = await bucket.list(EVENTS_PREFIX);
    expect(keys.every((k) => /^events\/date=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/\d{15}-\d{15}\.jsonl\.gz$/.test(k))).toBe(true);
    let copies = 0;
    for (const key of keys) copies += (await gunzipLines<ArchivedEvent>((await bucket.get(key))!)).filter((e) => e.user_id === user).length;
    expect(copies).toBeGreaterThan(30); // the raw objects do repeat rows

    const archived = (await readArchive(bucket)).filter((e) => e.user_id === user);
    const stored = await rows<{ seq: number; id: string; ts: number; item_id: string }>(
      'SELECT seq, id, ts, item_id FROM events WHERE user_id = ? ORDER BY ts, seq',
      user,
    );
    expect(archived.map((e) => [e.seq, e.id, e.ts, e.item_id])).toEqual(stored.map((e) => [e.seq, e.id, e.ts, e.item_id]));
    expect(archived).toHaveLength(30);
    const hour = new Date(archived[0]!.ts).toISOString().slice(11, 13);
    expect(keys.some((k) => k.includes(`hour=${hour}/`))).toBe(true);
  });

  it('is woken by the queue after a stored batch', async () => {
    const user = uniq('queued');
    await postEvents(viewsOf(user, 3, Date.now() - 60_000));
    const batch = createMessageBatch('event-archive', [{ id: 'm1', timestamp: new Date(), attempts: 1, body: { stored: Date.now() } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.length + (result.ackAll ? 1 : 0)).toBeGreaterThan(0);
    for (let attempt = 0; attempt < 50 && (await readArchive(bucket)).filter((e) => e.user_id === user).length < 3; attempt++) await archiveAll();
    expect((await readArchive(bucket)).filter((e) => e.user_id === user)).toHaveLength(3);
  });

  it('forgets an erased shopper: a tombstone every reader applies, later events stay', async () => {
    const gone = uniq('erased');
    const kept = uniq('kept');
    await postEvents([...viewsOf(gone, 5, Date.now() - 3600_000), ...viewsOf(kept, 5, Date.now() - 3600_000)]);
    await archiveAll();
    expect((await readArchive(bucket)).filter((e) => e.user_id === gone)).toHaveLength(5);

    const res = await call(`/v1/users/${gone}`, { method: 'DELETE', headers: ADMIN });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { deleted: Record<string, number>; pending: string[] };
    expect(body.deleted.archive).toBe(1);
    expect(body.pending).toEqual([]);
    const hash = await sha256Hex(gone);
    const tombstones = await readTombstones(bucket);
    expect(tombstones.some((t) => t.user_sha256 === hash)).toBe(true);
    expect(JSON.stringify(tombstones)).not.toContain(gone);

    // The shopper comes back (a new consent): events stored after the erasure stay.
    await postEvents([{ id: `${gone}-after`, type: 'click', user: gone, item: 'sku-1' }]);
    await archiveAll();
    const archive = await readArchive(bucket);
    expect(archive.filter((e) => e.user_id === gone).map((e) => e.id)).toEqual([`${gone}-after`]);
    expect(archive.filter((e) => e.user_id === kept)).toHaveLength(5);
  });

  it('lets D1 keep only its recent window once events are archived (the 5-minute cron)', async () => {
    const user = uniq('old');
    const now = Date.now();
    await postEvents([...viewsOf(user, 4, now - 40 * DAY), ...viewsOf(`${user}-recent`, 2, now - DAY)]);
    const cron = (vars: Record<string, string>) => {
      const ctx = createExecutionContext();
      return worker
        .scheduled(createScheduledController({ scheduledTime: now, cron: '*/5 * * * *' }), { ...env, ...vars }, ctx)
        .then(() => waitOnExecutionContext(ctx));
    };
    const count = async (u: string) => (await rows<{ n: number }>('SELECT count(*) AS n FROM events WHERE user_id = ?', u))[0]!.n;

    await cron({ ARCHIVE_D1_DAYS: '' }); // off: D1 keeps everything
    expect(await count(user)).toBe(4);

    await cron({ ARCHIVE_D1_DAYS: '30' });
    expect(await count(user)).toBe(0);
    expect(await count(`${user}-recent`)).toBe(2);
    expect((await readArchive(bucket)).filter((e) => e.user_id === user)).toHaveLength(4);
    const [health] = await rows<{ n: number }>('SELECT n FROM event_count WHERE id = 1');
    const [actual] = await rows<{ n: number }>('SELECT count(*) AS n FROM events');
    expect(health!.n).toBe(actual!.n);
  });

  it('never prunes an event the archive does not hold yet', async () => {
    const user = uniq('unarchived');
    await postEvents(viewsOf(user, 3, Date.now() - 40 * DAY));
    const { pruneArchivedEvents } = await import('../../src/archive/write-archive.ts');
    // Another test's archiver may run meanwhile; pin the cursor below these events for this check.
    const [{ seq }] = (await rows<{ seq: number }>('SELECT min(seq) AS seq FROM events WHERE user_id = ?', user)) as [{ seq: number }];
    await env.DB.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .bind(ARCHIVE_CURSOR, String(seq - 1), Date.now())
      .run();
    await pruneArchivedEvents(db, 30);
    expect(await rows('SELECT id FROM events WHERE user_id = ?', user)).toHaveLength(3);
    await archiveAll();
    await pruneArchivedEvents(db, 30);
    expect(await rows('SELECT id FROM events WHERE user_id = ?', user)).toHaveLength(0);
  });
});

import { and, asc, eq, gt } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { audienceProfiles, campaignCaps, events, segmentChanges, segmentMembers } from '../db/schema.ts';
import { readManifest } from '../rebuild/publish.ts';
import { shardOf, tableKey, unpackEntry } from '../tables/layout.ts';
import type { TableStore } from '../tables/table-store.ts';

/** Events read per query when exporting one shopper. */
const PAGE = 1000;
/** Most events one export answers with (the rest is reported as truncated). */
const MAX_EVENTS = 50_000;

/**
 * Everything held about one shopper, for an access request: their events in the log, the
 * rebuilt profile of the version in service, the segment profile row, memberships and their
 * history, and campaign cap counters.
 */
export async function exportShopper(db: Database, store: TableStore, user: string): Promise<Record<string, unknown>> {
  const log: Array<Record<string, unknown>> = [];
  let after = 0;
  let truncated = false;
  for (;;) {
    const rows = await db
      .select()
      .from(events)
      .where(and(eq(events.userId, user), gt(events.seq, after)))
      .orderBy(asc(events.seq))
      .limit(PAGE);
    for (const { context, items, ...row } of rows) {
      log.push({ ...row, items: items ? JSON.parse(items) : null, context: context ? JSON.parse(context) : null });
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.seq;
    if (log.length >= MAX_EVENTS) {
      truncated = true;
      break;
    }
  }
  const [profileRow, memberships, changes, caps, tableProfile] = await Promise.all([
    db.select().from(audienceProfiles).where(eq(audienceProfiles.userId, user)).get(),
    db.select().from(segmentMembers).where(eq(segmentMembers.userId, user)),
    db.select().from(segmentChanges).where(eq(segmentChanges.userId, user)).orderBy(asc(segmentChanges.seq)),
    db.select().from(campaignCaps).where(eq(campaignCaps.userId, user)),
    servedProfile(store, user).catch((err: unknown) => ({ unavailable: err instanceof Error ? err.message : String(err) })),
  ]);
  return {
    user,
    exportedAt: Date.now(),
    events: log,
    eventsTruncated: truncated,
    recommendationProfile: tableProfile ?? null,
    segmentProfile: profileRow
      ? {
          facts: JSON.parse(profileRow.facts),
          rfm: profileRow.rfm ? JSON.parse(profileRow.rfm) : null,
          segments: JSON.parse(profileRow.segments),
          builtAt: profileRow.builtAt,
        }
      : null,
    segmentMemberships: memberships.map(({ segmentId, joinedAt, score }) => ({ segment: segmentId, joinedAt, score })),
    segmentHistory: changes.map(({ segmentId, change, at }) => ({ segment: segmentId, change, at })),
    campaignCaps: caps.map(({ userId: _u, ...cap }) => cap),
  };
}

async function servedProfile(store: TableStore, user: string): Promise<unknown> {
  const manifest = await readManifest(store);
  if (!manifest) return undefined;
  const [value] = await store.getMany([tableKey(manifest.version, 'pf', shardOf(user, manifest.shards.pf))]);
  return value ? unpackEntry(value, user) : undefined;
}

import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { audienceRuns, segmentChanges, segmentSizes, segments } from '../db/schema.ts';
import { RFM_GROUPS, type RfmCuts, type RfmGroup } from './rfm.ts';
import { type SegmentDefinition, builtinSegmentName } from './segment-definitions.ts';

/** How long an isolate keeps the definitions before reading D1 again. */
const DEFINITIONS_TTL_MS = 10_000;
let cached: { at: number; definitions: SegmentDefinition[] } | undefined;

function toDefinition(row: typeof segments.$inferSelect): SegmentDefinition {
  const definition = JSON.parse(row.definition);
  return row.kind === 'audience'
    ? { id: row.id, name: row.name, kind: 'audience', audience: definition }
    : { id: row.id, name: row.name, kind: 'custom', rules: definition };
}

/** Every custom segment and product audience, oldest first; cached per isolate for 10 s unless `fresh`. */
export async function listDefinitions(db: Database, fresh = false, now = Date.now()): Promise<SegmentDefinition[]> {
  if (!fresh && cached && now - cached.at < DEFINITIONS_TTL_MS) return cached.definitions;
  const rows = await db.select().from(segments).orderBy(segments.createdAt, segments.id);
  cached = { at: now, definitions: rows.map(toDefinition) };
  return cached.definitions;
}

/** Stores a definition; false when its id is taken (a built-in id is always taken). */
export async function addDefinition(db: Database, definition: SegmentDefinition, now = Date.now()): Promise<boolean> {
  if (builtinSegmentName(definition.id)) return false;
  const body = definition.kind === 'audience' ? definition.audience : definition.rules;
  const inserted = await db
    .insert(segments)
    .values({ id: definition.id, name: definition.name, kind: definition.kind, definition: JSON.stringify(body), createdAt: now })
    .onConflictDoNothing()
    .returning({ id: segments.id });
  cached = undefined;
  return inserted.length > 0;
}

/** Deletes a definition; its members leave at the next refresh. False when there was none. */
export async function deleteDefinition(db: Database, id: string): Promise<boolean> {
  const gone = await db.delete(segments).where(eq(segments.id, id)).returning({ id: segments.id });
  cached = undefined;
  return gone.length > 0;
}

/** The name of any segment id: built-in, or defined by the shop. */
export function segmentName(id: string, definitions: readonly SegmentDefinition[]): string {
  return builtinSegmentName(id) ?? definitions.find((d) => d.id === id)?.name ?? id;
}

/** A segment in the list: its size after the last refresh and the change since the one before. */
export interface SegmentSummary {
  id: string;
  name: string;
  kind: 'rfm' | 'affinity' | 'lapsed' | 'new-visitors' | 'custom' | 'audience';
  size: number;
  change: number;
  joined: number;
  left: number;
  refreshedAt: number | null;
}

function kindOf(id: string, definitions: readonly SegmentDefinition[]): SegmentSummary['kind'] {
  const defined = definitions.find((d) => d.id === id);
  if (defined) return defined.kind;
  if (id.startsWith('rfm:')) return 'rfm';
  if (id.startsWith('affinity:')) return 'affinity';
  return id === 'lapsed' ? 'lapsed' : 'new-visitors';
}

/** The latest refresh (cut points included), or undefined before the first one. */
export async function latestRefresh(db: Database): Promise<{ version: string; at: number; cuts: RfmCuts; profiles: number } | undefined> {
  const row = await db.select().from(audienceRuns).orderBy(desc(audienceRuns.at)).limit(1).get();
  return row ? { version: row.version, at: row.at, cuts: JSON.parse(row.cuts) as RfmCuts, profiles: row.profiles } : undefined;
}

/**
 * Every segment with its size and change: the RFM groups, lapsed and new visitors and every
 * definition always; category affinities that have members.
 */
export async function listSegments(db: Database): Promise<SegmentSummary[]> {
  const [definitions, latest] = await Promise.all([listDefinitions(db, true), latestRefresh(db)]);
  const sizes = latest ? await db.select().from(segmentSizes).where(eq(segmentSizes.version, latest.version)) : [];
  const bySegment = new Map(sizes.map((s) => [s.segmentId, s]));
  const ids = [
    ...(Object.keys(RFM_GROUPS) as RfmGroup[]).map((g) => `rfm:${g}`),
    ...sizes.map((s) => s.segmentId).filter((id) => id.startsWith('affinity:') && (bySegment.get(id)?.size ?? 0) > 0),
    'lapsed',
    'new-visitors',
    ...definitions.map((d) => d.id),
  ];
  return [...new Set(ids)].map((id) => {
    const s = bySegment.get(id);
    return {
      id,
      name: segmentName(id, definitions),
      kind: kindOf(id, definitions),
      size: s?.size ?? 0,
      change: (s?.joined ?? 0) - (s?.left ?? 0),
      joined: s?.joined ?? 0,
      left: s?.left ?? 0,
      refreshedAt: latest?.at ?? null,
    };
  });
}

/** A segment's size after each refresh, oldest first (sizes over time, for the dashboard). */
export async function segmentSizesOverTime(
  db: Database,
  id: string,
  limit = 100,
): Promise<Array<{ at: number; version: string; size: number; joined: number; left: number }>> {
  const rows = await db
    .select({ at: segmentSizes.at, version: segmentSizes.version, size: segmentSizes.size, joined: segmentSizes.joined, left: segmentSizes.left })
    .from(segmentSizes)
    .where(eq(segmentSizes.segmentId, id))
    .orderBy(desc(segmentSizes.at))
    .limit(limit);
  return rows.reverse();
}

/**
 * RFM movement of one refresh (default: the latest): how many shoppers moved from one RFM group
 * to another (`from: null` for new buyers, `to: null` for those who left the grid).
 */
export async function rfmMovement(db: Database, version?: string): Promise<Array<{ from: string | null; to: string | null; shoppers: number }>> {
  const v = version ?? (await latestRefresh(db))?.version;
  if (!v) return [];
  const rows = await db
    .select({ user: segmentChanges.userId, segment: segmentChanges.segmentId, change: segmentChanges.change })
    .from(segmentChanges)
    .where(and(eq(segmentChanges.version, v), sql`${segmentChanges.segmentId} LIKE 'rfm:%'`));
  const moves = new Map<string, { from: string | null; to: string | null }>();
  for (const r of rows) {
    const move = moves.get(r.user) ?? { from: null, to: null };
    if (r.change === 'leave') move.from = r.segment.slice(4);
    else move.to = r.segment.slice(4);
    moves.set(r.user, move);
  }
  const counts = new Map<string, { from: string | null; to: string | null; shoppers: number }>();
  for (const { from, to } of moves.values()) {
    const key = `${from}>${to}`;
    const entry = counts.get(key) ?? { from, to, shoppers: 0 };
    entry.shoppers++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.shoppers - a.shoppers);
}

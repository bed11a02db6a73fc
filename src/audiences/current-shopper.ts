import { and, desc, eq, gt } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { audienceProfiles, events } from '../db/schema.ts';
import { type RfmCuts } from './rfm.ts';
import { type Assignment, type SegmentDefinition, assignSegments } from './segment-definitions.ts';
import { latestRefresh, listDefinitions } from './segment-store.ts';
import { type FreshEvent, type ShopperFacts, applyFreshEvents } from './shopper-facts.ts';

/** Newest events read per request to move a shopper's facts forward. */
const FRESH_LIMIT = 50;
/** How far back a shopper unknown to the last refresh is looked up. */
const UNKNOWN_LOOKBACK_MS = 30 * 86_400_000;

/** One shopper as of now: the refresh's facts moved forward by the events logged since, and their segments. */
export interface CurrentShopper extends Assignment {
  user: string;
  facts: ShopperFacts | undefined;
  /** When the stored facts were built (the last refresh), or null when the refresh did not know the shopper. */
  builtAt: number | null;
  /** Events logged since then that were applied. */
  freshEvents: number;
  definitions: SegmentDefinition[];
}

/**
 * Reads one shopper at request time: their row of the last refresh and their events since (two
 * indexed D1 reads), then recomputes their segments against the refresh's cut points and the
 * current definitions. Cheap enough for the request path; monetary value and category shares
 * move only at the rebuild (they need prices and categories).
 */
export async function currentShopper(db: Database, user: string, now = Date.now()): Promise<CurrentShopper> {
  const [row, latest, definitions] = await Promise.all([
    db.select().from(audienceProfiles).where(eq(audienceProfiles.userId, user)).get(),
    latestRefresh(db),
    listDefinitions(db),
  ]);
  const since = row?.builtAt ?? now - UNKNOWN_LOOKBACK_MS;
  const fresh = await db
    .select({ type: events.type, item: events.itemId, ts: events.ts, context: events.context })
    .from(events)
    .where(and(eq(events.userId, user), gt(events.ts, since)))
    .orderBy(desc(events.ts))
    .limit(FRESH_LIMIT);
  const stored = row ? (JSON.parse(row.facts) as ShopperFacts) : undefined;
  const facts = applyFreshEvents(stored, (fresh as FreshEvent[]).reverse());
  const cuts: RfmCuts = latest?.cuts ?? { recencyDays: [], orders: [], monetary: [] };
  const assignment = facts ? assignSegments(facts, cuts, definitions, now) : { rfm: null, group: null, segments: {} };
  if (facts && row) keepRefreshAudiences(assignment, JSON.parse(row.segments) as Record<string, number>, definitions, facts);
  return { user, facts, builtAt: row?.builtAt ?? null, freshEvents: fresh.length, definitions, ...assignment };
}

/**
 * Product audiences are ranked over every shopper at the refresh (a size limit needs them all),
 * so request time keeps the refresh's membership and only drops an item audience whose item the
 * shopper has bought since.
 */
function keepRefreshAudiences(assignment: Assignment, stored: Record<string, number>, definitions: readonly SegmentDefinition[], facts: ShopperFacts): void {
  for (const d of definitions) {
    if (d.kind !== 'audience') continue;
    delete assignment.segments[d.id];
    const score = stored[d.id];
    if (score === undefined || facts.optOut) continue;
    if (d.audience.item !== undefined && facts.purchased.includes(d.audience.item)) continue;
    assignment.segments[d.id] = score;
  }
}

import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { audienceStage } from '../db/schema.ts';
import { catalogLookup } from '../model/catalog.ts';
import type { PartObserver, RebuildObserver } from '../rebuild/observer.ts';
import { audienceScore } from './product-audience.ts';
import { type RfmCuts, quintileCuts, rfmFigures } from './rfm.ts';
import { type SegmentDefinition, assignSegments } from './segment-definitions.ts';
import { listDefinitions } from './segment-store.ts';
import { type ShopperFacts, createContextTracker, factsFromProfile } from './shopper-facts.ts';

/** Bytes of JSON one statement carries in its single bound parameter (D1: 2 MB per value; kept well under). */
const JSON_CHUNK_CHARS = 256 * 1024;
/** Staged shoppers read per query when the version publishes. */
const PAGE = 2000;

/** Figures of one refresh. */
export interface RefreshStats {
  profiles: number;
  buyers: number;
  joins: number;
  leaves: number;
  /** Membership rows written (joins and changed audience scores). */
  membershipWrites: number;
  durationMs: number;
}

/**
 * The segment refresh as a rebuild observer: each part stages its shoppers' facts in D1 (with
 * product audience scores from the profiles' precomputed candidates); the publishing invocation
 * scores RFM over all of them, assigns segments and swaps membership in one D1 batch.
 */
export function segmentRefresher(db: Database): RebuildObserver {
  return {
    name: 'segments',
    async startPart(job, catalog) {
      const audiences = (await listDefinitions(db, true)).filter((d) => d.kind === 'audience');
      const lookup = catalogLookup(catalog);
      const contexts = createContextTracker();
      const staged: Array<[string, string]> = [];
      const observer: PartObserver = {
        events: (page) => contexts.add(page),
        profile(user, profile) {
          const facts = factsFromProfile(profile, contexts.get(user));
          const scores: Record<string, number> = {};
          for (const a of audiences) {
            const score = audienceScore(profile, a.audience, lookup.categories);
            if (score > 0) scores[a.id] = score;
          }
          if (Object.keys(scores).length > 0) facts.audiences = scores;
          staged.push([user, JSON.stringify(facts)]);
        },
        async finish() {
          await writeJsonChunks(staged, (json) =>
            db.run(sql`INSERT OR REPLACE INTO audience_stage (version, user_id, facts)
              SELECT ${job.version}, json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(${json})`),
          );
          staged.length = 0;
        },
      };
      return observer;
    },
    async published(version, now) {
      return { ...(await refreshSegments(db, version, now)) };
    },
  };
}

async function writeJsonChunks(rows: readonly unknown[], write: (json: string) => Promise<unknown>): Promise<void> {
  let chunk: string[] = [];
  let chars = 0;
  const flush = async () => {
    if (chunk.length) await write(`[${chunk.join(',')}]`);
    chunk = [];
    chars = 0;
  };
  for (const row of rows) {
    const json = JSON.stringify(row);
    if (chars + json.length > JSON_CHUNK_CHARS) await flush();
    chunk.push(json);
    chars += json.length + 1;
  }
  await flush();
}

async function* stagedPages(db: Database, version: string): AsyncGenerator<Array<{ user: string; facts: ShopperFacts }>> {
  let after = '';
  for (;;) {
    const rows = await db
      .select({ user: audienceStage.userId, facts: audienceStage.facts })
      .from(audienceStage)
      .where(and(eq(audienceStage.version, version), gt(audienceStage.userId, after)))
      .orderBy(asc(audienceStage.userId))
      .limit(PAGE);
    if (rows.length === 0) return;
    yield rows.map((r) => ({ user: r.user, facts: JSON.parse(r.facts) as ShopperFacts }));
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]!.user;
  }
}

/** Grows a Float64Array list without holding boxed numbers. */
function numbers() {
  let data = new Float64Array(1024);
  let length = 0;
  return {
    push(x: number) {
      if (length === data.length) {
        const grown = new Float64Array(data.length * 2);
        grown.set(data);
        data = grown;
      }
      data[length++] = x;
    },
    values: () => data.subarray(0, length),
  };
}

/** The score an audience's `size`-th best shopper has (members need at least that), per audience with a size. */
function audienceFloors(definitions: readonly SegmentDefinition[], scores: Map<string, ReturnType<typeof numbers>>): Map<string, number> {
  const floors = new Map<string, number>();
  for (const d of definitions) {
    if (d.kind !== 'audience' || !d.audience.size) continue;
    const sorted = Float64Array.from(scores.get(d.id)?.values() ?? []).sort();
    if (sorted.length > d.audience.size) floors.set(d.id, sorted[sorted.length - d.audience.size]!);
  }
  return floors;
}

/**
 * Refreshes every segment from the facts staged for `version`: RFM cut points over all buyers,
 * each shopper's scores and segments into `audience_profiles`, then, in one D1 batch (all or
 * nothing), the joins and leaves into `segment_changes`, membership, and sizes.
 */
export async function refreshSegments(db: Database, version: string, now: number): Promise<RefreshStats> {
  const started = Date.now();
  const definitions = await listDefinitions(db, true);
  const recency = numbers();
  const orders = numbers();
  const monetary = numbers();
  const scores = new Map<string, ReturnType<typeof numbers>>();
  let profiles = 0;
  for await (const page of stagedPages(db, version)) {
    for (const { facts } of page) {
      profiles++;
      const figures = rfmFigures(facts, now);
      if (figures) {
        recency.push(figures.recencyDays);
        orders.push(figures.orders);
        monetary.push(figures.monetary);
      }
      for (const [id, score] of Object.entries(facts.audiences ?? {})) {
        let list = scores.get(id);
        if (!list) scores.set(id, (list = numbers()));
        list.push(score);
      }
    }
  }
  const cuts: RfmCuts = { recencyDays: quintileCuts(recency.values()), orders: quintileCuts(orders.values()), monetary: quintileCuts(monetary.values()) };
  const floors = audienceFloors(definitions, scores);
  scores.clear();
  for await (const page of stagedPages(db, version)) {
    const rows = page.map(({ user, facts }) => {
      const { rfm, segments } = assignSegments(facts, cuts, definitions, now, floors);
      return [user, JSON.stringify(facts), rfm ? JSON.stringify(rfm) : null, JSON.stringify(segments)];
    });
    await writeJsonChunks(rows, (json) =>
      db.run(sql`INSERT INTO audience_profiles (user_id, facts, rfm, segments, version, built_at)
        SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'), ${version}, ${now}
        FROM json_each(${json}) WHERE true
        ON CONFLICT (user_id) DO UPDATE SET facts = excluded.facts, rfm = excluded.rfm, segments = excluded.segments, version = excluded.version, built_at = excluded.built_at`),
    );
  }
  const d1 = db.$client;
  const vn = [version, now];
  const statements: Array<[string, unknown[]]> = [
    ['DELETE FROM audience_profiles WHERE version != ?1', [version]],
    [
      `INSERT INTO segment_changes (segment_id, user_id, change, version, at)
      SELECT m.segment_id, m.user_id, 'leave', ?1, ?2 FROM segment_members m
      WHERE NOT EXISTS (SELECT 1 FROM audience_profiles p, json_each(p.segments) j WHERE p.user_id = m.user_id AND j.key = m.segment_id)`,
      vn,
    ],
    [
      `INSERT INTO segment_changes (segment_id, user_id, change, version, at)
      SELECT j.key, p.user_id, 'join', ?1, ?2 FROM audience_profiles p, json_each(p.segments) j
      WHERE NOT EXISTS (SELECT 1 FROM segment_members m WHERE m.segment_id = j.key AND m.user_id = p.user_id)`,
      vn,
    ],
    [
      `DELETE FROM segment_members WHERE (segment_id, user_id) IN
      (SELECT segment_id, user_id FROM segment_changes WHERE version = ?1 AND change = 'leave')`,
      [version],
    ],
    [
      `INSERT INTO segment_members (segment_id, user_id, joined_at, score)
      SELECT j.key, p.user_id, ?1, CASE WHEN j.value > 0 THEN j.value END FROM audience_profiles p, json_each(p.segments) j WHERE true
      ON CONFLICT (segment_id, user_id) DO UPDATE SET score = excluded.score WHERE score IS NOT excluded.score`,
      [now],
    ],
    [
      `INSERT INTO segment_sizes (segment_id, version, at, size, joined, left)
      SELECT segment_id, ?1, ?2, sum(member), sum(joined), sum(left) FROM (
        SELECT segment_id, 1 AS member, 0 AS joined, 0 AS left FROM segment_members
        UNION ALL SELECT segment_id, 0, change = 'join', change = 'leave' FROM segment_changes WHERE version = ?1
      ) GROUP BY segment_id`,
      vn,
    ],
    [
      'INSERT INTO audience_runs (version, at, cuts, profiles, duration_ms) VALUES (?1, ?2, ?3, ?4, ?5)',
      [...vn, JSON.stringify(cuts), profiles, Date.now() - started],
    ],
    ['DELETE FROM audience_stage', []],
  ];
  const results = await d1.batch(statements.map(([query, params]) => d1.prepare(query).bind(...params)));
  const changed = (i: number) => results[i]?.meta?.changes ?? 0;
  return {
    profiles,
    buyers: orders.values().length,
    leaves: changed(1),
    joins: changed(2),
    membershipWrites: changed(4),
    durationMs: Date.now() - started,
  };
}

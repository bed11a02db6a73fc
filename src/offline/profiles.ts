/**
 * Profiles and their for-you candidates, offline: one pass over the window's events ordered by
 * (profile shard, shopper, ts, seq) through the model's profile builder, a batch of complete
 * shards at a time (memory bounded by the batch, not by the shoppers); each profile goes back to
 * DuckDB as its JSON plus the few rows its for-you needs (its scored history items and what it
 * bought); the candidates are scored and the shards packed in SQL (sql/05-profile-shards.sql).
 */
import type { DuckDBAppender } from '@duckdb/node-api';
import type { CatalogMaps } from '../model/catalog.ts';
import type { EventType, ShopEvent } from '../model/events.ts';
import { decay, defaultEventWeights } from '../model/interaction-weights.ts';
import { defaultScoring } from '../model/recommend.ts';
import { type UserProfile, createUserProfilesBuilder, profileHistory } from '../model/user-profile.ts';
import { shardOf } from '../tables/layout.ts';
import type { Engine } from './engine.ts';
import { sqlFile } from './sql-files.ts';

/** Candidates per profile (precomputeForYou's default). */
const FOR_YOU_LIMIT = 40;

/** One packed profile shard. */
export interface ProfileShard {
  shard: number;
  value: string;
}

/** Source rows (shoppers x their up to 5 scored items) per for-you query: each joins up to K neighbours per row, so this bounds the query's groups. */
const SOURCES_PER_QUERY = 40_000;

/**
 * Builds every profile of the window into the engine (`profile_rows`, `fy_sources`, `fy_bought`),
 * then yields the packed `pf` shards in shard order, query by query. The profile builder holds
 * `usersPerBatch` shoppers (whole shards) at a time; each for-you query takes whole shards with
 * about {@link SOURCES_PER_QUERY} source rows, so neither grows with the shoppers.
 */
export async function* profileShards(
  engine: Engine,
  count: number,
  maps: CatalogMaps,
  now: number,
  usersPerBatch: number,
  phase: (name: string) => void = () => {},
): AsyncGenerator<ProfileShard> {
  const { connection } = engine;
  await connection.run(`CREATE OR REPLACE TABLE profile_key AS
    SELECT DISTINCT coalesce(nullif(user_id, ''), 'session:' || session) AS pkey FROM window_events
    WHERE type <> 'impression' AND coalesce(item_id, '') <> '' AND NOT starts_with(item_id, 'campaign:')
      AND coalesce(nullif(user_id, ''), session) IS NOT NULL`);
  await connection.run('CREATE OR REPLACE TABLE profile_shard (pkey VARCHAR, shard INTEGER)');
  await fill(engine, 'profile_shard', 'SELECT pkey FROM profile_key', ([key], append) => {
    append.appendVarchar(key as string);
    append.appendInteger(shardOf(key as string, count));
  });
  await connection.run(`CREATE OR REPLACE TABLE profile_rows (shard INTEGER, pkey VARCHAR, uno INTEGER, json VARCHAR);
    CREATE OR REPLACE TABLE fy_sources (uno INTEGER, src INTEGER, iidx INTEGER, w DOUBLE, hist INTEGER);
    CREATE OR REPLACE TABLE fy_bought (uno INTEGER, iidx INTEGER);
    DROP TABLE profile_key`);
  const itemIndex = new Map<string, number>();
  for await (const [items, indexes] of engine.columns('SELECT item, iidx FROM item_ids'))
    for (let r = 0; r < items!.length; r++) itemIndex.set(items![r] as string, indexes![r] as number);

  let uno = 0;
  let builder = createUserProfilesBuilder({ catalog: maps });
  let inBatch = 0;
  let batchShard = -1;
  /** The uno ranges of the for-you queries: whole shards, about SOURCES_PER_QUERY source rows each. */
  const queries: Array<[number, number]> = [];
  let queryFrom = 0;
  let querySources = 0;
  /** Finishes the builder's profiles (whole shards) into the engine. */
  async function finishBatch(): Promise<void> {
    const { side } = engine;
    const rows = await side.createAppender('profile_rows');
    const sources = await side.createAppender('fy_sources');
    const bought = await side.createAppender('fy_bought');
    let shard = -1;
    for (const [key, profile] of builder.finish(now)) {
      const at = shardOf(key, count);
      if (at !== shard && querySources >= SOURCES_PER_QUERY) {
        queries.push([queryFrom, uno - 1]);
        queryFrom = uno;
        querySources = 0;
      }
      shard = at;
      rows.appendInteger(at);
      rows.appendVarchar(key);
      rows.appendInteger(uno);
      rows.appendVarchar(JSON.stringify(profile));
      rows.endRow();
      querySources += appendForYouInputs(profile, uno, now, itemIndex, sources, bought);
      uno++;
    }
    rows.closeSync();
    sources.closeSync();
    bought.closeSync();
    builder = createUserProfilesBuilder({ catalog: maps });
    inBatch = 0;
  }
  const sql = `SELECT s.shard, s.pkey, e.user_id, e.item_id, e.type, e.value, e.ts::DOUBLE, e.session
    FROM window_events e JOIN profile_shard s ON s.pkey = coalesce(nullif(e.user_id, ''), 'session:' || e.session)
    WHERE e.type <> 'impression' AND coalesce(e.item_id, '') <> '' AND NOT starts_with(e.item_id, 'campaign:')
    ORDER BY s.shard, s.pkey, e.ts, e.seq`;
  let lastKey: string | undefined;
  for await (const [shards, keys, users, items, types, values, times, sessions] of engine.columns(sql)) {
    const page: ShopEvent[] = [];
    for (let r = 0; r < shards!.length; r++) {
      const shard = shards![r] as number;
      if (shard !== batchShard) {
        if (inBatch >= usersPerBatch) {
          builder.add(page.splice(0));
          await finishBatch();
        }
        batchShard = shard;
      }
      if (keys![r] !== lastKey) {
        lastKey = keys![r] as string;
        inBatch++;
      }
      page.push({
        user: users![r] as string,
        item: items![r] as string,
        type: types![r] as EventType,
        value: values![r] as number | null,
        ts: times![r] as number,
        session: sessions![r] as string | null,
      });
    }
    builder.add(page);
  }
  await finishBatch();
  if (uno > queryFrom) queries.push([queryFrom, uno - 1]);
  phase('profiles');
  for (const [from, to] of queries) {
    await connection.run(sqlFile('05-profile-shards.sql', { limit: FOR_YOU_LIMIT, from_uno: from, to_uno: to }));
    phase('for-you');
    for await (const [shards, values] of engine.columns('SELECT shard, value FROM profile_shards ORDER BY shard'))
      for (let r = 0; r < shards!.length; r++) yield { shard: shards![r] as number, value: values![r] as string };
  }
  await connection.run(
    'DROP TABLE profile_rows; DROP TABLE fy_sources; DROP TABLE fy_bought; DROP TABLE IF EXISTS for_you; DROP TABLE IF EXISTS profile_shards',
  );
}

/**
 * The rows the SQL for-you needs of one profile: the history items scoring uses (the
 * `maxHistory` most recent with a positive decayed weight, as src/model/recommend.ts picks its
 * sources) with their weights at `now`, and the items bought (never recommended).
 */
function appendForYouInputs(
  profile: UserProfile,
  uno: number,
  now: number,
  itemIndex: ReadonlyMap<string, number>,
  sources: DuckDBAppender,
  bought: DuckDBAppender,
): number {
  const history = profileHistory(profile);
  const weights = new Map<string, { weight: number; ts: number; hist: number }>();
  const boughtItems = new Set<string>();
  history.forEach((entry, hist) => {
    if (entry.type === 'purchase') boughtItems.add(entry.item);
    const weight = (defaultEventWeights[entry.type as Exclude<EventType, 'impression'>] ?? 1) * decay(now - entry.ts, defaultScoring.halfLifeMs);
    const source = weights.get(entry.item);
    if (source) {
      source.weight += weight;
      source.ts = Math.max(source.ts, entry.ts);
    } else weights.set(entry.item, { weight, ts: entry.ts, hist });
  });
  const recent = [...weights].filter(([, s]) => s.weight > 0).sort((a, b) => b[1].ts - a[1].ts);
  let appended = 0;
  recent.slice(0, defaultScoring.maxHistory).forEach(([item, s], src) => {
    const iidx = itemIndex.get(item);
    if (iidx === undefined) return;
    appended++;
    sources.appendInteger(uno);
    sources.appendInteger(src);
    sources.appendInteger(iidx);
    sources.appendDouble(s.weight);
    sources.appendInteger(s.hist);
    sources.endRow();
  });
  for (const item of boughtItems) {
    const iidx = itemIndex.get(item);
    if (iidx === undefined) continue;
    bought.appendInteger(uno);
    bought.appendInteger(iidx);
    bought.endRow();
  }
  return appended;
}

/** Appends to `table` one row per row of `sql`, as `append` writes it (bulk: chunks in, appender out). */
export async function fill(engine: Engine, table: string, sql: string, append: (row: unknown[], appender: DuckDBAppender) => void): Promise<void> {
  const appender = await engine.connection.createAppender(table);
  for await (const columns of engine.columns(sql)) {
    const n = columns[0]!.length;
    const row: unknown[] = new Array(columns.length);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < columns.length; c++) row[c] = columns[c]![r];
      append(row, appender);
      appender.endRow();
    }
  }
  appender.closeSync();
}

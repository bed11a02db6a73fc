/**
 * Profiles and their for-you candidates, offline: one pass over the window's events ordered by
 * (profile shard, shopper, ts, seq) through the model's profile builder, a batch of complete
 * shards at a time; each batch's for-you is scored as the Worker's `precomputeForYou` scores it
 * (`createForYouScorer`, equal to the last bit) over the neighbour lists of the batch's scored
 * history items only (fetched from the engine's `nb_numbers`, the ones the previous batch also
 * needed kept), and its shards are packed here.
 * Node holds one batch of profiles and its lists, never all shoppers or the whole table.
 */
import type { DuckDBAppender, DuckDBListVector } from '@duckdb/node-api';
import type { CatalogMaps } from '../model/catalog.ts';
import type { EventType, ShopEvent } from '../model/events.ts';
import { forYouSources } from '../model/precompute-for-you.ts';
import { type UserProfile, createUserProfilesBuilder } from '../model/user-profile.ts';
import { packShard, shardOf } from '../tables/layout.ts';
import type { Engine } from './engine.ts';
import { createForYouScorer } from './for-you-scorer.ts';
import { NeighbourListCache } from './neighbour-cache.ts';

/** One packed profile shard. */
export interface ProfileShard {
  shard: number;
  value: string;
}

/** The window's profile events (as the Worker's profile builder takes them): `e` is `window_events`. */
const PROFILE_EVENTS_WHERE = `e.type <> 'impression' AND coalesce(e.item_id, '') <> '' AND NOT starts_with(e.item_id, 'campaign:')`;
/** A profile event's shopper key (the user, or the session without one). */
const PROFILE_KEY = `coalesce(nullif(e.user_id, ''), 'session:' || e.session)`;

/**
 * Numbers the window's shoppers in (profile shard, id) order into the table `profile_order`
 * (`pkey`, `shard`, `pno`), so that the profile event stream sorts on integers; the shard is
 * computed in Node (FNV-1a, {@link shardOf}) for `count` shards.
 */
export async function numberShoppers(engine: Engine, count: number): Promise<void> {
  const { connection } = engine;
  await connection.run(`CREATE OR REPLACE TABLE profile_key AS
    SELECT DISTINCT ${PROFILE_KEY} AS pkey FROM window_events e
    WHERE ${PROFILE_EVENTS_WHERE} AND coalesce(nullif(e.user_id, ''), e.session) IS NOT NULL`);
  await connection.run('CREATE OR REPLACE TABLE profile_shard (pkey VARCHAR, shard INTEGER)');
  await fill(engine, 'profile_shard', 'SELECT pkey FROM profile_key', ([key], append) => {
    append.appendVarchar(key as string);
    append.appendInteger(shardOf(key as string, count));
  });
  await connection.run(`DROP TABLE profile_key;
    CREATE OR REPLACE TABLE profile_order AS SELECT pkey, shard, row_number() OVER (ORDER BY shard, pkey)::INTEGER AS pno FROM profile_shard;
    DROP TABLE profile_shard`);
}

/** The window's profile events `e` with their shopper `s` of `profile_order` ({@link numberShoppers}): a query's FROM and WHERE. */
export const PROFILE_EVENTS_FROM = `FROM window_events e JOIN profile_order s ON s.pkey = ${PROFILE_KEY} WHERE ${PROFILE_EVENTS_WHERE}`;

/** The profile event stream of the whole window, in the order {@link profileShards} takes it. */
export const WINDOW_PROFILE_EVENTS = `SELECT s.shard, s.pno, e.user_id, e.item_id, e.type, e.value, e.ts::DOUBLE, e.session
    ${PROFILE_EVENTS_FROM}
    ORDER BY s.pno, e.ts, e.seq`;

/**
 * Builds the profiles of the shoppers of `eventsSql` (default: the whole window,
 * {@link WINDOW_PROFILE_EVENTS}; columns shard, shopper number, user_id, item_id, type, value, ts,
 * session, ordered by shopper number, ts, seq) with their for-you candidates and yields the
 * packed `pf` shards, batch by batch (`usersPerBatch` shoppers, whole shards, bound the builder);
 * a batch's for-you is scored in runs of profiles that need at most `maxLists` neighbour lists
 * (bounds the lists Node holds, about 2 KB each at K = 100, {@link NeighbourListCache}). Reads the
 * engine's `item_ids` (item, iidx) and `nb_numbers` (i, ids, weights).
 */
export async function* profileShards(
  engine: Engine,
  count: number,
  maps: CatalogMaps,
  now: number,
  usersPerBatch: number,
  phase: (name: string) => void = () => {},
  maxLists = Infinity,
  eventsSql = WINDOW_PROFILE_EVENTS,
): AsyncGenerator<ProfileShard> {
  const { connection } = engine;
  await connection.run('CREATE OR REPLACE TABLE fy_need (i INTEGER)');
  const names: string[] = [];
  for await (const [items] of engine.columns('SELECT item FROM item_ids ORDER BY iidx')) for (const item of items!) names.push(item as string);
  const lists = new NeighbourListCache(Math.max(1, maxLists), names);
  const forYou = createForYouScorer(lists);
  /** Readies the neighbour lists of `items`: those held stay, the rest are read from the engine. */
  async function listsOf(items: Set<string>): Promise<void> {
    const missing = lists.prepare(items);
    if (missing.length === 0) return;
    const need = await engine.side.createAppender('fy_need');
    for (const number of missing) {
      need.appendInteger(number);
      need.endRow();
    }
    need.closeSync();
    for await (const chunk of engine.chunks('SELECT l.i, l.ids, l.weights FROM fy_need f JOIN nb_numbers l ON l.i = f.i', engine.side)) {
      const numbers = chunk.getColumnVector(0);
      const ids = chunk.getColumnVector(1) as DuckDBListVector;
      const weights = chunk.getColumnVector(2) as DuckDBListVector;
      for (let r = 0; r < chunk.rowCount; r++)
        lists.add(numbers.getItem(r) as number, { ids: numbersOf(ids, r, Int32Array), weights: numbersOf(weights, r, Float64Array) });
    }
    await engine.side.run('DELETE FROM fy_need');
  }

  let builder = createUserProfilesBuilder({ catalog: maps });
  const written = new Set<number>();
  let inBatch = 0;
  let batchShard = -1;
  /** Scores the builder's profiles (whole shards) and packs their shards. */
  async function* finishBatch(): AsyncGenerator<ProfileShard> {
    const profiles: Array<[string, UserProfile]> = [...builder.finish(now)];
    builder = createUserProfilesBuilder({ catalog: maps });
    inBatch = 0;
    phase('profiles');
    const byShard = new Map<number, Array<[string, UserProfile]>>();
    // Scored in runs of profiles whose sources need at most `maxLists` neighbour lists at once.
    let from = 0;
    while (from < profiles.length) {
      const sources = new Set<string>();
      let to = from;
      for (; to < profiles.length; to++) {
        const own = forYouSources(profiles[to]![1]).filter((item) => !sources.has(item));
        if (to > from && sources.size + own.length > maxLists) break;
        for (const item of own) sources.add(item);
      }
      await listsOf(sources);
      for (const [key, profile] of profiles.slice(from, to)) {
        const scored = { ...profile, forYou: forYou(profile, now) };
        const shard = shardOf(key, count);
        const entries = byShard.get(shard);
        if (entries) entries.push([key, scored]);
        else byShard.set(shard, [[key, scored]]);
      }
      from = to;
    }
    phase('for-you');
    for (const [shard, entries] of [...byShard].sort((a, b) => a[0] - b[0])) {
      // A shard written twice would replace its first part: fail the run rather than lose profiles.
      if (written.has(shard)) throw new Error(`profile shard ${shard} came in two batches`);
      written.add(shard);
      yield { shard, value: packShard(entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) };
    }
  }
  let lastKey = -1;
  for await (const [shards, keys, users, items, types, values, times, sessions] of engine.columns(eventsSql)) {
    const page: ShopEvent[] = [];
    for (let r = 0; r < shards!.length; r++) {
      const shard = shards![r] as number;
      if (shard !== batchShard) {
        if (inBatch >= usersPerBatch) {
          builder.add(page.splice(0));
          yield* finishBatch();
        }
        batchShard = shard;
      }
      if (keys![r] !== lastKey) {
        lastKey = keys![r] as number;
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
  yield* finishBatch();
  await connection.run('DROP TABLE fy_need');
}

/** Row `row` of a list vector of numbers, as a typed array (read from the vector's flat child, nothing converted). */
function numbersOf<T extends Int32Array | Float64Array>(vector: DuckDBListVector, row: number, Kind: new (length: number) => T): T {
  const from = vector.getEntryOffset(row);
  const out = new Kind(vector.getEntryLength(row));
  const child = vector.childVector;
  for (let k = 0; k < out.length; k++) out[k] = child.getItem(from + k) as number;
  return out;
}

/**
 * Appends to `table` one row per row of `sql`, as `append` writes it (bulk: chunks in, appender
 * out). The rows are read on the engine's side connection: the appender writes on the main one,
 * and one connection does not both stream a query and take appended rows.
 */
export async function fill(engine: Engine, table: string, sql: string, append: (row: unknown[], appender: DuckDBAppender) => void): Promise<void> {
  const appender = await engine.connection.createAppender(table);
  for await (const columns of engine.columns(sql, engine.side)) {
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

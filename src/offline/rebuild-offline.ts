/**
 * The rebuild as SQL on DuckDB over the event archive: the same tables as the Worker rebuild
 * (src/rebuild/build-part.ts), published the same way (versioned shards, then the pointer).
 * The heavy steps (deduplication, weighting, co-occurrence, top K per item, the baskets of bought
 * together) are the SQL files of src/offline/sql; the light ones (trending, profiles, the search
 * index: state the size of the catalog or of one bucket of shoppers) run the model's own
 * streaming builders over the events DuckDB hands back in log order, profiles in buckets of
 * shoppers so that memory stays bounded.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Database } from '../db/client.ts';
import type { ShopEvent } from '../model/events.ts';
import { createInteractionLog } from '../model/interaction-log.ts';
import { defaultEventWeights } from '../model/interaction-weights.ts';
import { defaultSimilarity, type SimilarityModel } from '../model/similar-items/similar-items.ts';
import { createTrendingBuilder, type TrendingList, type TrendingLists } from '../model/trending.ts';
import type { CatalogMaps } from '../model/catalog.ts';
import { type CatalogPages, readCatalog, catalogMaps } from '../rebuild/catalog-snapshot.ts';
import type { RebuildExtension } from '../rebuild/extension.ts';
import { acquireLease, releaseLease } from '../rebuild/lease.ts';
import { REBUILD_LEASE, type RebuildOutcome, newVersion, publish } from '../rebuild/run-rebuild.ts';
import { recordRunStart, recordRunStatus } from '../rebuild/runs.ts';
import type { RebuildConfig } from '../rebuild/settings.ts';
import { publicError } from '../security/public-error.ts';
import { type Manifest, type ShardedTable, packShard, shardCount, shardOf, tableKey } from '../tables/layout.ts';
import { countingStore, type TableEntry, type TableStore } from '../tables/table-store.ts';
import { writeBoughtTogether } from './bought-together.ts';
import { archiveCatalogPages } from './catalog-source.ts';
import type { Engine, MemoryReport } from './engine.ts';
import { loadWindowEvents } from './events-step.ts';
import { duckdbShareBesideHeap, memoryBudget } from './memory-budget.ts';
import { type ProfileWorkersReport, profileShardsOnWorkers } from './profile-workers.ts';
import { fill, numberShoppers, profileShards } from './profiles.ts';
import { literal, sqlFile } from './sql-files.ts';

/** Where the archive's files are, as globs the engine reads (a directory, or `s3://` on R2). */
export interface ArchiveFiles {
  events: string;
  tombstones: string;
  /** The catalog snapshots' `done.json` markers (read with `catalogFrom: 'archive'`). */
  catalog?: string;
}

/** What the offline rebuild needs: D1 (catalog, run records), the table store, the settings. */
export interface OfflineDeps {
  db: Database;
  store: TableStore;
  config: RebuildConfig;
  extensions?: readonly RebuildExtension[];
}

/** Options of {@link rebuildOffline}. */
export interface OfflineOptions {
  /** The model (default: the Worker's default); only RP3beta is in SQL so far. */
  similarity?: SimilarityModel;
  /** Items kept per user (as the Worker's `maxItemsPerUser`). Default 200. */
  maxItemsPerUser?: number;
  /** Users per item in the co-occurrence (0: all, as the Worker). */
  maxUsersPerItem?: number;
  /** Walks (pairs of items of one user) per neighbours part (default: DuckDB's share beside the heap, {@link duckdbShareBesideHeap}, / 200 bytes, at least 100,000). */
  walksPerPart?: number;
  /** Events per range of times the builders' stream is sorted in (default: DuckDB's share beside the heap / 400 bytes, at least 100,000). */
  streamEventsPerRange?: number;
  /** Events per part of the event-by-event fold (sql/02-fold-part.sql; default: DuckDB's memory limit / 2,500 bytes). */
  foldEventsPerPart?: number;
  /** Archived rows deduplicated at once, in whole hour partitions (default: DuckDB's memory limit / 400 bytes, at least 100,000). */
  eventsPerGroup?: number;
  /** Shoppers whose profiles and for-you are built at once (bounds the profile builder). Default: from the memory limit ({@link memoryBudget}), at most 10,000. */
  usersPerBucket?: number;
  /**
   * Neighbour lists Node holds parsed while it scores for-you (default: 30% of the JS heap cap
   * that {@link memoryBudget} derives from the memory limit, at about 10 KB per list of 100 neighbours).
   */
  neighbourListsInMemory?: number;
  /**
   * Processes that build and score the profiles, a range of the shards each (default 1: the job's
   * own process; src/offline/profile-workers.ts). Each has its own DuckDB and JS heap, sized from
   * the memory limit shared by them and the job, so the machine's peak grows with their number.
   */
  profileWorkers?: number;
  /** Where the catalog comes from: D1 (default) or the archive's newest catalog snapshot (`files.catalog`). */
  catalogFrom?: 'd1' | 'archive';
  trigger?: string;
  now?: number;
  /** Called with the run's version once it is recorded as running (the CLI tells its parent, src/offline/supervise.ts). */
  onRunStart?: (version: string) => void;
  /** Called with each phase's name, milliseconds and memory (the process's and DuckDB's, peaks within the phase). */
  onPhase?: (phase: string, ms: number, memory: MemoryReport) => void;
}

const DAY = 86_400_000;
const WRITE_KEYS = 10_000;
const WRITE_BYTES = 8 * 2 ** 20;
/** Neighbour shards packed per query (16 items each: 8,000 items, ~800,000 neighbour rows). */
const NB_SHARDS_PER_QUERY = 500;
/** Memory per walk (pair of items of one user) in a neighbours part: its GROUP BY row and window row, with room to spare (a part is DuckDB's share beside the heap / 200 bytes in walks). */
const BYTES_PER_WALK = 200;
/**
 * Memory per event of the pairs folded event by event (their ordered lists do not spill): at a
 * 1 GB limit 420,000 such events fit one query and 1.7M did not (10M events, 2026-12-03).
 */
const BYTES_PER_FOLDED_EVENT = 2_500;
/** Memory per event of the builders' stream while DuckDB sorts it (a range of times is DuckDB's share beside the heap / 400 bytes in events). */
const BYTES_PER_SORTED_EVENT = 400;
const LEASE_MS = 6 * 3600_000;
const INTERACTION_HALF_LIFE = 30 * DAY;

/**
 * Rebuilds every table from the archive and publishes it: takes the rebuild lease (an
 * overlapping run is `skipped`), records the run (trigger `offline`), writes the version's
 * shards, flips the pointer. A failure leaves the version in service untouched.
 */
export async function rebuildOffline(deps: OfflineDeps, engine: Engine, files: ArchiveFiles, options: OfflineOptions = {}): Promise<RebuildOutcome> {
  const { db } = deps;
  const now = options.now ?? Date.now();
  const trigger = options.trigger ?? 'offline';
  const version = newVersion(now);
  if (!(await acquireLease(db, REBUILD_LEASE, version, LEASE_MS, now))) {
    await recordRunStart(db, version, trigger, 'skipped', now);
    await recordRunStatus(db, version, 'skipped', {}, 'another rebuild holds the lease');
    return { version, status: 'skipped', stats: {}, error: 'another rebuild holds the lease' };
  }
  await recordRunStart(db, version, trigger, 'running', now);
  options.onRunStart?.(version);
  const started = performance.now();
  try {
    const store = countingStore(deps.store);
    const part = await buildTables(deps, engine, files, store, version, now, options);
    const published = await publish({ ...deps, observers: [] }, store, version, [{ ...part, ...store.counts }], now);
    const stats = {
      ...published,
      engine: 'duckdb',
      spilledBytes: engine.spilledBytes(),
      phasesMs: part.phasesMs,
      phaseRuns: part.phaseRuns,
      phasePeakRssMB: part.phasePeakRssMB,
      foldEvents: part.foldEvents,
      foldParts: part.foldParts,
      streamRanges: part.streamRanges,
      ...(part.profileWorkerPeakRssMB.length > 0 ? { profileWorkerPeakRssMB: part.profileWorkerPeakRssMB } : {}),
    };
    await recordRunStatus(db, version, 'published', stats, null, now + Math.round(performance.now() - started));
    return { version, status: 'published', stats };
  } catch (err) {
    const error = publicError(err);
    console.error(`offline rebuild ${version} failed: ${error}`);
    await recordRunStatus(db, version, 'failed', {}, error);
    await releaseLease(db, REBUILD_LEASE, version);
    return { version, status: 'failed', stats: {}, error };
  }
}

async function buildTables(deps: OfflineDeps, engine: Engine, files: ArchiveFiles, store: TableStore, version: string, now: number, options: OfflineOptions) {
  const similarity = options.similarity ?? defaultSimilarity;
  if (similarity.model !== 'rp3beta') throw new Error(`the offline rebuild computes rp3beta neighbours; ${similarity.model} is not in SQL yet`);
  const phasesMs: Record<string, number> = {};
  const phaseRuns: Record<string, number> = {};
  const phasePeakRssMB: Record<string, number> = {};
  const phase = phaseTimer((name, ms) => {
    const memory = engine.memory();
    phasesMs[name] = (phasesMs[name] ?? 0) + Math.round(ms);
    phaseRuns[name] = (phaseRuns[name] ?? 0) + 1;
    phasePeakRssMB[name] = Math.max(phasePeakRssMB[name] ?? 0, memory.rssPeakMB);
    options.onPhase?.(name, ms, memory);
  });
  const ttl = deps.config.ttlSeconds;
  const w = defaultEventWeights;
  if (options.catalogFrom === 'archive' && !files.catalog) throw new Error('catalogFrom "archive" needs the archive\'s catalog glob (files.catalog)');
  // The catalog and the log-order builders work on their own connections, beside the graph's SQL.
  const background = await engine.fork();
  const catalogPages = options.catalogFrom === 'archive' ? await archiveCatalogPages(background, files.catalog!) : undefined;
  await engine.runFile('00-macros.sql', {});
  await loadWindowEvents(engine, {
    eventsGlob: files.events,
    tombstonesGlob: files.tombstones,
    sinceTs: now - deps.config.windowDays * DAY,
    rowsPerGroup: options.eventsPerGroup,
  });
  phase('events');
  await engine.runFile('02-interactions.sql', {
    half_life_ms: INTERACTION_HALF_LIFE,
    now,
    w_view: w.view,
    w_click: w.click,
    w_add_to_cart: w.add_to_cart,
    w_remove_from_cart: w.remove_from_cart,
    w_purchase: w.purchase,
    w_rating: w.rating,
  });
  const fold = await foldInParts(engine, options.foldEventsPerPart);
  await engine.runFile('02-interactions-end.sql', { half_life_ms: INTERACTION_HALF_LIFE, max_items_per_user: options.maxItemsPerUser ?? 200, now });
  // Trending, popular, extensions: the model's builders over the log in order, in Node while
  // DuckDB works out the neighbours (its threads; Node's would wait otherwise). Their tables are
  // written as soon as they finish, so Node's heap holds only the catalog maps beside the parts.
  // While they run, DuckDB gives up the heap's share of its limit (their heap fills beside its
  // work) and gets it back as soon as their tables are written; the stream's ranges and the
  // neighbour parts, which may run beside them, are sized from that share.
  const writer = shardWriter(store, version, ttl);
  const limit = await engine.memoryLimitBytes();
  const budget = memoryBudget(limit, deps.config.k);
  const share = duckdbShareBesideHeap(limit, budget.heapMB) * 2 ** 20;
  // DuckDB's memory limit is the database's setting: any connection sets it for all.
  const setLimit = (bytes: number) => background.connection.run(`SET memory_limit = '${Math.floor(bytes / 2 ** 20)}MiB'`);
  await setLimit(share);
  let logBuilt: Promise<LogTables> | undefined = logBuilders(deps, background, now, catalogPages, options.streamEventsPerRange ?? streamEventsPerRange(share))
    .then((b) => writeLogTables(writer, b, version, now))
    .finally(() => setLimit(limit));
  const partFile = (kind: string, part: number) => path.join(engine.workDirectory, `nb-${kind}-${part}.parquet`);
  /** The neighbour lists as numbers, one file per part: loaded into `nb_numbers`, and read by profile workers. */
  let numbersFiles: string[] = [];
  try {
    await replayHeavyUsers(engine, options.maxItemsPerUser ?? 200, now);
    phase('interactions');
    const cap = usersPerItemCap(options.maxUsersPerItem ?? 0);
    await engine.runFile('03-neighbours-rp3beta.sql', {
      alpha: similarity.alpha ?? 1,
      beta: similarity.beta ?? 0.5,
      user_rank: cap.user_rank,
      pairs_per_part: options.walksPerPart ?? Math.max(100_000, Math.floor(share / BYTES_PER_WALK)),
    });
    const parts = await engine.all<{ from: number; to: number }>('SELECT from_iidx AS "from", to_iidx AS "to" FROM neighbour_parts ORDER BY part');
    for (const [part, { from, to }] of parts.entries()) {
      await engine.runFile('03-neighbours-part.sql', {
        k: deps.config.k,
        user_cap: cap.user_cap,
        from_iidx: from,
        to_iidx: to,
        lists_file: partFile('lists', part),
        numbers_file: partFile('numbers', part),
      });
      phase('neighbours');
    }
    if (parts.length > 0) {
      const files = (kind: string) => ({ sql: `[${parts.map((_, part) => literal(partFile(kind, part))).join(', ')}]` });
      await onOneThread(engine, () => engine.runFile('03-neighbours-end.sql', { lists_files: files('lists'), numbers_files: files('numbers') }));
      for (const part of parts.keys()) rmSync(partFile('lists', part));
      numbersFiles = parts.map((_, part) => partFile('numbers', part));
      phase('neighbours');
    }
    await engine.connection.run(
      'DROP TABLE edges; DROP TABLE pairs_folded; DROP TABLE folded_pairs; DROP TABLE fold_events; DROP TABLE interactions; DROP TABLE heavy_users; DROP TABLE user_index',
    );
  } catch (err) {
    await logBuilt.catch(() => undefined);
    throw err;
  }
  const logTables = await logBuilt;
  logBuilt = undefined;
  phase('stream builders');

  const [counts] = await engine.all<{ events: number; windowUsers: number; maxSeq: number }>(
    'SELECT count(*)::DOUBLE AS events, count(DISTINCT user_id)::DOUBLE AS windowUsers, (SELECT coalesce(max(seq), 0) FROM archive_raw)::DOUBLE AS maxSeq FROM window_events',
  );
  const [graph] = await engine.all<{ users: number; items: number }>(
    'SELECT count(DISTINCT user_key)::DOUBLE AS users, count(DISTINCT item)::DOUBLE AS items FROM valid_events',
  );
  const shards: Manifest['shards'] = {
    nb: shardCount('nb', graph!.items),
    bt: shardCount('bt', graph!.items),
    pf: shardCount('pf', counts!.windowUsers),
    ct: logTables.ctShards,
    ...logTables.extensionShards,
  };
  const maxLists = options.neighbourListsInMemory ?? budget.neighbourListsInMemory;
  const workers = options.profileWorkers ?? 1;
  const report: ProfileWorkersReport = { workerPeakRssMB: [] };
  // From here Node's heap is at its fullest (the catalog-sized builders, then the profiles):
  // DuckDB gives up the heap's share of its limit meanwhile, so the two stay within the limit.
  await setLimit(share);
  let neighbourPairs: number;
  let togetherPairs: number;
  try {
    neighbourPairs = await writeNeighbours(engine, writer, shards.nb);
    phase('nb shards');
    togetherPairs = await writeBoughtTogether(engine, shards.bt, (entries) => writer.table('bt', shards.bt, entries));
    await writer.put(tableKey(version, 'tr'), JSON.stringify({ ...logTables.trending, shoppers: await popularByShoppers(engine) }));
    phase('other tables');
    const { maps } = logTables;
    await numberShoppers(engine, shards.pf);
    const profiles =
      workers > 1
        ? profileShardsOnWorkers(engine, shards.pf, maps, now, { workers, k: deps.config.k, numbersFiles, report, phase })
        : profileShards(engine, shards.pf, maps, now, options.usersPerBucket ?? budget.usersPerBucket, phase, maxLists);
    for await (const { shard, value } of profiles) await writer.packed('pf', shard, value);
    if (workers > 1) phase('profiles on workers');
  } finally {
    await setLimit(limit);
  }
  await engine.connection.run('DROP TABLE profile_order; DROP TABLE nb_lists; DROP TABLE nb_numbers');
  for (const file of numbersFiles) rmSync(file);
  await writer.drain();
  phase('pf shards');
  return {
    events: counts!.events,
    maxSeq: counts!.maxSeq,
    users: graph!.users,
    items: graph!.items,
    neighbourPairs,
    togetherPairs,
    keysWritten: writer.written(),
    shards,
    phasesMs,
    phaseRuns,
    phasePeakRssMB,
    foldEvents: fold.events,
    foldParts: fold.parts,
    streamRanges: logTables.streamRanges,
    profileWorkerPeakRssMB: report.workerPeakRssMB,
  };
}

/** What is left of the log builders once their tables are written: the catalog maps, trending's lists, the shard counts. */
interface LogTables {
  maps: CatalogMaps;
  ctShards: number;
  extensionShards: Record<string, number>;
  /** The ranges of times the builders' stream was sorted in. */
  streamRanges: number;
  trending: TrendingLists & { popular: TrendingList };
}

/**
 * Writes the catalog and the extensions' tables (the search index) as soon as the log builders
 * finish, and keeps only what the rest of the run needs: the catalog itself and the builders'
 * state (the size of the catalog) are dropped before the neighbour parts end. Trending waits for
 * the shoppers' popularity (SQL over the graph), so its lists are kept, not written.
 */
async function writeLogTables(writer: ShardWriter, built: Awaited<ReturnType<typeof logBuilders>>, version: string, now: number): Promise<LogTables> {
  const { catalog, maps, trending, popular, builds, ranges } = built;
  const ctShards = shardCount('ct', catalog.size);
  await writer.table('ct', ctShards, [...catalog]);
  const extensionShards: Record<string, number> = {};
  for (const build of builds) Object.assign(extensionShards, await build.finish(version, writer.put));
  const { global, byCategory } = trending.finish(now);
  return { maps, ctShards, extensionShards, trending: { global, byCategory, popular: popular.finish(now).global }, streamRanges: ranges };
}

/**
 * Runs `work` with DuckDB on one thread, then gives it back its threads. For the load of the
 * neighbour parts' files: at 10M events the resident set rose 390 MB during it on one thread and
 * 720 MB on two (DuckDB's own count: 355 against 570 MB), in the same time.
 */
async function onOneThread(engine: Engine, work: () => Promise<void>): Promise<void> {
  const [{ threads } = { threads: 1 }] = await engine.all<{ threads: number }>("SELECT current_setting('threads')::INTEGER AS threads");
  await engine.connection.run('SET threads = 1');
  try {
    await work();
  } finally {
    await engine.connection.run(`SET threads = ${threads}`);
  }
}

/**
 * The event-by-event fold (`sql/02-fold-part.sql`) in parts of the pairs, of about `eventsPerPart`
 * events each (default: sized from the memory limit).
 */
async function foldInParts(engine: Engine, eventsPerPart?: number): Promise<{ events: number; parts: number }> {
  const [{ n } = { n: 0 }] = await engine.all<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM fold_events');
  const perPart = Math.max(1, Math.floor(eventsPerPart ?? (await engine.memoryLimitBytes()) / BYTES_PER_FOLDED_EVENT));
  const parts = Math.max(1, Math.ceil(n / perPart));
  for (let part = 0; part < parts; part++) await engine.runFile('02-fold-part.sql', { half_life_ms: INTERACTION_HALF_LIFE, parts, part });
  return { events: n, parts };
}

/**
 * The catalog, then the builders that take the log in `(ts, seq)` order (trending, popular, the
 * extensions'), fed on `engine`'s connections.
 */
async function logBuilders(deps: OfflineDeps, engine: Engine, now: number, catalogPages: CatalogPages | undefined, eventsPerRange: number) {
  const catalog = await readCatalog(deps.db, undefined, catalogPages);
  const maps = catalogMaps(catalog);
  const builds = await Promise.all((deps.extensions ?? []).map((e) => e.start(deps.db, now, undefined, catalogPages)));
  const trending = createTrendingBuilder({ catalog: maps });
  const popular = createTrendingBuilder({ catalog: maps, halfLifeMs: Infinity });
  const ranges = await timeRanges(engine, eventsPerRange);
  for await (const page of eventPages(engine, ranges)) {
    trending.add(page);
    popular.add(page);
    for (const build of builds) build.add(page);
  }
  return { catalog, maps, trending, popular, builds, ranges: ranges.length };
}

/**
 * The window's events in `(ts, seq)` order as the builders take them, a page per DuckDB chunk (read
 * column by column), sorted one range of times at a time ({@link timeRanges}) rather than all at once.
 */
async function* eventPages(engine: Engine, ranges: readonly TimeRange[]): AsyncGenerator<ShopEvent[]> {
  for (const range of ranges) yield* eventPagesIn(engine, range);
}

async function* eventPagesIn(engine: Engine, [from, to]: TimeRange): AsyncGenerator<ShopEvent[]> {
  const sql = `SELECT user_id, item_id, type, value, ts::DOUBLE, session,
      CASE WHEN rid LIKE 'q-%' THEN rid END,
      CASE WHEN rid LIKE 'q-%' THEN json_extract_string(context, '$.q') END,
      CASE WHEN rid LIKE 'q-%' THEN context END
    FROM window_events WHERE ts >= ${from} AND ts < ${to} ORDER BY ts, seq`;
  for await (const [users, items, types, values, times, sessions, rids, queries, contexts] of engine.columns(sql)) {
    const page: ShopEvent[] = new Array(users!.length);
    for (let r = 0; r < page.length; r++)
      page[r] = {
        user: users![r],
        item: items![r],
        type: types![r],
        value: values![r],
        ts: times![r],
        session: sessions![r],
        rid: rids![r],
        query: queries![r],
        context: contexts![r],
      } as ShopEvent;
    yield page;
  }
}

/** Events per range of times of the builders' stream when DuckDB has `limitBytes` (/ 400 bytes, at least 100,000). */
function streamEventsPerRange(limitBytes: number): number {
  return Math.max(100_000, Math.floor(limitBytes / BYTES_PER_SORTED_EVENT));
}

/** Times `[from, to)` in milliseconds. */
type TimeRange = [number, number];

/**
 * The window's times cut into consecutive ranges of about `rowsPerRange` events each (at
 * approximate quantiles of `ts`: one pass, no sort), covering every event; the ranges are in time
 * order, so the events sorted range by range are the events sorted.
 */
async function timeRanges(engine: Engine, rowsPerRange: number): Promise<TimeRange[]> {
  const [{ n, lo, hi } = { n: 0, lo: 0, hi: 0 }] = await engine.all<{ n: number; lo: number; hi: number }>(
    'SELECT count(*)::DOUBLE AS n, coalesce(min(ts), 0)::DOUBLE AS lo, coalesce(max(ts), 0)::DOUBLE AS hi FROM window_events',
  );
  const ranges = Math.ceil(n / rowsPerRange);
  const cuts: number[] = [];
  if (ranges > 1) {
    const [{ q }] = (await engine.all<{ q: number[] }>(
      `SELECT approx_quantile(ts, [${Array.from({ length: ranges - 1 }, (_, i) => (i + 1) / ranges).join(', ')}])::DOUBLE[] AS q FROM window_events`,
    )) as [{ q: number[] }];
    for (const cut of q.map(Math.floor)) if (cut > (cuts.at(-1) ?? lo) && cut <= hi) cuts.push(cut);
  }
  const bounds = [lo, ...cuts, hi + 1];
  return bounds.slice(1).map((to, i) => [bounds[i]!, to]);
}

/**
 * The interactions of users past the item cap, replayed with the Worker's interaction log
 * (its eviction is sequential), user by user, appended to the engine's `interactions`.
 */
async function replayHeavyUsers(engine: Engine, maxItemsPerUser: number, now: number): Promise<void> {
  const appender = await engine.connection.createAppender('interactions');
  const sql = `SELECT u.uidx, v.item, v.type, v.value, v.ts::DOUBLE FROM valid_events v
    JOIN heavy_users h USING (user_key) JOIN user_index u USING (user_key) ORDER BY u.uidx, v.ts, v.seq`;
  let uidx = -1;
  let log = createInteractionLog({ halfLifeMs: INTERACTION_HALF_LIFE, maxItemsPerUser });
  const flush = () => {
    if (uidx < 0) return;
    const graph = log.finish(now);
    for (let p = graph.userStart[0]!; p < (graph.userStart[1] ?? 0); p++) {
      appender.appendInteger(uidx);
      appender.appendVarchar(graph.itemIds[graph.userItems[p]!]!);
      appender.appendDouble(graph.userWeights[p]!);
      appender.appendBigInt(0n);
      appender.appendInteger(p);
      appender.endRow();
    }
    log = createInteractionLog({ halfLifeMs: INTERACTION_HALF_LIFE, maxItemsPerUser });
  };
  // One log per user, so the events need no user id of their own. Read on the side connection: the appender writes on the main one.
  for await (const [indexes, items, types, values, times] of engine.columns(sql, engine.side)) {
    let page: ShopEvent[] = [];
    for (let r = 0; r < indexes!.length; r++) {
      if (indexes![r] !== uidx) {
        log.add(page);
        page = [];
        flush();
        uidx = indexes![r] as number;
      }
      page.push({ user: 'u', item: items![r] as string, type: types![r] as ShopEvent['type'], value: values![r] as number | null, ts: times![r] as number });
    }
    log.add(page);
  }
  flush();
  appender.closeSync();
}

/**
 * Items by how many shoppers kept them (the Worker's `popularByShoppers` of its graph): most first,
 * ties in the order the items first appeared.
 */
async function popularByShoppers(engine: Engine, limit = 100): Promise<Array<[string, number]>> {
  const rows = await engine.all<{ item: string; degree: number }>(`SELECT d.item, d.degree::DOUBLE AS degree FROM item_degree d
    JOIN (SELECT item, row_number() OVER (ORDER BY ts, seq) AS first
          FROM (SELECT item, ts, seq, row_number() OVER (PARTITION BY item ORDER BY ts, seq) AS n FROM valid_events) firsts WHERE n = 1) o USING (item)
    ORDER BY d.degree DESC, o.first LIMIT ${Math.floor(limit)}`);
  return rows.map((r) => [r.item, r.degree]);
}

/** Writes the neighbour shards as SQL packs them (sql/04-neighbour-shards.sql); the shard of each item is FNV-1a, computed here. */
async function writeNeighbours(engine: Engine, writer: ShardWriter, count: number): Promise<number> {
  await engine.connection.run('CREATE OR REPLACE TABLE item_shard (iidx INTEGER, shard INTEGER)');
  await fill(engine, 'item_shard', 'SELECT iidx, item FROM item_ids', ([iidx, item], append) => {
    append.appendInteger(iidx as number);
    append.appendInteger(shardOf(item as string, count));
  });
  let pairs = 0;
  for (let from = 0; from < count; from += NB_SHARDS_PER_QUERY)
    for await (const [shards, values, counts] of engine.columns(
      sqlFile('04-neighbour-shards.sql', { from_shard: from, to_shard: from + NB_SHARDS_PER_QUERY - 1 }),
    ))
      for (let r = 0; r < shards!.length; r++) {
        await writer.packed('nb', shards![r] as number, values![r] as string);
        pairs += counts![r] as number;
      }
  return pairs;
}

type ShardWriter = ReturnType<typeof shardWriter>;

/**
 * Writes shards as the Worker rebuild does (entries sorted by id, packed), in big batches: a
 * store call takes up to 10,000 keys or 8 MB (the KV bulk API's 10,000 pairs per request; one
 * Redis pipeline), one call in flight while the next batch is built. `drain()` writes the rest.
 */
function shardWriter(store: TableStore, version: string, ttlSeconds: number) {
  let written = 0;
  let pending: TableEntry[] = [];
  let pendingBytes = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const send = async () => {
    const batch = pending;
    pending = [];
    pendingBytes = 0;
    await inFlight;
    inFlight = store.putMany(batch);
    written += batch.length;
  };
  const write = async (entries: TableEntry[]) => {
    for (const entry of entries) {
      pending.push(entry);
      pendingBytes += entry.value.length;
      if (pending.length >= WRITE_KEYS || pendingBytes >= WRITE_BYTES) await send();
    }
  };
  const pack = (table: ShardedTable, shard: number, entries: [string, unknown][]): TableEntry => ({
    key: tableKey(version, table, shard),
    value: packShard(entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))),
    ttlSeconds,
  });
  return {
    written: () => written + pending.length,
    async drain() {
      if (pending.length) await send();
      await inFlight;
    },
    put: (key: string, value: string) => write([{ key, value, ttlSeconds }]),
    /** One complete shard, already packed (by SQL). */
    packed: (table: ShardedTable, shard: number, value: string) => write([{ key: tableKey(version, table, shard), value, ttlSeconds }]),
    /** Entries of a table, spread over `count` shards; every shard they touch must be complete. */
    async table(table: ShardedTable, count: number, entries: Iterable<readonly [string, unknown]>) {
      const byShard = new Map<number, [string, unknown][]>();
      for (const [id, payload] of entries) {
        const shard = shardOf(id, count);
        const list = byShard.get(shard);
        if (list) list.push([id, payload]);
        else byShard.set(shard, [[id, payload]]);
      }
      await write([...byShard].sort((a, b) => a[0] - b[0]).map(([shard, list]) => pack(table, shard, list)));
    },
  };
}

/** The SQL of the optional cap of users per item (most recent first): nothing when off. */
function usersPerItemCap(cap: number): { user_rank: { sql: string }; user_cap: { sql: string } } {
  if (!(cap > 0)) return { user_rank: { sql: '' }, user_cap: { sql: '' } };
  return {
    user_rank: { sql: ', row_number() OVER (PARTITION BY x.item ORDER BY x.last_ts DESC, x.uidx) AS user_rank' },
    user_cap: { sql: `AND a.user_rank <= ${Math.floor(cap)}` },
  };
}

function phaseTimer(onPhase?: (phase: string, ms: number) => void) {
  let last = performance.now();
  return (name: string) => {
    const at = performance.now();
    onPhase?.(name, at - last);
    last = at;
  };
}

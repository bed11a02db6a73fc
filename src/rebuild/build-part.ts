import type { Database } from '../db/client.ts';
import { createBoughtTogetherBuilder } from '../model/bought-together.ts';
import { shoppersOf, withContent } from '../model/content/content-blend.ts';
import { createHoldoutSample } from '../model/selection/holdout-sample.ts';
import { scoringOf, type ModelChoice } from '../model/selection/model-choice.ts';
import { popularByShoppers } from '../model/selection/select-model.ts';
import { createSimilarItemsBuilder, similarityRows } from '../model/similar-items/similar-items.ts';
import type { NeighbourList } from '../model/neighbour-list.ts';
import { forYouSources, precomputeForYou } from '../model/precompute-for-you.ts';
import { createTrendingBuilder } from '../model/trending.ts';
import { createUserProfilesBuilder } from '../model/user-profile.ts';
import type { RebuildExtension } from './extension.ts';
import { type Manifest, type ShardedTable, packShard, shardCount, shardOf, tableKey } from '../tables/layout.ts';
import type { TableEntry, TableStore } from '../tables/table-store.ts';
import { catalogContent, type ContentFigures } from './catalog-content.ts';
import { type CatalogEntry, catalogMaps } from './catalog-snapshot.ts';
import { type EventWindow, readEventPages } from './event-pages.ts';
import type { RebuildObserver } from './observer.ts';
import { chooseModel, type RunModel, type SelectionFigures } from './select-run.ts';

/** Settings of a rebuild, from the environment (see wrangler.toml). */
export interface RebuildSettings {
  /** Days of events read. */
  windowDays: number;
  /** Neighbours kept per item. */
  k: number;
  /** Events per D1 page. */
  pageSize: number;
  /** Seconds a version's keys live in the store unless cleaned up sooner. */
  ttlSeconds: number;
  /** Choose the model on the shop's own log (src/model/selection); false publishes the default. Default true. */
  selection?: boolean;
  /** Content blends (src/model/content) are selection candidates; false: behaviour only. Default true. */
  content?: boolean;
}

/**
 * One part of a (possibly split) run. Part `p` of `parts` writes the shards `s` of every sharded
 * table with `s % parts === p` (and builds only its users' profiles); part 0 also trending.
 * Empty shards are not written: a published version's missing shard is an empty one.
 */
export interface PartJob {
  version: string;
  window: EventWindow;
  part: number;
  parts: number;
  now: number;
}

/** Figures of one part. */
export interface PartStats {
  events: number;
  /** The last log sequence number the window holds. */
  maxSeq: number;
  users: number;
  items: number;
  neighbourPairs: number;
  togetherPairs: number;
  keysWritten: number;
  shards: Manifest['shards'];
  /** The published model (a split run's parts read it from the run record); absent: the default. */
  model?: ModelChoice;
  /** The selection's figures, when this part ran it (a single run): winner, every candidate's NDCG@10 and HR@10, cost. */
  selection?: SelectionFigures;
  /** The content index of the catalog snapshot, when this part built one (for the selection, or to publish the winner's content blend). */
  content?: ContentFigures;
  /** Similar lists from content alone this part wrote (catalog items without a behaviour list). */
  contentRows?: number;
}

/** What a part is built with besides the job and settings. */
export interface PartContext {
  /** Tables built beside the recommendation tables (part 0 builds them). */
  extensions?: readonly RebuildExtension[];
  observers?: readonly RebuildObserver[];
  /** The run's model, chosen in its planning step; absent: this part selects it (a single run) unless the settings turn the selection off. */
  model?: RunModel;
}

const WRITE_CHUNK = 50;
/** Items or profiles computed between two yields to the event loop. */
const YIELD_EVERY = 32;

/**
 * Lets other work of the isolate run (requests served beside a rebuild) every `every` calls:
 * the rebuild's long computing loops never hold the isolate for more than a slice.
 */
function breather(every = YIELD_EVERY): () => Promise<void> | undefined {
  let calls = 0;
  return () => (++calls % every === 0 ? new Promise<void>((resolve) => setTimeout(resolve, 0)) : undefined);
}

/**
 * Reads the window, builds the tables and writes this part's shards of them under
 * `version`. The shard counts depend only on the window, so every part agrees on them.
 */
export async function buildPart(
  db: Database,
  store: TableStore,
  catalog: ReadonlyMap<string, CatalogEntry>,
  job: PartJob,
  settings: RebuildSettings,
  context: PartContext = {},
): Promise<PartStats> {
  const { extensions = [], observers = [] } = context;
  const maps = catalogMaps(catalog);
  const ownsUnsharded = job.part === 0;
  const builds = await Promise.all(extensions.map((e) => e.start(db, job.now, { part: job.part, parts: job.parts })));
  const similar = createSimilarItemsBuilder({ k: settings.k });
  const sampler = context.model || settings.selection === false ? undefined : createHoldoutSample();
  const together = createBoughtTogetherBuilder();
  const trending = ownsUnsharded ? createTrendingBuilder({ catalog: maps }) : undefined;
  const popular = ownsUnsharded ? createTrendingBuilder({ catalog: maps, halfLifeMs: Infinity }) : undefined;
  const profiles = createUserProfilesBuilder({ catalog: maps });
  const pfShards = shardCount('pf', job.window.users);
  const ownsUser = (user: string) => shardOf(user, pfShards) % job.parts === job.part;
  const watching = await Promise.all(observers.map((o) => o.startPart(job, maps)));
  let events = 0;
  for await (const page of readEventPages(db, job.window, settings.pageSize)) {
    events += page.length;
    similar.add(page);
    sampler?.add(page);
    together.add(page);
    trending?.add(page);
    popular?.add(page);
    const own = job.parts === 1 ? page : page.filter((e) => ownsUser(e.user));
    profiles.add(own);
    for (const build of builds) build.add(page);
    for (const w of watching) w.events(own);
  }
  const logStats = similar.stats();
  const model = similar.finish(job.now);
  let content = sampler && settings.content !== false ? catalogContent(catalog) : undefined;
  const { choice, figures }: RunModel = context.model ? { choice: context.model.choice } : await chooseModel(model.graph, sampler, settings.k, content?.index);
  if (!choice.content) content = undefined;
  else content ??= catalogContent(catalog);
  const scoring = scoringOf(choice);
  const inGraph = content ? new Set(model.graph.itemIds) : undefined;
  const contentOnly = content ? content.index.ids.reduce((n, id) => n + (inGraph!.has(id) ? 0 : 1), 0) : 0;
  const shards: Manifest['shards'] = {
    nb: shardCount('nb', model.graph.itemIds.length + contentOnly),
    bt: shardCount('bt', model.graph.itemIds.length),
    pf: pfShards,
    ct: shardCount('ct', catalog.size),
  };
  const writer = shardWriter(store, job, settings.ttlSeconds);
  const mine = [...profiles.finish(job.now)];
  const sources = new Set(mine.flatMap(([, profile]) => forYouSources(profile, scoring.maxHistory)));
  const kept = new Map<string, NeighbourList>();
  let neighbourPairs = 0;
  const nb = writer.table('nb', shards.nb);
  const pause = breather();
  const needed = job.parts === 1 ? undefined : (item: string) => nb.owns(item) || sources.has(item);
  const behaviourRows = similarityRows(model.graph, choice.similarity, settings.k, needed);
  let contentRows = 0;
  for (const [item, list] of withContent(behaviourRows, content?.index, choice.content, shoppersOf(model.graph), settings.k, needed)) {
    await pause();
    if (sources.has(item)) kept.set(item, list);
    if (!nb.owns(item)) continue;
    nb.add(item, list.flat());
    neighbourPairs += list.length;
    if (inGraph && !inGraph.has(item)) contentRows++;
  }
  await nb.flush();
  let togetherPairs = 0;
  const bt = writer.table('bt', shards.bt);
  for (const [item, list] of Object.entries(together.finish().table)) {
    if (!bt.owns(item)) continue;
    bt.add(item, list.flat());
    togetherPairs += list.length;
  }
  await bt.flush();
  const pf = writer.table('pf', shards.pf);
  for (const [user, profile] of mine) {
    await pause();
    const scored = { ...profile, forYou: precomputeForYou(profile, kept, job.now, undefined, scoring) };
    pf.add(user, scored);
    for (const w of watching) w.profile(user, scored);
  }
  kept.clear();
  await pf.flush();
  const ct = writer.table('ct', shards.ct);
  for (const [id, entry] of catalog) if (ct.owns(id)) ct.add(id, entry);
  await ct.flush();
  for (const w of watching) await w.finish();
  if (ownsUnsharded && trending && popular) {
    const { global, byCategory } = trending.finish(job.now);
    await writer.put(
      tableKey(job.version, 'tr'),
      JSON.stringify({
        global,
        byCategory,
        popular: popular.finish(job.now).global,
        shoppers: popularByShoppers(model.graph, undefined, choice.popularHalfLifeMs ?? null),
      }),
    );
  }
  for (const build of builds) Object.assign(shards, await build.finish(job.version, writer.put));
  return {
    events,
    maxSeq: job.window.maxSeq,
    users: logStats.users,
    items: model.graph.itemIds.length,
    neighbourPairs,
    togetherPairs,
    keysWritten: writer.written(),
    shards,
    model: choice,
    ...(figures ? { selection: figures } : {}),
    ...(content ? { content: content.figures, contentRows } : {}),
  };
}

function shardWriter(store: TableStore, job: PartJob, ttlSeconds: number) {
  let written = 0;
  const write = async (entries: TableEntry[]) => {
    for (let i = 0; i < entries.length; i += WRITE_CHUNK) await store.putMany(entries.slice(i, i + WRITE_CHUNK));
    written += entries.length;
  };
  return {
    written: () => written,
    put: (key: string, value: string) => write([{ key, value, ttlSeconds }]),
    table(table: ShardedTable, count: number) {
      const lines = new Map<number, [string, unknown][]>();
      const mine = (shard: number) => shard % job.parts === job.part;
      return {
        owns: (id: string) => mine(shardOf(id, count)),
        add(id: string, payload: unknown) {
          const shard = shardOf(id, count);
          const list = lines.get(shard);
          if (list) list.push([id, payload]);
          else lines.set(shard, [[id, payload]]);
        },
        async flush() {
          const entries: TableEntry[] = [];
          for (let shard = 0; shard < count; shard++) {
            if (!mine(shard)) continue;
            const list = lines.get(shard);
            if (!list) continue;
            list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
            entries.push({ key: tableKey(job.version, table, shard), value: packShard(list), ttlSeconds });
          }
          lines.clear();
          await write(entries);
        },
      };
    },
  };
}

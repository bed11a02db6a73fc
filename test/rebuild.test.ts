import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import worker from '../functions/index.ts';
import { openDatabase } from '../src/db/client.ts';
import { demoCatalog } from '../src/demo/catalog.ts';
import { demoBehaviour } from '../src/demo/shoppers.ts';
import { createSimilarItemsBuilder, similarityRows } from '../src/model/similar-items/similar-items.ts';
import { shoppersOf, withContent } from '../src/model/content/content-blend.ts';
import { catalogContent } from '../src/rebuild/catalog-content.ts';
import { createBoughtTogetherBuilder } from '../src/model/bought-together.ts';
import { type PartJob } from '../src/rebuild/build-part.ts';
import { readCatalog } from '../src/rebuild/catalog-snapshot.ts';
import { eventWindow, readEventPages } from '../src/rebuild/event-pages.ts';
import { readManifest } from '../src/rebuild/publish.ts';
import { type RebuildDeps, type StartJob, queueRebuild, runQueuedRebuild, runRebuild, runRebuildPart } from '../src/rebuild/run-rebuild.ts';
import { getRun, partStats } from '../src/rebuild/runs.ts';
import { defaultChoice } from '../src/model/selection/model-choice.ts';
import { rebuildConfig } from '../src/rebuild/settings.ts';
import { rebuildDeps } from '../src/rebuild/deps.ts';
import { kvTableStore } from '../src/tables/kv-store.ts';
import { type Manifest, type ShardedTable, tableKey } from '../src/tables/layout.ts';
import { readTrending, readWholeTable } from '../src/tables/read-version.ts';
import { redisTableStore } from '../src/tables/redis-store.ts';
import type { TableStore } from '../src/tables/table-store.ts';
import { ADMIN, call, send } from './support/api.ts';

const db = openDatabase(env.DB);
const config = { ...rebuildConfig({}), pageSize: 700 };
/** The safety tests are about publishing, not the model: they rebuild without the selection (covered above and in test/model). */
const mechanics = { ...config, selection: false };

beforeAll(async () => {
  const catalog = demoCatalog();
  await send('PUT', '/v1/items', { items: catalog.map((p) => p.item) }, ADMIN);
  const events = demoBehaviour(catalog, { shoppers: 250, days: 10, until: Date.now() - 60_000, seed: 5 });
  for (let i = 0; i < events.length; i += 1000) await send('POST', '/v1/events', { events: events.slice(i, i + 1000) });
});

/** Fails every write after the first `okWrites` calls, like a store that goes down mid-run. */
function failingAfter(store: TableStore, okWrites: number): TableStore {
  let writes = 0;
  return {
    ...store,
    async putMany(entries) {
      if (++writes > okWrites) throw new Error('store went away');
      return store.putMany(entries);
    },
  };
}

async function wholeVersion(store: TableStore, manifest: Manifest) {
  const tables = {} as Record<ShardedTable, Record<string, unknown>>;
  for (const table of ['nb', 'bt', 'pf', 'ct'] as ShardedTable[]) tables[table] = Object.fromEntries(await readWholeTable(store, manifest, table));
  return { ...tables, tr: await readTrending(store, manifest) };
}

const proxy = inject('upstashProxy');
const stores: [string, () => TableStore][] = [['kv', () => kvTableStore(env.TABLES)]];
if (proxy) stores.push(['redis', () => redisTableStore(proxy)]);

describe('cron rebuild through the Worker', () => {
  it('publishes tables equal to what the model modules compute directly', async () => {
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '*/30 * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);
    const store = kvTableStore(env.TABLES);
    const manifest = await readManifest(store);
    expect(manifest).toBeDefined();
    const run = await getRun(db, manifest!.version);
    expect(run).toMatchObject({ status: 'published', trigger: 'cron' });

    const window = await eventWindow(db, config.windowDays, manifest!.builtAt);
    const similar = createSimilarItemsBuilder({ k: config.k });
    const together = createBoughtTogetherBuilder();
    let events = 0;
    for await (const page of readEventPages(db, window)) {
      events += page.length;
      similar.add(page);
      together.add(page);
    }
    expect(run!.stats).toMatchObject({ events });
    expect(manifest!.model).toEqual((run!.stats.selection as { choice: unknown }).choice);
    const graph = similar.finish(manifest!.builtAt).graph;
    const content = catalogContent(await readCatalog(db))!.index;
    const chosen = manifest!.model!;
    const expected = Object.fromEntries(withContent(similarityRows(graph, chosen.similarity, config.k), content, chosen.content, shoppersOf(graph), config.k));
    const published = Object.fromEntries(await readWholeTable<(string | number)[]>(store, manifest!, 'nb'));
    expect(Object.keys(published).length).toBeGreaterThan(100);
    expect(published).toEqual(Object.fromEntries(Object.entries(expected).map(([item, list]) => [item, list.flat()])));
    const expectedTogether = together.finish().table;
    const publishedTogether = Object.fromEntries(await readWholeTable<(string | number)[]>(store, manifest!, 'bt'));
    expect(Object.keys(publishedTogether).length).toBeGreaterThan(0);
    expect(publishedTogether).toEqual(Object.fromEntries(Object.entries(expectedTogether).map(([item, list]) => [item, list.flat()])));
    const catalog = await readWholeTable(store, manifest!, 'ct');
    expect(catalog.size).toBe((await readCatalog(db)).size);
  });

  it('lists runs with their figures on the admin API', async () => {
    const res = await call('/v1/admin/rebuilds', { headers: ADMIN });
    const { runs } = (await res.json()) as { runs: { status: string; stats: Record<string, number> }[] };
    const published = runs.find((r) => r.status === 'published');
    expect(published?.stats).toMatchObject({
      events: expect.any(Number),
      users: expect.any(Number),
      items: expect.any(Number),
      neighbourPairs: expect.any(Number),
      bytesWritten: expect.any(Number),
      keysWritten: expect.any(Number),
    });
    const selection = (
      published?.stats as unknown as { selection: { winner: string; shoppers: number; candidates: { name: string; ndcg10: number; hr10: number }[] } }
    ).selection;
    expect(selection.shoppers).toBeGreaterThan(100);
    expect(selection.candidates.length).toBeGreaterThanOrEqual(10);
    expect(selection.candidates.map((c) => c.name)).toContain(selection.winner);
    // A candidate replaces the incumbent only when its paired gain is beyond one standard error
    // (src/model/selection): the winner is not always the best figure, never below the old default.
    const winner = selection.candidates.find((c) => c.name === selection.winner)!;
    expect(selection.candidates[0]!.name).toBe('rp3beta(0.6,0.5) h5 6h');
    expect(winner.ndcg10).toBeGreaterThanOrEqual(selection.candidates[0]!.ndcg10);
    expect((await call('/v1/admin/rebuilds', { headers: { authorization: 'Bearer test-ingest-key' } })).status).toBe(403);
  });

  it('answers 202 at once with the run queued; the queue consumer runs it and the run list follows it', async () => {
    const res = await call('/v1/admin/rebuild', { method: 'POST', headers: ADMIN });
    expect(res.status).toBe(202);
    const outcome = (await res.json()) as { status: string; version: string };
    expect(outcome.status).toBe('queued');
    expect(await getRun(db, outcome.version)).toMatchObject({ trigger: 'admin' });
    let run = await getRun(db, outcome.version);
    for (let i = 0; i < 200 && ['queued', 'starting', 'running'].includes(run!.status); i++) {
      await new Promise((r) => setTimeout(r, 100));
      run = await getRun(db, outcome.version);
    }
    expect(run).toMatchObject({ status: 'published', stats: { events: expect.any(Number) } });
    expect((await readManifest(kvTableStore(env.TABLES)))?.version).toBe(outcome.version);
    const listed = (await (await call('/v1/admin/rebuilds', { headers: ADMIN })).json()) as { runs: { version: string; status: string }[] };
    expect(listed.runs.find((r) => r.version === outcome.version)?.status).toBe('published');
  });

  it('rejects a part count out of range, naming the field', async () => {
    const res = await call('/v1/admin/rebuild?parts=0', { method: 'POST', headers: ADMIN });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('parts');
  });

  it('splits a queued run into the parts asked for (?parts=2) and publishes it', async () => {
    const res = await call('/v1/admin/rebuild?parts=2&selection=off', { method: 'POST', headers: ADMIN });
    expect(res.status).toBe(202);
    const { version } = (await res.json()) as { version: string };
    let run = await getRun(db, version);
    for (let i = 0; i < 300 && !['published', 'failed'].includes(run!.status); i++) {
      await new Promise((r) => setTimeout(r, 100));
      run = await getRun(db, version);
    }
    expect(run).toMatchObject({ status: 'published', stats: { parts: 2 } });
  });

  it('runs a queued run once, however often its message is delivered', async () => {
    const jobs: StartJob[] = [];
    const queued = await queueRebuild(db, async (job) => void jobs.push(job), 'redelivery');
    expect(queued.status).toBe('queued');
    expect(await getRun(db, queued.version)).toMatchObject({ status: 'queued', finishedAt: null });
    const deps = { ...rebuildDeps(env), sendParts: undefined };
    const [first, second] = await Promise.all([runQueuedRebuild(deps, jobs[0]!), runQueuedRebuild(deps, jobs[0]!)]);
    expect([first, second].filter((o) => o === 'stale')).toHaveLength(1);
    expect([first, second].find((o) => o !== 'stale')).toMatchObject({ version: queued.version, status: 'published' });
    expect(await runQueuedRebuild(deps, jobs[0]!)).toBe('stale');
  });

  it('marks a run failed when its message cannot be queued', async () => {
    await expect(queueRebuild(db, async () => Promise.reject(new Error('queue down')), 'no-queue')).rejects.toThrow('queue down');
    const { runs } = (await (await call('/v1/admin/rebuilds', { headers: ADMIN })).json()) as { runs: { trigger: string; status: string; error: string }[] };
    expect(runs.find((r) => r.trigger === 'no-queue')).toMatchObject({ status: 'failed', error: 'not queued: queue down' });
  });
});

describe('split rebuild through the real queue binding (miniflare)', () => {
  it('sends the parts to the queue, whose consumer builds them and publishes once', async () => {
    const deps = { ...rebuildDeps(env), config: { ...config, parts: 2 } };
    const outcome = await runRebuild(deps, 'queue-test');
    expect(outcome).toMatchObject({ status: 'split', stats: { parts: 2 } });
    let run = await getRun(db, outcome.version);
    for (let i = 0; i < 100 && run?.status !== 'published' && run?.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      run = await getRun(db, outcome.version);
    }
    expect(run).toMatchObject({ status: 'published', stats: { parts: 2 } });
    expect((await readManifest(kvTableStore(env.TABLES)))?.version).toBe(outcome.version);
  });
});

describe('model selection of a split run', () => {
  it('runs once, in the planning step, and the parts publish the same model and tables as a single run', async () => {
    const store = kvTableStore(env.TABLES);
    const deps = (): RebuildDeps => ({ db, store, config });
    const now = Date.now();
    const single = await runRebuild(deps(), 'single-selected', now);
    expect(single.status).toBe('published');
    const singleManifest = (await readManifest(store))!;
    const singleSelection = (await getRun(db, single.version))!.stats.selection as { choice: unknown; candidates: unknown[] };
    expect(singleSelection.candidates.length).toBeGreaterThanOrEqual(10);

    const jobs: PartJob[] = [];
    const split = await runRebuild({ ...deps(), config: { ...config, parts: 3 }, sendParts: async (j) => void jobs.push(...j) }, 'split-selected', now);
    expect(split.status).toBe('split');
    const planned = (await getRun(db, split.version))!.stats.selection as { choice: unknown; candidates: unknown[] };
    expect(planned.choice).toEqual(singleSelection.choice);
    expect(planned.candidates).toEqual(singleSelection.candidates);
    for (const job of jobs) await runRebuildPart(deps(), job);

    const manifest = (await readManifest(store))!;
    expect(manifest.version).toBe(split.version);
    expect(manifest.model).toEqual(singleManifest.model);
    expect(await wholeVersion(store, manifest)).toEqual(await wholeVersion(store, singleManifest));
    const parts = await partStats(db, split.version);
    expect(parts).toHaveLength(3);
    expect(parts.filter((p) => p.selection !== undefined)).toHaveLength(0);
    expect(parts.map((p) => p.model)).toEqual([manifest.model, manifest.model, manifest.model]);
    const published = (await getRun(db, split.version))!.stats;
    expect((await getRun(db, split.version))!.status).toBe('published');
    expect(published).toMatchObject({ parts: 3, selection: { choice: singleSelection.choice } });
  });

  it('a split run without selection publishes the default model, chosen by no part', async () => {
    const jobs: PartJob[] = [];
    const split = await runRebuild(
      { db, store: kvTableStore(env.TABLES), config: { ...mechanics, parts: 2 }, sendParts: async (j) => void jobs.push(...j) },
      'split-off',
    );
    for (const job of jobs) await runRebuildPart({ db, store: kvTableStore(env.TABLES), config: mechanics }, job);
    const run = (await getRun(db, split.version))!;
    expect(run.status).toBe('published');
    expect(run.stats.selection).toBeUndefined();
    expect((await readManifest(kvTableStore(env.TABLES)))!.model).toEqual(defaultChoice);
  });
});

describe.each(stores)('rebuild safety on %s', (_name, openStore) => {
  const deps = (): RebuildDeps => ({ db, store: openStore(), config: mechanics });

  it('a run that fails halfway leaves the previous version served', async () => {
    const good = await runRebuild(deps(), 'test');
    expect(good.status).toBe('published');
    const before = await readManifest(openStore());
    const broken = await runRebuild({ ...deps(), store: failingAfter(openStore(), 3) }, 'test');
    expect(broken).toMatchObject({ status: 'failed', error: 'store went away' });
    const after = await readManifest(openStore());
    expect(after).toEqual(before);
    const [served] = await openStore().getMany([tableKey(after!.version, 'nb', 0)]);
    expect(served).not.toBeNull();
    expect((await getRun(db, broken.version))?.status).toBe('failed');
    expect((await runRebuild(deps(), 'test')).status).toBe('published');
  });

  it('two overlapping runs publish once', async () => {
    const outcomes = await Promise.all([runRebuild(deps(), 'cron'), runRebuild(deps(), 'cron')]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['published', 'skipped']);
    const published = outcomes.find((o) => o.status === 'published')!;
    expect((await readManifest(openStore()))?.version).toBe(published.version);
  });

  it('a run split into parts over the queue publishes the same tables as a single run', async () => {
    const now = Date.now();
    const single = await runRebuild(deps(), 'single', now);
    expect(single.status).toBe('published');
    const singleTables = await wholeVersion(openStore(), (await readManifest(openStore()))!);

    const jobs: PartJob[] = [];
    const split = await runRebuild({ ...deps(), config: { ...mechanics, parts: 3 }, sendParts: async (j) => void jobs.push(...j) }, 'split', now);
    expect(split.status).toBe('split');
    expect(jobs.map((j) => j.part)).toEqual([0, 1, 2]);
    expect((await readManifest(openStore()))?.version).toBe(single.version);
    const results = [];
    for (const job of [jobs[2]!, jobs[0]!, jobs[1]!]) results.push(await runRebuildPart(deps(), job));
    expect(results).toEqual(['waiting', 'waiting', 'published']);
    const manifest = (await readManifest(openStore()))!;
    expect(manifest.version).toBe(split.version);
    expect(await wholeVersion(openStore(), manifest)).toEqual(singleTables);
    expect((await getRun(db, split.version))?.stats).toMatchObject({ parts: 3 });
  });
});

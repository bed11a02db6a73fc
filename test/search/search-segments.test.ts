import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { demoCatalog } from '../../src/demo/catalog.ts';
import { demoBehaviour } from '../../src/demo/shoppers.ts';
import type { PartJob } from '../../src/rebuild/build-part.ts';
import { readManifest } from '../../src/rebuild/publish.ts';
import { runRebuild, runRebuildPart } from '../../src/rebuild/run-rebuild.ts';
import { rebuildConfig } from '../../src/rebuild/settings.ts';
import { buildSearchIndex, searchSegments, segmentOf } from '../../src/search/build-index.ts';
import { searchIndexTables } from '../../src/search/index-tables.ts';
import { emptySignals } from '../../src/search/learn.ts';
import { joinSegments } from '../../src/search/segments.ts';
import type { SearchResponse } from '../../src/search/serve-search.ts';
import { forgetCachedTables } from '../../src/serve/table-reader.ts';
import { kvTableStore } from '../../src/tables/kv-store.ts';
import { ADMIN, INGEST, call, send } from '../support/api.ts';

const db = openDatabase(env.DB);
const store = kvTableStore(env.TABLES);
const catalog = demoCatalog();
const QUERIES = ['green tea', 'espresso machines', 'phone ca', '绿茶', 'matcha', 'hedphones', 'zzqxv'];

async function answers(): Promise<SearchResponse[]> {
  forgetCachedTables();
  const out: SearchResponse[] = [];
  for (const text of QUERIES) {
    const res = await call(`/v1/search?q=${encodeURIComponent(text)}&k=100`, { headers: INGEST });
    expect(res.status).toBe(200);
    out.push((await res.json()) as SearchResponse);
  }
  return out;
}

/** What matching decides, independent of the per-segment statistics that order the page (a fallback page is picked by score: its size only). */
const found = (r: SearchResponse) => ({
  total: r.total,
  fallback: r.fallback,
  ids: r.total > 0 ? r.items.map((i) => i.id).sort() : r.items.length,
  facets: r.facets,
});

beforeAll(async () => {
  await send('PUT', '/v1/items', { items: catalog.map((p) => p.item) }, ADMIN);
  const events = demoBehaviour(catalog, { shoppers: 100, days: 5, until: Date.now() - 3600_000, seed: 9 });
  for (let i = 0; i < events.length; i += 1000) await send('POST', '/v1/events', { events: events.slice(i, i + 1000) });
}, 120_000);

describe('search index in segments (split rebuild)', () => {
  it('a run of 8 parts indexes in 2 segments, one per part, and serving joins them into the same matches', async () => {
    const config = { ...rebuildConfig({}), selection: false };
    const single = await runRebuild({ db, store, config, extensions: [searchIndexTables] }, 'single');
    expect(single.status).toBe('published');
    expect((await readManifest(store))?.shards.sh).toBe(1);
    const before = await answers();

    const jobs: PartJob[] = [];
    const split = await runRebuild(
      { db, store, config: { ...config, parts: 8 }, extensions: [searchIndexTables], sendParts: async (j) => void jobs.push(...j) },
      'split',
    );
    expect(split.status).toBe('split');
    for (const job of [...jobs].reverse()) await runRebuildPart({ db, store, config, extensions: [searchIndexTables] }, job);
    const manifest = (await readManifest(store))!;
    expect(manifest.version).toBe(split.version);
    expect(manifest.shards.sh).toBe(searchSegments(8));
    expect(searchSegments(8)).toBe(2);
    const after = await answers();
    expect(after.map((r) => r.version)).toEqual(QUERIES.map(() => split.version));
    expect(after.map(found)).toEqual(before.map(found));
    expect(after[0]!.items.length).toBeGreaterThan(0);
  }, 120_000);

  it('joining segment heads numbers documents segment after segment and adds document frequencies', () => {
    const items = catalog.map((p) => ({
      ...p.item,
      categories: p.item.categories ?? [],
      price: p.item.price ?? null,
      available: p.item.available ?? true,
      attributes: p.item.attributes ?? {},
    }));
    const whole = buildSearchIndex(items, emptySignals(), { synonyms: [], builtAt: 0 }).head;
    const heads = [0, 1, 2].map(
      (segment) =>
        buildSearchIndex(
          items.filter((item) => segmentOf(item.id, 3) === segment),
          emptySignals(),
          { synonyms: [], builtAt: 0, segment, segments: 3 },
        ).head,
    );
    expect(heads.every((h) => h.ids.length > 0)).toBe(true);
    const { head, layout } = joinSegments(heads);
    expect(layout.offsets).toEqual([0, heads[0]!.ids.length, heads[0]!.ids.length + heads[1]!.ids.length]);
    expect(head.ids).toEqual(heads.flatMap((h) => h.ids));
    expect(head.terms).toEqual(whole.terms);
    expect(head.df).toEqual(whole.df);
    const categoriesOf = (h: typeof head, doc: number) => h.cats[doc]!.map((c) => h.categories[c]);
    const doc = head.ids.indexOf(whole.ids[7]!);
    expect(categoriesOf(head, doc)).toEqual(categoriesOf(whole, 7));
  });
});

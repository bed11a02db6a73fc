import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.ts';
import { demoCatalog } from '../src/demo/catalog.ts';
import { demoBehaviour } from '../src/demo/shoppers.ts';
import type { PartJob } from '../src/rebuild/build-part.ts';
import { readManifest } from '../src/rebuild/publish.ts';
import { runRebuild, runRebuildPart } from '../src/rebuild/run-rebuild.ts';
import { rebuildConfig } from '../src/rebuild/settings.ts';
import { segmentOf } from '../src/search/build-index.ts';
import { searchIndexTables } from '../src/search/index-tables.ts';
import type { RecommendResponse } from '../src/serve/types.ts';
import { forgetCachedTables } from '../src/serve/table-reader.ts';
import { kvTableStore } from '../src/tables/kv-store.ts';
import { ADMIN, INGEST, call, send, uniq } from './support/api.ts';

const db = openDatabase(env.DB);
const store = kvTableStore(env.TABLES);
const catalog = demoCatalog();
const config = { ...rebuildConfig({}), selection: false };
const deps = { db, store, config, extensions: [searchIndexTables] };

async function similar(id: string): Promise<RecommendResponse> {
  forgetCachedTables();
  const res = await call(`/v1/items/${id}/similar?k=8`, { headers: INGEST });
  expect(res.status).toBe(200);
  return (await res.json()) as RecommendResponse;
}

beforeAll(async () => {
  await send('PUT', '/v1/items', { items: catalog.map((p) => p.item) }, ADMIN);
  const events = demoBehaviour(catalog, { shoppers: 100, days: 5, until: Date.now() - 3600_000, seed: 9 });
  for (let i = 0; i < events.length; i += 1000) await send('POST', '/v1/events', { events: events.slice(i, i + 1000) });
}, 120_000);

describe('a new item over a search index in segments (split rebuild)', () => {
  it('is matched by title in every segment, as over the index in one segment', async () => {
    expect((await runRebuild(deps, 'single')).status).toBe('published');
    expect((await readManifest(store))?.shards.sh).toBe(1);
    const id = uniq('sku-audio-earbuds-new');
    const item = { id, title: 'Wireless earbuds with noise cancelling', categories: ['audio', 'earbuds'], price: 99 };
    expect((await send('PUT', '/v1/items', { items: [item] }, ADMIN)).status).toBe(200);
    const alike = (r: RecommendResponse) => r.items.filter((i) => i.reason?.includes('similar name')).map((i) => i.id);
    const before = await similar(id);
    expect(alike(before).length).toBeGreaterThan(1);

    const jobs: PartJob[] = [];
    const split = await runRebuild({ ...deps, config: { ...config, parts: 8 }, sendParts: async (j) => void jobs.push(...j) }, 'split');
    expect(split.status).toBe('split');
    for (const job of jobs) await runRebuildPart(deps, job);
    const manifest = (await readManifest(store))!;
    expect(manifest.version).toBe(split.version);
    expect(manifest.shards.sh).toBe(2);
    // The new item was written before the split run: make another, newer than its tables.
    const newer = uniq('sku-audio-earbuds-new');
    expect((await send('PUT', '/v1/items', { items: [{ ...item, id: newer }] }, ADMIN)).status).toBe(200);
    const after = await similar(newer);
    expect(after.version).toBe(split.version);
    expect(after.degraded).toMatch(/newer than the tables/);
    const matched = alike(after);
    expect(matched.length).toBeGreaterThan(1);
    expect(matched.every((i) => i.startsWith('sku-audio-earbuds-'))).toBe(true);
    // Items of both segments, the earlier new item (indexed by the split run) among them.
    expect(new Set(matched.map((i) => segmentOf(i, 2)))).toEqual(new Set([0, 1]));
    expect(matched).toContain(id);
  }, 180_000);
});

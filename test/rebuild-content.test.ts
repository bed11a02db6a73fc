import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.ts';
import type { NeighbourList } from '../src/model/neighbour-list.ts';
import { seededRandom } from '../src/random.ts';
import type { PartJob } from '../src/rebuild/build-part.ts';
import { readManifest } from '../src/rebuild/publish.ts';
import { type RebuildDeps, runRebuild, runRebuildPart } from '../src/rebuild/run-rebuild.ts';
import { getRun, partStats } from '../src/rebuild/runs.ts';
import { rebuildConfig } from '../src/rebuild/settings.ts';
import { kvTableStore } from '../src/tables/kv-store.ts';
import type { Manifest, ShardedTable } from '../src/tables/layout.ts';
import { readWholeTable } from '../src/tables/read-version.ts';
import { ADMIN, send } from './support/api.ts';

const db = openDatabase(env.DB);
const store = kvTableStore(env.TABLES);
const config = { ...rebuildConfig({}), pageSize: 700 };
const deps = (): RebuildDeps => ({ db, store, config });
const MINUTE = 60_000;
const WORDS = ['lamp', 'chair', 'table', 'vase', 'rug', 'mirror', 'clock', 'shelf', 'sofa', 'desk', 'stool', 'bench', 'candle', 'frame', 'basket', 'pillow'];
const COLOURS = ['red', 'blue', 'green', 'amber', 'ivory', 'black', 'white', 'teal', 'olive', 'coral'];
const FAMILIES = 16;

/**
 * 160 items in 16 families (shoppers browse within a family) and one more lamp nobody touched;
 * `related`: the title names the family, else a family drawn at random (titles say nothing).
 */
function catalog(related: boolean) {
  const random = seededRandom(4);
  const items = Array.from({ length: 160 }, (_, i) => {
    const family = related ? i % FAMILIES : Math.floor(random.next() * FAMILIES);
    return {
      id: `i${i}`,
      title: `${COLOURS[Math.floor(i / FAMILIES)]} ${WORDS[family]} ${['oak', 'pine', 'steel', 'glass'][Math.floor(random.next() * 4)]}`,
      categories: ['home'],
    };
  });
  return [...items, { id: 'new-lamp', title: related ? 'coral lamp linen' : 'coral stool linen', categories: ['home'] }];
}

/** Each shopper views 4 items of one family: few shoppers per item, so co-occurrence is thin. */
function familyLog(shoppers: number, start: number) {
  const random = seededRandom(3);
  const events = [];
  for (let u = 0; u < shoppers; u++) {
    const family = Math.floor(random.next() * FAMILIES);
    let ts = start + u * 100 * MINUTE;
    for (let n = 0; n < 4; n++)
      events.push({ id: `e${u}-${n}`, user: `u${u}`, item: `i${family + FAMILIES * Math.floor(random.next() * 10)}`, type: 'view', ts: (ts += MINUTE) });
  }
  return events;
}

async function similarTable(manifest: Manifest): Promise<Map<string, NeighbourList>> {
  const flat = await readWholeTable<(string | number)[]>(store, manifest, 'nb' as ShardedTable);
  const rows = new Map<string, NeighbourList>();
  for (const [item, list] of flat)
    rows.set(
      item,
      Array.from({ length: list.length / 2 }, (_, n) => [list[2 * n] as string, list[2 * n + 1] as number]),
    );
  return rows;
}

describe('content blend in the rebuild', { timeout: 240_000 }, () => {
  it('is selected when titles follow what shoppers browse together; a split run publishes what a single run does', async () => {
    await send('PUT', '/v1/items', { items: catalog(true) }, ADMIN);
    const now = Date.now();
    const events = familyLog(300, now - 25 * 24 * 60 * MINUTE);
    for (let i = 0; i < events.length; i += 1000) {
      const res = await send('POST', '/v1/events', { events: events.slice(i, i + 1000) });
      expect(await res.json()).toMatchObject({ accepted: Math.min(1000, events.length - i) });
    }

    const single = await runRebuild(deps(), 'content-single', now);
    expect(single.status).toBe('published');
    const singleManifest = (await readManifest(store))!;
    const singleRun = (await getRun(db, single.version))!.stats as {
      selection: { choice: { content?: number }; candidates: { name: string }[] };
      content: { items: number };
      contentRows: number;
    };
    expect(singleRun.selection.candidates.some((c) => c.name.includes('+content'))).toBe(true);
    expect(singleManifest.model?.content).toBeGreaterThan(0);
    expect(singleRun.selection.choice.content).toBe(singleManifest.model?.content);
    expect(singleRun.content.items).toBe(161);
    expect(singleRun.contentRows).toBeGreaterThanOrEqual(1);
    const lists = await similarTable(singleManifest);
    const lamp = (id: string) => id === 'new-lamp' || Number(id.slice(1)) % FAMILIES === 0;
    expect(
      lists
        .get('new-lamp')!
        .slice(0, 5)
        .map(([id]) => lamp(id)),
    ).toEqual([true, true, true, true, true]);

    const jobs: PartJob[] = [];
    const split = await runRebuild({ ...deps(), config: { ...config, parts: 3 }, sendParts: async (j) => void jobs.push(...j) }, 'content-split', now);
    expect(split.status).toBe('split');
    const planned = (await getRun(db, split.version))!.stats as { selection: { choice: unknown; candidates: unknown[] }; content: { items: number } };
    expect(planned.selection.choice).toEqual(singleRun.selection.choice);
    expect(planned.selection.candidates).toEqual(singleRun.selection.candidates);
    expect(planned.content.items).toBe(161);
    for (const job of jobs) await runRebuildPart(deps(), job);
    const manifest = (await readManifest(store))!;
    expect(manifest.version).toBe(split.version);
    expect(manifest.model).toEqual(singleManifest.model);
    expect(manifest.shards.nb).toBe(singleManifest.shards.nb);
    expect(await similarTable(manifest)).toEqual(lists);
    for (const table of ['pf', 'bt'] as ShardedTable[])
      expect(Object.fromEntries(await readWholeTable(store, manifest, table))).toEqual(Object.fromEntries(await readWholeTable(store, singleManifest, table)));
    const parts = await partStats(db, split.version);
    expect(parts.map((p) => (p as { content?: { items: number } }).content?.items)).toEqual([161, 161, 161]);
    expect((await getRun(db, split.version))!.stats).toMatchObject({ contentRows: singleRun.contentRows });
  });

  it('gives content no weight when the titles say nothing about what shoppers browse together', async () => {
    await send('PUT', '/v1/items', { items: catalog(false) }, ADMIN);
    const run = await runRebuild(deps(), 'content-noise', Date.now());
    expect(run.status).toBe('published');
    const stats = (await getRun(db, run.version))!.stats as { selection: { choice: { content?: number }; candidates: { name: string }[] } };
    expect(stats.selection.candidates.some((c) => c.name.includes('+content'))).toBe(true);
    expect(stats.selection.choice.content ?? 0).toBe(0);
    expect((await readManifest(store))!.model?.content ?? 0).toBe(0);
    expect(stats).not.toHaveProperty('contentRows');
  });
});

/**
 * The search index as a rebuild extension: reads the catalog (every field, attributes
 * included) in keyset pages analyzed into the builder page by page, learns from the window's
 * events, then writes the head, the postings shards and the clicks-per-query shards under the
 * run's version.
 */
import type { Database } from '../db/client.ts';
import { type CatalogPages, d1CatalogPages } from '../rebuild/catalog-snapshot.ts';
import type { ExtensionBuild, RebuildExtension } from '../rebuild/extension.ts';
import { tableKey } from '../tables/layout.ts';
import type { IndexableItem } from './analyzed-item.ts';
import { createSearchIndexBuilder, POSTING_SHARD_BYTES, postingKeyShard, searchSegments, segmentOf } from './build-index.ts';
import { pruneFresh } from './fresh.ts';
import { createSearchSignalsBuilder } from './learn.ts';
import { searchSynonyms } from './search-synonyms.ts';

const PAGE = 1000;

/** Reads the catalog for indexing in pages (D1's keyset pages of 1,000 unless `pages` is given), handing each page on (never the whole catalog at once). */
export async function forEachIndexablePage(
  db: Database,
  visit: (items: IndexableItem[]) => void,
  pages: CatalogPages = d1CatalogPages(db, PAGE),
): Promise<void> {
  for await (const page of pages()) visit(page);
}

/** The rebuild extension that builds and publishes the search index: part `p` of a split run builds segment `p` (if any). */
export const searchIndexTables: RebuildExtension = {
  name: 'search',
  // Postings take about 200 bytes per item (bench:search), in shards of POSTING_SHARD_BYTES.
  plannedWrites: (catalogSize) => 2 + Math.ceil((catalogSize * 256) / POSTING_SHARD_BYTES) + 4,
  async start(db: Database, now: number, job = { part: 0, parts: 1 }, catalog?: CatalogPages): Promise<ExtensionBuild> {
    const segments = searchSegments(job.parts);
    const segment = job.part;
    if (segment >= segments) return { add: () => undefined, finish: async () => ({}) };
    const builder = createSearchIndexBuilder({ synonyms: await searchSynonyms(db), builtAt: now, segment, segments });
    await forEachIndexablePage(
      db,
      (page) => {
        for (const item of page) if (segmentOf(item.id, segments) === segment) builder.add(item);
      },
      catalog,
    );
    const signals = createSearchSignalsBuilder();
    return {
      add: (page) => signals.add(page),
      async finish(version, put): Promise<Record<string, number>> {
        const built = builder.finish(signals.finish());
        await put(tableKey(version, 'sh', segment), JSON.stringify(built.head));
        for (const [shard, value] of built.postings.entries()) await put(tableKey(version, 'sp', postingKeyShard(segment, segments, shard)), value);
        if (segment > 0) return { sh: segments, sp: segments * built.postings.length };
        for (const [shard, value] of built.queries.entries()) await put(tableKey(version, 'sq', shard), value);
        return { sh: segments, sp: segments * built.postings.length, sq: built.queries.length };
      },
    };
  },
  published: (store, startedAt) => pruneFresh(store, startedAt),
};

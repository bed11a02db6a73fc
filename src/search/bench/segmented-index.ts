/**
 * A seeded synthetic catalog indexed as the rebuild indexes it (segments by id hash, one head and
 * postings shards each), for the Node benchmarks of the search path. `cacheDir` keeps the built
 * index between runs (a 100k catalog takes a minute or two to index).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planParts } from '../../rebuild/run-rebuild.ts';
import { createSearchIndexBuilder, type SearchHead, searchSegments, segmentOf } from '../build-index.ts';
import { searchIndexTables } from '../index-tables.ts';
import { emptySignals } from '../learn.ts';
import { syntheticCatalog } from './synthetic-catalog.ts';

/** The stored form of a segmented index: per segment, its head and its postings shards. */
export interface StoredIndex {
  heads: SearchHead[];
  postings: string[][];
}

/** The index of the synthetic catalog of `size` items, from `cacheDir` when built there before. */
export function segmentedIndex(size: number, cacheDir?: string): StoredIndex {
  const file = cacheDir ? join(cacheDir, `search-index-${size}.json`) : undefined;
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StoredIndex;
  const catalog = syntheticCatalog(size);
  const segments = searchSegments(planParts(size, 2000, 100, 'auto', searchIndexTables.plannedWrites(size)));
  const out: StoredIndex = { heads: [], postings: [] };
  for (let s = 0; s < segments; s++) {
    const builder = createSearchIndexBuilder({ synonyms: [], builtAt: 0, segment: s, segments });
    for (const item of catalog.items) {
      if (segmentOf(item.id, segments) !== s) continue;
      builder.add({
        ...item,
        categories: item.categories ?? [],
        price: item.price ?? null,
        available: item.available ?? true,
        attributes: item.attributes ?? {},
      });
    }
    const built = builder.finish(emptySignals());
    out.heads.push(built.head);
    out.postings.push(built.postings);
  }
  if (file) {
    mkdirSync(cacheDir!, { recursive: true });
    writeFileSync(file, JSON.stringify(out));
  }
  return out;
}

/**
 * `npm run bench:search-build`: the search index build of one rebuild part, on seeded synthetic
 * catalogs (`BENCH_SIZES`, default 1,000, 10,000 and 100,000 items). Per size: the parts a
 * rebuild plans (`planParts`, with `BENCH_USERS` shoppers), the segments they index in, then
 * segment 0 built as its part builds it (the part's items analyzed one by one, then finished
 * into the head and postings shards): CPU time (`process.cpuUsage`) of each step and the peak
 * of the live V8 heap above what was live before the build (after a full GC, every 5,000 items
 * and after finishing; the catalog itself is made before and not counted), and the peak of the
 * heap as used (garbage included) sampled every 1,000 items. Against the 128 MB isolate.
 * `BENCH_WHOLE=1` also builds the whole catalog in one segment (what a run did before segments).
 */
import { planParts } from '../../rebuild/run-rebuild.ts';
import { benchNumber, fmt } from '../../bench/measure.ts';
import { createSearchIndexBuilder, searchSegments, segmentOf } from '../build-index.ts';
import { searchIndexTables } from '../index-tables.ts';
import { emptySignals } from '../learn.ts';
import type { IndexableItem } from '../analyzed-item.ts';
import { syntheticCatalog } from './synthetic-catalog.ts';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').filter(Boolean).map(Number);
const USERS = benchNumber('BENCH_USERS', 2000);
const exposed = (globalThis as { gc?: () => void }).gc;
if (!exposed) throw new Error('run with node --expose-gc (npm run bench:search-build does)');
const gc: () => void = exposed;

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

console.log('search index build per rebuild part: synthetic catalogs, segment 0 (segments split the items by id hash, about evenly)');
for (const size of SIZES) {
  const items = syntheticCatalog(size).items.map((item) => ({
    ...item,
    categories: item.categories ?? [],
    price: item.price ?? null,
    available: item.available ?? true,
    attributes: item.attributes ?? {},
  }));
  const parts = planParts(size, USERS, 100, 'auto', searchIndexTables.plannedWrites(size));
  for (const segments of process.env.BENCH_WHOLE ? [searchSegments(parts), 1] : [searchSegments(parts)]) measure(items, size, parts, segments);
}

function measure(items: IndexableItem[], size: number, parts: number, segments: number): void {
  const mine = items.filter((item) => segmentOf(item.id, segments) === 0);
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  let live = 0;
  let gcMs = 0;
  const sample = (collect: boolean) => {
    peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    if (!collect) return;
    const t = process.cpuUsage();
    gc();
    gcMs += cpuMs(t);
    live = Math.max(live, process.memoryUsage().heapUsed - base);
  };
  const builder = createSearchIndexBuilder({ synonyms: [], builtAt: 0, segment: 0, segments });
  let started = process.cpuUsage();
  mine.forEach((item, i) => {
    builder.add(item);
    if (i % 1000 === 999) sample(i % 5000 === 4999);
  });
  sample(true);
  const addMs = cpuMs(started) - gcMs;
  started = process.cpuUsage();
  const built = builder.finish(emptySignals());
  sample(false);
  const finishMs = cpuMs(started);
  const head = JSON.stringify(built.head);
  sample(true);
  const bytes = head.length + built.postings.reduce((sum, v) => sum + v.length, 0);
  console.log(
    `  ${String(size).padStart(6)} items: ${parts} parts, ${segments} segments; segment 0 = ${mine.length} items: analyze ${fmt(addMs / 1000, 2)} s + finish ${fmt(finishMs / 1000, 2)} s CPU, live heap at most ${fmt(live / 1024 / 1024, 1)} MB above the start (used, garbage included: ${fmt(peak / 1024 / 1024, 1)} MB), writes ${fmt(bytes / 1024 / 1024, 2)} MB (${built.postings.length} postings shards)`,
  );
}

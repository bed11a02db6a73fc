/**
 * `npm run bench:content`: the rebuild's content index (src/rebuild/catalog-content.ts) on the
 * seeded synthetic catalog of the search bench (demo product kinds x made-up brands, colours and
 * words), at 10k, 33k and 100k items, each in a fresh child process whose old space is capped at
 * 128 MB (a Worker's memory) with the catalog snapshot held, as a rebuild part holds it. Prints
 * the index's items, features and postings, its build time (wall and process CPU), the peak RSS
 * of the child against a child of the same size that only holds the catalog (what building the
 * index and computing its rows adds at its peak), the memory the index keeps (heap + array
 * buffers after a full GC; GC noise of a few MB) and the CPU of one content row (top 20),
 * averaged over 3,000 rows.
 *
 *   npm run bench:content
 *   BENCH_SIZES=100000 npm run bench:content
 */
import { execFileSync } from 'node:child_process';
import { catalogEntry } from '../catalog/catalog-entry.ts';
import type { Item } from '../catalog/item-schema.ts';
import { catalogContent } from '../rebuild/catalog-content.ts';
import type { CatalogEntry } from '../rebuild/catalog-snapshot.ts';
import { syntheticCatalog } from '../search/bench/synthetic-catalog.ts';

const ROWS = 3000;

function measure(n: number, build: boolean): Record<string, number> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const catalog = new Map<string, CatalogEntry>();
  for (const item of syntheticCatalog(n).items)
    catalog.set(item.id, catalogEntry({ ...item, categories: item.categories ?? [], price: item.price ?? null, available: true, attributes: {} } as Item));
  gc();
  gc();
  if (!build) return { catalog: catalog.size, peakRssMB: process.resourceUsage().maxRSS / 1024 };
  const before = used();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const content = catalogContent(catalog)!;
  const buildCpu = process.cpuUsage(cpu);
  const buildMs = performance.now() - started;
  gc();
  gc();
  const kept = used() - before;
  const rowCpu = process.cpuUsage();
  for (let i = 0; i < ROWS; i++) content.index.row(content.index.ids[(i * 7919) % n]!, 20);
  const rows = process.cpuUsage(rowCpu);
  return {
    items: content.figures.items,
    features: content.figures.features,
    postings: content.figures.postings,
    buildS: buildMs / 1000,
    buildCpuS: (buildCpu.user + buildCpu.system) / 1e6,
    keptMB: kept / 1e6,
    rowCpuMs: (rows.user + rows.system) / 1000 / ROWS,
    catalog: catalog.size,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

if (process.argv[2] === 'child') {
  console.log(JSON.stringify(measure(Number(process.argv[3]), process.argv[4] !== 'catalog-only')));
} else {
  const sizes = (process.env.BENCH_SIZES ?? '10000,33000,100000').split(',').map(Number);
  console.log('bench:content  content index of the catalog snapshot (fresh child per size, old space capped at 128 MB, catalog held)');
  console.log('items     features  postings   build s  build CPU s  peak RSS MB (catalog only)  kept MB  row CPU ms');
  const child = (n: number, mode: string) =>
    JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=128', import.meta.filename, 'child', String(n), mode], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .pop()!,
    ) as Record<string, number>;
  for (const n of sizes) {
    const base = child(n, 'catalog-only');
    const r = child(n, 'index');
    console.log(
      `${String(r.items).padEnd(10)}${String(r.features).padEnd(10)}${String(r.postings).padEnd(11)}${r.buildS!.toFixed(2).padEnd(9)}${r.buildCpuS!.toFixed(2).padEnd(13)}${`${r.peakRssMB!.toFixed(0)} (${base.peakRssMB!.toFixed(0)}) = +${(r.peakRssMB! - base.peakRssMB!).toFixed(0)}`.padEnd(28)}${r.keptMB!.toFixed(1).padEnd(9)}${r.rowCpuMs!.toFixed(3)}`,
    );
  }
}

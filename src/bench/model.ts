import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startHeapProbe } from '../eval/heap-probe.ts';
import { syntheticEventPages } from '../eval/synthetic-events.ts';
import type { NeighbourList } from '../model/neighbour-list.ts';
import { recommendFromHistory } from '../model/recommend.ts';
import { createSimilarItemsBuilder, defaultSimilarity } from '../model/similar-items/similar-items.ts';

/**
 * Scale benchmark of the default neighbour model on seeded synthetic power-law
 * logs (100K, 300K, 1M events): each run happens in a fresh child process; the
 * build streams pages of 1000 events and writes neighbour rows out in shards of
 * 500 items (as the rebuild does), so only the sparse state is held. Throughput
 * is reported as a ratio to a baseline pass (generate + count the same events)
 * measured in the same child. Medians of REPEATS runs. Peak heap is heapUsed
 * sampled after every page and every shard, above a post-GC baseline: it includes
 * garbage not yet collected, so it is an upper bound; each child also runs with
 * --max-old-space-size=128, so a build that needs more than a Worker has fails.
 */
const SIZES = [100_000, 300_000, 1_000_000];
const REPEATS = 3;
const SHARD_ITEMS = 500;
/** Children run with V8's old space capped like a Worker isolate: a build that needs more fails the bench. */
const HEAP_LIMIT_MB = 128;

interface RunResult {
  events: number;
  baselineMs: number;
  buildMs: number;
  peakHeapMB: number;
  items: number;
  rows: number;
  bytes: number;
}

function baseline(events: number): number {
  const started = performance.now();
  const counts = new Map<string, number>();
  for (const page of syntheticEventPages({ events, seed: 7 })) {
    for (const event of page) counts.set(event.item!, (counts.get(event.item!) ?? 0) + 1);
  }
  return performance.now() - started;
}

function run(events: number): RunResult {
  const baselineMs = baseline(events);
  const probe = startHeapProbe();
  const started = performance.now();
  const builder = createSimilarItemsBuilder({ similarity: defaultSimilarity });
  for (const page of syntheticEventPages({ events, seed: 7 })) {
    builder.add(page);
    probe.sample();
  }
  const model = builder.finish();
  probe.sample();
  let shard: Array<[string, NeighbourList]> = [];
  let rows = 0;
  let bytes = 0;
  for (const row of model.rows()) {
    shard.push(row);
    rows++;
    if (shard.length === SHARD_ITEMS) {
      probe.sample();
      bytes += JSON.stringify(shard).length;
      shard = [];
    }
  }
  bytes += JSON.stringify(shard).length;
  probe.sample();
  const buildMs = performance.now() - started;
  return { events, baselineMs, buildMs, peakHeapMB: probe.peakMB(), items: model.graph.itemIds.length, rows, bytes };
}

function scoringMicros(): { scoreUs: number; baselineUs: number } {
  const table = new Map<string, NeighbourList>();
  for (let h = 0; h < 50; h++) {
    table.set(
      `h${h}`,
      Array.from({ length: 100 }, (_, n): [string, number] => [`i${(h * 37 + n * 11) % 3000}`, 1 / (n + 1)]),
    );
  }
  const history = Array.from({ length: 50 }, (_, h) => ({ item: `h${h}`, ts: h * 60_000, type: 'view' as const }));
  const time = (fn: () => unknown): number => {
    const samples: number[] = [];
    for (let r = 0; r < 7; r++) {
      const started = performance.now();
      for (let n = 0; n < 500; n++) fn();
      samples.push(((performance.now() - started) * 1000) / 500);
    }
    return median(samples);
  };
  const sumAll = (): number => {
    let total = 0;
    for (const entry of history) for (const [, w] of table.get(entry.item)!) total += w;
    return total;
  };
  const score = (): unknown => recommendFromHistory({ history, neighbours: table, maxHistory: 50, limit: 10 });
  time(score);
  return { scoreUs: time(score), baselineUs: time(sumAll) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(process.argv[3] === 'scoring' ? scoringMicros() : run(Number(process.argv[3]))));
} else {
  const self = fileURLToPath(import.meta.url);
  const child = (arg: string): string =>
    execFileSync(process.execPath, ['--expose-gc', `--max-old-space-size=${HEAP_LIMIT_MB}`, self, '--child', arg], { encoding: 'utf8' });
  const model = `${defaultSimilarity.model} ${JSON.stringify(defaultSimilarity)}`;
  console.log(
    `bench:model  default model ${model}, K=100, pages of 1000 events, medians of ${REPEATS} fresh processes (old space capped at ${HEAP_LIMIT_MB} MB)\n`,
  );
  console.log('events     items  users   baseline ev/s   model ev/s   ratio   build s   peak heap MB   rows   table MB');
  for (const events of SIZES) {
    const runs: RunResult[] = [];
    for (let r = 0; r < REPEATS; r++) runs.push(JSON.parse(child(String(events))) as RunResult);
    const pick = (f: (x: RunResult) => number): number => median(runs.map(f));
    const baseRate = events / (pick((x) => x.baselineMs) / 1000);
    const modelRate = events / (pick((x) => x.buildMs) / 1000);
    console.log(
      [
        String(events).padEnd(9),
        String(runs[0]!.items).padStart(6),
        String(events / 10).padStart(6),
        Math.round(baseRate).toLocaleString('en').padStart(15),
        Math.round(modelRate).toLocaleString('en').padStart(12),
        (modelRate / baseRate).toFixed(3).padStart(7),
        (pick((x) => x.buildMs) / 1000).toFixed(2).padStart(9),
        pick((x) => x.peakHeapMB)
          .toFixed(1)
          .padStart(14),
        String(runs[0]!.rows).padStart(6),
        (runs[0]!.bytes / 1048576).toFixed(1).padStart(10),
      ].join(' '),
    );
  }
  const scoring = JSON.parse(child('scoring')) as { scoreUs: number; baselineUs: number };
  console.log(
    `\nscoring: recommendFromHistory, 50 history items x K=100: ${scoring.scoreUs.toFixed(1)} us per call; ` +
      `a plain loop over the same 5,000 weights: ${scoring.baselineUs.toFixed(1)} us (ratio ${(scoring.scoreUs / scoring.baselineUs).toFixed(1)}x)`,
  );
}

/**
 * `node src/search/bench/query.ts`: the pure search path (`runSearch`) in Node on a seeded
 * synthetic catalog indexed as the rebuild indexes it (segments by id hash, one head and
 * postings shards each, joined as serving joins them), with the benchmark's query mix and
 * shoppers with category affinities and recent items. Reports CPU per query
 * (`process.cpuUsage` over batches of 25, median of batch means; postings decoded once, as a
 * warm isolate keeps them) and the documents a query matches. `BENCH_SIZE` (default 100,000),
 * `BENCH_QUERIES` (1,000), `BENCH_CACHE` (a directory to keep the built index in between runs),
 * `BENCH_DUMP` (a file to write every answer to: ids, scores, total, facets, for comparing two
 * versions of the code answer for answer).
 */
import { writeFileSync } from 'node:fs';
import { benchNumber, fmt, median } from '../../bench/measure.ts';
import { seededRandom } from '../../random.ts';
import { postingLine } from '../postings.ts';
import type { RankSignals } from '../rank.ts';
import { loadIndex, queryPlan, runSearch } from '../search.ts';
import { joinedPostings, joinSegments } from '../segments.ts';
import { segmentedIndex } from './segmented-index.ts';
import { syntheticCatalog, syntheticQueries } from './synthetic-catalog.ts';

const SIZE = benchNumber('BENCH_SIZE', 100_000);
const QUERIES = benchNumber('BENCH_QUERIES', 1000);
const stored = segmentedIndex(SIZE, process.env.BENCH_CACHE);
const { head, layout } = joinSegments(stored.heads);
const lists = new Map<string, Int32Array | undefined>();
const index = loadIndex(head, (term) => lists.get(term));
const lineOf = (key: string, term: string) => {
  const shard = Number(key.split(':').at(-1));
  const segments = layout.shards.length;
  const text = stored.postings[shard % segments]![Math.floor(shard / segments)];
  return text ? postingLine(text, term, head.asciiLines) : undefined;
};
const queries = syntheticQueries(syntheticCatalog(SIZE), QUERIES);
const random = seededRandom(3);
const shoppers: RankSignals[] = Array.from({ length: 50 }, () => {
  const affinity = new Map<string, number>();
  for (let i = 0; i < 3; i++) affinity.set(random.pick(head.categories), Number((1 - i * 0.3).toFixed(2)));
  return { affinity, recent: new Set(Array.from({ length: 5 }, () => head.ids[random.int(0, head.ids.length - 1)]!)) };
});

const plans = queries.map((q) => queryPlan(index, q));
for (const plan of plans) {
  for (const slot of plan) {
    for (const term of [...slot.alternatives.map((a) => a.term), ...(slot.grams ?? [])]) {
      if (!lists.has(term))
        lists.set(
          term,
          joinedPostings('v', layout, term, (key) => lineOf(key, term)),
        );
    }
  }
}

const postingsPerQuery =
  plans.reduce(
    (sum, plan) =>
      sum +
      plan.reduce(
        (n, slot) => n + [...slot.alternatives.map((a) => a.term), ...(slot.grams ?? [])].reduce((m, t) => m + (lists.get(t)?.length ?? 0) / 2, 0),
        0,
      ),
    0,
  ) / plans.length;
const PASSES = benchNumber('BENCH_PASSES', 2);
let cpu: number[] = [];
let answers: unknown[] = [];
let matched = 0;
let single: [number, string, number][] = [];
for (let pass = 0; pass < PASSES; pass++) {
  cpu = [];
  answers = [];
  matched = 0;
  single = [];
  for (let b = 0; b * 25 < queries.length; b++) {
    const start = process.cpuUsage();
    for (let i = b * 25; i < Math.min(queries.length, b * 25 + 25); i++) {
      const t = performance.now();
      const result = runSearch(index, plans[i]!, { q: queries[i]!, filters: {}, k: 10, signals: shoppers[i % shoppers.length] });
      single.push([performance.now() - t, queries[i]!, result.total]);
      matched += result.total;
      if (process.env.BENCH_DUMP)
        answers.push({
          q: queries[i],
          hits: result.hits.map((h) => [h.id, Number(h.score.toPrecision(6)), h.reason.kind]),
          total: result.total,
          facets: result.facets,
          fallback: result.fallback,
        });
    }
    const used = process.cpuUsage(start);
    cpu.push((used.user + used.system) / 1000 / 25);
  }
}
if (process.env.BENCH_SLOW) {
  const slow = new Map<string, [number, number, number]>();
  for (const [ms, q, total] of single) {
    const seen = slow.get(q) ?? [0, 0, total];
    slow.set(q, [seen[0] + ms, seen[1] + 1, total]);
  }
  const rows = [...slow.entries()].sort((a, b) => b[1][0] - a[1][0]).slice(0, Number(process.env.BENCH_SLOW));
  for (const [q, [ms, n, total]] of rows) console.log(`  ${JSON.stringify(q)}: ${n} x ${fmt(ms / n, 2)} ms = ${fmt(ms, 0)} ms, ${total} full matches`);
}
if (process.env.BENCH_DUMP) writeFileSync(process.env.BENCH_DUMP, JSON.stringify(answers, null, 0));
console.log(
  `search in Node: ${SIZE} items (${layout.shards.length} segments), ${queries.length} queries (last of ${PASSES} passes): CPU ${fmt(median(cpu), 3)} ms per query (median of batch means of 25; mean ${fmt(cpu.reduce((a, b) => a + b, 0) / cpu.length, 3)}; batches ${fmt(Math.min(...cpu), 2)}-${fmt(Math.max(...cpu), 2)}), ${fmt(matched / queries.length, 0)} full matches per query on average, ${fmt(postingsPerQuery, 0)} postings read`,
);

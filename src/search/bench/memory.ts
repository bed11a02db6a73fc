/**
 * `node --expose-gc src/search/bench/memory.ts`: what a search isolate holds for a synthetic
 * index (`BENCH_SIZE`, default 100,000; `BENCH_CACHE` keeps the built index), measured in Node's
 * V8 after full collections: the joined head (vocabulary, columns, id map), the decoded postings
 * of every term of the benchmark's query mix, the matching scratch after running the mix, and
 * the text of every postings shard as a store read returns it. Next to the budgets of the
 * serving caches, against the isolate's 128 MB.
 */
import { benchNumber, fmt } from '../../bench/measure.ts';
import { postingLine } from '../postings.ts';
import { plannedTerms } from '../match.ts';
import { loadIndex, queryPlan, runSearch } from '../search.ts';
import { joinedPostings, joinSegments } from '../segments.ts';
import { segmentedIndex } from './segmented-index.ts';
import { syntheticCatalog, syntheticQueries } from './synthetic-catalog.ts';

const SIZE = benchNumber('BENCH_SIZE', 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const heap = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return { js: m.heapUsed, buffers: m.arrayBuffers };
};
const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024, 1)} MB`;

const stored = segmentedIndex(SIZE, process.env.BENCH_CACHE);
const headTexts = stored.heads.map((h) => JSON.stringify(h));
const shardTexts = stored.postings.map((shards) => shards.map((text) => JSON.stringify(text)));
const segments = stored.heads.length;
const queries = syntheticQueries(syntheticCatalog(SIZE), 1000);
stored.heads = [];
stored.postings = [];

// The index file's text and parsed form go before the start is measured.
for (let i = 0; i < 3; i++) {
  await new Promise((resolve) => setTimeout(resolve, 50));
  heap();
}
const start = heap();
const { head, layout } = joinSegments(headTexts.map((text) => JSON.parse(text)));
const lists = new Map<string, Int32Array | undefined>();
const index = loadIndex(head, (term) => lists.get(term));
runSearch(index, queryPlan(index, 'zzzz'), { q: 'zzzz', filters: {}, k: 10 });
const loaded = heap();

const shardText = (key: string) => {
  const n = Number(key.split(':').at(-1));
  return shardTexts[n % segments]![Math.floor(n / segments)];
};
const plans = queries.map((q) => queryPlan(index, q));
let numbers = 0;
for (const plan of plans)
  for (const term of plannedTerms(plan)) {
    if (lists.has(term)) continue;
    const list = joinedPostings('v', layout, term, (key) => {
      const text = shardText(key);
      return text ? postingLine(JSON.parse(text) as string, term, head.asciiLines) : undefined;
    });
    lists.set(term, list);
    numbers += list?.length ?? 0;
  }
const decoded = heap();

let peak = 0;
for (const [i, plan] of plans.entries()) {
  runSearch(index, plan, { q: queries[i]!, filters: {}, k: 10 });
  if (i % 50 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
}
const ran = heap();

const texts = shardTexts.flat().map((json) => JSON.parse(json) as string);
const chars = texts.reduce((n, t) => n + t.length, 0);
const twoByte = texts.filter((t) => /[^\u0000-\u00ff]/.test(t)).length;
const held = heap();

const delta = (a: { js: number; buffers: number }, b: { js: number; buffers: number }) => b.js - a.js + b.buffers - a.buffers;
console.log(`search isolate memory: ${SIZE} items, ${segments} segments, ${head.terms.length} terms (Node ${process.version}, after full collections)
  joined head (columns, vocabulary, ids): ${mb(delta(start, loaded))} = ${fmt(delta(start, loaded) / SIZE, 0)} bytes per item
  decoded postings of the query mix's ${lists.size} terms: ${fmt(numbers / 1e6, 2)}M numbers, ${mb(delta(loaded, decoded))} (the term cache's budget: 4M numbers, 16 MB)
  after running the 1,000 queries (scratch kept for the next): +${mb(delta(decoded, ran))}; heap as used at most ${mb(peak - start.js)} above the start, garbage included
  every postings shard's text: ${texts.length} shards, ${fmt(chars / 1e6, 1)}M characters, ${twoByte} with characters beyond Latin-1 (two bytes each): ${mb(delta(ran, held))}
  budgets of a search isolate: head ${mb(delta(start, loaded))} + term cache 16 MB + search shard text 24 MB + serving shard cache 24 MB + shown items 2 MB = ${mb(delta(start, loaded) + (16 + 24 + 24 + 2) * 1024 * 1024)} of 128 MB`);

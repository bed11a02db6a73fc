/**
 * `npm run -s eval:search` (options: `--data PATH`, `--test-days 60`, `--terms 2`, `--seed 13`,
 * `--json`): the engine's product search against plain BM25 on the UCI Online Retail set
 * (protocol in `retail-set.ts`), NDCG@10, top-1 and recall@10 with paired bootstrap intervals of
 * the differences, for queries as drawn, as typed (last word cut to four letters) and with a
 * typo; then the personalised re-ranking's gain for shoppers with a known history.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { seededRandom } from '../../random.ts';
import { bm25Index } from './bm25.ts';
import { offlineEngine, shopperSignals } from './engine.ts';
import { retailSet, type RetailQuery } from './retail-set.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: path.resolve(import.meta.dirname, '../../../../shared/data/uci-online-retail-sample/online_retail_sample_20k.csv') },
    'test-days': { type: 'string', default: '60' },
    terms: { type: 'string', default: '2' },
    seed: { type: 'string', default: '13' },
    json: { type: 'boolean', default: false },
  },
});

const K = 10;
const set = retailSet(readFileSync(values.data!, 'utf8'), { testDays: Number(values['test-days']), terms: Number(values.terms), seed: Number(values.seed) });
const categoryOf = new Map(set.items.map((i) => [i.id, i.categories]));
const clicks = new Map(
  [...set.historyQueries].map(([q, perItem]) => [q, new Map([...perItem].map(([item, n]): [string, [number, number]] => [item, [0, n]]))]),
);
const engine = offlineEngine(set.items, { popularity: set.popularity, clicks, queries: [] });
const bm25 = bm25Index(set.items);

/** Per-query gains: NDCG@10 (one relevant item), top-1, recall@10. */
function gains(ranked: readonly string[], item: string): [number, number, number] {
  const at = ranked.indexOf(item);
  return at < 0 || at >= K ? [0, 0, 0] : [1 / Math.log2(at + 2), at === 0 ? 1 : 0, 1];
}

const random = seededRandom(Number(values.seed) + 1);
const asTyped = (q: string) => {
  const words = q.split(' ');
  const last = words.at(-1)!;
  return [...words.slice(0, -1), last.length > 4 ? last.slice(0, 4) : last].join(' ');
};
const withTypo = (q: string) => {
  const words = q.split(' ');
  const longest = words.reduce((best, w, i) => (w.length > words[best]!.length ? i : best), 0);
  const w = words[longest]!;
  if (w.length < 5) return q;
  const at = 1 + Math.floor(random.next() * (w.length - 2));
  words[longest] = w.slice(0, at) + w[at + 1] + w[at] + w.slice(at + 2);
  return `${words.join(' ')} `;
};

type Method = (query: RetailQuery, q: string) => string[];
const methods: Record<string, Method> = {
  'BM25 (baseline)': (_, q) => bm25.search(q, K),
  'engine, text only': (_, q) => engine.search(q, K, { learned: false }),
  'engine, + popularity and query stats': (_, q) => engine.search(q, K),
  'engine, + the shopper': (query, q) => engine.search(q, K, { shopper: shopperSignals(set.history.get(query.user) ?? [], categoryOf) }),
};

function evaluate(queries: readonly RetailQuery[], variant: (q: string) => string, names: readonly string[]) {
  const per: Record<string, [number, number, number][]> = {};
  for (const name of names) per[name] = queries.map((query) => gains(methods[name]!(query, variant(query.q)), query.item));
  return per;
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

/** 95% paired bootstrap interval of mean(a - b). */
function bootstrap(a: readonly number[], b: readonly number[], rounds = 1000): [number, number] {
  const r = seededRandom(7);
  const diffs = a.map((x, i) => x - b[i]!);
  const means: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let sum = 0;
    for (let j = 0; j < diffs.length; j++) sum += diffs[Math.floor(r.next() * diffs.length)]!;
    means.push(sum / diffs.length);
  }
  means.sort((x, y) => x - y);
  return [means[Math.floor(0.025 * rounds)]!, means[Math.floor(0.975 * rounds)]!];
}

const report: Record<string, unknown> = {};
const f3 = (n: number) => n.toFixed(3);
const lines: string[] = [];
const table = (title: string, queries: readonly RetailQuery[], variant: (q: string) => string, names: readonly string[], base: string) => {
  const per = evaluate(queries, variant, names);
  lines.push(`\n${title} (${queries.length} queries)`, `  ${'method'.padEnd(40)} NDCG@10  top-1  recall@10   NDCG@10 vs ${base} (95% CI)`);
  const rows: Record<string, unknown> = {};
  for (const name of names) {
    const g = per[name]!;
    const ndcg = g.map((x) => x[0]);
    const [lo, hi] = bootstrap(
      ndcg,
      per[base]!.map((x) => x[0]),
    );
    const m = { ndcg: mean(ndcg), top1: mean(g.map((x) => x[1])), recall: mean(g.map((x) => x[2])), diff: [lo, hi] };
    rows[name] = m;
    const diff =
      name === base
        ? ''
        : `${mean(ndcg) - mean(per[base]!.map((x) => x[0])) >= 0 ? '+' : ''}${f3(mean(ndcg) - mean(per[base]!.map((x) => x[0])))} [${f3(lo)}, ${f3(hi)}]`;
    lines.push(`  ${name.padEnd(40)} ${f3(m.ndcg)}    ${f3(m.top1)}  ${f3(m.recall)}      ${diff}`);
  }
  report[title] = rows;
};

const all = Object.keys(methods).filter((m) => m !== 'engine, + the shopper');
table('queries as drawn', set.queries, (q) => q, all, 'BM25 (baseline)');
table('as typed (last word cut to 4 letters)', set.queries, asTyped, all, 'BM25 (baseline)');
table('with one typo (adjacent letters swapped in the longest word)', set.queries, withTypo, all, 'BM25 (baseline)');
const known = set.queries.filter((query) => (set.history.get(query.user)?.length ?? 0) >= 3);
table(
  'personalised re-ranking: shoppers with >= 3 purchases in the history',
  known,
  (q) => q,
  ['engine, + popularity and query stats', 'engine, + the shopper'],
  'engine, + popularity and query stats',
);

const header = `search evaluation: UCI Online Retail sample, ${set.items.length} items, ${set.queries.length} test purchases (last ${values['test-days']} days), queries of ${values.terms} words drawn from the purchased item's description (seed ${values.seed}); index ${engine.stats.terms} terms, ${engine.stats.postings} postings`;
if (values.json) console.log(JSON.stringify({ header, report }, null, 2));
else console.log([header, ...lines].join('\n'));

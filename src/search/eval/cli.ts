/**
 * `npm run -s eval:search` (options: `--data PATH`, `--test-days 60`, `--terms 2`, `--seed 13`,
 * `--json`): the engine's product search against plain BM25 on the UCI Online Retail set
 * (protocol in `retail-set.ts`), NDCG@10, top-1 and recall@10 with paired bootstrap intervals of
 * the differences, for queries as drawn, as typed (last word cut to four letters) and with a
 * typo; then the personalised re-ranking's gain for shoppers with a known history. Second
 * protocol (`--movielens DIR`, `--ml-test-share 0.2`, `--ml-min-history 5`, `--skip-interests`):
 * MovieLens 100K, shoppers with known interests, known-item queries of which half are ambiguous
 * (`interest-set.ts`), the engine without and with the shopper, next to BM25.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { seededRandom } from '../../random.ts';
import { bm25Index } from './bm25.ts';
import { offlineEngine } from './engine.ts';
import { retailSet, type RetailQuery } from './retail-set.ts';
import { interestSet, type InterestQuery } from './interest-set.ts';
import { movielensCatalog } from '../../eval/convert/catalog.ts';
import { fromMovielens } from '../../eval/convert/movielens.ts';
import { EVENTS_CSV_HEADER, parseEventsCsv } from '../../eval/events-csv.ts';
import { rebuiltShoppers } from './rebuilt-shoppers.ts';
import { createSearchSignalsBuilder } from '../learn.ts';
import type { ShopEvent } from '../../model/events.ts';
import type { IndexableItem } from '../analyzed-item.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: path.resolve(import.meta.dirname, '../../../../shared/data/uci-online-retail-sample/online_retail_sample_20k.csv') },
    'test-days': { type: 'string', default: '60' },
    terms: { type: 'string', default: '2' },
    seed: { type: 'string', default: '13' },
    json: { type: 'boolean', default: false },
    movielens: { type: 'string', default: path.resolve(import.meta.dirname, '../../../../shared/data/movielens-100k') },
    'ml-test-share': { type: 'string', default: '0.2' },
    'ml-min-history': { type: 'string', default: '5' },
    'skip-interests': { type: 'boolean', default: false },
  },
});

const K = 10;
const set = retailSet(readFileSync(values.data!, 'utf8'), { testDays: Number(values['test-days']), terms: Number(values.terms), seed: Number(values.seed) });
const retailShoppers = rebuiltShoppers(set.items, set.events, set.cut);
const clicks = new Map(
  [...set.historyQueries].map(([q, perItem]) => [q, new Map([...perItem].map(([item, n]): [string, [number, number]] => [item, [0, n]]))]),
);
/** The log's return factor as the rebuild learns it (`learn.ts`) from the history's events. */
const returningOf = (history: readonly ShopEvent[]) => {
  const learned = createSearchSignalsBuilder();
  learned.add(history);
  const { returning } = learned.finish();
  return returning === undefined ? {} : { returning };
};
const engine = offlineEngine(set.items, { popularity: set.popularity, clicks, queries: [], ...returningOf(set.events) });
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

/** A query of either set: the words, the shopper, the one relevant item. */
interface Query {
  q: string;
  user: string;
  item: string;
}
type Method<Q extends Query> = (query: Q, q: string) => string[];
const retailMethods: Record<string, Method<RetailQuery>> = {
  'BM25 (baseline)': (_, q) => bm25.search(q, K),
  'engine, text only': (_, q) => engine.search(q, K, { learned: false }),
  'engine, + popularity and query stats': (_, q) => engine.search(q, K),
  'engine, + affinity and recent items': (query, q) => engine.search(q, K, { shopper: engine.shopper(retailShoppers.profiles.get(query.user), []) }),
  'engine, + the shopper, with personal candidates': (query, q) =>
    engine.search(q, K, { shopper: engine.shopper(retailShoppers.profiles.get(query.user), [], retailShoppers.suggesting(set.cut)) }),
};

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

/**
 * 95% paired bootstrap interval of mean(a - b); with `groups` (a group per pair), the groups are
 * resampled whole (a cluster bootstrap: pairs of one shopper are not independent).
 */
function bootstrap(a: readonly number[], b: readonly number[], rounds = 1000, groups?: readonly string[]): [number, number] {
  const r = seededRandom(7);
  const diffs = a.map((x, i) => x - b[i]!);
  if (groups) return clusterBootstrap(diffs, groups, rounds, r.next);
  const means: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let sum = 0;
    for (let j = 0; j < diffs.length; j++) sum += diffs[Math.floor(r.next() * diffs.length)]!;
    means.push(sum / diffs.length);
  }
  means.sort((x, y) => x - y);
  return [means[Math.floor(0.025 * rounds)]!, means[Math.floor(0.975 * rounds)]!];
}

function clusterBootstrap(diffs: readonly number[], groups: readonly string[], rounds: number, next: () => number): [number, number] {
  const sums = new Map<string, [number, number]>();
  diffs.forEach((d, i) => {
    const sum = sums.get(groups[i]!) ?? [0, 0];
    sums.set(groups[i]!, [sum[0] + d, sum[1] + 1]);
  });
  const clusters = [...sums.values()];
  const means: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let [sum, n] = [0, 0];
    for (let j = 0; j < clusters.length; j++) {
      const [s, count] = clusters[Math.floor(next() * clusters.length)]!;
      sum += s;
      n += count;
    }
    means.push(sum / Math.max(1, n));
  }
  means.sort((x, y) => x - y);
  return [means[Math.floor(0.025 * rounds)]!, means[Math.floor(0.975 * rounds)]!];
}

const report: Record<string, unknown> = {};
const f3 = (n: number) => n.toFixed(3);
const lines: string[] = [];
function table<Q extends Query>(
  title: string,
  queries: readonly Q[],
  variant: (q: string) => string,
  methods: Record<string, Method<Q>>,
  base: string,
  byShopper = false,
) {
  const per: Record<string, [number, number, number][]> = {};
  for (const [name, method] of Object.entries(methods)) per[name] = queries.map((query) => gains(method(query, variant(query.q)), query.item));
  const baseNdcg = per[base]!.map((x) => x[0]);
  const shoppers = queries.map((query) => query.user);
  const byShopperHead = byShopper ? ' (95% CI, shoppers resampled)' : '';
  lines.push(`\n${title} (${queries.length} queries)`, `  ${'method'.padEnd(48)} NDCG@10  top-1  recall@10   NDCG@10 vs ${base} (95% CI)${byShopperHead}`);
  const rows: Record<string, unknown> = {};
  for (const name of Object.keys(methods)) {
    const g = per[name]!;
    const ndcg = g.map((x) => x[0]);
    const [lo, hi] = bootstrap(ndcg, baseNdcg);
    const m = { ndcg: mean(ndcg), top1: mean(g.map((x) => x[1])), recall: mean(g.map((x) => x[2])), diff: [lo, hi] };
    rows[name] = m;
    const d = mean(ndcg) - mean(baseNdcg);
    const [clo, chi] = byShopper ? bootstrap(ndcg, baseNdcg, 1000, shoppers) : [lo, hi];
    if (byShopper) Object.assign(m, { diffByShopper: [clo, chi] });
    const diff = name === base ? '' : `${d >= 0 ? '+' : ''}${f3(d)} [${f3(lo)}, ${f3(hi)}]${byShopper ? ` [${f3(clo)}, ${f3(chi)}]` : ''}`;
    lines.push(`  ${name.padEnd(48)} ${f3(m.ndcg)}    ${f3(m.top1)}  ${f3(m.recall)}      ${diff}`);
  }
  report[title] = rows;
}

const only = <Q extends Query>(methods: Record<string, Method<Q>>, from: number, to?: number) => Object.fromEntries(Object.entries(methods).slice(from, to));
const unpersonal = only(retailMethods, 0, 3);
const header = `search evaluation: UCI Online Retail sample, ${set.items.length} items, ${set.queries.length} test purchases (last ${values['test-days']} days), queries of ${values.terms} words drawn from the purchased item's description (seed ${values.seed}); index ${engine.stats.terms} terms, ${engine.stats.postings} postings; return factor of recent items ${returningOf(set.events).returning ?? 'none'}`;
lines.push(header);
table('queries as drawn', set.queries, (q) => q, unpersonal, 'BM25 (baseline)');
table('as typed (last word cut to 4 letters)', set.queries, asTyped, unpersonal, 'BM25 (baseline)');
table('with one typo (adjacent letters swapped in the longest word)', set.queries, withTypo, unpersonal, 'BM25 (baseline)');
const known = set.queries.filter((query) => (set.history.get(query.user)?.length ?? 0) >= 3);
table(
  'personalised re-ranking: shoppers with >= 3 purchases in the history (profile at the cut, no session)',
  known,
  (q) => q,
  only(retailMethods, 2),
  'engine, + popularity and query stats',
);

if (!values['skip-interests']) interestProtocol();

/** The second protocol: MovieLens 100K, shoppers with known interests (see `interest-set.ts`). */
function interestProtocol() {
  const dir = values.movielens!;
  const catalog = movielensCatalog(readFileSync(path.join(dir, 'u.item'), 'latin1')).map((item): IndexableItem => ({
    ...item,
    categories: (item.categories ?? []).filter((c) => c !== 'unknown'),
    price: null,
    available: true,
    attributes: {},
  }));
  const log = parseEventsCsv([EVENTS_CSV_HEADER, ...fromMovielens(readFileSync(path.join(dir, 'u.data'), 'utf8'))].join('\n'));
  const ml = interestSet(catalog, log, { testShare: Number(values['ml-test-share']), minHistory: Number(values['ml-min-history']), seed: Number(values.seed) });
  const mlClicks = new Map(
    [...ml.historyQueries].map(([q, perItem]) => [q, new Map([...perItem].map(([item, n]): [string, [number, number]] => [item, [n, 0]]))]),
  );
  const mlEngine = offlineEngine(ml.items, { popularity: ml.popularity, clicks: mlClicks, queries: [], ...returningOf(ml.history) });
  const mlBm25 = bm25Index(ml.items);
  const rebuilt = rebuiltShoppers(ml.items, ml.history, ml.cut);
  const shopper = (query: InterestQuery, suggest: boolean) =>
    mlEngine.shopper(rebuilt.profiles.get(query.user), query.session, suggest ? rebuilt.suggesting(query.ts) : undefined);
  const methods: Record<string, Method<InterestQuery>> = {
    'BM25 (baseline)': (_, q) => mlBm25.search(q, K),
    'engine, text only': (_, q) => mlEngine.search(q, K, { learned: false }),
    'engine, + popularity and query stats': (_, q) => mlEngine.search(q, K),
    'engine, + affinity and recent items': (query, q) => mlEngine.search(q, K, { shopper: shopper(query, false) }),
    'engine, + the shopper, with personal candidates': (query, q) => mlEngine.search(q, K, { shopper: shopper(query, true) }),
  };
  const counts = { title: 0, word: 0, category: 0 };
  for (const query of ml.queries) counts[query.kind]++;
  const share = (n: number) => `${Math.round((100 * n) / ml.queries.length)}%`;
  lines.push(
    '',
    `personalised search: MovieLens 100K, ${ml.items.length} movies (title; genres as categories), ${log.length} ratings; test period the last ${Number(values['ml-test-share']) * 100}% by time (from ${new Date(ml.cut).toISOString().slice(0, 10)}), shoppers with >= ${values['ml-min-history']} ratings before it; one known-item query per test rating (seed ${values.seed}): two title words ${share(counts.title)}, one title word ${share(counts.word)}, a genre ${share(counts.category)}; profiles by the rebuild's builder at the cut, sessions as serving reads them; return factor of recent items ${returningOf(ml.history).returning ?? 'none'}`,
  );
  table('all queries', ml.queries, (q) => q, methods, 'engine, + popularity and query stats', true);
  for (const kind of ['title', 'word', 'category'] as const) {
    const label = { title: 'two title words (specific)', word: 'one title word (ambiguous)', category: 'a genre word (ambiguous)' }[kind];
    table(
      `  ${label}`,
      ml.queries.filter((query) => query.kind === kind),
      (q) => q,
      methods,
      'engine, + popularity and query stats',
      true,
    );
  }
}

if (values.json) console.log(JSON.stringify({ header, report }, null, 2));
else console.log(lines.join('\n'));

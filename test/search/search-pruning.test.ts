import { describe, expect, it } from 'vitest';
import type { Rule } from '../../src/serve/rank.ts';
import { analyzeItem, type IndexableItem } from '../../src/search/analyzed-item.ts';
import { buildSearchIndex } from '../../src/search/build-index.ts';
import { compileSynonyms } from '../../src/text/synonyms.ts';
import { emptySignals } from '../../src/search/learn.ts';
import { builtPostings } from '../../src/search/eval/engine.ts';
import { loadIndex, queryPlan, runSearch, type SearchQuery } from '../../src/search/search.ts';
import { syntheticCatalog, syntheticQueries } from '../../src/search/bench/synthetic-catalog.ts';
import { seededRandom } from '../../src/random.ts';

const catalog = syntheticCatalog(3000, 21);
const items: IndexableItem[] = catalog.items.map((item) => ({
  ...item,
  categories: item.categories ?? [],
  price: item.price ?? null,
  available: item.available ?? true,
  attributes: item.attributes ?? {},
}));
const signals = emptySignals();
items.forEach((item, i) => i % 7 === 0 && signals.popularity.set(item.id, 1 + (i % 13)));
const built = buildSearchIndex(items, signals, { synonyms: [], builtAt: 0 });
const postings = builtPostings(built);
// Fresh rows: renamed items (replacing indexed ones) and new items, as catalog writes leave them.
const fresh = [
  ...items
    .slice(0, 40)
    .map((item, i) => analyzeItem({ ...item, title: `${item.title} green tea ${i % 2 ? 'black' : ''}`, available: i % 5 !== 0 }, compileSynonyms([]))),
  ...items.slice(40, 60).map((item, i) => analyzeItem({ ...item, id: `new-${i}`, title: `espresso machine ${item.title}` }, compileSynonyms([]))),
];
const random = seededRandom(8);
const categories = built.head.categories;
const queries = [
  ...syntheticQueries(catalog, 150, 4),
  'green tea black',
  'sleeping bag black',
  'espresso machine blue',
  'green zzqxj',
  'tea tea',
  'running shoes red 123',
  '蓝牙音箱',
  '绿茶 green',
];

function asked(q: string, i: number): SearchQuery {
  const rules: Rule[] = [];
  if (i % 4 === 1) rules.push({ action: 'boost', targetType: 'category', target: random.pick(categories), amount: 3 });
  if (i % 4 === 2) rules.push({ action: 'bury', targetType: 'item', target: random.pick(items).id, amount: null });
  if (i % 8 === 3) rules.push({ action: 'hide', targetType: 'category', target: random.pick(categories), amount: null });
  if (i % 8 === 7) rules.push({ action: 'pin', targetType: 'item', target: random.pick(items).id, amount: 1 });
  const filters: SearchQuery['filters'] = {};
  if (i % 5 === 1) filters.category = random.pick(categories);
  if (i % 6 === 2) [filters.priceMin, filters.priceMax] = [10, 60];
  if (i % 7 === 3) filters.available = random.next() < 0.5 ? 'false' : 'any';
  const overrides: Record<string, [0 | 1, number]> = {};
  for (let k = 0; k < (i % 3) * 20; k++) overrides[random.pick(items).id] = [random.next() < 0.5 ? 0 : 1, 1];
  const clicked = random.pick(items).id;
  return {
    q,
    filters,
    k: 1 + (i % 12),
    offset: i % 9 === 0 ? 5 : 0,
    rules,
    overrides,
    signals: {
      affinity: new Map([
        [random.pick(categories), 1],
        [random.pick(categories), 0.4],
      ]),
      recent: new Set([random.pick(items).id, random.pick(items).id]),
      suggested: new Map([
        [random.pick(items).id, 1],
        [random.pick(items).id, 0.5],
        ['new-3', 0.8],
      ]),
      ...(i % 3 === 0 ? { queryClicks: new Map([[clicked, [3, 1] as const]]) } : {}),
    },
  };
}

describe('search pruning', () => {
  it('ranking only the documents that match every word gives the page, total and facets of ranking every match', () => {
    let checked = 0;
    for (const withFresh of [false, true]) {
      const index = loadIndex(built.head, postings, withFresh ? fresh : []);
      queries.forEach((q, i) => {
        const query = asked(q, i);
        const plan = queryPlan(index, q);
        const pruned = runSearch(index, plan, query);
        const exhaustive = runSearch(index, plan, { ...query, exhaustive: true });
        expect(pruned, `${q} (${i}, fresh ${withFresh})`).toEqual(exhaustive);
        if (plan.length > 1 && pruned.total > 0) checked++;
      });
    }
    expect(checked).toBeGreaterThan(100);
  });
});

/**
 * A product-search evaluation set from the UCI Online Retail invoice lines (a real gift shop's
 * catalog with product descriptions and its customers' purchases). There are no logged queries
 * or relevance judgements in it, so the queries are simulated from purchases, as in known-item
 * query simulation (Azzopardi, de Rijke and Balog, SIGIR 2007):
 *
 * - catalog: one item per stock code, its most frequent description as the title, the median
 *   unit price, and the description's last word as its category (the data has no categories);
 *   postage, fees and manual lines (codes without a digit) and descriptions not in capitals
 *   (stock notes such as "damaged") are dropped;
 * - split in time: lines of the last `testDays` days are the test period, the rest is history;
 * - a test query is made for each (customer, item) purchased in the test period: `terms` words
 *   drawn (seeded) from the item's description, in their order; the purchased item is the one
 *   relevant result (binary relevance, known-item search);
 * - the history gives the engine what a shop's log would: popularity, each customer's purchases
 *   (category affinity and recent items) and query -> purchase statistics from the same query
 *   simulation run on the history's purchases (as if those customers had searched first).
 */
import { splitQuoted } from '../../eval/convert/online-retail.ts';
import type { IndexableItem } from '../analyzed-item.ts';
import type { ShopEvent } from '../../model/events.ts';
import { seededRandom } from '../../random.ts';

/** One test query: the words, the shopper, the purchased item. */
export interface RetailQuery {
  q: string;
  user: string;
  item: string;
}

/** The evaluation set. */
export interface RetailSet {
  items: IndexableItem[];
  /** Customer -> items bought in the history, oldest first. */
  history: Map<string, string[]>;
  /** The history's purchases as the log's events, in time order. */
  events: ShopEvent[];
  /** Start of the test period (ms). */
  cut: number;
  /** Item -> purchase lines in the history. */
  popularity: Map<string, number>;
  /** Simulated history queries -> item -> purchases. */
  historyQueries: Map<string, Map<string, number>>;
  queries: RetailQuery[];
}

interface Line {
  item: string;
  description: string;
  price: number;
  customer: string;
  ts: number;
}

const WORD = /[a-z0-9]+(?:['-][a-z0-9]+)*/g;

/** The words a query may be drawn from (three letters or more, no bare numbers). */
export function queryWords(description: string): string[] {
  return (description.toLowerCase().match(WORD) ?? []).filter((w) => w.length >= 3 && !/^\d+$/.test(w));
}

/** `terms` words of a description drawn without replacement, kept in their order. */
export function simulatedQuery(description: string, terms: number, random: () => number): string {
  const words = queryWords(description);
  const picked = words
    .map((w, i) => [w, i, random()] as const)
    .sort((a, b) => a[2] - b[2])
    .slice(0, terms);
  return picked
    .sort((a, b) => a[1] - b[1])
    .map(([w]) => w)
    .join(' ');
}

/** Builds the set from the CSV text. */
export function retailSet(csv: string, options: { testDays?: number; terms?: number; seed?: number } = {}): RetailSet {
  const { testDays = 60, terms = 2, seed = 13 } = options;
  const lines: Line[] = [];
  for (const row of csv.split(/\r?\n/).slice(1)) {
    const [invoice = '', item = '', description = '', quantity = '', date = '', price = '', customer = ''] = splitQuoted(row);
    if (!item || !/\d/.test(item) || invoice.startsWith('C') || !(Number(quantity) > 0)) continue;
    if (!description.trim() || description !== description.toUpperCase() || !/[A-Z]{3}/.test(description)) continue;
    const ts = Date.parse(`${date.replace(' ', 'T')}Z`);
    if (!Number.isFinite(ts)) continue;
    lines.push({ item, description: description.trim().replace(/\s+/g, ' '), price: Number(price), customer: customer === 'NA' ? '' : customer, ts });
  }
  const byItem = new Map<string, Line[]>();
  for (const line of lines) byItem.set(line.item, [...(byItem.get(line.item) ?? []), line]);
  const items: IndexableItem[] = [];
  const descriptionOf = new Map<string, string>();
  for (const [id, rows] of byItem) {
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.description, (counts.get(r.description) ?? 0) + 1);
    const title = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    const prices = rows.map((r) => r.price).sort((a, b) => a - b);
    const words = queryWords(title);
    descriptionOf.set(id, title);
    items.push({ id, title, categories: words.length ? [words.at(-1)!] : [], price: prices[prices.length >> 1]!, available: true, attributes: {} });
  }
  const end = Math.max(...lines.map((l) => l.ts));
  const cut = end - testDays * 86_400_000;
  const random = seededRandom(seed);
  const history = new Map<string, string[]>();
  const popularity = new Map<string, number>();
  const historyQueries = new Map<string, Map<string, number>>();
  const queries: RetailQuery[] = [];
  const events: ShopEvent[] = [];
  const seen = new Set<string>();
  for (const line of [...lines].sort((a, b) => a.ts - b.ts)) {
    const description = descriptionOf.get(line.item)!;
    if (queryWords(description).length === 0) continue;
    const q = simulatedQuery(description, terms, random.next);
    if (line.ts <= cut) {
      popularity.set(line.item, (popularity.get(line.item) ?? 0) + 1);
      if (!line.customer) continue;
      history.set(line.customer, [...(history.get(line.customer) ?? []), line.item]);
      events.push({ user: line.customer, item: line.item, type: 'purchase', value: 1, ts: line.ts });
      const perItem = historyQueries.get(q) ?? new Map<string, number>();
      perItem.set(line.item, (perItem.get(line.item) ?? 0) + 1);
      historyQueries.set(q, perItem);
    } else if (line.customer && !seen.has(`${line.customer}\t${line.item}`)) {
      seen.add(`${line.customer}\t${line.item}`);
      queries.push({ q, user: line.customer, item: line.item });
    }
  }
  return { items, history, events, cut, popularity, historyQueries, queries };
}

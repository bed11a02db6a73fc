/**
 * A known-item search set on a log where shoppers have known interests (MovieLens 100K in
 * `npm run -s eval:search`: movies with titles and genres, every rating an interaction). The
 * log has no queries, so they are simulated from what each shopper chose (known-item query
 * simulation, Azzopardi, de Rijke and Balog, SIGIR 2007), with a share of deliberately
 * ambiguous queries, as real shop queries often are:
 *
 * - split in time: the events after the `testShare` quantile of timestamps are the test period;
 *   the rest is the history a rebuild at the cut would have seen (profiles, popularity, query
 *   statistics);
 * - a test query for each test event of a shopper with at least `minHistory` events in the
 *   history; the item of the event is the one relevant result;
 * - the query is drawn (seeded) of one of three kinds: `title`, two words of the item's title
 *   (a specific query); `word`, one word of its title; `category`, the name of one of its
 *   categories (e.g. "comedy", which matches hundreds of movies). Title words have three letters
 *   or more, are not numbers and not English function words;
 * - the shopper's session at query time: their test-period events before it within the window
 *   and count serving reads from the log (`FRESH_WINDOW_MS`, `FRESH_LIMIT`), newest first.
 */
import type { ShopEvent } from '../../model/events.ts';
import type { HistoryEntry } from '../../model/recommend.ts';
import { seededRandom } from '../../random.ts';
import { FRESH_LIMIT, FRESH_WINDOW_MS } from '../../serve/fresh-history.ts';
import type { IndexableItem } from '../analyzed-item.ts';
import { queryWords, simulatedQuery } from './retail-set.ts';

/** How a test query was drawn. */
export type QueryKind = 'title' | 'word' | 'category';

/** One test query. */
export interface InterestQuery {
  q: string;
  kind: QueryKind;
  user: string;
  item: string;
  ts: number;
  /** The shopper's events since the cut that serving would read from the log, newest first. */
  session: HistoryEntry[];
}

/** The evaluation set. */
export interface InterestSet {
  items: IndexableItem[];
  /** The history's events in time order (what the rebuild at the cut builds profiles from). */
  history: ShopEvent[];
  cut: number;
  /** Item -> events in the history. */
  popularity: Map<string, number>;
  /** Simulated history queries -> item -> choices (the same simulation run on the history). */
  historyQueries: Map<string, Map<string, number>>;
  queries: InterestQuery[];
}

/** Options of {@link interestSet}. */
export interface InterestSetOptions {
  /** Share of the log (by time) in the test period. Default 0.2. */
  testShare?: number;
  /** Events a shopper needs in the history to be tested. Default 5. */
  minHistory?: number;
  seed?: number;
  /** Shares of the query kinds (normalized). Default title 0.5, word 0.25, category 0.25. */
  mix?: Readonly<Record<QueryKind, number>>;
}

const FUNCTION_WORDS = new Set([
  'the',
  'and',
  'for',
  'with',
  'from',
  'you',
  'are',
  'not',
  'but',
  'his',
  'her',
  'its',
  'our',
  'your',
  'who',
  'what',
  'les',
  'der',
  'die',
  'das',
  'del',
  'los',
  'las',
]);

const titleWords = (title: string) => queryWords(title).filter((w) => !FUNCTION_WORDS.has(w));

/** Draws a query of an item: the kind by `mix`, then its words (a kind the item cannot give falls back to `title`). */
function drawQuery(item: IndexableItem, mix: Readonly<Record<QueryKind, number>>, next: () => number): [QueryKind, string] | undefined {
  const words = titleWords(item.title);
  const total = mix.title + mix.word + mix.category;
  const u = next() * total;
  const kind: QueryKind = u < mix.title ? 'title' : u < mix.title + mix.word ? 'word' : 'category';
  if (kind === 'category' && item.categories.length > 0) return ['category', item.categories[Math.floor(next() * item.categories.length)]!.toLowerCase()];
  if (words.length === 0) return undefined;
  if (kind === 'word') return ['word', words[Math.floor(next() * words.length)]!];
  return ['title', simulatedQuery(words.join(' '), 2, next)];
}

/**
 * Builds the set from a catalog and an interaction log (any order).
 *
 * @example interestSet(movielensCatalog(uItem), events, { testShare: 0.2, seed: 13 })
 */
export function interestSet(items: readonly IndexableItem[], log: readonly ShopEvent[], options: InterestSetOptions = {}): InterestSet {
  const { testShare = 0.2, minHistory = 5, seed = 13, mix = { title: 0.5, word: 0.25, category: 0.25 } } = options;
  const byId = new Map(items.map((item) => [item.id, item]));
  const events = log.filter((e) => e.item && byId.has(e.item)).sort((a, b) => a.ts - b.ts);
  const cut = events[Math.min(events.length - 1, Math.floor((1 - testShare) * events.length))]!.ts;
  const random = seededRandom(seed);
  const history: ShopEvent[] = [];
  const popularity = new Map<string, number>();
  const historyQueries = new Map<string, Map<string, number>>();
  const historyCount = new Map<string, number>();
  const since = new Map<string, ShopEvent[]>();
  const queries: InterestQuery[] = [];
  for (const event of events) {
    const item = byId.get(event.item!)!;
    const drawn = drawQuery(item, mix, random.next);
    if (event.ts < cut) {
      history.push(event);
      popularity.set(item.id, (popularity.get(item.id) ?? 0) + 1);
      historyCount.set(event.user, (historyCount.get(event.user) ?? 0) + 1);
      if (!drawn) continue;
      const perItem = historyQueries.get(drawn[1]) ?? new Map<string, number>();
      perItem.set(item.id, (perItem.get(item.id) ?? 0) + 1);
      historyQueries.set(drawn[1], perItem);
      continue;
    }
    const before = since.get(event.user) ?? [];
    if (drawn && (historyCount.get(event.user) ?? 0) >= minHistory) {
      const session: HistoryEntry[] = [];
      for (let i = before.length - 1; i >= 0 && session.length < FRESH_LIMIT && before[i]!.ts >= event.ts - FRESH_WINDOW_MS; i--) {
        const e = before[i]!;
        session.push({ item: e.item!, ts: e.ts, type: e.type });
      }
      queries.push({ q: drawn[1], kind: drawn[0], user: event.user, item: item.id, ts: event.ts, session });
    }
    since.set(event.user, [...before, event].slice(-FRESH_LIMIT));
  }
  return { items: [...items], history, cut, popularity, historyQueries, queries };
}

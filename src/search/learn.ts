/**
 * What search learns from the log at rebuild: item popularity, and per query which items
 * shoppers clicked and bought. A search answer carries a `qid` (`q-...`); the widget sends
 * the query with its impression (`context.q`), clicks and purchases carry the `qid` as their
 * `rid`. The rebuild joins them: query -> item -> [clicks, purchases].
 */
import type { ShopEvent } from '../model/events.ts';
import { normalizeQuery } from './analyze.ts';
import { SEARCH_QID_PREFIX } from '../experiments/rid-tag.ts';

/** Learned signals the index builder takes. */
export interface SearchSignals {
  /** Item -> weighted interactions in the window. */
  popularity: Map<string, number>;
  /** Normalized query -> item -> [clicks, purchases]. */
  clicks: Map<string, Map<string, [number, number]>>;
  /** Queries searched by at least two shoppers, most searched first. */
  queries: [string, number][];
  /** How much the recent-items signal applies, in [0, 1] (see {@link returningFactor}); absent: fully. */
  returning?: number;
}

/** Signals of an empty log. */
export function emptySignals(): SearchSignals {
  return { popularity: new Map(), clicks: new Map(), queries: [] };
}

/** Prefix of the ids of search answers (defined with the other rid forms). */
export const QID_PREFIX = SEARCH_QID_PREFIX;
const WEIGHTS: Partial<Record<ShopEvent['type'], number>> = { view: 1, click: 1, add_to_cart: 3, purchase: 5, rating: 1 };
/** Suggestions keep queries at least this many distinct shoppers searched (no one-off, possibly personal text). */
const MIN_SHOPPERS = 2;
const MAX_QUERIES = 1000;
/** The recent items a search favours (as `personalSignals` takes the profile's). */
const RECENT = 10;
/** Shoppers followed for {@link returningFactor} (a sample bounds the memory). */
const RETURN_SHOPPERS = 20_000;
/** Events needed before the log's return rate is trusted. */
const RETURN_EVENTS = 200;

/**
 * How much a shopper's recently touched items deserve a lift in search, from the log: the rate at
 * which an event's item is one of the shopper's last {@link RECENT} distinct items, over the rate
 * expected by chance (that many items of the distinct items seen so far). At chance or below
 * (a log where nobody comes back to an item, such as ratings of movies) the lift is 0; at twice
 * chance or more, full; undefined (full) before {@link RETURN_EVENTS} events.
 *
 * @example returningFactor(0, 12.5, 300) // 0: no shopper ever came back to an item
 */
export function returningFactor(returns: number, chance: number, events: number): number | undefined {
  if (events < RETURN_EVENTS || chance <= 0) return undefined;
  return Math.min(1, Math.max(0, returns / chance - 1));
}

/** Accumulates signals page by page (the rebuild's event pages, in time order). */
export function createSearchSignalsBuilder() {
  const popularity = new Map<string, number>();
  const queryOf = new Map<string, string>();
  const actions = new Map<string, [string, 0 | 1][]>();
  const searchers = new Map<string, Set<string>>();
  const recentOf = new Map<string, string[]>();
  const back = { returns: 0, chance: 0, events: 0 };
  const returned = (user: string, item: string) => {
    let recent = recentOf.get(user);
    if (!recent) {
      if (recentOf.size >= RETURN_SHOPPERS) return;
      recentOf.set(user, (recent = []));
    }
    if (recent.length > 0) {
      back.events++;
      back.chance += Math.min(1, recent.length / Math.max(1, popularity.size));
      if (recent.includes(item)) back.returns++;
    }
    const at = recent.indexOf(item);
    if (at >= 0) recent.splice(at, 1);
    recent.unshift(item);
    if (recent.length > RECENT) recent.pop();
  };
  return {
    add(page: readonly ShopEvent[]): void {
      for (const e of page) {
        const w = WEIGHTS[e.type];
        if (w && e.item && e.user) returned(e.user, e.item);
        if (w && e.item) popularity.set(e.item, (popularity.get(e.item) ?? 0) + w);
        if (!e.rid?.startsWith(QID_PREFIX)) continue;
        if (e.query) {
          const query = normalizeQuery(e.query);
          if (!query) continue;
          queryOf.set(e.rid, query);
          if (e.type === 'impression') {
            const who = searchers.get(query) ?? new Set();
            who.add(e.user || e.session || e.rid);
            searchers.set(query, who);
          }
        }
        if (e.item && (e.type === 'click' || e.type === 'purchase' || e.type === 'add_to_cart')) {
          const list = actions.get(e.rid) ?? [];
          list.push([e.item, e.type === 'click' ? 0 : 1]);
          actions.set(e.rid, list);
        }
      }
    },
    finish(): SearchSignals {
      const clicks = new Map<string, Map<string, [number, number]>>();
      for (const [qid, list] of actions) {
        const query = queryOf.get(qid);
        if (!query) continue;
        const perItem = clicks.get(query) ?? new Map<string, [number, number]>();
        for (const [item, kind] of list) {
          const counts = perItem.get(item) ?? [0, 0];
          counts[kind]++;
          perItem.set(item, counts);
        }
        clicks.set(query, perItem);
      }
      const queries = [...searchers.entries()]
        .filter(([, who]) => who.size >= MIN_SHOPPERS)
        .map(([query, who]): [string, number] => [query, who.size])
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, MAX_QUERIES);
      const returning = returningFactor(back.returns, back.chance, back.events);
      return { popularity, clicks, queries, ...(returning === undefined ? {} : { returning }) };
    },
  };
}

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

/** Accumulates signals page by page (the rebuild's event pages, in time order). */
export function createSearchSignalsBuilder() {
  const popularity = new Map<string, number>();
  const queryOf = new Map<string, string>();
  const actions = new Map<string, [string, 0 | 1][]>();
  const searchers = new Map<string, Set<string>>();
  return {
    add(page: readonly ShopEvent[]): void {
      for (const e of page) {
        const w = WEIGHTS[e.type];
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
      return { popularity, clicks, queries };
    },
  };
}

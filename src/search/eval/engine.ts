/**
 * The engine offline: the index built from a catalog and learned signals with the same pure
 * functions the rebuild uses, postings read from the built shards as the request path reads
 * them, and searches run by the request path's `runSearch`.
 */
import { DEFAULT_SYNONYMS } from '../../chat/default-synonyms.ts';
import { shardOf, unpackEntry } from '../../tables/layout.ts';
import type { IndexableItem } from '../analyzed-item.ts';
import { type BuiltSearchIndex, buildSearchIndex } from '../build-index.ts';
import type { SearchSignals } from '../learn.ts';
import { decodePostings } from '../postings.ts';
import { PRODUCT_SYNONYMS } from '../product-synonyms.ts';
import type { RankSignals, RankWeights } from '../rank.ts';
import { loadIndex, queryPlan, runSearch } from '../search.ts';

/** The shopper as the request path sees them: categories of their history (normalized to the strongest) and their last items. */
export function shopperSignals(history: readonly string[], categoryOf: ReadonlyMap<string, readonly string[]>): RankSignals {
  const counts = new Map<string, number>();
  for (const item of history) for (const c of categoryOf.get(item) ?? []) counts.set(c, (counts.get(c) ?? 0) + 1);
  const top = Math.max(0, ...counts.values());
  const affinity = new Map([...counts.entries()].map(([c, n]): [string, number] => [c, top > 0 ? n / top : 0]));
  return { affinity, recent: new Set(history.slice(-10)) };
}

/** A term's decoded postings read from a built index's shards (decoded once per term), as the request path reads them. */
export function builtPostings(built: BuiltSearchIndex): (term: string) => Int32Array | undefined {
  const lists = new Map<string, Int32Array | undefined>();
  return (term) => {
    if (!lists.has(term)) {
      const text = unpackEntry<string>(built.postings[shardOf(term, built.head.postingShards)]!, term);
      lists.set(term, text ? decodePostings(text) : undefined);
    }
    return lists.get(term);
  };
}

/** An offline engine over a catalog; `search` returns the ids of the best `k`. */
export function offlineEngine(items: readonly IndexableItem[], signals: SearchSignals) {
  const built = buildSearchIndex(items, signals, { synonyms: [...DEFAULT_SYNONYMS, ...PRODUCT_SYNONYMS], builtAt: 0 });
  const index = loadIndex(built.head, builtPostings(built));
  const clicksShard = (q: string) => signals.clicks.get(q);
  return {
    stats: built.stats,
    search(q: string, k: number, options: { shopper?: RankSignals; learned?: boolean; weights?: RankWeights } = {}): string[] {
      const learned = options.learned ?? true;
      const queryClicks = learned ? clicksShard(q.toLowerCase().trim()) : undefined;
      const result = runSearch(index, queryPlan(index, q), {
        q,
        filters: { available: 'any' },
        k,
        signals: { ...(options.shopper ?? {}), ...(queryClicks ? { queryClicks } : {}) },
        weights: learned ? options.weights : { clicks: 0, affinity: options.weights?.affinity ?? 0.5, recent: options.weights?.recent ?? 0.3, popularity: 0 },
      });
      return result.hits.map((h) => h.id);
    },
  };
}

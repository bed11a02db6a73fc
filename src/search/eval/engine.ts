/**
 * The engine offline: the index built from a catalog and learned signals with the same pure
 * functions the rebuild uses, postings read from the built shards as the request path reads
 * them, and searches run by the request path's `runSearch`.
 */
import { DEFAULT_SYNONYMS } from '../../chat/default-synonyms.ts';
import { shardOf } from '../../tables/layout.ts';
import type { IndexableItem } from '../analyzed-item.ts';
import { type BuiltSearchIndex, buildSearchIndex } from '../build-index.ts';
import type { SearchSignals } from '../learn.ts';
import { decodePostings, postingLine } from '../postings.ts';
import type { UserProfile } from '../../model/user-profile.ts';
import type { HistoryEntry } from '../../model/recommend.ts';
import { personalSignals, type Suggesting } from '../personal.ts';
import { PRODUCT_SYNONYMS } from '../product-synonyms.ts';
import { RANK_WEIGHTS, type RankSignals, type RankWeights } from '../rank.ts';
import { loadIndex, queryPlan, runSearch } from '../search.ts';

/** A term's decoded postings read from a built index's shards (decoded once per term), as the request path reads them. */
export function builtPostings(built: BuiltSearchIndex): (term: string) => Int32Array | undefined {
  const lists = new Map<string, Int32Array | undefined>();
  return (term) => {
    if (!lists.has(term)) {
      const text = postingLine(built.postings[shardOf(term, built.head.postingShards)]!, term, built.head.asciiLines);
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
    /** The shopper's signals as the request path builds them from the profile and the session's items (newest first). */
    shopper: (profile: UserProfile | undefined, session: readonly HistoryEntry[], suggesting?: Suggesting): RankSignals =>
      personalSignals(index, profile, session, suggesting),
    search(q: string, k: number, options: { shopper?: RankSignals; learned?: boolean; weights?: RankWeights } = {}): string[] {
      const learned = options.learned ?? true;
      const queryClicks = learned ? clicksShard(q.toLowerCase().trim()) : undefined;
      const result = runSearch(index, queryPlan(index, q), {
        q,
        filters: { available: 'any' },
        k,
        signals: { ...(options.shopper ?? {}), ...(queryClicks ? { queryClicks } : {}) },
        weights: learned ? options.weights : { ...RANK_WEIGHTS, ...options.weights, clicks: 0, popularity: 0 },
      });
      return result.hits.map((h) => h.id);
    },
  };
}

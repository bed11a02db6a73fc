/** Ranking quality of one model over the evaluated users, at cutoff k (and 2k for `hitRate2k`). */
export interface RankingMetrics {
  hitRate: number;
  ndcg: number;
  hitRate2k: number;
  /** Share of the catalog that appears in at least one user's top k. */
  coverage: number;
}

/** Accumulates hit rate, NDCG and coverage one user at a time. */
export interface MetricsAccumulator {
  /** `ranked` is the user's top list (2k long when available), best first. */
  add(ranked: readonly string[], heldOut: string): void;
  result(): RankingMetrics;
}

/**
 * Creates an accumulator for a catalog of `catalogSize` items and cutoff `k` (default 10).
 *
 * @example
 * const m = createMetrics(100); m.add(['a', 'b'], 'b'); m.result().ndcg; // 1 / log2(3)
 */
export function createMetrics(catalogSize: number, k = 10): MetricsAccumulator {
  let users = 0;
  let hitsK = 0;
  let hits2K = 0;
  let gain = 0;
  const shown = new Set<string>();
  return {
    add(ranked, heldOut) {
      users++;
      const rank = ranked.indexOf(heldOut);
      if (rank >= 0 && rank < k) {
        hitsK++;
        gain += 1 / Math.log2(rank + 2);
      }
      if (rank >= 0 && rank < 2 * k) hits2K++;
      for (const item of ranked.slice(0, k)) shown.add(item);
    },
    result() {
      const per = (x: number): number => (users === 0 ? 0 : x / users);
      return {
        hitRate: per(hitsK),
        ndcg: per(gain),
        hitRate2k: per(hits2K),
        coverage: catalogSize === 0 ? 0 : shown.size / catalogSize,
      };
    },
  };
}

import type { EventType } from './events.ts';
import { decay, defaultEventWeights } from './interaction-weights.ts';
import { neighboursOf, type NeighbourLookup } from './neighbour-list.ts';
import { createTopK } from './top-k.ts';

/** One thing the user did: from the stored profile or the current session. */
export interface HistoryEntry {
  item: string;
  /** Milliseconds since the epoch. */
  ts: number;
  /** Bought items are never recommended again. The type also sets the weight when `weight` is absent. */
  type?: EventType;
  /** Overrides the type weight. */
  weight?: number;
}

/** Inputs of {@link recommendFromHistory}. */
export interface RecommendOptions {
  history: readonly HistoryEntry[];
  neighbours: NeighbourLookup;
  /** How many recommendations. Default 10. */
  limit?: number;
  /** Items never to return (out of stock, already shown...). */
  exclude?: ReadonlySet<string>;
  /** Also return items already in the history (bought ones never). Default false. */
  includeSeen?: boolean;
  /** Reference time for recency. Default: the latest history entry. */
  now?: number;
  /** A history item's influence halves every `halfLifeMs`. Default 6 hours (tuned offline). */
  halfLifeMs?: number;
  /** Only the most recent `maxHistory` distinct items count. Default 5 (tuned offline). */
  maxHistory?: number;
  /**
   * The n-th most recent distinct item (n = 0 for the newest) also counts 2^(-n / positionHalfLife):
   * recency by order, which time decay cannot give when a shopper touches many items within
   * seconds. Default Infinity (none).
   */
  positionHalfLife?: number;
}

/** Scoring defaults tuned by the offline evaluation (src/model/README.md): the 5 latest items, 6 h half-life. */
export const defaultScoring = { maxHistory: 5, halfLifeMs: 6 * 3_600_000 } as const;

/**
 * The history items scoring will use: the `maxHistory` most recently touched distinct items,
 * newest first. Serving fetches neighbour lists for these only.
 */
export function scoredHistoryItems(history: readonly HistoryEntry[], maxHistory: number = defaultScoring.maxHistory): string[] {
  const latest = new Map<string, number>();
  for (const h of history) latest.set(h.item, Math.max(latest.get(h.item) ?? -Infinity, h.ts));
  return [...latest]
    .sort((a, b) => b[1] - a[1])
    .slice(0, maxHistory)
    .map(([item]) => item);
}

/** A recommended item, its score and the history item that contributed most. */
export interface Recommendation {
  item: string;
  score: number;
  /** "because you viewed X": the history item with the largest contribution. */
  because: string;
}

/**
 * THE scoring of personal recommendations: score(j) = sum over history items h of
 * recency(h) * weight(h) * neighbourWeight(h, j), excluding bought, seen and
 * excluded items, best `limit` first. Takes plain data so that serving can fetch
 * the neighbour lists (e.g. one KV bulk get) before calling it.
 *
 * @example
 * recommendFromHistory({
 *   history: [{ item: 'tent', ts: Date.now(), type: 'view' }],
 *   neighbours: new Map([['tent', [['sleeping-bag', 0.4]]]]),
 * }); // [{ item: 'sleeping-bag', score: 0.4, because: 'tent' }]
 */
export function recommendFromHistory(options: RecommendOptions): Recommendation[] {
  const { limit = 10, exclude, includeSeen = false } = options;
  const lookup = neighboursOf(options.neighbours);
  const { sources, bought, seen } = weighHistory(options.history, options);

  const candidates = new Map<string, Candidate>();
  for (const [source, weight] of sources) {
    const list = lookup(source);
    if (!list) continue;
    for (let n = 0; n < list.length; n++) {
      const entry = list[n]!;
      const contribution = weight * entry[1];
      const candidate = candidates.get(entry[0]);
      if (candidate === undefined) {
        candidates.set(entry[0], { score: contribution, best: contribution, because: source });
      } else {
        candidate.score += contribution;
        if (contribution > candidate.best) {
          candidate.best = contribution;
          candidate.because = source;
        }
      }
    }
  }

  const top = createTopK<string>(limit);
  for (const [item, { score }] of candidates) {
    if (score <= 0 || score <= top.floor()) continue;
    if (bought.has(item) || exclude?.has(item) || (!includeSeen && seen.has(item))) continue;
    top.push(item, score);
  }
  return top.drain().map(([item, score]) => ({ item, score, because: candidates.get(item)!.because }));
}

/** A history as {@link recommendFromHistory} weighs it. */
export interface WeighedHistory {
  /** The scored items (the `maxHistory` most recent with a positive weight), newest first, each with its weight: type weight x time decay x position. */
  sources: Array<[string, number]>;
  /** Bought items: never recommended again. */
  bought: Set<string>;
  /** Every item of the history. */
  seen: ReadonlyMap<string, unknown>;
}

/**
 * The history items scoring uses and their weights (the first half of
 * {@link recommendFromHistory}): a neighbour `j` of source `s` contributes `weight(s) x w(s, j)`.
 */
export function weighHistory(
  history: readonly HistoryEntry[],
  options: Pick<RecommendOptions, 'now' | 'halfLifeMs' | 'maxHistory' | 'positionHalfLife'> = {},
): WeighedHistory {
  const halfLifeMs = options.halfLifeMs ?? defaultScoring.halfLifeMs;
  const maxHistory = options.maxHistory ?? defaultScoring.maxHistory;
  const perPosition = 2 ** (-1 / (options.positionHalfLife ?? Infinity));
  const now = options.now ?? history.reduce((latest, h) => Math.max(latest, h.ts), -Infinity);

  const seen = new Map<string, { weight: number; ts: number }>();
  const bought = new Set<string>();
  for (const entry of history) {
    if (entry.type === 'purchase') bought.add(entry.item);
    const base = entry.weight ?? (entry.type && entry.type !== 'impression' ? defaultEventWeights[entry.type] : 1);
    const weight = base * decay(now - entry.ts, halfLifeMs);
    const source = seen.get(entry.item);
    if (source) {
      source.weight += weight;
      source.ts = Math.max(source.ts, entry.ts);
    } else seen.set(entry.item, { weight, ts: entry.ts });
  }
  const recent = [...seen].filter(([, s]) => s.weight > 0).sort((a, b) => b[1].ts - a[1].ts);
  const sources: Array<[string, number]> = [];
  let position = 1;
  for (const [source, { weight: decayed }] of recent.slice(0, maxHistory)) {
    sources.push([source, decayed * position]);
    position *= perPosition;
  }
  return { sources, bought, seen };
}

interface Candidate {
  score: number;
  best: number;
  because: string;
}

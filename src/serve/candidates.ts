import type { HistoryEntry } from '../model/recommend.ts';
import { recommendFromHistory } from '../model/recommend.ts';
import type { Candidate, Reason } from './rank.ts';

/** A neighbour or bought-together list as stored: flat `[id, weight, ...]` or with more numbers per entry. */
export type FlatList = (string | number)[];

/** Reads a flat list as `[id, weight]` pairs (`stride` numbers per entry after the id). */
export function pairsOf(list: FlatList | undefined, stride = 1): [string, number][] {
  const pairs: [string, number][] = [];
  if (!list) return pairs;
  for (let i = 0; i + stride < list.length; i += stride + 1) pairs.push([String(list[i]), Number(list[i + 1])]);
  return pairs;
}

/** Candidates from one list, each with the same reason, scores scaled to the list's best = `weight`. */
export function fromList(pairs: readonly [string, number][], reason: Reason, weight = 1): Candidate[] {
  const top = pairs.reduce((m, [, s]) => Math.max(m, s), 0) || 1;
  return pairs.map(([id, score]) => ({ id, score: (weight * score) / top, reason }));
}

/**
 * Personal candidates: the scoring of src/model over the user's history, with "because you ..."
 * reasons, scaled so the best is 1 (fallback fills rank below any personal candidate).
 */
export function forYouCandidates(history: readonly HistoryEntry[], neighbours: (item: string) => [string, number][] | undefined, now: number, limit: number): Candidate[] {
  const kinds = new Map<string, HistoryEntry['type']>();
  for (const h of history) {
    const seen = kinds.get(h.item);
    if (seen !== 'purchase' && (h.type === 'purchase' || (h.type === 'add_to_cart' && seen !== 'add_to_cart') || !seen)) kinds.set(h.item, h.type);
  }
  const found = recommendFromHistory({ history, neighbours, now, limit, includeSeen: true });
  const top = found[0]?.score || 1;
  return found.map((r) => ({
    id: r.item,
    score: r.score / top,
    reason: { kind: kinds.get(r.because) === 'purchase' ? 'bought' : kinds.get(r.because) === 'add_to_cart' ? 'carted' : 'viewed', item: r.because },
  }));
}

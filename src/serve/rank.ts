import type { CatalogView } from './catalog-view.ts';

/** A scored candidate and why it is one. */
export interface Candidate {
  id: string;
  score: number;
  /** Reason code and the item or category it refers to. */
  reason: Reason;
}

/** Why an item is recommended. */
export type Reason =
  | { kind: 'viewed' | 'bought' | 'carted'; item: string }
  | { kind: 'similar' | 'together'; item: string }
  /** Content match for an item without neighbours (new, or without interactions): same category, title words in common. */
  | { kind: 'alike'; item: string }
  | { kind: 'trending'; category?: string }
  /** Another item of the same category (an item without neighbours whose category has nothing popular yet). */
  | { kind: 'category'; category: string }
  | { kind: 'popular' }
  | { kind: 'pinned' }
  | { kind: 'picked' };

/** A merchandising rule (from D1). */
export interface Rule {
  action: 'pin' | 'boost' | 'bury' | 'hide';
  targetType: 'item' | 'category';
  target: string;
  /** Multiplier for boost (default 2) and bury (default 0.25); 0-based position for pin. */
  amount: number | null;
}

/** How to cut candidates into the answer. */
export interface RankOptions {
  k: number;
  offset?: number;
  /** Never return these (bought, in cart, the product page's own item...). */
  exclude?: ReadonlySet<string>;
  /** Only items of this category. */
  category?: string;
  rules?: readonly Rule[];
  /** At most this many items per leaf category (diversity). */
  maxPerCategory?: number;
}

const touches = (rule: Rule, id: string, categories: readonly string[]) => (rule.targetType === 'item' ? rule.target === id : categories.includes(rule.target));

/**
 * Turns candidates into the final list: drops excluded, unavailable and hidden items and
 * other categories, applies boost and bury, keeps the best per id, caps items per
 * category, then places pinned items and pages.
 */
export function rankCandidates(candidates: readonly Candidate[], catalog: CatalogView, options: RankOptions): Candidate[] {
  const rules = options.rules ?? [];
  const best = new Map<string, Candidate>();
  for (const c of candidates) {
    if (options.exclude?.has(c.id) || !catalog.available(c.id)) continue;
    const categories = catalog.categories(c.id);
    if (options.category && !categories.includes(options.category)) continue;
    let score = c.score;
    let hidden = false;
    for (const rule of rules) {
      if (!touches(rule, c.id, categories)) continue;
      if (rule.action === 'hide') hidden = true;
      else if (rule.action === 'boost') score *= rule.amount ?? 2;
      else if (rule.action === 'bury') score *= rule.amount ?? 0.25;
    }
    if (hidden) continue;
    const seen = best.get(c.id);
    if (!seen || seen.score < score) best.set(c.id, { ...c, score });
  }
  const sorted = [...best.values()].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  const perCategory = new Map<string, number>();
  const wanted = (options.offset ?? 0) + options.k;
  const kept: Candidate[] = [];
  for (const c of sorted) {
    if (kept.length >= wanted) break;
    if (options.maxPerCategory) {
      const leaf = catalog.categories(c.id).at(-1) ?? '';
      const n = perCategory.get(leaf) ?? 0;
      if (n >= options.maxPerCategory) continue;
      perCategory.set(leaf, n + 1);
    }
    kept.push(c);
  }
  for (const rule of rules) {
    if (rule.action !== 'pin' || rule.targetType !== 'item') continue;
    const id = rule.target;
    if (options.exclude?.has(id) || !catalog.available(id)) continue;
    if (options.category && !catalog.categories(id).includes(options.category)) continue;
    const at = kept.findIndex((c) => c.id === id);
    const pinned = at >= 0 ? kept.splice(at, 1)[0]! : { id, score: kept[0]?.score ?? 1, reason: { kind: 'pinned' as const } };
    kept.splice(Math.min(Math.max(0, rule.amount ?? 0), kept.length), 0, pinned);
  }
  return kept.slice(options.offset ?? 0, wanted);
}

import type { UserProfile } from '../model/user-profile.ts';

/** "Shoppers likely to buy item X (or category C) who have not bought it", kept to the `size` best. */
export interface ProductAudience {
  item?: string;
  category?: string;
  /** Keep only this many shoppers, best first (default: everyone with a score). */
  size?: number;
}

/**
 * How likely a shopper is to buy the audience's item or category, from their profile's personal
 * candidates (scored at rebuild from the neighbour tables: co-views, co-purchases of what they
 * touched) and, for a category, its share of their interest. Zero for shoppers who bought it
 * already (any item of the category) or show no sign of interest.
 *
 * @example
 * audienceScore(profile, { item: 'sku-espresso-1' }, (item) => catalog.categories.get(item) ?? []);
 */
export function audienceScore(profile: UserProfile, audience: ProductAudience, categoriesOf: (item: string) => readonly string[]): number {
  const { item, category } = audience;
  if (item !== undefined) {
    if (profile.purchased.some(([bought]) => bought === item)) return 0;
    return round(profile.forYou?.find(([candidate]) => candidate === item)?.[1] ?? 0);
  }
  if (category === undefined) return 0;
  if (profile.purchased.some(([bought]) => categoriesOf(bought).includes(category))) return 0;
  let score = 0;
  for (const [candidate, s] of profile.forYou ?? []) if (categoriesOf(candidate).includes(category)) score += s;
  const share = profile.categories.find(([c]) => c === category)?.[1] ?? 0;
  return round(score + share);
}

/** Four significant digits: candidate scores decay with time and can be tiny, only their order matters. */
function round(x: number): number {
  return Number(x.toPrecision(4));
}

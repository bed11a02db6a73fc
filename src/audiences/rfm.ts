/**
 * RFM scoring on 5x5 quintiles and the common grid of named groups. Pure functions over plain
 * numbers: the refresh computes the cut points once over every buyer, stores them, and scores
 * each shopper (and, at request time, the current one) against them.
 */

/** Quintile cut points (20th, 40th, 60th, 80th percentiles) of each RFM figure over the buyers of a refresh. */
export interface RfmCuts {
  /** Days since the last purchase. */
  recencyDays: number[];
  orders: number[];
  monetary: number[];
}

/** Scores 1-5 (5 best): recent, frequent, big spenders score high. */
export type RfmScores = [r: number, f: number, m: number];

/** The named groups of the RFM grid, in the order of {@link RFM_GROUPS}. */
export type RfmGroup =
  'champions' | 'loyal' | 'potential-loyalists' | 'new' | 'promising' | 'need-attention' | 'about-to-sleep' | 'at-risk' | 'cannot-lose' | 'hibernating';

/** Each group's name and what it means, in a marketer's words. */
export const RFM_GROUPS: Record<RfmGroup, { name: string; meaning: string }> = {
  champions: { name: 'Champions', meaning: 'bought recently, buy often' },
  loyal: { name: 'Loyal', meaning: 'buy often, responsive to promotions' },
  'potential-loyalists': { name: 'Potential loyalists', meaning: 'recent shoppers with a few orders' },
  new: { name: 'New customers', meaning: 'first order very recently' },
  promising: { name: 'Promising', meaning: 'recent shoppers who have not bought much yet' },
  'need-attention': { name: 'Need attention', meaning: 'middling recency and frequency' },
  'about-to-sleep': { name: 'About to sleep', meaning: 'below average recency and frequency' },
  'at-risk': { name: 'At risk', meaning: 'bought often, but long ago' },
  'cannot-lose': { name: 'Cannot lose them', meaning: 'used to buy the most, have not come back' },
  hibernating: { name: 'Hibernating', meaning: 'last order long ago, few orders' },
};

/**
 * Nearest-rank percentile cut points at 20, 40, 60 and 80%.
 *
 * @example
 * quintileCuts([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]); // [2, 4, 6, 8]
 */
export function quintileCuts(values: ArrayLike<number>): number[] {
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  if (sorted.length === 0) return [];
  return [0.2, 0.4, 0.6, 0.8].map((p) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!);
}

/**
 * The quintile score (1-5) of a value against cut points: one more than the cuts it beats
 * (lies above; with `lowerIsBetter`, as for recency in days, lies at or below). Ties share a score.
 *
 * @example
 * quintileScore(9, [2, 4, 6, 8]); // 5
 * quintileScore(1, [2, 4, 6, 8], true); // 5
 */
export function quintileScore(value: number, cuts: readonly number[], lowerIsBetter = false): number {
  let score = 1;
  for (const cut of cuts) if (lowerIsBetter ? value <= cut : value > cut) score++;
  return score;
}

const DAY_MS = 86_400_000;

/** A buyer's RFM figures as of `now`; null for a shopper who never bought. */
export function rfmFigures(
  shopper: { lastPurchase: number | null; orders: number; monetary: number },
  now: number,
): { recencyDays: number; orders: number; monetary: number } | null {
  if (shopper.lastPurchase === null || shopper.orders === 0) return null;
  return { recencyDays: Math.max(0, Math.floor((now - shopper.lastPurchase) / DAY_MS)), orders: shopper.orders, monetary: shopper.monetary };
}

/** Scores a buyer's figures against the cuts. */
export function rfmScores(figures: { recencyDays: number; orders: number; monetary: number }, cuts: RfmCuts): RfmScores {
  return [
    quintileScore(figures.recencyDays, cuts.recencyDays, true),
    quintileScore(figures.orders, cuts.orders),
    quintileScore(figures.monetary, cuts.monetary),
  ];
}

/**
 * The named group of a cell of the R x FM grid, where FM is the rounded mean of the F and M
 * scores (the usual segment map: rows of recency, columns of frequency and value).
 */
export function rfmGroup([r, f, m]: RfmScores): RfmGroup {
  const fm = Math.round((f + m) / 2);
  if (r >= 5 && fm >= 4) return 'champions';
  if (r >= 3 && fm >= 4) return 'loyal';
  if (r >= 4 && fm >= 2) return 'potential-loyalists';
  if (r >= 5) return 'new';
  if (r >= 4) return 'promising';
  if (r === 3 && fm === 3) return 'need-attention';
  if (r === 3) return 'about-to-sleep';
  if (fm >= 5) return 'cannot-lose';
  if (fm >= 3) return 'at-risk';
  return 'hibernating';
}

import type { EventType, ShopEvent } from './events.ts';

/** How much each event type says about interest. `rating` is multiplied by the rating value. */
export type EventWeights = Readonly<Record<Exclude<EventType, 'impression'>, number>>;

/** Purchase > cart > click > view; a removal cancels the cart weight; a rating counts per star. */
export const defaultEventWeights: EventWeights = {
  view: 1,
  click: 2,
  add_to_cart: 4,
  remove_from_cart: -4,
  purchase: 8,
  rating: 1,
};

/** How events turn into weighted user-item interactions. */
export interface InteractionOptions {
  /** Per-type weights, merged over {@link defaultEventWeights}. */
  weights?: Partial<EventWeights>;
  /** Half-life of an event's weight in ms; `Infinity` disables decay. Default 30 days. */
  halfLifeMs?: number;
  /** Keep only each user's N most recently touched items (bounds cost of heavy users and bots). Default 200. */
  maxItemsPerUser?: number;
  /** Treat every kept interaction as weight 1 (after cancellations). Default false. */
  binary?: boolean;
}

/** {@link InteractionOptions} with every default filled in. */
export type ResolvedInteractionOptions = Required<Omit<InteractionOptions, 'weights'>> & {
  weights: EventWeights;
};

const DAY_MS = 86_400_000;

/** Fills the defaults of {@link InteractionOptions}. */
export function resolveInteractionOptions(options: InteractionOptions = {}): ResolvedInteractionOptions {
  return {
    weights: { ...defaultEventWeights, ...options.weights },
    halfLifeMs: options.halfLifeMs ?? 30 * DAY_MS,
    maxItemsPerUser: options.maxItemsPerUser ?? 200,
    binary: options.binary ?? false,
  };
}

/**
 * The undecayed weight of one event (0 for impressions).
 *
 * @example
 * eventWeight({ user: 'u', item: 'i', type: 'rating', value: 4, ts: 0 }, defaultEventWeights); // 4
 */
export function eventWeight(event: ShopEvent, weights: EventWeights): number {
  if (event.type === 'impression') return 0;
  const base = weights[event.type];
  if (event.type === 'rating') return base * (event.value ?? 0);
  return base ?? 0;
}

/**
 * The factor an event's weight keeps after `ageMs`: 1/2 per half-life, 1 for future or undecayed.
 *
 * @example
 * decay(7 * 86_400_000, 7 * 86_400_000); // 0.5
 */
export function decay(ageMs: number, halfLifeMs: number): number {
  if (ageMs <= 0 || !Number.isFinite(halfLifeMs)) return 1;
  return Math.pow(2, -ageMs / halfLifeMs);
}

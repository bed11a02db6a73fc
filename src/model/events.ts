/** Behaviour event types a shop sends. */
export type EventType = 'view' | 'click' | 'add_to_cart' | 'remove_from_cart' | 'purchase' | 'rating' | 'impression';

/**
 * One behaviour event as the rebuild reads it from the log (D1 `events`, ordered by `ts`).
 * `value` is the rating for `rating` and the quantity for `purchase`.
 *
 * @example
 * const e: ShopEvent = { user: 'u1', item: 'sku-9', type: 'purchase', value: 2, ts: Date.now() };
 */
export interface ShopEvent {
  user: string;
  item?: string | null;
  type: EventType;
  value?: number | null;
  /** Milliseconds since the epoch. */
  ts: number;
  session?: string | null;
  /** Answer id the event refers to (`rid` of a recommendation, `qid` of a search). */
  rid?: string | null;
  /** The search query of an event answering a search (`context.q`), when it says. */
  query?: string | null;
  /** The event's `context` object as JSON text (read by the segment refresh, not by the models). */
  context?: string | null;
}

/** Item ids of this prefix name a campaign banner (its clicks are tracked like recommendations) and never enter the models. */
export const CAMPAIGN_ITEM_PREFIX = 'campaign:';

/**
 * Whose history an event belongs to: the user, or the session (prefixed `session:`)
 * when the user is empty. Undefined when the event names neither.
 */
export function historyKey(event: ShopEvent): string | undefined {
  if (event.user) return event.user;
  if (event.session) return `session:${event.session}`;
  return undefined;
}

/** The item an event is about, or undefined for impressions and events without one. */
export function eventItem(event: ShopEvent): string | undefined {
  if (event.type === 'impression' || !event.item || event.item.startsWith(CAMPAIGN_ITEM_PREFIX)) return undefined;
  return event.item;
}

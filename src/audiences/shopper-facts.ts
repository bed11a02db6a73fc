import type { ShopEvent } from '../model/events.ts';
import type { UserProfile } from '../model/user-profile.ts';

/** The context fields a shop may send in an event's `context` that segments can use. */
export interface ShopperContext {
  /** ISO 3166 country code, upper case. */
  country?: string;
  /** `mobile`, `desktop`, `tablet`... as the shop sends it, lower case. */
  device?: string;
  /** Where the visit came from (utm source, referrer host), lower case. */
  source?: string;
  /** The shopper opted out of tracking: no segments, no capping state, no targeting. */
  optOut?: boolean;
}

/**
 * What segments and the profile endpoint know of one shopper, compact and JSON-able. Built at
 * rebuild from the profile and the events' context; moved forward at request time by
 * {@link applyFreshEvents}.
 */
export interface ShopperFacts extends ShopperContext {
  /** First event in the rebuild window (ms). */
  firstSeen: number;
  lastSeen: number;
  lastPurchase: number | null;
  orders: number;
  monetary: number;
  /** Top categories with their shares, strongest first. */
  categories: Array<[string, number]>;
  /** Most recently touched items, newest first. */
  recent: string[];
  /** Bought items, newest first. */
  purchased: string[];
  /** Product audience scores (audience id -> score), from the profile's precomputed candidates. */
  audiences?: Record<string, number>;
}

const MAX_RECENT = 10;
const MAX_CATEGORIES = 5;
/** Purchases less than an hour apart are one order (as in the profile builder). */
const ORDER_GAP_MS = 3_600_000;

/** Reads the segment context fields out of an event's `context` JSON (unknown fields ignored). */
export function contextOf(json: string | null | undefined): ShopperContext {
  if (!json) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return {};
  }
  if (!raw || typeof raw !== 'object') return {};
  const o = raw as Record<string, unknown>;
  const text = (v: unknown, max = 64) => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined);
  const context: ShopperContext = {};
  const country = text(o.country, 2);
  if (country) context.country = country.toUpperCase();
  const device = text(o.device);
  if (device) context.device = device.toLowerCase();
  const source = text(o.source, 128);
  if (source) context.source = source.toLowerCase();
  if (typeof o.optOut === 'boolean') context.optOut = o.optOut;
  return context;
}

/** Per-shopper context state a rebuild part keeps while reading the log: first seen and the latest context values. */
export interface ContextTracker {
  add(events: Iterable<ShopEvent>): void;
  get(user: string): (ShopperContext & { firstSeen: number }) | undefined;
}

/** Tracks first seen and the latest country, device, source and opt-out flag of each shopper, from events in time order. */
export function createContextTracker(): ContextTracker {
  const users = new Map<string, ShopperContext & { firstSeen: number }>();
  return {
    add(events) {
      for (const event of events) {
        if (!event.user) continue;
        let state = users.get(event.user);
        if (!state) users.set(event.user, (state = { firstSeen: event.ts }));
        if (event.context) Object.assign(state, contextOf(event.context));
      }
    },
    get: (user) => users.get(user),
  };
}

/** The facts of a shopper from their rebuilt profile and tracked context. */
export function factsFromProfile(profile: UserProfile, context: (ShopperContext & { firstSeen: number }) | undefined): ShopperFacts {
  const { firstSeen = profile.recent.at(-1)?.[1] ?? profile.lastSeen, ...rest } = context ?? {};
  return {
    firstSeen,
    lastSeen: profile.lastSeen,
    lastPurchase: profile.lastPurchase,
    orders: profile.orders,
    monetary: profile.monetary,
    categories: profile.categories.slice(0, MAX_CATEGORIES),
    recent: profile.recent.slice(0, MAX_RECENT).map(([item]) => item),
    purchased: profile.purchased.map(([item]) => item),
    ...rest,
  };
}

/** An event read fresh from the log at request time. */
export interface FreshEvent {
  type: string;
  item: string | null;
  ts: number;
  context: string | null;
}

/**
 * Moves facts forward with the events logged since they were built (oldest first): last seen,
 * recent items, purchases (orders and recency; monetary waits for the rebuild, which knows
 * prices), context and opt-out. A shopper with no facts yet starts from the first event.
 */
export function applyFreshEvents(facts: ShopperFacts | undefined, events: readonly FreshEvent[]): ShopperFacts | undefined {
  if (events.length === 0) return facts;
  const next: ShopperFacts = facts
    ? { ...facts, recent: [...facts.recent], purchased: [...facts.purchased] }
    : { firstSeen: events[0]!.ts, lastSeen: events[0]!.ts, lastPurchase: null, orders: 0, monetary: 0, categories: [], recent: [], purchased: [] };
  for (const event of events) {
    next.lastSeen = Math.max(next.lastSeen, event.ts);
    Object.assign(next, contextOf(event.context));
    if (!event.item || event.item.startsWith('campaign:')) continue;
    if (event.type !== 'impression' && event.type !== 'remove_from_cart') {
      next.recent = [event.item, ...next.recent.filter((i) => i !== event.item)].slice(0, MAX_RECENT);
    }
    if (event.type === 'purchase') {
      if (next.lastPurchase === null || event.ts - next.lastPurchase > ORDER_GAP_MS) next.orders++;
      next.lastPurchase = Math.max(next.lastPurchase ?? event.ts, event.ts);
      next.purchased = [event.item, ...next.purchased.filter((i) => i !== event.item)];
    }
  }
  return next;
}

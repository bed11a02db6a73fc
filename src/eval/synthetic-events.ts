import type { EventType, ShopEvent } from '../model/events.ts';
import { seededRandom, zipfPicker } from '../random.ts';

/** Shape of a synthetic shop log. */
export interface SyntheticOptions {
  events: number;
  /** Default events / 10. */
  users?: number;
  /** Default {@link syntheticCatalogSize}: events / 20 up to 1M events, then growing as the square root. */
  items?: number;
  /** Zipf exponent of item popularity and user activity. Default 1. */
  skew?: number;
  seed?: number;
  pageSize?: number;
}

/** Catalog size at 1M events, where the two laws of {@link syntheticCatalogSize} meet. */
const ITEMS_AT_1M = 50_000;

/**
 * Items of a synthetic shop with `events` events: one item per 20 events up to 1M events (50,000
 * items), then Heaps' law with exponent 1/2 (distinct items seen grow as the square root of the
 * events: 158,114 at 10M, 353,553 at 50M) rather than linearly. A shop with ten times the traffic
 * mostly has more shoppers, not ten times the catalog; a linear rule would give a 2.5M-item
 * catalog at 50M events, whose tail items are each seen about 20 times.
 */
export function syntheticCatalogSize(events: number): number {
  if (events <= 1_000_000) return Math.max(1, Math.floor(events / 20));
  return Math.floor(ITEMS_AT_1M * Math.sqrt(events / 1_000_000));
}

const TYPES: Array<[EventType, number]> = [
  ['view', 0.8],
  ['click', 0.1],
  ['add_to_cart', 0.06],
  ['remove_from_cart', 0.01],
  ['purchase', 0.03],
];

/**
 * A seeded power-law shop log in time order, page by page: user activity and item
 * popularity follow Zipf laws; each user browses near a personal taste offset so
 * that co-occurrence has structure. The same options always give the same events.
 *
 * @example
 * for (const page of syntheticEventPages({ events: 100_000, seed: 1 })) builder.add(page);
 */
export function* syntheticEventPages(options: SyntheticOptions): Generator<ShopEvent[]> {
  const { events, skew = 1, seed = 1, pageSize = 1000 } = options;
  const users = options.users ?? Math.max(1, Math.floor(events / 10));
  const items = options.items ?? syntheticCatalogSize(events);
  const random = seededRandom(seed);
  const next = random.next;
  const zipfUser = zipfPicker(users, skew);
  const zipfItem = zipfPicker(items, skew);
  const pickUser = () => zipfUser(random);
  const pickItem = () => zipfItem(random);
  let ts = Date.UTC(2026, 0, 1);
  let page: ShopEvent[] = [];
  for (let n = 0; n < events; n++) {
    const user = pickUser();
    const taste = (user * 7919) % items;
    const item = next() < 0.5 ? (pickItem() + taste) % items : pickItem();
    let roll = next();
    let type: EventType = 'view';
    for (const [candidate, share] of TYPES) {
      if (roll < share) {
        type = candidate;
        break;
      }
      roll -= share;
    }
    ts += Math.floor(next() * 2000);
    page.push({ user: `u${user}`, item: `i${item}`, type, ts, session: null });
    if (page.length === pageSize) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

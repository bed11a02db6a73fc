import { catalogLookup, type CatalogMaps } from './catalog.ts';
import { eventItem, historyKey, type EventType, type ShopEvent } from './events.ts';
import { decay, defaultEventWeights, eventWeight } from './interaction-weights.ts';
import { roundWeight } from './neighbour-list.ts';

/**
 * A compact, JSON-able summary of one user, stored in KV and read by serving and
 * marketing (interest tags, segments, RFM).
 */
export interface UserProfile {
  /** Most recently touched distinct items, newest first: `[item, ts, strongest event type]`. */
  recent: Array<[string, number, EventType]>;
  /** Bought items, newest first: `[item, ts]`. */
  purchased: Array<[string, number]>;
  /** Category affinities (interest tags), shares summing to about 1, strongest first. */
  categories: Array<[string, number]>;
  /** Last event time (ms). */
  lastSeen: number;
  /** Last purchase time (ms), or null: the R of RFM. */
  lastPurchase: number | null;
  /** Orders (purchases less than `orderGapMs` apart are one order): the F of RFM. */
  orders: number;
  /** Sum of price x quantity over purchases of priced items: the M of RFM. */
  monetary: number;
  /**
   * Personal candidates scored at build time from this profile's history:
   * `[item, score, index in profileHistory(profile) of the item it is because of]`, best first
   * (see precomputeForYou).
   */
  forYou?: Array<[string, number, number]>;
}

/** Options of {@link createUserProfilesBuilder}. */
export interface UserProfileOptions {
  catalog?: CatalogMaps;
  /** Default 20. */
  maxRecent?: number;
  /** Default 50. */
  maxPurchased?: number;
  /** Default 10. */
  maxCategories?: number;
  /** Half-life of category affinity. Default 30 days. */
  halfLifeMs?: number;
  /** Default 1 hour. */
  orderGapMs?: number;
}

/** Streaming builder of user profiles. */
export interface UserProfilesBuilder {
  add(events: Iterable<ShopEvent>): void;
  /** Each user and profile, once; affinities decayed to `now` (default: latest event). */
  finish(now?: number): Iterable<[string, UserProfile]>;
}

const RANK: Record<string, number> = { view: 1, click: 2, rating: 3, add_to_cart: 4, remove_from_cart: 0, purchase: 5 };

interface State {
  profile: UserProfile;
  affinity: Map<string, number>;
  affinityTs: number;
}

/**
 * Builds every user's {@link UserProfile} from events in time order. Each profile
 * is bounded by the `max*` options, so memory grows with users, not with events.
 *
 * @example
 * const profiles = createUserProfilesBuilder({ catalog: { categories, prices } });
 * profiles.add(page);
 * for (const [user, profile] of profiles.finish()) await kv.put(`profile:${user}`, JSON.stringify(profile));
 */
export function createUserProfilesBuilder(options: UserProfileOptions = {}): UserProfilesBuilder {
  const { maxRecent = 20, maxPurchased = 50, maxCategories = 10 } = options;
  const halfLifeMs = options.halfLifeMs ?? 30 * 86_400_000;
  const orderGapMs = options.orderGapMs ?? 3_600_000;
  const catalog = catalogLookup(options.catalog);
  const users = new Map<string, State>();
  let latest = -Infinity;

  function touchRecent(profile: UserProfile, item: string, ts: number, type: EventType): void {
    const at = profile.recent.findIndex(([id]) => id === item);
    const previous = at >= 0 ? profile.recent.splice(at, 1)[0] : undefined;
    const strongest = previous && (RANK[previous[2]] ?? 0) > (RANK[type] ?? 0) ? previous[2] : type;
    profile.recent.unshift([item, Math.max(ts, previous?.[1] ?? ts), strongest]);
    if (profile.recent.length > maxRecent) profile.recent.pop();
  }

  function addAffinity(state: State, item: string, weight: number, ts: number): void {
    if (ts > state.affinityTs) {
      const factor = decay(ts - state.affinityTs, halfLifeMs);
      for (const [category, score] of state.affinity) state.affinity.set(category, score * factor);
      state.affinityTs = ts;
    }
    const w = weight * decay(state.affinityTs - ts, halfLifeMs);
    for (const category of catalog.categories(item)) {
      state.affinity.set(category, Math.max(0, (state.affinity.get(category) ?? 0) + w));
    }
    if (state.affinity.size > 3 * maxCategories) {
      const kept = [...state.affinity].sort((a, b) => b[1] - a[1]).slice(0, 2 * maxCategories);
      state.affinity = new Map(kept);
    }
  }

  function purchase(profile: UserProfile, item: string, event: ShopEvent): void {
    if (profile.lastPurchase === null || event.ts - profile.lastPurchase > orderGapMs) profile.orders++;
    profile.lastPurchase = Math.max(profile.lastPurchase ?? event.ts, event.ts);
    profile.monetary += (catalog.price(item) ?? 0) * (event.value ?? 1);
    profile.purchased = profile.purchased.filter(([id]) => id !== item);
    profile.purchased.unshift([item, event.ts]);
    if (profile.purchased.length > maxPurchased) profile.purchased.pop();
  }

  return {
    add(events) {
      for (const event of events) {
        const item = eventItem(event);
        const user = historyKey(event);
        if (item === undefined || user === undefined) continue;
        latest = Math.max(latest, event.ts);
        let state = users.get(user);
        if (!state) {
          const profile: UserProfile = { recent: [], purchased: [], categories: [], lastSeen: event.ts, lastPurchase: null, orders: 0, monetary: 0 };
          users.set(user, (state = { profile, affinity: new Map(), affinityTs: event.ts }));
        }
        state.profile.lastSeen = Math.max(state.profile.lastSeen, event.ts);
        if (event.type !== 'remove_from_cart') touchRecent(state.profile, item, event.ts, event.type);
        if (event.type === 'purchase') purchase(state.profile, item, event);
        addAffinity(state, item, eventWeight(event, defaultEventWeights), event.ts);
      }
    },
    *finish(now = latest) {
      for (const [user, { profile, affinity, affinityTs }] of users) {
        const factor = decay(now - affinityTs, halfLifeMs);
        const top = [...affinity].map(([c, s]): [string, number] => [c, s * factor]).filter(([, s]) => s > 0);
        top.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
        const total = top.reduce((sum, [, s]) => sum + s, 0);
        profile.categories = top.slice(0, maxCategories).map(([c, s]) => [c, roundWeight(s / total, 3)]);
        profile.monetary = Math.round(profile.monetary * 100) / 100;
        users.delete(user);
        yield [user, profile];
      }
    },
  };
}

/**
 * The scoring history of a profile (recent and bought items), to which serving
 * appends the current session's events.
 *
 * @example
 * recommendFromHistory({ history: [...profileHistory(profile), ...sessionEntries], neighbours });
 */
export function profileHistory(profile: UserProfile): Array<{ item: string; ts: number; type: EventType }> {
  return [
    ...profile.recent.map(([item, ts, type]) => ({ item, ts, type })),
    ...profile.purchased.map(([item, ts]) => ({ item, ts, type: 'purchase' as const })),
  ];
}

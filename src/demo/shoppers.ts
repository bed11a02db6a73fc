import type { EventInput } from '../collect/event-schema.ts';
import type { DemoProduct } from './catalog.ts';
import { type Random, seededRandom, zipfPicker } from '../random.ts';

/** Options of {@link demoBehaviour}. */
export interface DemoBehaviourOptions {
  shoppers?: number;
  days?: number;
  /** End of the simulated period, ms since the epoch. */
  until: number;
  seed?: number;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * A few weeks of behaviour of a few thousand demo shoppers: favourite categories, popular
 * items (Zipf), sessions with funnels view -> cart -> purchase, complements bought together,
 * ratings after some purchases. Deterministic for a seed and an end time.
 */
export function demoBehaviour(catalog: readonly DemoProduct[], options: DemoBehaviourOptions): EventInput[] {
  const { shoppers = 3000, days = 28, until, seed = 11 } = options;
  const random = seededRandom(seed);
  const byCategory = groupBy(catalog, (p) => p.item.categories[0] ?? 'other');
  const categories = [...byCategory.keys()];
  const pickCategory = zipfPicker(categories.length, 0.8);
  const pickInCategory = new Map([...byCategory].map(([c, list]) => [c, zipfPicker(list.length, 1.05)]));
  const byKind = groupBy(catalog, (p) => p.kind);
  const start = until - days * DAY;
  const events: EventInput[] = [];
  let n = 0;
  const emit = (event: { type: EventInput['type']; user: string; item: string; session: string; ts: number; value?: number }) =>
    events.push({ id: `demo-${++n}`, ...event } as EventInput);

  for (let s = 1; s <= shoppers; s++) {
    const user = `shopper-${s}`;
    const favourites = [categories[pickCategory(random)], categories[pickCategory(random)]] as string[];
    const sessions = 1 + Math.floor(-Math.log(1 - random.next()) * 2.5);
    for (let k = 0; k < sessions; k++) {
      const session = `${user}-s${k + 1}`;
      let ts = start + Math.floor(random.next() * (days * DAY - 2 * HOUR));
      const tick = () => (ts += random.int(15, 240) * 1000);
      const category = random.chance(0.8) ? random.pick(favourites) : (categories[pickCategory(random)] as string);
      const shelf = byCategory.get(category) ?? [];
      const viewed: DemoProduct[] = [];
      for (let v = random.int(2, 10); v > 0; v--) {
        const product = shelf[pickInCategory.get(category)?.(random) ?? 0];
        if (!product) continue;
        viewed.push(product);
        if (random.chance(0.3)) emit({ type: 'click', user, item: product.item.id, session, ts: tick() });
        emit({ type: 'view', user, item: product.item.id, session, ts: tick() });
      }
      const wanted = viewed.filter((p) => p.item.available !== false);
      if (!wanted.length || !random.chance(0.35)) continue;
      const product = random.pick(wanted);
      const basket = [product, ...complementsOf(product, byKind, random)];
      for (const p of basket) emit({ type: 'add_to_cart', user, item: p.item.id, session, value: 1, ts: tick() });
      if (!random.chance(0.55)) {
        if (random.chance(0.3)) emit({ type: 'remove_from_cart', user, item: product.item.id, session, ts: tick() });
        continue;
      }
      for (const p of basket) emit({ type: 'purchase', user, item: p.item.id, session, value: 1, ts: tick() });
      if (random.chance(0.25)) emit({ type: 'rating', user, item: product.item.id, value: random.int(3, 5), session, ts: ts + random.int(2, 6) * DAY });
    }
  }
  return events.filter((e) => (e.ts ?? 0) <= until).sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
}

function complementsOf(product: DemoProduct, byKind: Map<string, DemoProduct[]>, random: Random): DemoProduct[] {
  const extras: DemoProduct[] = [];
  for (const kind of product.completes) {
    const options = byKind.get(kind)?.filter((p) => p.item.available !== false);
    if (options?.length && random.chance(0.45))
      extras.push(options[Math.min(options.length - 1, Math.floor(random.next() ** 2 * options.length))] as DemoProduct);
  }
  return extras;
}

function groupBy<T>(list: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const entry of list) {
    const k = key(entry);
    const group = groups.get(k);
    if (group) group.push(entry);
    else groups.set(k, [entry]);
  }
  return groups;
}

/**
 * Simulated shoppers with hidden tastes: two favourite categories each (the first liked more),
 * drawn with Zipf-like popularity as in the demo shop. A shopper's taste for an item decides
 * how likely they click it when shown and buy it after a click; their organic browsing also
 * follows their taste, which is how the engine can learn it from their history.
 */
import type { DemoProduct } from '../demo/catalog.ts';
import { type Random, zipfPicker } from '../random.ts';

/** A simulated shopper: an id and the hidden taste for each category. */
export interface SimShopper {
  id: string;
  favourites: [string, string];
}

/** How a shopper responds: the knobs of the behaviour model. */
export interface TasteModel {
  /** Click probability of a liked item in the first slot (taste 1). */
  clickRate: number;
  /** Each slot further down multiplies the click probability by this (position bias). */
  positionDecay: number;
  /** Purchase probability after a click on an item of taste 1. */
  buyAfterClick: number;
  /** Purchase probability per visit of an item found by browsing alone. */
  organicBuy: number;
  /** Taste for the second favourite category and for every other category. */
  secondTaste: number;
  otherTaste: number;
}

/** The default behaviour model. */
export const DEFAULT_TASTES: TasteModel = { clickRate: 0.12, positionDecay: 0.85, buyAfterClick: 0.3, organicBuy: 0.1, secondTaste: 0.6, otherTaste: 0.04 };

/** The catalog grouped for the simulation. */
export interface SimCatalog {
  products: Map<string, DemoProduct>;
  categories: string[];
  /** Available products per category, best sellers first (the demo's Zipf order). */
  shelves: Map<string, DemoProduct[]>;
  /** Zipf-like pick of a position on each shelf. */
  pickers: Map<string, (random: Random) => number>;
}

/** Groups the demo catalog by its first category. */
export function simCatalog(catalog: readonly DemoProduct[]): SimCatalog {
  const shelves = new Map<string, DemoProduct[]>();
  for (const p of catalog) {
    if (p.item.available === false) continue;
    const category = p.item.categories[0] ?? 'other';
    shelves.set(category, [...(shelves.get(category) ?? []), p]);
  }
  const pickers = new Map([...shelves].map(([c, shelf]) => [c, zipfPicker(shelf.length, 1.05)]));
  return { products: new Map(catalog.map((p) => [p.item.id, p])), categories: [...shelves.keys()], shelves, pickers };
}

/** Creates `count` shoppers with two distinct favourite categories each. */
export function simShoppers(catalog: SimCatalog, count: number, random: Random): SimShopper[] {
  const pick = zipfPicker(catalog.categories.length, 0.8);
  return Array.from({ length: count }, (_, i) => {
    const first = catalog.categories[pick(random)]!;
    let second = first;
    while (second === first) second = catalog.categories[pick(random)]!;
    return { id: `sim-${i + 1}`, favourites: [first, second] };
  });
}

/** The shopper's hidden taste for an item, in [0, 1]. */
export function taste(shopper: SimShopper, product: DemoProduct | undefined, model: TasteModel): number {
  const category = product?.item.categories[0];
  if (category === shopper.favourites[0]) return 1;
  if (category === shopper.favourites[1]) return model.secondTaste;
  return model.otherTaste;
}

/** Items a shopper browses on their own: mostly in the favourite categories, best sellers more often. */
export function browse(shopper: SimShopper, catalog: SimCatalog, random: Random, count: number): DemoProduct[] {
  const out: DemoProduct[] = [];
  for (let i = 0; i < count; i++) {
    const roll = random.next();
    const category = roll < 0.6 ? shopper.favourites[0] : roll < 0.9 ? shopper.favourites[1] : random.pick(catalog.categories);
    const shelf = catalog.shelves.get(category) ?? [];
    const pick = catalog.pickers.get(category);
    if (pick && shelf.length) out.push(shelf[pick(random)]!);
  }
  return out;
}

import type { ItemInput } from '../../src/catalog/item-schema.ts';
import { demoCatalog } from '../../src/demo/catalog.ts';
import { demoBehaviour } from '../../src/demo/shoppers.ts';

/** The product of the page under test. */
export const ANCHOR = 'sku-audio-earbuds-1';

/** A product whose title would run script if a widget put it into the page as HTML. */
export const HOSTILE_ID = 'sku-audio-hostile-1';
export const HOSTILE_TITLE = 'Earbuds <img src=x onerror=alert(1)> edition';

/** Two departments of the demo shop plus the hostile product, with links and pictures on the shop's origin. */
export function shopCatalog(shopOrigin: string): { items: ItemInput[]; events: unknown[] } {
  const products = demoCatalog().filter((p) => ['audio', 'kitchen'].includes(p.item.categories[0] ?? ''));
  const hostile = { ...products[0]!.item, id: HOSTILE_ID, title: HOSTILE_TITLE, attributes: {} };
  const items = [...products.map((p) => p.item), hostile].map((item) => ({
    ...item,
    url: `${shopOrigin}/p/${item.id}`,
    image: `${shopOrigin}/img/${item.id}.svg`,
  }));
  const until = Date.now() - 120_000;
  const paired = Array.from({ length: 30 }, (_, u) =>
    [ANCHOR, HOSTILE_ID].map((item, i) => ({ id: `paired-${u}-${i}`, type: 'purchase', user: `paired-${u}`, item, session: `paired-${u}`, ts: until + i })),
  ).flat();
  return { items, events: [...demoBehaviour(products, { shoppers: 200, days: 7, until, seed: 9 }), ...paired] };
}

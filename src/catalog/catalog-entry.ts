import type { CatalogEntry } from '../rebuild/catalog-snapshot.ts';
import type { Item } from './item-schema.ts';

/** What a catalog entry is made of: a catalog item's display fields and attributes. */
export type EntrySource = Pick<Item, 'title' | 'categories' | 'available' | 'attributes'> & Partial<Pick<Item, 'price' | 'url' | 'image'>>;

/**
 * The compact entry serving shows of an item, with its Chinese title (`attributes.title_zh`)
 * and the Chinese names of its categories (`attributes.category_zh`: a name per category in the
 * order of `categories`, or one string naming the first) when the catalog has them.
 *
 * @example
 * catalogEntry({ title: 'Earbuds', price: 79, categories: ['audio'], available: true, url: null, image: null,
 *   attributes: { title_zh: '无线耳机', category_zh: '音频' } });
 * // ['Earbuds', 79, ['audio'], 1, null, null, '无线耳机', ['音频']]
 */
export function catalogEntry(item: EntrySource): CatalogEntry {
  const zh = item.attributes.title_zh;
  const entry: CatalogEntry = [
    item.title,
    item.price ?? null,
    [...item.categories],
    item.available ? 1 : 0,
    item.url ?? null,
    item.image ?? null,
    typeof zh === 'string' ? zh : null,
  ];
  const names = categoryNamesZh(item.attributes.category_zh, item.categories.length);
  if (names) entry.push(names);
  return entry;
}

/** `category_zh` as one name (or null) per category; null when there is none. */
function categoryNamesZh(value: unknown, count: number): (string | null)[] | null {
  const names = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  const out = Array.from({ length: count }, (_, i) => (typeof names[i] === 'string' && names[i] ? (names[i] as string) : null));
  return out.some((n) => n !== null) ? out : null;
}

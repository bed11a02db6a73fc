/** An item -> value map given as a Map or a plain object. */
export type ItemMap<T> = ReadonlyMap<string, T> | Readonly<Record<string, T>>;

/** What the models need from the catalog: an item's categories and price. */
export interface CatalogLookup {
  categories(item: string): readonly string[];
  price(item: string): number | undefined;
}

/** The catalog maps the models accept. */
export interface CatalogMaps {
  /** item -> categories (most general first). */
  categories?: ItemMap<readonly string[]>;
  /** item -> unit price. */
  prices?: ItemMap<number>;
}

const NONE: readonly string[] = [];

/**
 * Wraps catalog maps in a {@link CatalogLookup}; missing items have no categories and no price.
 *
 * @example
 * catalogLookup({ categories: { tent: ['outdoor', 'tents'] } }).categories('tent'); // ['outdoor', 'tents']
 */
export function catalogLookup(maps: CatalogMaps = {}): CatalogLookup {
  const categories = lookupOf(maps.categories);
  const prices = lookupOf(maps.prices);
  return {
    categories: (item) => categories(item) ?? NONE,
    price: (item) => prices(item),
  };
}

function lookupOf<T>(map: ItemMap<T> | undefined): (item: string) => T | undefined {
  if (!map) return () => undefined;
  if (map instanceof Map) return (item) => map.get(item);
  const record = map as Readonly<Record<string, T>>;
  return (item) => (Object.hasOwn(record, item) ? record[item] : undefined);
}

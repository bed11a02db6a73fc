/**
 * An item's neighbours, best first: `[itemId, weight]` pairs with weights rounded
 * to 4 significant digits so the list encodes compactly as JSON.
 *
 * @example
 * const list: NeighbourList = [['sku-2', 0.4121], ['sku-7', 0.2]];
 */
export type NeighbourList = Array<[string, number]>;

/** Every item's neighbour list, keyed by item id (plain object, JSON-able). */
export type NeighbourTable = Record<string, NeighbourList>;

/**
 * Where scoring finds an item's neighbours: a Map, a plain table, or a function
 * (for lists fetched from KV first). Lists may carry extra numbers after the weight.
 */
export type NeighbourLookup =
  | ReadonlyMap<string, ReadonlyArray<readonly [string, number, ...number[]]>>
  | Readonly<Record<string, ReadonlyArray<readonly [string, number, ...number[]]>>>
  | ((item: string) => ReadonlyArray<readonly [string, number, ...number[]]> | undefined);

/**
 * Rounds to `digits` significant digits (default 4).
 *
 * @example
 * roundWeight(0.123456); // 0.1235
 */
export function roundWeight(weight: number, digits = 4): number {
  return weight === 0 || !Number.isFinite(weight) ? weight : Number(weight.toPrecision(digits));
}

/** Resolves a {@link NeighbourLookup} to one function. */
export function neighboursOf(lookup: NeighbourLookup): (item: string) => ReadonlyArray<readonly [string, number, ...number[]]> | undefined {
  if (typeof lookup === 'function') return lookup;
  if (lookup instanceof Map) return (item) => lookup.get(item);
  const table = lookup as Readonly<Record<string, ReadonlyArray<readonly [string, number, ...number[]]>>>;
  return (item) => (Object.hasOwn(table, item) ? table[item] : undefined);
}

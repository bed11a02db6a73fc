/**
 * Per-document columns for the loops that visit every matched document (filters, facets,
 * scores): a 100k catalog matches thousands of items for a common word, and what such a loop
 * costs is mostly memory reads scattered over the catalog. So a document's price, popularity,
 * availability and first categories sit together in one row of 32 bytes (one cache line read
 * instead of one per column). Built once per head (per isolate and version); fresh items get
 * their own small columns per request.
 */
import type { SearchHead } from './build-index.ts';

/** Numbers per row of {@link DocColumns.rows} (8 as 32-bit integers in {@link DocColumns.ints}). */
export const ROW = 4;
/** Categories kept in a row; a document with more reads them all from `catList`. */
export const ROW_CATEGORIES = 3;

/**
 * Documents as rows. Row `d` of `rows`: `[price (NaN: none), popularity, -, -]`; the same
 * memory as integers in `ints` at `2 * ROW * d`: `[-, -, -, -, available + 2 x category
 * count, category, category, category]`. A document with more than {@link ROW_CATEGORIES}
 * categories has them all at `catList[catStart[d] .. catStart[d + 1])`.
 */
export interface DocColumns {
  rows: Float64Array;
  ints: Int32Array;
  catStart: Int32Array;
  catList: Int32Array;
}

/** What columns are made of: per document its categories, price, availability and popularity. */
export interface ColumnSource {
  cats: readonly (readonly number[])[];
  price: readonly (number | null)[];
  avail: readonly (0 | 1)[];
  pop: readonly number[];
}

/**
 * Columns of documents given as arrays (a head, or a request's fresh items).
 *
 * @example docColumns({ cats: [[0, 2]], price: [null], avail: [1], pop: [0.5] }).ints.slice(4, 7) // Int32Array [5, 0, 2]
 */
export function docColumns(source: ColumnSource): DocColumns {
  const n = source.cats.length;
  const rows = new Float64Array(n * ROW);
  const ints = new Int32Array(rows.buffer);
  const catStart = new Int32Array(n + 1);
  for (let doc = 0; doc < n; doc++) {
    const cats = source.cats[doc]!;
    catStart[doc + 1] = catStart[doc]! + (cats.length > ROW_CATEGORIES ? cats.length : 0);
  }
  const catList = new Int32Array(catStart[n]!);
  for (let doc = 0; doc < n; doc++) {
    const cats = source.cats[doc]!;
    rows[ROW * doc] = source.price[doc] ?? NaN;
    rows[ROW * doc + 1] = source.pop[doc] ?? 0;
    const at = 2 * ROW * doc;
    ints[at + 4] = (source.avail[doc] === 1 ? 1 : 0) + 2 * cats.length;
    if (cats.length > ROW_CATEGORIES) catList.set(cats, catStart[doc]!);
    else for (let k = 0; k < cats.length; k++) ints[at + 5 + k] = cats[k]!;
  }
  return { rows, ints, catStart, catList };
}

/** Whether row `d` is available. */
export function availableAt(columns: DocColumns, d: number): boolean {
  return (columns.ints[2 * ROW * d + 4]! & 1) === 1;
}

/** Sets the availability of row `d` (columns of a request: never a head's, which are shared). */
export function setAvailable(columns: DocColumns, d: number, value: 0 | 1): void {
  columns.ints[2 * ROW * d + 4] = (columns.ints[2 * ROW * d + 4]! & ~1) | value;
}

const headColumns = new WeakMap<SearchHead, DocColumns>();

/** The columns of a head's documents, made once per head. */
export function columnsOf(head: SearchHead): DocColumns {
  let columns = headColumns.get(head);
  if (!columns) headColumns.set(head, (columns = docColumns(head)));
  return columns;
}

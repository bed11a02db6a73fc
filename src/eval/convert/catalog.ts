import type { ContentItem } from '../../model/content/item-vectors.ts';
import { splitQuoted } from './online-retail.ts';

/** MovieLens genres in the order of `u.item`'s 19 flags (as listed in `u.genre`). */
const GENRES = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
];

/**
 * MovieLens `u.item` (`id|title|date||url|19 genre flags`, latin-1) to catalog items: the title
 * (with its year) and the genres as categories.
 *
 * @example
 * movielensCatalog('1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n');
 * // [{ id: '1', title: 'Toy Story (1995)', categories: ['Animation', "Children's", 'Comedy'] }]
 */
export function movielensCatalog(text: string): ContentItem[] {
  const out: ContentItem[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = line.split('|');
    if (fields.length < 24) continue;
    const flags = fields.slice(5, 24);
    out.push({ id: fields[0]!, title: fields[1]!, categories: GENRES.filter((_, n) => flags[n] === '1') });
  }
  return out;
}

/**
 * Online Retail invoice lines to catalog items: each StockCode's first description as the title
 * and its first positive unit price; the data set has no categories.
 */
export function retailCatalog(text: string): ContentItem[] {
  const items = new Map<string, ContentItem>();
  const lines = text.split(/\r?\n/);
  for (let n = 1; n < lines.length; n++) {
    const [, code = '', description = '', , , price = ''] = splitQuoted(lines[n]!);
    if (!code || !description.trim()) continue;
    const item = items.get(code);
    const unit = Number(price);
    if (!item) items.set(code, { id: code, title: description.trim(), categories: [], price: unit > 0 ? unit : null });
    else if (!(item.price! > 0) && unit > 0) item.price = unit;
  }
  return [...items.values()];
}

/** Catalog converters by name. */
export const catalogConverters: Record<string, (text: string) => ContentItem[]> = { movielens: movielensCatalog, retail: retailCatalog };

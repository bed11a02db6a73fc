import { tokenize } from '../../text/tokenize.ts';

/** What content similarity reads of a catalog item. */
export interface ContentItem {
  id: string;
  title: string;
  categories?: readonly string[];
  price?: number | null;
  /** Short strings (brand, colour, title_zh...) become features; other values are ignored. */
  attributes?: Readonly<Record<string, unknown>>;
}

/** A sparse, L2-normalised TF-IDF vector: feature indexes ascending, weights aligned. */
export interface SparseVector {
  features: Int32Array;
  weights: Float32Array;
}

/** Item vectors over one feature vocabulary. */
export interface ItemVectors {
  ids: string[];
  vectors: SparseVector[];
  /** Feature names by index (`w:` title word, `c:` category, `p:` price band, `a:` attribute). */
  features: string[];
}

const SKIPPED = /^(url|image|images|link|sku|gtin|ean|id|description)$/i;
const FIELD_WEIGHT = { w: 1, c: 2, p: 0.5, a: 1 } as const;

/**
 * The features of an item: title words (Chinese and English, the chat's tokenizer: segmenter
 * words, stemmed English), each category (weight 2), a price band (powers of 2, weight 0.5) and
 * `key=value` of short string attributes (a localized title's words count as title words).
 *
 * @example
 * itemFeatures({ id: 'a', title: 'Bamboo cutting board 竹砧板', categories: ['kitchen'], price: 19.9 });
 * // Map { 'w:bamboo' => 1, 'w:cut' => 1, 'w:board' => 1, 'w:竹' => 1, 'w:砧板' => 1, 'c:kitchen' => 2, 'p:4' => 0.5 }
 */
export function itemFeatures(item: ContentItem): Map<string, number> {
  const out = new Map<string, number>();
  const add = (name: string, weight: number) => out.set(name, (out.get(name) ?? 0) + weight);
  const words = (text: string) => {
    for (const word of tokenize(text).words) if (word.length > 1 || /\p{Script=Han}/u.test(word)) add(`w:${word}`, FIELD_WEIGHT.w);
  };
  words(item.title);
  for (const category of item.categories ?? []) add(`c:${category.toLowerCase()}`, FIELD_WEIGHT.c);
  if (typeof item.price === 'number' && item.price > 0) add(`p:${Math.floor(Math.log2(item.price))}`, FIELD_WEIGHT.p);
  for (const [key, value] of Object.entries(item.attributes ?? {})) {
    if (typeof value !== 'string' || value.length === 0 || value.length > 60 || SKIPPED.test(key)) continue;
    if (key.startsWith('title')) words(value);
    else add(`a:${key.toLowerCase()}=${value.toLowerCase()}`, FIELD_WEIGHT.a);
  }
  return out;
}

/**
 * TF-IDF vectors of a catalog: weight = field weight x (1 + log tf) x log(N / df), L2-normalised.
 * Features carried by more than `maxShare` of the items (default 0.2) are dropped: they say
 * little and would make the neighbour search quadratic.
 *
 * @example
 * const vectors = itemVectors(catalogItems);
 */
export function itemVectors(items: Iterable<ContentItem>, maxShare = 0.2): ItemVectors {
  const ids: string[] = [];
  const raw: Array<Map<string, number>> = [];
  const df = new Map<string, number>();
  for (const item of items) {
    const features = itemFeatures(item);
    ids.push(item.id);
    raw.push(features);
    for (const name of features.keys()) df.set(name, (df.get(name) ?? 0) + 1);
  }
  const n = ids.length;
  const index = new Map<string, number>();
  const features: string[] = [];
  for (const [name, count] of df) {
    if (count > Math.max(1, maxShare * n) || n < 2) continue;
    index.set(name, features.length);
    features.push(name);
  }
  const vectors = raw.map((map) => {
    const entries: Array<[number, number]> = [];
    for (const [name, tf] of map) {
      const at = index.get(name);
      if (at === undefined) continue;
      entries.push([at, (1 + Math.log(tf)) * Math.log(n / df.get(name)!)]);
    }
    entries.sort((a, b) => a[0] - b[0]);
    const norm = Math.sqrt(entries.reduce((sum, [, w]) => sum + w * w, 0)) || 1;
    return { features: Int32Array.from(entries, ([f]) => f), weights: Float32Array.from(entries, ([, w]) => w / norm) };
  });
  return { ids, vectors, features };
}

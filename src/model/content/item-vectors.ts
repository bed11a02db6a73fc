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

/**
 * Item vectors over one feature vocabulary, packed row after row (CSR): item `i`'s features are
 * `featureIds[offsets[i] .. offsets[i + 1])`, ascending, with their `weights`. About 8 bytes per
 * item feature, never an object per item.
 */
export interface ItemVectors {
  ids: string[];
  offsets: Int32Array;
  featureIds: Int32Array;
  weights: Float32Array;
  /** Feature names by index (`w:` title word, `c:` category, `p:` price band, `a:` attribute). */
  features: string[];
}

/** Item `i`'s vector (views into the packed arrays, no copy). */
export function vectorAt(vectors: ItemVectors, i: number): SparseVector {
  const from = vectors.offsets[i]!;
  const to = vectors.offsets[i + 1]!;
  return { features: vectors.featureIds.subarray(from, to), weights: vectors.weights.subarray(from, to) };
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
 * little and would make the neighbour search quadratic. One pass over the items; what is held
 * is the packed vectors (8 bytes per item feature) and the vocabulary, one item's features at a time.
 *
 * @example
 * const vectors = itemVectors(catalogItems);
 */
export function itemVectors(items: Iterable<ContentItem>, maxShare = 0.2): ItemVectors {
  const ids: string[] = [];
  const vocabulary = new Map<string, number>();
  let df = new Int32Array(1024);
  let featureIds = new Int32Array(4096);
  let weights = new Float32Array(4096);
  const ends: number[] = [];
  let nnz = 0;
  for (const item of items) {
    const features = itemFeatures(item);
    if (nnz + features.size > featureIds.length) {
      const size = Math.max(2 * featureIds.length, nnz + features.size);
      featureIds = grown(featureIds, size, Int32Array);
      weights = grown(weights, size, Float32Array);
    }
    for (const [name, tf] of features) {
      let f = vocabulary.get(name);
      if (f === undefined) {
        vocabulary.set(name, (f = vocabulary.size));
        if (f >= df.length) df = grown(df, 2 * df.length, Int32Array);
      }
      df[f]!++;
      featureIds[nnz] = f;
      weights[nnz++] = tf;
    }
    ids.push(item.id);
    ends.push(nnz);
  }
  const n = ids.length;
  const kept = new Int32Array(vocabulary.size).fill(-1);
  const features: string[] = [];
  for (const [name, f] of vocabulary) {
    if (df[f]! > Math.max(1, maxShare * n) || n < 2) continue;
    kept[f] = features.length;
    features.push(name);
  }
  const offsets = new Int32Array(n + 1);
  let out = 0;
  let from = 0;
  const entries: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    entries.length = 0;
    for (let at = from; at < ends[i]!; at++) {
      const f = featureIds[at]!;
      if (kept[f]! >= 0) entries.push([kept[f]!, (1 + Math.log(weights[at]!)) * Math.log(n / df[f]!)]);
    }
    from = ends[i]!;
    entries.sort((a, b) => a[0] - b[0]);
    const norm = Math.sqrt(entries.reduce((sum, [, w]) => sum + w * w, 0)) || 1;
    for (const [f, w] of entries) {
      featureIds[out] = f;
      weights[out++] = w / norm;
    }
    offsets[i + 1] = out;
  }
  return { ids, offsets, featureIds: featureIds.slice(0, out), weights: weights.slice(0, out), features };
}

function grown<T extends Int32Array | Float32Array>(array: T, size: number, Type: { new (size: number): T }): T {
  const next = new Type(size);
  next.set(array);
  return next;
}

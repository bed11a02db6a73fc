/**
 * The baseline: plain BM25 (k1 1.2, b 0.75) over an item's title and categories as one field,
 * words lowercased and split on non-alphanumerics, no stemming, synonyms, prefixes or typos;
 * any query word may match (OR), ties by id.
 */
import type { IndexableItem } from '../analyzed-item.ts';

const K1 = 1.2;
const B = 0.75;
const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** A BM25 index of a catalog; `search` returns the ids of the best `k`. */
export function bm25Index(items: readonly IndexableItem[]) {
  const postings = new Map<string, [number, number][]>();
  const lengths = items.map((item, doc) => {
    const terms = words(`${item.title} ${item.categories.join(' ')}`);
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [t, n] of tf) postings.set(t, [...(postings.get(t) ?? []), [doc, n]]);
    return terms.length;
  });
  const avg = lengths.reduce((s, n) => s + n, 0) / Math.max(1, lengths.length);
  return {
    search(q: string, k: number): string[] {
      const scores = new Map<number, number>();
      for (const term of new Set(words(q))) {
        const list = postings.get(term) ?? [];
        const idf = Math.log(1 + (items.length - list.length + 0.5) / (list.length + 0.5));
        for (const [doc, tf] of list) {
          const norm = tf + K1 * (1 - B + (B * lengths[doc]!) / avg);
          scores.set(doc, (scores.get(doc) ?? 0) + (idf * tf * (K1 + 1)) / norm);
        }
      }
      return [...scores.entries()]
        .sort((a, b) => b[1] - a[1] || (items[a[0]]!.id < items[b[0]]!.id ? -1 : 1))
        .slice(0, k)
        .map(([doc]) => items[doc]!.id);
    },
  };
}

/**
 * A query that matches nothing (even with prefixes and typos) still gets a page: the items
 * closest by content (vocabulary terms sharing most character trigrams with the query's
 * words, or its Chinese characters), then what is trending in the category those items (or
 * the shopper's interests) point to. Every item says which of the two it is.
 */
import type { PlannedSlot } from './match.ts';
import type { Vocabulary } from './expand.ts';
import type { DocView, Hit } from './rank.ts';

const CLOSEST_TERMS = 3;
const MIN_SIMILARITY = 0.3;
const trigramIndexes = new WeakMap<Vocabulary, Map<string, number[]>>();

/** The query re-planned on the nearest terms by content (trigram Dice for words, unigrams for Chinese). */
export function closestPlan(plan: readonly PlannedSlot[], vocab: Vocabulary): PlannedSlot[] {
  return plan.map((slot) => {
    if (slot.grams) {
      const chars = [...slot.surface].map((ch) => `1:${ch}`).filter((t) => vocab.index.has(t));
      return { ...slot, grams: undefined, alternatives: chars.map((term) => ({ term, weight: 0.5 / chars.length })) };
    }
    return { ...slot, alternatives: nearestTerms(slot.surface, vocab).map((term) => ({ term, weight: 0.5 })) };
  });
}

/** Vocabulary terms most similar to a word by character trigrams. */
export function nearestTerms(word: string, vocab: Vocabulary): string[] {
  const own = trigrams(word);
  if (own.length === 0) return [];
  const index = trigramIndex(vocab);
  const shared = new Map<number, number>();
  for (const gram of new Set(own)) for (const t of index.get(gram) ?? []) shared.set(t, (shared.get(t) ?? 0) + 1);
  return [...shared.entries()]
    .map(([k, n]): [number, number] => [k, (2 * n) / (own.length + trigrams(vocab.keys[k]!).length)])
    .filter(([, dice]) => dice >= MIN_SIMILARITY)
    .sort((a, b) => b[1] - a[1])
    .map(([k]) => vocab.keyTerms[k]!)
    .filter((term, i, all) => all.indexOf(term) === i)
    .slice(0, CLOSEST_TERMS);
}

/** The `limit` most popular available items of a category (all categories when none) that `accept` takes, best first, as trending hits. */
export function trendingIn(
  docs: DocView,
  count: number,
  category: string | undefined,
  exclude: ReadonlySet<number>,
  limit: number,
  accept: (doc: number) => boolean = () => true,
): Hit[] {
  const best: Hit[] = [];
  const wanted = category ? (docs.categoryOf(category) ?? -1) : undefined;
  const before = (a: Hit, b: Hit) => a.score > b.score || (a.score === b.score && a.doc < b.doc);
  for (let doc = 0; doc < count && limit > 0; doc++) {
    const score = docs.popularity(doc);
    if (best.length === limit && score <= best[limit - 1]!.score) continue;
    if (exclude.has(doc) || (wanted !== undefined && !docs.cats(doc).includes(wanted)) || !docs.available(doc) || !accept(doc)) continue;
    const hit: Hit = { doc, score, reason: { kind: 'trending', category } };
    let at = best.length;
    while (at > 0 && before(hit, best[at - 1]!)) at--;
    best.splice(at, 0, hit);
    if (best.length > limit) best.pop();
  }
  return best;
}

/** The category most of the closest items share (their most general one, so that trending has room), else the shopper's favourite. */
export function guessCategory(closest: readonly Hit[], docs: DocView, favourite: string | undefined): string | undefined {
  const votes = new Map<string, number>();
  for (const hit of closest) {
    const leaf = docs.categories(hit.doc)[0];
    if (leaf) votes.set(leaf, (votes.get(leaf) ?? 0) + 1);
  }
  return [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? favourite;
}

function trigramIndex(vocab: Vocabulary): Map<string, number[]> {
  let index = trigramIndexes.get(vocab);
  if (index) return index;
  index = new Map();
  vocab.keys.forEach((key, k) => {
    if (!/^[a-z]/.test(key)) return;
    for (const gram of new Set(trigrams(key))) {
      const list = index!.get(gram);
      if (list) list.push(k);
      else index!.set(gram, [k]);
    }
  });
  trigramIndexes.set(vocab, index);
  return index;
}

function trigrams(word: string): string[] {
  const padded = ` ${word} `;
  const out: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
  return out;
}

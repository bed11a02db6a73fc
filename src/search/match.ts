/**
 * Text matching: the query's slots, each with the terms it may match (itself, prefixes,
 * typos), scored against the postings' precomputed impacts and against fresh items
 * (catalog changes since the build, scored with the same BM25F and the index's statistics).
 */
import type { SynonymMap } from '../text/synonyms.ts';
import { querySlots, type QuerySlot } from './analyze.ts';
import type { AnalyzedItem } from './analyzed-item.ts';
import { IMPACT_SCALE, idf, impact } from './bm25f.ts';
import type { SearchHead } from './build-index.ts';
import { type Alternative, alternatives, type Vocabulary } from './expand.ts';

/** A query slot with the terms it may match. */
export interface PlannedSlot extends QuerySlot {
  alternatives: Alternative[];
}

/** Plans a query against a vocabulary: slots and their alternatives. */
export function planQuery(query: string, synonyms: SynonymMap, vocab: Vocabulary): PlannedSlot[] {
  return querySlots(query, synonyms).map((slot) => ({ ...slot, alternatives: alternatives(slot, vocab) }));
}

/** Terms of fresh items (unknown to the vocabulary) that the word being typed begins. */
function freshPrefixes(slot: PlannedSlot, view: IndexView, offer: (doc: number, score: number) => void): void {
  view.fresh.forEach((item, i) => {
    for (const term in item.tf) {
      if (term === slot.term || !term.startsWith(slot.surface) || view.vocab.index.has(term)) continue;
      offer(-(i + 1), impact(item.tf[term]!, item.lengths, view.head.avgLengths, idf(view.head.ids.length, 1)));
    }
  });
}

/** Every term a plan may read postings of. */
export function plannedTerms(plan: readonly PlannedSlot[]): string[] {
  return [...new Set(plan.flatMap((s) => [...s.alternatives.map((a) => a.term), ...(s.grams ?? [])]))];
}

/** What matching reads: the head, the postings of the planned terms, the fresh items. */
export interface IndexView {
  head: SearchHead;
  vocab: Vocabulary;
  /** Flat `[doc, impact, ...]` of a term, or undefined. */
  postings(term: string): readonly number[] | undefined;
  /** Items changed since the build (they replace the indexed item of the same id). */
  fresh: readonly AnalyzedItem[];
  /** Head ids -> document number. */
  docOf: ReadonlyMap<string, number>;
}

/** A matched document: base documents are numbers >= 0, fresh items `-(i + 1)`. */
export interface TextMatch {
  doc: number;
  /** Text relevance: sum over slots of the best alternative's impact (score units). */
  text: number;
  /** Share of the query's slot weight matched, in [0, 1]. */
  coverage: number;
  /** The exact term of each matched slot was found (no prefix or typo needed). */
  exact: boolean;
}

/**
 * Scores every document matching at least one slot.
 *
 * @example matchQuery(planQuery('green tea', NO_SYNONYMS, view.vocab), view)
 */
export function matchQuery(plan: readonly PlannedSlot[], view: IndexView): TextMatch[] {
  const masked = new Set<number>();
  for (const item of view.fresh) {
    const doc = view.docOf.get(item.id);
    if (doc !== undefined) masked.add(doc);
  }
  const totalWeight = plan.reduce((sum, s) => sum + s.weight, 0) || 1;
  const text = new Map<number, number>();
  const covered = new Map<number, number>();
  const inexact = new Set<number>();
  const docCount = view.head.ids.length;
  for (const slot of plan) {
    const best = new Map<number, [number, boolean]>();
    const offer = (doc: number, score: number, exact: boolean) => {
      const seen = best.get(doc);
      if (!seen || seen[0] < score) best.set(doc, [score, exact]);
    };
    const scan = (term: string, visit: (doc: number, score: number) => void) => {
      const list = view.postings(term);
      if (list) for (let i = 0; i < list.length; i += 2) if (!masked.has(list[i]!)) visit(list[i]!, list[i + 1]!);
      const position = view.vocab.index.get(term);
      const termIdf = idf(docCount, position === undefined ? 1 : view.vocab.df[position]!);
      view.fresh.forEach((item, i) => {
        const tf = item.tf[term];
        if (tf) visit(-(i + 1), impact(tf, item.lengths, view.head.avgLengths, termIdf));
      });
    };
    for (const alt of slot.alternatives) scan(alt.term, (doc, score) => offer(doc, alt.weight * score, alt.weight === 1));
    if (slot.prefix) freshPrefixes(slot, view, (doc, score) => offer(doc, 0.9 * score, false));
    if (slot.grams) {
      const sums = new Map<number, [number, number]>();
      for (const gram of slot.grams) {
        scan(gram, (doc, score) => {
          const seen = sums.get(doc);
          if (seen) {
            seen[0] += score;
            seen[1]++;
          } else sums.set(doc, [score, 1]);
        });
      }
      for (const [doc, [sum, count]] of sums) if (count === slot.grams.length) offer(doc, sum / count, true);
    }
    for (const [doc, [score, exact]] of best) {
      text.set(doc, (text.get(doc) ?? 0) + (slot.weight * score) / IMPACT_SCALE);
      covered.set(doc, (covered.get(doc) ?? 0) + slot.weight);
      if (!exact) inexact.add(doc);
    }
  }
  return [...text.entries()].map(([doc, score]) => ({
    doc,
    text: score,
    coverage: Math.min(1, covered.get(doc)! / totalWeight),
    exact: !inexact.has(doc),
  }));
}

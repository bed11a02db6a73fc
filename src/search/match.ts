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
  postings(term: string): ArrayLike<number> | undefined;
  /** Items changed since the build (they replace the indexed item of the same id). */
  fresh: readonly AnalyzedItem[];
  /** Head ids -> document number. */
  docOf: ReadonlyMap<string, number>;
}

/**
 * The matched documents, as parallel columns (a large catalog matches tens of thousands of
 * items for a common word; objects per match would cost more than the scoring). Base
 * documents are numbers >= 0, fresh items `-(i + 1)`.
 */
export interface TextMatches {
  count: number;
  docs: Int32Array;
  /** Text relevance: sum over slots of the best alternative's impact (score units). */
  text: Float64Array;
  /** Share of the query's slot weight matched, in [0, 1]. */
  coverage: Float64Array;
  /** 1 when the exact term of each matched slot was found (no prefix or typo needed). */
  exact: Uint8Array;
}

/** Per-document accumulators reused by every query of an isolate (matching is synchronous). */
interface Scratch {
  text: Float64Array;
  covered: Float64Array;
  inexact: Uint8Array;
  touched: Int32Array;
  slot: Float64Array;
  slotExact: Uint8Array;
  slotTouched: Int32Array;
  gramSum: Float64Array;
  gramCount: Uint16Array;
  gramTouched: Int32Array;
}
let scratch: Scratch | undefined;

function scratchFor(n: number): Scratch {
  if (scratch && scratch.text.length >= n) return scratch;
  const size = Math.max(n, 1);
  scratch = {
    text: new Float64Array(size),
    covered: new Float64Array(size),
    inexact: new Uint8Array(size),
    touched: new Int32Array(size),
    slot: new Float64Array(size),
    slotExact: new Uint8Array(size),
    slotTouched: new Int32Array(size),
    gramSum: new Float64Array(size),
    gramCount: new Uint16Array(size),
    gramTouched: new Int32Array(size),
  };
  return scratch;
}

/**
 * Scores every document matching at least one slot: per slot the best alternative (exact,
 * prefix, typo, or all of a Chinese word's n-grams), summed over slots. Base documents are
 * accumulated in typed arrays indexed by document; fresh items (at most a few hundred) in maps.
 *
 * @example matchQuery(planQuery('green tea', NO_SYNONYMS, view.vocab), view)
 */
export function matchQuery(plan: readonly PlannedSlot[], view: IndexView): TextMatches {
  const docCount = view.head.ids.length;
  const s = scratchFor(docCount);
  const masked = new Uint8Array(view.fresh.length ? docCount : 0);
  for (const item of view.fresh) {
    const doc = view.docOf.get(item.id);
    if (doc !== undefined) masked[doc] = 1;
  }
  const totalWeight = plan.reduce((sum, slot) => sum + slot.weight, 0) || 1;
  let touched = 0;
  const freshText = new Map<number, [number, number, boolean]>();
  for (const slot of plan) {
    let slotTouched = 0;
    const freshBest = new Map<number, [number, boolean]>();
    const offer = (doc: number, score: number, exact: boolean) => {
      if (doc < 0) {
        const seen = freshBest.get(doc);
        if (!seen || seen[0] < score) freshBest.set(doc, [score, exact]);
        return;
      }
      const before = s.slot[doc]!;
      if (before === 0) s.slotTouched[slotTouched++] = doc;
      if (before < score) {
        s.slot[doc] = score;
        s.slotExact[doc] = exact ? 1 : 0;
      }
    };
    const freshScan = (term: string, visit: (doc: number, score: number) => void) => {
      if (view.fresh.length === 0) return;
      const position = view.vocab.index.get(term);
      const termIdf = idf(docCount, position === undefined ? 1 : view.vocab.df[position]!);
      view.fresh.forEach((item, i) => {
        const tf = item.tf[term];
        if (tf) visit(-(i + 1), impact(tf, item.lengths, view.head.avgLengths, termIdf));
      });
    };
    for (const alt of slot.alternatives) {
      const list = view.postings(alt.term);
      const exact = alt.weight === 1;
      if (list) {
        for (let i = 0; i < list.length; i += 2) {
          const doc = list[i]!;
          if (masked.length && masked[doc]) continue;
          const score = alt.weight * list[i + 1]!;
          const before = s.slot[doc]!;
          if (before === 0) s.slotTouched[slotTouched++] = doc;
          if (before < score) {
            s.slot[doc] = score;
            s.slotExact[doc] = exact ? 1 : 0;
          }
        }
      }
      freshScan(alt.term, (doc, score) => offer(doc, alt.weight * score, exact));
    }
    if (slot.prefix) freshPrefixes(slot, view, (doc, score) => offer(doc, 0.9 * score, false));
    if (slot.grams) {
      let gramTouched = 0;
      const freshSums = new Map<number, [number, number]>();
      for (const gram of slot.grams) {
        const list = view.postings(gram);
        if (list) {
          for (let i = 0; i < list.length; i += 2) {
            const doc = list[i]!;
            if (masked.length && masked[doc]) continue;
            if (s.gramCount[doc] === 0) s.gramTouched[gramTouched++] = doc;
            s.gramSum[doc]! += list[i + 1]!;
            s.gramCount[doc]!++;
          }
        }
        freshScan(gram, (doc, score) => {
          const seen = freshSums.get(doc);
          if (seen) {
            seen[0] += score;
            seen[1]++;
          } else freshSums.set(doc, [score, 1]);
        });
      }
      const needed = slot.grams.length;
      for (let i = 0; i < gramTouched; i++) {
        const doc = s.gramTouched[i]!;
        if (s.gramCount[doc] === needed) offer(doc, s.gramSum[doc]! / needed, true);
        s.gramSum[doc] = 0;
        s.gramCount[doc] = 0;
      }
      for (const [doc, [sum, count]] of freshSums) if (count === needed) offer(doc, sum / count, true);
    }
    for (let i = 0; i < slotTouched; i++) {
      const doc = s.slotTouched[i]!;
      if (s.covered[doc] === 0) s.touched[touched++] = doc;
      s.text[doc]! += (slot.weight * s.slot[doc]!) / IMPACT_SCALE;
      s.covered[doc]! += slot.weight;
      if (!s.slotExact[doc]) s.inexact[doc] = 1;
      s.slot[doc] = 0;
      s.slotExact[doc] = 0;
    }
    for (const [doc, [score, exact]] of freshBest) {
      const seen = freshText.get(doc) ?? [0, 0, true];
      freshText.set(doc, [seen[0] + (slot.weight * score) / IMPACT_SCALE, seen[1] + slot.weight, seen[2] && exact]);
    }
  }
  const count = touched + freshText.size;
  const out: TextMatches = {
    count,
    docs: new Int32Array(count),
    text: new Float64Array(count),
    coverage: new Float64Array(count),
    exact: new Uint8Array(count),
  };
  for (let i = 0; i < touched; i++) {
    const doc = s.touched[i]!;
    out.docs[i] = doc;
    out.text[i] = s.text[doc]!;
    out.coverage[i] = Math.min(1, s.covered[doc]! / totalWeight);
    out.exact[i] = s.inexact[doc] ? 0 : 1;
    s.text[doc] = 0;
    s.covered[doc] = 0;
    s.inexact[doc] = 0;
  }
  let i = touched;
  for (const [doc, [text, covered, exact]] of freshText) {
    out.docs[i] = doc;
    out.text[i] = text;
    out.coverage[i] = Math.min(1, covered / totalWeight);
    out.exact[i++] = exact ? 1 : 0;
  }
  return out;
}

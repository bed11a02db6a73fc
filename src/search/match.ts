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

/**
 * Accumulators reused by every query of an isolate (matching is synchronous). A matched
 * document gets a position on first touch (`position[doc]`, 1-based), and its sums live at that
 * position in small dense arrays: a query touches a few thousand documents of a large catalog,
 * and spreading their sums over arrays as long as the catalog costs a cache miss per sum.
 */
interface Scratch {
  /** Per base document: its position, 0 when not touched by this query. */
  position: Int32Array;
  /** Per position: the document, text, coverage, whether a slot matched only inexactly. */
  docs: Int32Array;
  text: Float64Array;
  covered: Float64Array;
  inexact: Uint8Array;
  /** Per position, within a slot: the best alternative's impact, its exactness, the slot's stamp. */
  best: Float64Array;
  bestExact: Uint8Array;
  stamp: Int32Array;
  /** Positions touched by the current slot. */
  slotList: Int32Array;
  /** Per position, within a Chinese slot: n-gram impacts summed, n-grams found, stamp. */
  gramSum: Float64Array;
  gramCount: Uint16Array;
  gramStamp: Int32Array;
  gramList: Int32Array;
}
let scratch: Scratch | undefined;

function scratchFor(n: number): Scratch {
  if (scratch && scratch.position.length >= n) return scratch;
  const size = Math.max(n, 1) + 1;
  scratch = {
    position: new Int32Array(size),
    docs: new Int32Array(size),
    text: new Float64Array(size),
    covered: new Float64Array(size),
    inexact: new Uint8Array(size),
    best: new Float64Array(size),
    bestExact: new Uint8Array(size),
    stamp: new Int32Array(size),
    slotList: new Int32Array(size),
    gramSum: new Float64Array(size),
    gramCount: new Uint16Array(size),
    gramStamp: new Int32Array(size),
    gramList: new Int32Array(size),
  };
  return scratch;
}

/** Postings a slot reads (its alternatives' and n-grams' lists). */
function slotPostings(slot: PlannedSlot, view: IndexView): number {
  let n = 0;
  for (const alt of slot.alternatives) n += view.postings(alt.term)?.length ?? 0;
  for (const gram of slot.grams ?? []) n += view.postings(gram)?.length ?? 0;
  return n;
}

/** The largest stored impact of a list (cached per decoded list). */
const maxImpacts = new WeakMap<object, number>();
function maxImpact(list: ArrayLike<number>): number {
  let max = maxImpacts.get(list);
  if (max === undefined) {
    max = 0;
    for (let i = 1; i < list.length; i += 2) if (list[i]! > max) max = list[i]!;
    maxImpacts.set(list, max);
  }
  return max;
}

/**
 * An upper bound of a base document's text relevance for a plan (score units): per slot the
 * largest impact any of its lists holds, summed. Fresh items are not bounded (they are few and
 * always matched in full).
 */
export function textBound(plan: readonly PlannedSlot[], view: IndexView): number {
  let bound = 0;
  for (const slot of plan) {
    let best = 0;
    for (const alt of slot.alternatives) {
      const list = view.postings(alt.term);
      if (list) best = Math.max(best, alt.weight * maxImpact(list));
    }
    for (const gram of slot.grams ?? []) {
      const list = view.postings(gram);
      if (list) best = Math.max(best, maxImpact(list));
    }
    bound += (slot.weight * best) / IMPACT_SCALE;
  }
  return bound;
}

/**
 * Scores the documents matching a plan: per slot the best alternative (exact, prefix, typo, or
 * all of a Chinese word's n-grams), summed over slots. Base documents are accumulated in typed
 * arrays (see {@link Scratch}); fresh items (at most a few hundred) in maps.
 *
 * `any` (default): every document matching at least one slot. `every`: only the base documents
 * matching every slot (the candidates are the documents of the slot with the fewest postings;
 * the other slots' postings of other documents cost one read each), and every fresh item
 * matching any slot; what it finds is scored exactly as `any` scores it.
 *
 * @example matchQuery(planQuery('green tea', NO_SYNONYMS, view.vocab), view)
 */
export function matchQuery(plan: readonly PlannedSlot[], view: IndexView, mode: 'any' | 'every' = 'any'): TextMatches {
  const docCount = view.head.ids.length;
  const { position, docs, text, covered, inexact, best, bestExact, stamp, slotList, gramSum, gramCount, gramStamp, gramList } = scratchFor(docCount);
  const masked = new Uint8Array(view.fresh.length ? docCount : 0);
  for (const item of view.fresh) {
    const doc = view.docOf.get(item.id);
    if (doc !== undefined) masked[doc] = 1;
  }
  const hasMask = masked.length > 0;
  let count = 0;
  const touch = (doc: number) => {
    const p = ++count;
    position[doc] = p;
    docs[p] = doc;
    text[p] = 0;
    covered[p] = 0;
    inexact[p] = 0;
    stamp[p] = 0;
    gramStamp[p] = 0;
    return p;
  };
  const every = mode === 'every' && plan.length > 0;
  if (every) {
    // The documents in any list of the slot with the fewest postings are the only ones that may match every slot.
    let fewest = Infinity;
    let seed = plan[0]!;
    for (const slot of plan) {
      const n = slotPostings(slot, view);
      if (n < fewest) [fewest, seed] = [n, slot];
    }
    for (const term of [...seed.alternatives.map((a) => a.term), ...(seed.grams ?? [])]) {
      const list = view.postings(term);
      if (list) for (let i = 0; i < list.length; i += 2) if (position[list[i]!] === 0 && !(hasMask && masked[list[i]!])) touch(list[i]!);
    }
  }
  const totalWeight = plan.reduce((sum, slot) => sum + slot.weight, 0) || 1;
  const freshText = new Map<number, [number, number, boolean]>();
  try {
    plan.forEach((slot, t) => {
      const slotStamp = t + 1;
      let slotCount = 0;
      const freshBest = new Map<number, [number, boolean]>();
      const offer = (p: number, score: number, exact: boolean) => {
        if (stamp[p] !== slotStamp) {
          stamp[p] = slotStamp;
          slotList[slotCount++] = p;
          best[p] = score;
          bestExact[p] = exact ? 1 : 0;
        } else if (best[p]! < score) {
          best[p] = score;
          bestExact[p] = exact ? 1 : 0;
        }
      };
      const offerFresh = (doc: number, score: number, exact: boolean) => {
        const seen = freshBest.get(doc);
        if (!seen || seen[0] < score) freshBest.set(doc, [score, exact]);
      };
      const freshScan = (term: string, visit: (doc: number, score: number) => void) => {
        if (view.fresh.length === 0) return;
        const at = view.vocab.index.get(term);
        const termIdf = idf(docCount, at === undefined ? 1 : view.vocab.df[at]!);
        view.fresh.forEach((item, i) => {
          const tf = item.tf[term];
          if (tf) visit(-(i + 1), impact(tf, item.lengths, view.head.avgLengths, termIdf));
        });
      };
      for (const alt of slot.alternatives) {
        const list = view.postings(alt.term);
        const exact = alt.weight === 1;
        const exactFlag = exact ? 1 : 0;
        if (list) {
          for (let i = 0; i < list.length; i += 2) {
            const doc = list[i]!;
            let p = position[doc]!;
            if (p === 0) {
              if (every || (hasMask && masked[doc])) continue;
              p = touch(doc);
            }
            const score = alt.weight * list[i + 1]!;
            if (stamp[p] !== slotStamp) {
              stamp[p] = slotStamp;
              slotList[slotCount++] = p;
              best[p] = score;
              bestExact[p] = exactFlag;
            } else if (best[p]! < score) {
              best[p] = score;
              bestExact[p] = exactFlag;
            }
          }
        }
        freshScan(alt.term, (doc, score) => offerFresh(doc, alt.weight * score, exact));
      }
      if (slot.prefix) freshPrefixes(slot, view, (doc, score) => offerFresh(doc, 0.9 * score, false));
      if (slot.grams) {
        let gramTouched = 0;
        const freshSums = new Map<number, [number, number]>();
        for (const gram of slot.grams) {
          const list = view.postings(gram);
          if (list) {
            for (let i = 0; i < list.length; i += 2) {
              const doc = list[i]!;
              let p = position[doc]!;
              if (p === 0) {
                if (every || (hasMask && masked[doc])) continue;
                p = touch(doc);
              }
              if (gramStamp[p] !== slotStamp) {
                gramStamp[p] = slotStamp;
                gramList[gramTouched++] = p;
                gramSum[p] = 0;
                gramCount[p] = 0;
              }
              gramSum[p]! += list[i + 1]!;
              gramCount[p]!++;
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
          const p = gramList[i]!;
          if (gramCount[p] === needed) offer(p, gramSum[p]! / needed, true);
        }
        for (const [doc, [sum, n]] of freshSums) if (n === needed) offerFresh(doc, sum / n, true);
      }
      for (let i = 0; i < slotCount; i++) {
        const p = slotList[i]!;
        text[p]! += (slot.weight * best[p]!) / IMPACT_SCALE;
        covered[p]! += slot.weight;
        if (!bestExact[p]) inexact[p] = 1;
      }
      for (const [doc, [score, exact]] of freshBest) {
        const seen = freshText.get(doc) ?? [0, 0, true];
        freshText.set(doc, [seen[0] + (slot.weight * score) / IMPACT_SCALE, seen[1] + slot.weight, seen[2] && exact]);
      }
    });
  } finally {
    for (let p = 1; p <= count; p++) position[docs[p]!] = 0;
  }
  // Touched documents that no slot matched (an incomplete set of n-grams), or not every slot in `every` mode, are left out.
  const least = every ? totalWeight - 1e-9 : Number.MIN_VALUE;
  let kept = 0;
  for (let p = 1; p <= count; p++) if (covered[p]! >= least) kept++;
  const size = kept + freshText.size;
  const out: TextMatches = {
    count: size,
    docs: new Int32Array(size),
    text: new Float64Array(size),
    coverage: new Float64Array(size),
    exact: new Uint8Array(size),
  };
  let i = 0;
  for (let p = 1; p <= count; p++) {
    if (covered[p]! < least) continue;
    out.docs[i] = docs[p]!;
    out.text[i] = text[p]!;
    out.coverage[i] = Math.min(1, covered[p]! / totalWeight);
    out.exact[i++] = inexact[p] ? 0 : 1;
  }
  for (const [doc, [sum, weight, exact]] of freshText) {
    out.docs[i] = doc;
    out.text[i] = sum;
    out.coverage[i] = Math.min(1, weight / totalWeight);
    out.exact[i++] = exact ? 1 : 0;
  }
  return out;
}

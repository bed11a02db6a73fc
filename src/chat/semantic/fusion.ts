/**
 * Semantic scores fused with the lexical ones: the cosine between the
 * message's vector and each entry's vector (the mean of its phrasings'
 * vectors, computed when the FAQ changes) is added, weighted, to the lexical
 * score of the lexical candidates and of the entries nearest in vector
 * space. Vectors of entries and of the message come from the same model.
 */
import type { FaqIndex } from '../index/faq-index.ts';
import type { Candidate, SearchResult } from '../index/search.ts';
import type { Embedder } from './embedder.ts';

/** One vector per entry of an index version, row-major. */
export interface FaqVectors {
  model: string;
  dims: number;
  /** entries x dims. */
  data: Float32Array;
}

/** Weight of the cosine in the fused score, and how many nearest entries join the lexical candidates. */
export interface FusionTuning {
  weight: number;
  nearest: number;
}

/** Defaults; to be refitted with `eval:faq` against a real account (src/chat/README.md). */
export const DEFAULT_FUSION: FusionTuning = { weight: 1, nearest: 5 };

/** Computes the entry vectors of an index: the normalized mean of the vectors of each entry's phrasings. */
export async function buildFaqVectors(embedder: Embedder, phrasings: readonly (readonly string[])[]): Promise<FaqVectors> {
  return entryVectors(embedder, phrasings, await embedder.embed(phrasings.flat()));
}

/** The entry vectors from the vectors of the phrasings (`vectors`: one per phrasing, in the order of `phrasings.flat()`). */
export function entryVectors(
  embedder: Pick<Embedder, 'model' | 'dims'>,
  phrasings: readonly (readonly string[])[],
  vectors: readonly Float32Array[],
): FaqVectors {
  const data = new Float32Array(phrasings.length * embedder.dims);
  let k = 0;
  phrasings.forEach((list, entry) => {
    const row = data.subarray(entry * embedder.dims, (entry + 1) * embedder.dims);
    for (let j = 0; j < list.length; j++) {
      const v = vectors[k++]!;
      for (let d = 0; d < row.length; d++) row[d]! += v[d]!;
    }
    let norm = 0;
    for (const x of row) norm += x * x;
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < row.length; d++) row[d]! /= norm;
  });
  return { model: embedder.model, dims: embedder.dims, data };
}

/** Cosine of the message vector with every entry (both unit length). */
export function cosines(vectors: FaqVectors, query: Float32Array): Float32Array {
  const entries = vectors.data.length / vectors.dims;
  const out = new Float32Array(entries);
  for (let e = 0; e < entries; e++) {
    let dot = 0;
    const base = e * vectors.dims;
    for (let d = 0; d < vectors.dims; d++) dot += vectors.data[base + d]! * query[d]!;
    out[e] = dot;
  }
  return out;
}

/**
 * Fuses: every lexical candidate and the `nearest` entries by cosine get
 * `lexical + weight x max(0, cosine)`; re-ranked. Entries of another
 * language than asked are left out as in the lexical search. The
 * confidence signals follow the fused best entry.
 */
export function fuseScores(
  index: FaqIndex,
  lexical: SearchResult,
  cos: Float32Array,
  lang: string | null,
  tuning: FusionTuning = DEFAULT_FUSION,
): SearchResult {
  const scores = new Map<number, number>(lexical.candidates.map((c) => [c.entry, c.score]));
  const nearest = [...cos.keys()]
    .filter((e) => !lang || !index.entries[e]!.lang || index.entries[e]!.lang === lang)
    .sort((a, b) => cos[b]! - cos[a]!)
    .slice(0, tuning.nearest);
  for (const e of nearest) if (!scores.has(e)) scores.set(e, 0);
  const candidates: Candidate[] = [...scores].map(([entry, score]) => ({ entry, score: score + tuning.weight * Math.max(0, cos[entry]!) }));
  candidates.sort((a, b) => b.score - a.score);
  return { ...lexical, candidates: candidates.slice(0, 5), signals: signalsFor(lexical, candidates[0]?.entry, cos), fused: true };
}

/**
 * The lexical signals hold for the lexical best entry only: when the fusion
 * puts another entry first, neither lexical channel ranks it first and none
 * of the lexical best phrasings is counted for it. `cosine` is the best entry's.
 */
function signalsFor(lexical: SearchResult, top: number | undefined, cos: Float32Array): SearchResult['signals'] {
  if (!lexical.signals || top === undefined) return lexical.signals;
  const cosine = Math.max(0, cos[top]!);
  if (top === lexical.candidates[0]?.entry) return { ...lexical.signals, cosine };
  return { ...lexical.signals, wordAgrees: false, gramAgrees: false, votes: 0, cosine };
}

/**
 * The baseline every evaluation reports next to the engine: plain word
 * TF-IDF (Segmenter words, lower case, no stemming, no grams, no synonyms),
 * one document per entry (question and alternatives joined), cosine
 * similarity, and one threshold for the handoff.
 */
import { foldCase } from '../../text/normalize.ts';
import type { EvalFaq } from './convert.ts';

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** Cosine below this: the baseline hands over (chosen on the calibration splits). */
export const TFIDF_HANDOFF = 0.29;

function words(text: string): string[] {
  return [...segmenter.segment(foldCase(text))].filter((s) => s.isWordLike).map((s) => s.segment);
}

/** A TF-IDF ranker over whole entries. */
export function buildTfidf(faqs: readonly EvalFaq[]) {
  const docs = faqs.map((faq) => words([faq.question, ...(faq.alternatives ?? [])].join(' ')));
  const df = new Map<string, number>();
  for (const doc of docs) for (const w of new Set(doc)) df.set(w, (df.get(w) ?? 0) + 1);
  const idf = (w: string) => Math.log((1 + docs.length) / (1 + (df.get(w) ?? 0))) + 1;
  const vector = (tokens: string[]) => {
    const v = new Map<string, number>();
    for (const w of tokens) v.set(w, (v.get(w) ?? 0) + 1);
    let norm = 0;
    for (const [w, tf] of v) {
      const x = tf * idf(w);
      v.set(w, x);
      norm += x * x;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [w, x] of v) v.set(w, x / norm);
    return v;
  };
  const vectors = docs.map(vector);
  return (text: string): { entry: number; score: number }[] => {
    const q = vector(words(text));
    return vectors
      .map((v, entry) => {
        let dot = 0;
        for (const [w, x] of q) dot += x * (v.get(w) ?? 0);
        return { entry, score: dot };
      })
      .filter((c) => c.score > 0)
      .sort((a, b) => b.score - a.score);
  };
}

/**
 * Text embeddings for optional semantic matching. `workersAiEmbedder` calls
 * Workers AI (`@cf/baai/bge-m3`, multilingual, 1,024 dimensions) through the
 * `AI` binding; it cannot run locally, so tests and local runs use
 * `hashingEmbedder`, a deterministic STAND-IN (feature hashing of words and
 * character grams) that exercises the same code paths but is not a
 * semantic model. `cachedEmbedder` keeps query vectors per isolate.
 */
import { tokenize } from '../../text/tokenize.ts';

/** Turns texts into unit-length vectors of `dims` numbers. */
export interface Embedder {
  /** Model name, stored with the FAQ vectors (vectors of another model are never compared). */
  readonly model: string;
  readonly dims: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/** The Workers AI model used by default. */
export const WORKERS_AI_MODEL = '@cf/baai/bge-m3';
/** Texts per Workers AI call. */
const BATCH = 100;

/** What the embedder needs of the `AI` binding. */
export interface AiBinding {
  run(model: string, input: { text: string[] }): Promise<unknown>;
}

/**
 * Workers AI embeddings (used only when the `AI` binding is configured).
 *
 * @example const embedder = env.AI ? workersAiEmbedder(env.AI) : undefined;
 */
export function workersAiEmbedder(ai: AiBinding, model = WORKERS_AI_MODEL, dims = 1024): Embedder {
  return {
    model,
    dims,
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += BATCH) {
        const result = (await ai.run(model, { text: texts.slice(i, i + BATCH) as string[] })) as { data?: number[][] };
        if (!Array.isArray(result?.data)) throw new Error(`${model}: no embeddings in the answer`);
        for (const vector of result.data) out.push(unit(Float32Array.from(vector)));
      }
      return out;
    },
  };
}

/**
 * A deterministic STAND-IN embedder for tests and local runs: hashed words
 * and character grams, L2-normalized. Similar wordings get similar vectors;
 * it knows no meaning (paraphrases with other words stay far apart).
 */
export function hashingEmbedder(dims = 256): Embedder {
  return {
    model: `stand-in:hashing-${dims}`,
    dims,
    async embed(texts) {
      return texts.map((text) => {
        const v = new Float32Array(dims);
        const { words, grams } = tokenize(text);
        for (const token of [...words, ...grams]) {
          const h = fnv1a(token);
          v[h % dims]! += h & 0x80000000 ? -1 : 1;
        }
        return unit(v);
      });
    },
  };
}

/** Keeps the last `size` vectors of an embedder per isolate (query vectors repeat: "where is my order"). */
export function cachedEmbedder(inner: Embedder, size = 1000): Embedder {
  const cache = new Map<string, Float32Array>();
  return {
    model: inner.model,
    dims: inner.dims,
    async embed(texts) {
      const missing = [...new Set(texts.filter((t) => !cache.has(t)))];
      if (missing.length) {
        const vectors = await inner.embed(missing);
        missing.forEach((text, i) => cache.set(text, vectors[i]!));
        while (cache.size > size) cache.delete(cache.keys().next().value!);
      }
      return texts.map((t) => {
        const v = cache.get(t)!;
        cache.delete(t);
        cache.set(t, v);
        return v;
      });
    },
  };
}

/** Scales a vector to unit length in place (a zero vector stays zero). */
export function unit(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

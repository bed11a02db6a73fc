/**
 * A file-backed `Embedder` for the evaluation: a STAND-IN for Workers AI
 * (which cannot run locally), serving vectors that a real sentence-embedding
 * model computed beforehand for every phrasing and query of the converted
 * sets (src/chat/README.md, "Semantic matching", says which model and how).
 * The fusion measured with it is the Worker's own (`semantic/`); only where
 * the vectors come from differs.
 *
 * Format: `PREFIX.json` `{ model, dims, texts }` and `PREFIX.f32`, one
 * little-endian Float32 row of `dims` numbers per text, in the same order.
 */
import { readFileSync } from 'node:fs';
import { unit, type Embedder } from '../semantic/embedder.ts';
import type { EvalSet } from './convert.ts';

/** Vectors of known texts, as read from a vector file. */
export interface VectorTable {
  model: string;
  dims: number;
  rows: ReadonlyMap<string, Float32Array>;
}

/** Reads `PREFIX.json` and `PREFIX.f32`. */
export function readVectorFile(prefix: string): VectorTable {
  const header = JSON.parse(readFileSync(`${prefix}.json`, 'utf8')) as { model: string; dims: number; texts: string[] };
  const bytes = readFileSync(`${prefix}.f32`);
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  if (data.length !== header.texts.length * header.dims)
    throw new Error(`${prefix}.f32 holds ${data.length} numbers, not ${header.texts.length} x ${header.dims}`);
  const rows = new Map<string, Float32Array>();
  header.texts.forEach((text, i) => rows.set(text, unit(data.slice(i * header.dims, (i + 1) * header.dims))));
  return { model: `stand-in:${header.model}`, dims: header.dims, rows };
}

/** The phrasings and queries of a set that the table has no vector for. */
export function missingTexts(table: VectorTable, set: EvalSet): string[] {
  const texts = [...set.faqs.flatMap((f) => [f.question, ...(f.alternatives ?? [])]), ...set.queries.map((q) => q.text)];
  return texts.filter((t) => !table.rows.has(t));
}

/**
 * An embedder answering from the table; a text it does not hold is an error
 * (never a silent zero vector).
 *
 * @example const embedder = tableEmbedder(readVectorFile('/tmp/embed/use-en'));
 */
export function tableEmbedder(table: VectorTable): Embedder {
  return {
    model: table.model,
    dims: table.dims,
    async embed(texts) {
      return texts.map((text) => {
        const row = table.rows.get(text);
        if (!row) throw new Error(`no vector for ${JSON.stringify(text.slice(0, 60))} in the vector file`);
        return row;
      });
    },
  };
}

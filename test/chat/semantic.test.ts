import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { buildFaqIndex } from '../../src/chat/index/faq-index.ts';
import { searchFaq } from '../../src/chat/index/search.ts';
import { cachedEmbedder, hashingEmbedder, type Embedder } from '../../src/chat/semantic/embedder.ts';
import { buildFaqVectors, cosines, fuseScores } from '../../src/chat/semantic/fusion.ts';
import { loadFaqVectors, putFaqVectors, semanticSearch } from '../../src/chat/semantic/semantic-search.ts';

const ENTRIES = [
  { id: 'ship', question: 'How much does shipping cost?', alternatives: ['Delivery charges'], answer: 'Free over 50 EUR.', lang: 'en' },
  { id: 'return', question: 'How do I return an item?', alternatives: ['Send my order back'], answer: 'Under Account > Orders.', lang: 'en' },
  { id: 'zh-ship', question: '运费怎么算？', alternatives: ['包邮吗'], answer: '满99元包邮。', lang: 'zh' },
];
const phrasings = ENTRIES.map((e) => [e.question, ...e.alternatives]);

/** A stand-in embedder that maps texts to fixed vectors (a "model" that knows a paraphrase the lexical search cannot). */
function tableEmbedder(table: Record<string, number[]>, calls: string[][] = []): Embedder {
  return {
    model: 'stand-in:table',
    dims: 3,
    async embed(texts) {
      calls.push([...texts]);
      return texts.map((t) => {
        const v = Float32Array.from(table[t] ?? [0, 0, 1]);
        const n = Math.hypot(...v) || 1;
        return v.map((x) => x / n);
      });
    },
  };
}

describe('semantic matching (stand-in embedders; Workers AI cannot run locally)', () => {
  it('the hashing stand-in is deterministic and unit length, similar wordings closer than others', async () => {
    const e = hashingEmbedder(128);
    const [a, b, c] = await e.embed(['where is my parcel', 'where is my parcel?', 'cancel the subscription']);
    expect(Array.from(a!)).toEqual(Array.from((await e.embed(['where is my parcel']))[0]!));
    expect(Math.hypot(...a!)).toBeCloseTo(1, 5);
    const dot = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * y[i]!, 0);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!));
  });

  it('fuses cosines with lexical scores: a paraphrase no word of the FAQ matches finds its entry', async () => {
    const index = buildFaqIndex(ENTRIES, { version: 'v-sem' });
    const message = 'what will postage set me back';
    const table: Record<string, number[]> = { [message]: [1, 0.1, 0] };
    for (const p of phrasings[0]!) table[p] = [1, 0, 0];
    for (const p of phrasings[1]!) table[p] = [0, 1, 0];
    const embedder = tableEmbedder(table);
    const vectors = await buildFaqVectors(embedder, phrasings);
    expect(vectors.data.length).toBe(ENTRIES.length * 3);
    const lexical = searchFaq(index, message, { lang: 'en' });
    expect(lexical.candidates[0]?.entry).not.toBe(0);
    const [query] = await embedder.embed([message]);
    const fused = fuseScores(index, lexical, cosines(vectors, query!), 'en');
    expect(index.entries[fused.candidates[0]!.entry]!.id).toBe('ship');
    expect(fused.candidates.some((c) => index.entries[c.entry]!.lang === 'zh')).toBe(false);
    expect(fused.signals).toMatchObject({ wordAgrees: false, gramAgrees: false, votes: 0, words: lexical.signals!.words });
    expect(fused.signals!.cosine).toBeCloseTo(cosines(vectors, query!)[0]!, 6);
  });

  it('keeps the lexical signals when the fusion leaves the lexical best entry first', async () => {
    const index = buildFaqIndex(ENTRIES, { version: 'v-sem-same' });
    const embedder = tableEmbedder({});
    const vectors = await buildFaqVectors(embedder, phrasings);
    const lexical = searchFaq(index, 'How do I return an item?', { lang: 'en' });
    expect(lexical.signals?.wordAgrees).toBe(true);
    const [query] = await embedder.embed(['How do I return an item?']);
    const fused = fuseScores(index, lexical, cosines(vectors, query!), 'en');
    expect(index.entries[fused.candidates[0]!.entry]!.id).toBe('return');
    expect(fused.signals).toEqual({ ...lexical.signals, cosine: expect.closeTo(1, 6) });
  });

  it('stores the vectors with the index version in KV, caches query vectors, and falls back to lexical', async () => {
    const index = buildFaqIndex(ENTRIES, { version: `v-kv-${crypto.randomUUID()}` });
    const calls: string[][] = [];
    const embedder = cachedEmbedder(tableEmbedder({ 'what will postage set me back': [1, 0, 0], 'How much does shipping cost?': [1, 0, 0] }, calls));
    await putFaqVectors(env.TABLES, index.version, await buildFaqVectors(embedder, phrasings));
    const stored = await env.TABLES.getWithMetadata<{ model: string; dims: number }>(`chat:faq-vectors:${index.version}`, 'arrayBuffer');
    expect(stored.metadata).toEqual({ model: 'stand-in:table', dims: 3 });
    expect(await loadFaqVectors(env.TABLES, index.version, 'another-model')).toBeNull();
    const search = semanticSearch(embedder, (v) => loadFaqVectors(env.TABLES, v, embedder.model));
    const first = await search(index, 'what will postage set me back', 'en');
    expect(index.entries[first.candidates[0]!.entry]!.id).toBe('ship');
    const before = calls.length;
    await search(index, 'what will postage set me back', 'en');
    expect(calls.length).toBe(before);
    const failing: Embedder = { model: 'stand-in:table', dims: 3, embed: async () => Promise.reject(new Error('AI down')) };
    const fallback = await semanticSearch(failing, (v) => loadFaqVectors(env.TABLES, v, 'stand-in:table'))(index, 'How do I return an item?', 'en');
    expect(index.entries[fallback.candidates[0]!.entry]!.id).toBe('return');
  });
});

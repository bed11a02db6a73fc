/**
 * Semantic matching wired to an index version: FAQ vectors are computed
 * when the index is rebuilt and stored next to it in KV
 * (`chat:faq-vectors:<version>`, Float32 binary), restored once per isolate
 * and version; the chat's search embeds the message (cached), fuses the
 * cosines with the lexical scores, and falls back to lexical alone when the
 * vectors or the embedder fail.
 */
import type { FaqIndex } from '../index/faq-index.ts';
import { searchFaq, type SearchResult, type SearchTuning } from '../index/search.ts';
import type { ChatLanguage } from '../../text/normalize.ts';
import type { Embedder } from './embedder.ts';
import { cosines, fuseScores, type FaqVectors, type FusionTuning } from './fusion.ts';

const vectorKey = (version: string) => `chat:faq-vectors:${version}`;
let cached: { version: string; vectors: FaqVectors | null } | null = null;

/** Stores the entry vectors of an index version (and keeps them in this isolate). */
export async function putFaqVectors(kv: KVNamespace, version: string, vectors: FaqVectors): Promise<void> {
  await kv.put(vectorKey(version), vectors.data.buffer as ArrayBuffer, { metadata: { model: vectors.model, dims: vectors.dims } });
  cached = { version, vectors };
}

/** The vectors of an index version (this isolate's copy, else KV); null when there are none for this model. */
export async function loadFaqVectors(kv: KVNamespace, version: string, model: string): Promise<FaqVectors | null> {
  if (cached?.version === version) return cached.vectors?.model === model ? cached.vectors : null;
  const stored = await kv.getWithMetadata<{ model: string; dims: number }>(vectorKey(version), 'arrayBuffer');
  const vectors = stored.value && stored.metadata ? { model: stored.metadata.model, dims: stored.metadata.dims, data: new Float32Array(stored.value) } : null;
  cached = { version, vectors };
  return vectors?.model === model ? vectors : null;
}

/**
 * The chat's search with semantic scores fused in (`searchTuning`: the lexical search's, for experiments).
 *
 * @example answerChat({ index, search: semanticSearch(embedder, (v) => loadFaqVectors(kv, v, embedder.model)) }, turn)
 */
export function semanticSearch(
  embedder: Embedder,
  vectorsOf: (version: string) => Promise<FaqVectors | null>,
  tuning?: FusionTuning,
  searchTuning?: Partial<SearchTuning>,
) {
  return async (index: FaqIndex, message: string, lang: ChatLanguage | null): Promise<SearchResult> => {
    try {
      const vectors = await vectorsOf(index.version);
      if (!vectors || vectors.data.length !== index.entries.length * vectors.dims) return lexicalOnly(index, message, lang, searchTuning);
      const [query] = await embedder.embed([message]);
      return fusedSearch(index, message, query!, vectors, lang, tuning, searchTuning);
    } catch (err) {
      console.error('semantic search failed; lexical only', err);
      return lexicalOnly(index, message, lang, searchTuning);
    }
  };
}

/** The lexical search fused with the cosines of a message vector already computed (the index build's held-out queries reuse their phrasings' vectors). */
export function fusedSearch(
  index: FaqIndex,
  message: string,
  query: Float32Array,
  vectors: FaqVectors,
  lang: string | null,
  tuning?: FusionTuning,
  searchTuning?: Partial<SearchTuning>,
): SearchResult {
  const lexical = searchFaq(index, message, { lang, limit: 20, tuning: searchTuning });
  return fuseScores(index, lexical, cosines(vectors, query), lang, tuning);
}

function lexicalOnly(index: FaqIndex, message: string, lang: ChatLanguage | null, searchTuning?: Partial<SearchTuning>): SearchResult {
  const lexical = searchFaq(index, message, { lang, limit: 20, tuning: searchTuning });
  return { ...lexical, candidates: lexical.candidates.slice(0, 5) };
}

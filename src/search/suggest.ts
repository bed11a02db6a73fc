import type { Env } from '../env.ts';
import { serveDeps } from '../serve/recommend.ts';
import { normalizeQuery } from './analyze.ts';
import { NoSearchIndexError, searchIndex, shownHits } from './serve-search.ts';

/** One completion for the search box. */
export interface Suggestion {
  text: string;
  kind: 'query' | 'item';
  id?: string;
}

/**
 * Completions for what was typed: popular past queries that begin with it (or have a word
 * that does), most searched first, then the titles of the best matches of the text as a prefix.
 * A store failure gives no suggestions rather than an error.
 */
export async function suggest(env: Env, request: { q: string; k: number; lang?: 'en' | 'zh' }): Promise<{ suggestions: Suggestion[]; version: string | null }> {
  const typed = normalizeQuery(request.q);
  try {
    const { result, read, manifest, index } = await searchIndex(serveDeps(env), { q: request.q, filters: {}, k: request.k });
    const queries = completions(index.head.queries, typed, request.k);
    const room = Math.max(0, request.k - queries.length);
    const titles = result.fallback ? [] : shownHits(result.hits.slice(0, room), read, manifest, request.q, request.lang);
    return {
      suggestions: [
        ...queries.map((text): Suggestion => ({ text, kind: 'query' })),
        ...titles.map((t): Suggestion => ({ text: t.title, kind: 'item', id: t.id })),
      ],
      version: manifest.version,
    };
  } catch (err) {
    if (!(err instanceof NoSearchIndexError)) console.error('suggestions unavailable', err);
    return { suggestions: [], version: null };
  }
}

/** Popular queries beginning with `typed`, or with a word beginning with it, most searched first. */
export function completions(queries: readonly [string, number][], typed: string, k: number): string[] {
  if (!typed) return [];
  const starts = queries.filter(([q]) => q.startsWith(typed) && q !== typed);
  const inner = queries.filter(([q]) => !q.startsWith(typed) && q.includes(` ${typed}`));
  return [...starts, ...inner].slice(0, Math.ceil(k / 2)).map(([q]) => q);
}

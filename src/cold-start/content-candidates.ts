/**
 * Neighbours of an item the tables have none for (created after the last rebuild, or never
 * interacted with), computed at request time from its catalog entry: the search index finds
 * the items of its category whose titles share its words (BM25F over title, categories and
 * attributes, with the fresh rows of items written since the build), and, when none do, the
 * popular items of the category.
 */
import type { FreshEntries } from '../catalog/availability.ts';
import type { CatalogEntry } from '../rebuild/catalog-snapshot.ts';
import { searchIndex } from '../search/serve-search.ts';
import type { SearchHit } from '../search/search.ts';
import type { Candidate } from '../serve/rank.ts';
import type { ServeDeps } from '../serve/recommend.ts';

/** Content candidates, and the entries of those the catalog snapshot does not hold (fresh rows). */
export interface ContentMatches {
  candidates: Candidate[];
  entries: Map<string, CatalogEntry>;
}

/**
 * The main title's first characters make the query (a title is short; this bounds a
 * pathological one). The Chinese title is left out: it names the same product, and Chinese
 * query words (matched by their character bigrams) cost several times the CPU of English ones.
 */
const MAX_QUERY_CHARS = 120;

/**
 * Items like `id` by content, best first, scores scaled so the best is `weight`; reasons `alike`
 * (title words in common) or `trending` in the category. Empty when there is no search index or
 * the store fails (the caller fills from its category's trending list).
 */
export async function contentCandidates(deps: ServeDeps, id: string, entry: CatalogEntry, k: number, weight = 0.5): Promise<ContentMatches> {
  const [title, , categories] = entry;
  const category = categories[0];
  const q = title.slice(0, MAX_QUERY_CHARS).trim();
  const found: ContentMatches = { candidates: [], entries: new Map() };
  if (!q) return found;
  let hits: SearchHit[];
  try {
    const { result } = await searchIndex(deps, { q: `${q} `, filters: category ? { category } : {}, k: k + 1 }, { rules: [] });
    hits = result.hits.filter((h) => h.id !== id);
  } catch {
    return found;
  }
  const top = hits.reduce((m, h) => Math.max(m, h.score), 0) || 1;
  for (const hit of hits) {
    const reason = hit.reason.kind === 'trending' ? { kind: 'trending' as const, category } : { kind: 'alike' as const, item: id };
    found.candidates.push({ id: hit.id, score: (weight * Math.max(hit.score, 0)) / top, reason });
    const f = hit.fresh;
    if (f) found.entries.set(hit.id, [f.title, f.price, f.categories, f.available, f.url, f.image, f.titleZh]);
  }
  return found;
}

/**
 * Items written since the build that share a category with the item (the deeper the shared
 * category, the higher), for a category the index does not know yet. Scores up to `weight`.
 */
export function freshInCategory(fresh: FreshEntries, categories: readonly string[], except: string, weight = 1e-4): Candidate[] {
  const found: Candidate[] = [];
  if (categories.length === 0) return found;
  for (const id in fresh) {
    const entry = fresh[id]![1];
    if (id === except || !entry) continue;
    const depth = categories.findLastIndex((c) => entry[2].includes(c));
    if (depth >= 0) found.push({ id, score: (weight * (depth + 1)) / categories.length, reason: { kind: 'category', category: categories[depth]! } });
  }
  return found;
}

/** What a content match depends on besides the item: the table version and the fresh entries (parsed once per value). */
export interface ContentScope {
  version: string;
  fresh: FreshEntries;
}

const MAX_CACHED = 1000;
const cached = new WeakMap<FreshEntries, Map<string, ContentMatches>>();

/**
 * {@link contentCandidates}, kept per isolate while the version and the fresh entries stay the
 * same (many shoppers open the same new product's page; availability and rules still apply
 * when the caller ranks). An empty answer (no index, a failing store) is not kept.
 */
export async function cachedContentCandidates(deps: ServeDeps, id: string, entry: CatalogEntry, k: number, scope: ContentScope): Promise<ContentMatches> {
  let matches = cached.get(scope.fresh);
  if (!matches) cached.set(scope.fresh, (matches = new Map()));
  const key = `${scope.version}\n${id}\n${k}\n${entry[0]}\n${entry[6] ?? ''}\n${entry[2].join('\n')}`;
  const hit = matches.get(key);
  if (hit) return hit;
  const found = await contentCandidates(deps, id, entry, k);
  if (found.candidates.length === 0) return found;
  if (matches.size >= MAX_CACHED) matches.clear();
  matches.set(key, found);
  return found;
}

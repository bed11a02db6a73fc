/**
 * Neighbours of an item the tables have none for (created after the last rebuild, or never
 * interacted with), computed at request time from its catalog entry: the search index's
 * postings find the items of its category whose titles share its words (the precomputed BM25F
 * impacts of its title's terms, {@link matchTitle}); the caller adds the category's trending
 * items and the items written since the build in the same category.
 */
import type { FreshEntries } from '../catalog/availability.ts';
import type { CatalogEntry } from '../rebuild/catalog-snapshot.ts';
import type { Candidate } from '../serve/rank.ts';
import type { ServeDeps } from '../serve/recommend.ts';
import { readMore, readTables } from '../serve/table-reader.ts';
import { matchTitle, missingTermKeys, titleIndex, titleKeys } from './title-match.ts';

/** Content candidates, and the entries of those the catalog snapshot does not hold (none: the index holds snapshot items). */
export interface ContentMatches {
  candidates: Candidate[];
  entries: Map<string, CatalogEntry>;
}

/**
 * The main title's first characters are matched (a title is short; this bounds a pathological
 * one). The Chinese title is left out: it names the same product.
 */
const MAX_QUERY_CHARS = 120;

/**
 * Items like `id` by content, best first, scores scaled so the best is `weight`; reason `alike`
 * (same category, title words in common). Empty when there is no search index, nothing shares
 * a word, or the store fails (the caller fills from its category's trending list).
 */
export async function contentCandidates(deps: ServeDeps, id: string, entry: CatalogEntry, k: number, weight = 0.5): Promise<ContentMatches> {
  const [title, , categories] = entry;
  const text = title.slice(0, MAX_QUERY_CHARS).trim();
  const found: ContentMatches = { candidates: [], entries: new Map() };
  if (!text) return found;
  let hits: [string, number][];
  try {
    let read = await readTables(deps.store, deps.cacheName, [], (m) => titleKeys(m, text), deps.now);
    const manifest = read.manifest;
    const index = manifest && titleIndex(read, manifest);
    if (!manifest || !index) return found;
    read = await readMore(deps.store, deps.cacheName, read, missingTermKeys(index, read, text));
    hits = matchTitle(index, read, text, categories[0], k, id);
  } catch {
    return found;
  }
  const top = hits[0]?.[1] || 1;
  for (const [other, score] of hits) found.candidates.push({ id: other, score: (weight * score) / top, reason: { kind: 'alike', item: id } });
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

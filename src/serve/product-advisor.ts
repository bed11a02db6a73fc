import type { ProductAdvisor } from '../chat/intent.ts';
import type { Env } from '../env.ts';
import type { CatalogEntry } from '../rebuild/catalog-snapshot.ts';
import { readManifest } from '../rebuild/publish.ts';
import { readWholeTable } from '../tables/read-version.ts';
import { findItemByText } from './catalog-search.ts';
import { recommendWith, serveDeps } from './recommend.ts';

/** Catalog snapshots up to this many shards are searched by text; larger shops get trending. */
const SEARCHABLE_SHARDS = 8;

/**
 * The chat's product adviser: finds the item a question names ("something like the wireless
 * earbuds") in the catalog snapshot and answers with it and its similar items, or with
 * recommendations for the chat session (trending for a stranger).
 */
export function productAdvisor(env: Env): ProductAdvisor {
  const deps = serveDeps(env);
  return {
    async recommend({ query, lang, session, limit }) {
      const manifest = await readManifest(deps.store);
      const catalog = manifest && manifest.shards.ct <= SEARCHABLE_SHARDS ? await readWholeTable<CatalogEntry>(deps.store, manifest, 'ct') : undefined;
      const item = catalog ? findItemByText(catalog, query) : undefined;
      const answer = item
        ? await recommendWith(deps, { kind: 'similar', item, k: limit - 1, lang })
        : await recommendWith(deps, { kind: 'for-you', user: session, recent: [], k: limit, lang });
      const named = item && catalog?.get(item);
      const first = named && named[3] ? [{ id: item, title: (lang === 'zh' && named[6]) || named[0], url: named[4] }] : [];
      return [...first, ...answer.items.map((i) => ({ id: i.id, title: i.title, url: i.url }))].slice(0, limit);
    },
  };
}

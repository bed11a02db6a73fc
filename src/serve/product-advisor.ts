import type { ProductAdvisor } from '../chat/intent.ts';
import type { Env } from '../env.ts';
import { adviceQuery } from '../search/advice-query.ts';
import { searchIndex, shownHits } from '../search/serve-search.ts';
import { recommendWith, serveDeps } from './recommend.ts';

const product = ({ id, title, url, price, reason }: { id: string; title: string; url: string | null; price: number | null; reason: string }) => ({
  id,
  title,
  url,
  price,
  reason,
});

/**
 * The chat's product adviser: a product question is a search ("推荐一款绿茶", "有没有抹茶",
 * "something like the espresso machine under 200" with its price bound as a filter),
 * personalised for the chat's shopper (the session id is the shopper id the widget uses).
 * When nothing matches within the price bound, the items similar to the product named that fit
 * it answer ("like the espresso machine, under 200": beans, jugs, kettles). A question that names
 * nothing to search for ("recommend me something") gets the shopper's recommendations; when
 * search has no index yet, recommendations answer too.
 */
export function productAdvisor(env: Env): ProductAdvisor {
  const deps = serveDeps(env);
  return {
    async recommend({ query, lang, session, limit }) {
      const { q, priceMin, priceMax } = adviceQuery(query);
      const bounded = priceMin !== undefined || priceMax !== undefined;
      const inBounds = (price: number | null) => !bounded || (price !== null && price >= (priceMin ?? 0) && price <= (priceMax ?? Infinity));
      if (q && /[\p{L}\p{N}]/u.test(q)) {
        try {
          const asked = { q, user: session, k: limit, lang };
          const { result, read, manifest } = await searchIndex(deps, { ...asked, filters: { priceMin, priceMax } });
          if (result.hits.length && !result.fallback) return shownHits(result.hits, read, manifest, q, lang).map(product);
          const named = bounded ? (await searchIndex(deps, { ...asked, k: 1, filters: {} })).result : undefined;
          const item = named && !named.fallback ? named.hits[0]?.id : undefined;
          if (item) {
            const similar = await recommendWith(deps, { kind: 'similar', item, user: session, k: 100, lang });
            const within = similar.items.filter((i) => inBounds(i.price)).slice(0, limit);
            if (within.length) return within.map(product);
          }
          if (result.hits.length) return shownHits(result.hits, read, manifest, q, lang).map(product);
        } catch (err) {
          console.error('search unavailable for product advice', err);
        }
      }
      const answer = await recommendWith(deps, { kind: 'for-you', user: session, recent: [], k: 3 * limit, lang });
      return answer.items
        .filter((i) => inBounds(i.price))
        .slice(0, limit)
        .map(product);
    },
  };
}

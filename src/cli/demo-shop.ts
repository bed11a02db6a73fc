import { DEMO_FAQ } from '../chat/demo-faq.ts';
import { demoCatalog } from '../demo/catalog.ts';
import { demoBehaviour } from '../demo/shoppers.ts';
import type { EngineClient } from './engine-client.ts';
import type { Keys } from './local-stack.ts';

/** What loading the demo shop stored. */
export interface DemoShopLoaded {
  products: number;
  events: number;
  faqEntries: number;
}

/**
 * Loads the demo shop through the engine's own API: the catalog, four weeks of behaviour
 * ending today (midnight UTC, so a day's runs are identical) and the demo FAQ.
 */
export async function loadDemoShop(engine: EngineClient, keys: Keys): Promise<DemoShopLoaded> {
  const catalog = demoCatalog();
  await engine.putItems(
    catalog.map((p) => p.item),
    keys.admin,
  );
  const until = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  // A bulk import is the shop's backend: the admin key (no rate limit, any shopper).
  const loaded = await engine.postEvents(demoBehaviour(catalog, { until }), keys.admin);
  const faq = await engine.api(keys.admin).PUT('/v1/chat/faqs', { body: { entries: DEMO_FAQ } });
  if (!faq.data) throw new Error(`PUT /v1/chat/faqs: ${faq.response.status} ${JSON.stringify(faq.error)}`);
  return { products: catalog.length, events: loaded.accepted, faqEntries: faq.data.upserted };
}

/** What the engine's catalog holds: nothing, exactly the demo shop, or items of the user's own. */
export type CatalogKind = { kind: 'empty' } | { kind: 'demo'; items: number } | { kind: 'own'; items: number; example: string };

/**
 * Tells an empty catalog, the demo shop and a catalog the user loaded apart (reading item ids a
 * page of 1,000 at a time and stopping at the first one the demo shop does not have).
 */
export async function catalogKind(engine: EngineClient, adminKey: string): Promise<CatalogKind> {
  const demo = new Set(demoCatalog().map((p) => p.item.id));
  let items = 0;
  let after: string | null = '';
  while (after !== null) {
    const page: { items: { id: string }[]; next: string | null } = await engine.request(
      'GET',
      `/v1/items?limit=1000${after ? `&after=${encodeURIComponent(after)}` : ''}`,
      adminKey,
    );
    const own = page.items.find((item) => !demo.has(item.id));
    if (own) return { kind: 'own', items: items + page.items.length, example: own.id };
    items += page.items.length;
    after = page.next;
  }
  return items ? { kind: 'demo', items } : { kind: 'empty' };
}

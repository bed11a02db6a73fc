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
  const faq = await engine.request<{ upserted: number }>('PUT', '/v1/chat/faqs', keys.admin, { entries: DEMO_FAQ });
  return { products: catalog.length, events: loaded.accepted, faqEntries: faq.upserted };
}

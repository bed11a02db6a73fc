import type { CatalogView } from './catalog-view.ts';
import type { Reason } from './rank.ts';

type Lang = 'en' | 'zh';

const TEXT: Record<Lang, Record<Reason['kind'], (what: string) => string>> = {
  en: {
    viewed: (x) => `because you viewed ${x}`,
    bought: (x) => `because you bought ${x}`,
    carted: (x) => `because you added ${x} to your cart`,
    similar: (x) => `similar to ${x}`,
    together: (x) => `bought together with ${x}`,
    alike: (x) => `like ${x}: same category, similar name`,
    trending: (x) => (x ? `trending in ${x}` : 'trending now'),
    category: (x) => `also in ${x}`,
    popular: () => 'popular in the shop',
    pinned: () => 'featured',
    picked: () => 'picked for you',
  },
  zh: {
    viewed: (x) => `因为您浏览过 ${x}`,
    bought: (x) => `因为您购买过 ${x}`,
    carted: (x) => `因为您把 ${x} 加入了购物车`,
    similar: (x) => `与 ${x} 相似`,
    together: (x) => `经常与 ${x} 一起购买`,
    alike: (x) => `与 ${x} 同类且名称相近`,
    trending: (x) => (x ? `${x} 热门` : '当前热门'),
    category: (x) => `同属${x}`,
    popular: () => '店铺热销',
    pinned: () => '精选推荐',
    picked: () => '为您挑选',
  },
};

/**
 * The human reason of a recommendation, in the shop's language ("because you viewed X"). A
 * category is named in that language from the catalog entry of the recommended item (`about`).
 */
export function reasonText(reason: Reason, catalog: CatalogView, lang: Lang = 'en', about?: string): string {
  const text = TEXT[lang][reason.kind];
  if ('item' in reason) return text(catalog.title(reason.item, lang));
  if ('category' in reason) return text(reason.category && about ? catalog.categoryName(about, reason.category, lang) : (reason.category ?? ''));
  return text('');
}

const FROM_HISTORY = new Set<Reason['kind']>(['viewed', 'bought', 'carted']);

/** The reason to show when answers must not name the shopper's history: "picked for you" instead of "because you bought X". */
export function publicReason(reason: Reason): Reason {
  return FROM_HISTORY.has(reason.kind) ? { kind: 'picked' } : reason;
}

import type { SearchReason } from './rank.ts';

type Lang = 'en' | 'zh';

const TEXT: Record<Lang, { [K in SearchReason['kind']]: (q: string, reason: Extract<SearchReason, { kind: K }>) => string }> = {
  en: {
    match: (q, r) => (r.exact ? `matches "${q}"` : `close to "${q}"`),
    clicked: (q) => `often chosen after searching "${q}"`,
    affinity: (q, r) => `matches "${q}", in ${r.category}, which you like`,
    recent: (q) => `matches "${q}", you looked at it recently`,
    suggested: (q) => `matches "${q}", picked for you from what you looked at`,
    popular: () => 'popular in the shop',
    closest: (q) => `no exact match: closest to "${q}"`,
    trending: (_, r) => (r.category ? `no exact match: trending in ${r.category}` : 'no exact match: trending now'),
    pinned: () => 'featured',
  },
  zh: {
    match: (q, r) => (r.exact ? `匹配“${q}”` : `与“${q}”相近`),
    clicked: (q) => `搜索“${q}”的顾客常选`,
    affinity: (q, r) => `匹配“${q}”，来自您喜欢的 ${r.category}`,
    recent: (q) => `匹配“${q}”，您最近看过`,
    suggested: (q) => `匹配“${q}”，根据您看过的商品推荐`,
    popular: () => '店铺热销',
    closest: (q) => `没有完全匹配，最接近“${q}”`,
    trending: (_, r) => (r.category ? `没有完全匹配，${r.category} 热门` : '没有完全匹配，当前热门'),
    pinned: () => '精选推荐',
  },
};

/** Why a search result is shown, in the shop's language ('matches "green tea"', 'often chosen after searching ...'). */
export function reasonText(reason: SearchReason, query: string, lang: Lang = 'en'): string {
  const text = TEXT[lang][reason.kind] as (q: string, r: SearchReason) => string;
  return text(query.trim().slice(0, 60), reason);
}

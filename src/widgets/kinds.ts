import type { RecommendKind } from '../serve/types.ts';

/** The kinds a shop can embed as a widget. */
export const WIDGET_KINDS = ['for-you', 'similar', 'bought-together', 'trending'] as const satisfies readonly RecommendKind[];

/** A widget kind. */
export type WidgetKind = (typeof WIDGET_KINDS)[number];

/** Languages a widget speaks. */
export type WidgetLang = 'en' | 'zh';

/** Kinds that show the neighbours of one product and so need `item`. */
export const ITEM_KINDS: ReadonlySet<WidgetKind> = new Set(['similar', 'bought-together']);

/** The heading of each widget, per language. */
export const HEADINGS: Record<WidgetKind, Record<WidgetLang, string>> = {
  'for-you': { en: 'Recommended for you', zh: '为你推荐' },
  similar: { en: 'Similar items', zh: '相似商品' },
  'bought-together': { en: 'Frequently bought together', zh: '经常一起购买' },
  trending: { en: 'Trending now', zh: '热门商品' },
};

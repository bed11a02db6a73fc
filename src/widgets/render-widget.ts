import type { RecommendResponse, RecommendedItem } from '../serve/types.ts';
import { escapeHtml, safeUrl } from './html.ts';
import { HEADINGS, type WidgetKind, type WidgetLang } from './kinds.ts';
import { WIDGET_STYLE } from './widget-style.ts';

/**
 * The HTML fragment of a widget: a heading and one card per item. Every catalog and request
 * string is escaped; links and images keep only http(s) URLs. The root carries the
 * recommendation id (`data-rid`) and each card its item id (`data-item`) for widget.js; a
 * fallback answer is marked with `data-degraded`. Under an experiment the root names it and the
 * arm (`data-experiment`, `data-arm`). An answer without items renders an empty root (no heading
 * over nothing). Prices show in `options.currency` when given (ISO 4217), else as bare numbers.
 *
 * @example
 * renderWidget('similar', 'en', await recommend(env, { kind: 'similar', item: 'sku-1', k: 6 }), { currency: 'EUR' });
 */
export function renderWidget(kind: WidgetKind, lang: WidgetLang, answer: RecommendResponse, options: RenderOptions = {}): string {
  const attributes = [
    `class="ep-widget ep-widget--${kind}"`,
    `lang="${lang}"`,
    `data-kind="${kind}"`,
    `data-rid="${escapeHtml(answer.rid)}"`,
    answer.version === null ? '' : `data-version="${escapeHtml(answer.version)}"`,
    answer.degraded === undefined ? '' : `data-degraded="${escapeHtml(answer.degraded || 'true')}"`,
    answer.items.length === 0 ? 'data-empty=""' : '',
    answer.experiment === undefined ? '' : `data-experiment="${escapeHtml(answer.experiment)}" data-arm="${escapeHtml(answer.arm ?? '')}"`,
  ].filter(Boolean);
  if (answer.items.length === 0) return `<div ${attributes.join(' ')}></div>`;
  const format = priceFormat(lang, options.currency);
  const cards = answer.items.map((item) => renderCard(item, format)).join('');
  return (
    `<div ${attributes.join(' ')}><style>${WIDGET_STYLE}</style>` +
    `<h3 class="ep-heading">${escapeHtml(HEADINGS[kind][lang])}</h3>` +
    `<ul class="ep-items">${cards}</ul></div>`
  );
}

/** One product card: a link when the item has a safe URL, a plain box otherwise. */
function renderCard(item: RecommendedItem, format: Intl.NumberFormat): string {
  const id = escapeHtml(item.id);
  const title = escapeHtml(item.title);
  const href = safeUrl(item.url);
  const src = safeUrl(item.image);
  const image = src
    ? `<img class="ep-image" src="${escapeHtml(src)}" alt="${title}" loading="lazy" decoding="async" width="168" height="168">`
    : '<span class="ep-image" role="presentation"></span>';
  const price = item.price === null ? '' : `<span class="ep-price" data-price="${item.price}">${escapeHtml(format.format(item.price))}</span>`;
  const reason = item.reason ? `<span class="ep-reason">${escapeHtml(item.reason)}</span>` : '';
  const body = `${image}<span class="ep-title">${title}</span>${price}${reason}`;
  const card = href ? `<a class="ep-card" href="${escapeHtml(href)}" data-item="${id}">${body}</a>` : `<div class="ep-card" data-item="${id}">${body}</div>`;
  return `<li class="ep-item" data-item="${id}">${card}</li>`;
}

/** How a widget is rendered beyond its answer. */
export interface RenderOptions {
  /** ISO 4217 currency code of the prices (`EUR`, `CNY`); none: a bare number with two decimals. */
  currency?: string;
}

const formats = new Map<string, Intl.NumberFormat>();

/** A price format in the widget's language, with the currency's symbol when one is given (built once per isolate). */
function priceFormat(lang: WidgetLang, currency: string | undefined): Intl.NumberFormat {
  const key = `${lang}:${currency ?? ''}`;
  let format = formats.get(key);
  if (!format) {
    const locale = lang === 'zh' ? 'zh-CN' : 'en-US';
    format = currency
      ? new Intl.NumberFormat(locale, { style: 'currency', currency })
      : new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    formats.set(key, format);
  }
  return format;
}

import { escapeHtml, safeUrl } from '../widgets/html.ts';
import { CAMPAIGN_ITEM_PREFIX } from '../model/events.ts';
import type { PickAnswer } from './pick-campaigns.ts';

const STYLE =
  '.ep-banner{display:flex;gap:12px;align-items:center;padding:12px;border:1px solid #ddd;border-radius:8px;text-decoration:none;color:inherit}' +
  '.ep-banner-image{width:120px;height:auto;border-radius:4px}.ep-banner-title{font-weight:600;display:block}.ep-banner-text{display:block;font-size:.9em}';

/**
 * The `campaign` widget: the first decision as a banner (title, text, image, link), every string
 * escaped and only http(s) URLs kept. The root carries the decision's rid and the banner its
 * `campaign:<id>` item, so `widget.js` reports impressions and clicks through the event API like
 * any widget. No decision: an empty fragment marked `data-empty`.
 *
 * @example
 * renderBanner(await pickCampaigns(db, { user, placement: 'home-top', count: 1 }, { timeZone: 'UTC' }));
 */
export function renderBanner(answer: PickAnswer): string {
  const decision = answer.decisions[0];
  const placement = escapeHtml(answer.placement);
  if (!decision) return `<div class="ep-widget ep-widget--campaign" data-kind="campaign" data-placement="${placement}" data-empty=""></div>`;
  const { creative } = decision;
  const id = escapeHtml(`${CAMPAIGN_ITEM_PREFIX}${decision.campaign.id}`);
  const href = safeUrl(creative.link);
  const src = safeUrl(creative.image);
  const title = escapeHtml(creative.title);
  const body =
    (src ? `<img class="ep-banner-image" src="${escapeHtml(src)}" alt="${title}" loading="lazy" decoding="async">` : '') +
    `<span class="ep-banner-body"><span class="ep-banner-title">${title}</span>` +
    (creative.text ? `<span class="ep-banner-text">${escapeHtml(creative.text)}</span>` : '') +
    '</span>';
  const banner = href
    ? `<a class="ep-banner" href="${escapeHtml(href)}" data-item="${id}" rel="sponsored">${body}</a>`
    : `<div class="ep-banner" data-item="${id}">${body}</div>`;
  return (
    `<div class="ep-widget ep-widget--campaign" data-kind="campaign" data-placement="${placement}" data-rid="${escapeHtml(decision.rid)}">` +
    `<style>${STYLE}</style><ul class="ep-items"><li class="ep-item" data-item="${id}">${banner}</li></ul></div>`
  );
}

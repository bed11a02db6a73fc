import { html, raw } from 'hono/html';
import type { ActivitySeries } from '../../activity/read.ts';
import { eventTypeLabel } from '../i18n.ts';
import { type Html, type PageContext, chartFigure, shell, tiles } from '../layout.ts';

/** Recommendation figures per day, from the feedback loop's report rows (absent until it runs). */
export interface RecommendationDays {
  impressions: number[];
  clicks: number[];
  attributedRevenue: number[];
}

/** What the overview shows: this period and the one before it, day by day. */
export interface OverviewData {
  days: number;
  current: ActivitySeries;
  previous: ActivitySeries;
  shoppers: { current: number; previous: number };
  recs: { current: RecommendationDays; previous: RecommendationDays } | null;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/** Event types in the order the chart stacks them. */
const TYPE_ORDER = ['view', 'click', 'add_to_cart', 'remove_from_cart', 'purchase', 'rating', 'impression'];

/** The overview: is the engine paying off? Activity, revenue, the share recommendations earn, CTR. */
export function overviewPage(ctx: PageContext, data: OverviewData): Html {
  const { t } = ctx;
  const { current, previous, recs } = data;
  const types = [...current.eventsByType.keys()].sort((a, b) => TYPE_ORDER.indexOf(a) - TYPE_ORDER.indexOf(b));
  const events = (s: ActivitySeries) => sum([...s.eventsByType.values()].flat());
  const revenueNow = sum(current.revenue);
  const revenueBefore = sum(previous.revenue);
  const attributedNow = recs ? sum(recs.current.attributedRevenue) : null;
  const attributedBefore = recs ? sum(recs.previous.attributedRevenue) : null;
  const periodLinks = [7, 28, 90].map(
    (d) => html` <a class="period" href="/dashboard/overview?days=${d}" ${d === data.days ? raw('aria-current="page"') : ''}>${d} ${t.days}</a>`,
  );
  const content = html`
    <p>${t.period}: ${periodLinks}</p>
    ${tiles(ctx, [
      { label: t.events, value: events(current), previous: events(previous) },
      { label: t.shoppers, value: data.shoppers.current, previous: data.shoppers.previous },
      { label: t.allRevenue, value: revenueNow, previous: revenueBefore, style: 'money' },
      { label: t.attributedRevenue, value: attributedNow, previous: attributedBefore, style: 'money' },
      {
        label: t.revenueShare,
        value: attributedNow === null ? null : ratio(attributedNow, revenueNow),
        previous: attributedBefore === null ? null : ratio(attributedBefore, revenueBefore),
        style: 'percent',
      },
      {
        label: t.ctr,
        value: recs ? ratio(sum(recs.current.clicks), sum(recs.current.impressions)) : null,
        previous: recs ? ratio(sum(recs.previous.clicks), sum(recs.previous.impressions)) : null,
        style: 'percent',
      },
    ])}
    <div class="grid">
      ${chartFigure(ctx, t.eventsPerDay, { x: current.days, series: types.map((type) => ({ name: eventTypeLabel(ctx.lang, type), values: current.eventsByType.get(type)! })) }, { kind: 'stacked-bar' })}
      ${chartFigure(
        ctx,
        t.activeShoppers,
        {
          x: current.days,
          series: [
            { name: t.shoppers, values: current.shoppers },
            { name: `${t.shoppers} (${t.previousPeriod})`, values: previous.shoppers },
          ],
        },
        { kind: 'line' },
      )}
      ${chartFigure(
        ctx,
        t.revenue,
        {
          x: current.days,
          series: [{ name: t.allRevenue, values: current.revenue }, ...(recs ? [{ name: t.attributedRevenue, values: recs.current.attributedRevenue }] : [])],
        },
        { kind: 'line' },
      )}
      ${
        recs
          ? chartFigure(
              ctx,
              t.ctr,
              { x: current.days, series: [{ name: t.ctr, values: recs.current.clicks.map((c, i) => ratio(c, recs.current.impressions[i]!)) }] },
              { kind: 'line', percent: true },
            )
          : html`<figure class="pending">
              <figcaption>${t.ctr}</figcaption>
              <p class="empty">${t.notYet}</p>
            </figure>`
      }
    </div>
  `;
  return shell(ctx, 'overview', t.overview, content);
}

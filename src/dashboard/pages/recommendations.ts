import { html } from 'hono/html';
import type { Report } from '../../reports/report-query.ts';
import type { RecommendationDetail } from '../queries.ts';
import { type Html, type PageContext, chartFigure, formatNumber, shell, table, tiles } from '../layout.ts';

/** What the recommendations page shows: the feedback loop's report by day and by surface. */
export interface RecommendationsData extends RecommendationDetail {
  byDay: Report;
  bySurface: Report;
}

/** The recommendations page: CTR, conversion and revenue per surface and over time, coverage. */
export function recommendationsPage(ctx: PageContext, data: RecommendationsData): Html {
  const { t } = ctx;
  const days = data.byDay.rows;
  const surfaces = data.bySurface.rows;
  const totals = data.byDay.totals;
  const dayList = [...new Set(data.surfaceDays.map((r) => r.day))].sort();
  const surfaceNames = [...new Set(data.surfaceDays.map((r) => r.surface))].sort();
  const cell = new Map(data.surfaceDays.map((r) => [`${r.day} ${r.surface}`, r]));
  type Cell = RecommendationDetail['surfaceDays'][number];
  const perSurface = (f: (r: Cell) => number | null) =>
    surfaceNames.map((surface) => ({
      name: surface,
      values: dayList.map((day) => {
        const r = cell.get(`${day} ${surface}`);
        return r ? f(r) : null;
      }),
    }));
  const content = html`
    ${tiles(ctx, [
      { label: t.impressions, value: totals.impressions },
      { label: t.clicks, value: totals.clicks },
      { label: t.ctr, value: totals.ctr, style: 'percent' },
      { label: t.attributedRevenue, value: totals.revenue, style: 'money' },
      { label: t.revenueShare, value: data.byDay.revenueShare.share, style: 'percent' },
      { label: t.coverage, value: data.byDay.coverage.share, style: 'percent' },
    ])}
    <div class="grid">
      ${chartFigure(
        ctx,
        `${t.impressions} / ${t.clicks}`,
        {
          x: days.map((r) => r.day ?? ''),
          series: [
            { name: t.impressions, values: days.map((r) => r.impressions) },
            { name: t.clicks, values: days.map((r) => r.clicks) },
          ],
        },
        { kind: 'line' },
      )}
      ${chartFigure(ctx, t.ctr, { x: surfaces.map((r) => r.surface ?? '–'), series: [{ name: t.ctr, values: surfaces.map((r) => r.ctr) }] }, { kind: 'hbar', percent: true })}
      ${chartFigure(
        ctx,
        t.attributedRevenue,
        { x: surfaces.map((r) => r.surface ?? '–'), series: [{ name: t.revenue, values: surfaces.map((r) => r.revenue) }] },
        { kind: 'hbar' },
      )}
      ${chartFigure(
        ctx,
        `${t.ctr} (${t.surface})`,
        { x: dayList, series: perSurface((r) => (r.impressions > 0 ? r.clicks / r.impressions : null)) },
        { kind: 'line', percent: true },
      )}
      ${chartFigure(
        ctx,
        `${t.conversion} (${t.surface})`,
        { x: dayList, series: perSurface((r) => (r.usersReached > 0 ? r.purchases / r.usersReached : null)) },
        { kind: 'line', percent: true },
      )}
      ${chartFigure(ctx, `${t.attributedRevenue} (${t.surface})`, { x: dayList, series: perSurface((r) => r.revenue) }, { kind: 'stacked-bar' })}
      ${chartFigure(
        ctx,
        t.topItems,
        { x: data.topItems.map((i) => i.title ?? i.id), series: [{ name: t.impressions, values: data.topItems.map((i) => i.impressions) }] },
        { kind: 'hbar', labelWidth: 220 },
      )}
    </div>
    <h2>${t.surface}</h2>
    ${table(
      [t.surface, t.impressions, t.clicks, t.ctr, t.purchases, t.conversion, t.revenue],
      surfaces.map((r) => [
        r.surface ?? '–',
        formatNumber(r.impressions, ctx.lang),
        formatNumber(r.clicks, ctx.lang),
        formatNumber(r.ctr, ctx.lang, 'percent'),
        formatNumber(r.purchases, ctx.lang),
        formatNumber(r.usersReached ? r.purchases / r.usersReached : null, ctx.lang, 'percent'),
        formatNumber(r.revenue, ctx.lang, 'money'),
      ]),
    )}
  `;
  return shell(ctx, 'recommendations', t.recommendations, content);
}

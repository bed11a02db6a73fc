import { html } from 'hono/html';
import type { SegmentSummary } from '../../audiences/segment-store.ts';
import type { Caps } from '../../campaigns/campaign.ts';
import type { CampaignDelivery } from '../../campaigns/delivery.ts';
import { rfmGroupLabel, segmentLabel } from '../i18n.ts';
import { type Html, type PageContext, chartFigure, formatNumber, shell, table } from '../layout.ts';

/** One segment's size after each refresh, oldest first. */
export interface SizeHistory {
  id: string;
  name: string;
  sizes: { at: number; version: string; size: number }[];
}

/** What the audiences page shows. */
export interface AudiencesData {
  segments: SegmentSummary[];
  history: SizeHistory[];
  movement: { from: string | null; to: string | null; shoppers: number }[];
  campaigns: (CampaignDelivery & { caps: Caps })[];
}

function refreshLabel(at: number): string {
  return new Date(at).toISOString().slice(5, 16).replace('T', ' ');
}

/** Sizes of several segments on one axis of refreshes (a segment absent from a refresh counts as unknown). */
function sizesChart(ctx: PageContext, caption: string, history: readonly SizeHistory[], kind: 'line' | 'stacked-bar'): Html {
  const refreshes = new Map<string, number>();
  for (const h of history) for (const s of h.sizes) refreshes.set(s.version, s.at);
  const versions = [...refreshes].sort((a, b) => a[1] - b[1]);
  return chartFigure(
    ctx,
    caption,
    {
      x: versions.map(([, at]) => refreshLabel(at)),
      series: history.map((h) => {
        const byVersion = new Map(h.sizes.map((s) => [s.version, s.size]));
        return { name: segmentLabel(ctx.lang, h.id, h.name), values: versions.map(([v]) => byVersion.get(v) ?? null) };
      }),
    },
    { kind },
  );
}

function capsText(ctx: PageContext, caps: Caps): string {
  const { t } = ctx;
  const parts = [
    caps.perDay === undefined ? null : `${caps.perDay} ${t.perDay}`,
    caps.perWeek === undefined ? null : `${caps.perWeek} ${t.perWeek}`,
    caps.perSession === undefined ? null : `${caps.perSession} ${t.perSession}`,
  ].filter((p) => p !== null);
  return parts.length ? parts.join(', ') : '–';
}

function exportLink(id: string, format: 'csv' | 'jsonl'): Html {
  return html`<a href="/dashboard/audiences/export?segment=${encodeURIComponent(id)}&amp;format=${format}">${format === 'csv' ? 'CSV' : 'JSON lines'}</a>`;
}

function segmentTable(ctx: PageContext, segments: readonly SegmentSummary[]): Html {
  const { t, lang } = ctx;
  return table(
    [t.name, t.kind, t.size, t.change, t.joined, t.left, t.exportLinks],
    segments.map((s) => [
      html`${segmentLabel(lang, s.id, s.name)}<br /><span class="muted">${s.id}</span>`,
      s.kind,
      formatNumber(s.size, lang),
      `${s.change > 0 ? '+' : ''}${formatNumber(s.change, lang)}`,
      formatNumber(s.joined, lang),
      formatNumber(s.left, lang),
      html`${exportLink(s.id, 'csv')} · ${exportLink(s.id, 'jsonl')}`,
    ]),
  );
}

/** The audiences page: segment sizes over time, RFM movement, exports, campaigns against their goals. */
export function audiencesPage(ctx: PageContext, data: AudiencesData): Html {
  const { t, lang } = ctx;
  const rfm = data.history.filter((h) => h.id.startsWith('rfm:'));
  const others = data.history.filter((h) => !h.id.startsWith('rfm:'));
  const moveLabel = (m: AudiencesData['movement'][number]) =>
    `${m.from === null ? t.newBuyers : rfmGroupLabel(lang, m.from)} → ${m.to === null ? t.leftGrid : rfmGroupLabel(lang, m.to)}`;
  const moves = data.movement.slice(0, 12);
  const withGoal = data.campaigns.filter((c) => c.goal);
  const ofGoal = (c: CampaignDelivery, done: number | null) => (c.goal && done !== null ? done / c.goal.total : null);
  const delivered = (c: CampaignDelivery) => (c.goal?.type === 'clicks' ? c.clicks : c.served);
  const affinities = data.segments.filter((s) => s.kind === 'affinity');
  const refreshed = data.segments.find((s) => s.refreshedAt !== null)?.refreshedAt ?? null;
  const content = html`
    <p class="muted">${t.lastRefresh}: ${refreshed === null ? '–' : `${new Date(refreshed).toISOString().slice(0, 16).replace('T', ' ')} UTC`}</p>
    <div class="grid">
      ${sizesChart(ctx, t.rfmSizes, rfm, 'stacked-bar')} ${sizesChart(ctx, t.segmentSizes, others, 'line')}
      ${chartFigure(ctx, t.rfmMovement, { x: moves.map(moveLabel), series: [{ name: t.shoppers, values: moves.map((m) => m.shoppers) }] }, { kind: 'hbar', labelWidth: 250 })}
    </div>
    <h2>${t.segments}</h2>
    ${segmentTable(
      ctx,
      data.segments.filter((s) => s.kind !== 'affinity'),
    )}
    <details>
      <summary>${t.affinities} (${affinities.length})</summary>
      ${segmentTable(ctx, affinities)}
    </details>
    <h2>${t.campaigns}</h2>
    ${
      data.campaigns.length === 0
        ? html`<p class="empty">${t.noCampaigns}</p>`
        : html`<div class="grid">
              ${chartFigure(
                ctx,
                t.delivery,
                {
                  x: withGoal.map((c) => c.name),
                  series: [
                    { name: t.delivered, values: withGoal.map((c) => ofGoal(c, delivered(c))) },
                    { name: t.dueByNow, values: withGoal.map((c) => ofGoal(c, c.expectedByNow)) },
                  ],
                },
                { kind: 'hbar', percent: true },
              )}
              ${chartFigure(
                ctx,
                t.campaignCtr,
                { x: data.campaigns.map((c) => c.name), series: [{ name: t.metricCtr, values: data.campaigns.map((c) => c.ctr) }] },
                { kind: 'hbar', percent: true },
              )}
            </div>
            ${table(
              [t.name, t.tier, t.status, t.served, t.impressions, t.clicks, t.metricCtr, t.goal, t.dueByNow, t.pace, t.caps],
              data.campaigns.map((c) => [
                html`${c.name}<br /><span class="muted">${c.id}</span>`,
                c.tier,
                html`<span class="badge ${c.enabled ? 'ok' : 'warn'}">${c.enabled ? t.enabled : t.disabled}</span>`,
                formatNumber(c.served, lang),
                formatNumber(c.impressions, lang),
                formatNumber(c.clicks, lang),
                formatNumber(c.ctr, lang, 'percent'),
                c.goal ? `${formatNumber(c.goal.total, lang)} ${c.goal.type === 'clicks' ? t.clicks : t.impressions}` : t.noGoal,
                formatNumber(c.expectedByNow, lang),
                formatNumber(c.pace, lang, 'percent'),
                capsText(ctx, c.caps),
              ]),
            )}`
    }
  `;
  return shell(ctx, 'audiences', t.audiences, content);
}

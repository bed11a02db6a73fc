import { html } from 'hono/html';
import type { Experiment, MetricName } from '../../experiments/experiment-schema.ts';
import { formatP } from '../../experiments/format.ts';
import type { ExperimentResults, PeriodResults } from '../../experiments/results.ts';
import type { Labels } from '../i18n.ts';
import { type Html, type PageContext, chartFigure, formatNumber, intervalFigure, shell, table } from '../layout.ts';

/** An experiment in the list, with its results when they were read (not for drafts). */
export interface ExperimentSummary {
  experiment: Experiment;
  results: ExperimentResults | null;
}

function metricLabel(t: Labels, metric: MetricName): string {
  return metric === 'ctr' ? t.metricCtr : metric === 'conversion' ? t.metricConversion : t.metricRevenuePerUser;
}

function statusBadge(t: Labels, status: Experiment['status']): Html {
  const label = { draft: t.statusDraft, running: t.statusRunning, stopped: t.statusStopped, promoted: t.statusPromoted }[status];
  const tone = status === 'running' ? 'ok' : status === 'promoted' ? 'ok' : 'warn';
  return html`<span class="badge ${tone}">${label}</span>`;
}

function srmBadge(t: Labels, srm: ExperimentResults['srm']): Html {
  if (srm.note) return html`<span class="badge">${t.srmSkipped}</span>`;
  if (srm.pValue === null) return html`<span class="badge warn">${t.srmPending}</span>`;
  return srm.flagged
    ? html`<span class="badge bad">${t.srmFlagged}</span> <span class="muted">p = ${formatP(srm.pValue)}</span>`
    : html`<span class="badge ok">${t.srmOk}</span> <span class="muted">p = ${formatP(srm.pValue)}</span>`;
}

function verdictText(results: ExperimentResults): Html {
  return results.verdict.winner
    ? html`<strong>${results.verdict.winner}</strong> <span class="muted">${results.verdict.reason}</span>`
    : html`<span class="muted">${results.verdict.reason}</span>`;
}

function when(ms: number | null): string {
  return ms === null ? '–' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** The experiments list: status, surfaces, arms, SRM and verdict of each, newest first. */
export function experimentsPage(ctx: PageContext, list: readonly ExperimentSummary[]): Html {
  const { t } = ctx;
  const content = list.length
    ? table(
        [t.name, t.status, t.surfaces, t.arms, t.started, t.srm, t.verdict],
        list.map(({ experiment: e, results }) => [
          html`<a href="/dashboard/experiments/${e.id}">${e.name}</a><br /><span class="muted">${e.id}</span>`,
          statusBadge(t, e.status),
          e.surfaces.join(', '),
          e.arms.map((a) => a.name).join(', '),
          when(e.startedAt),
          results ? srmBadge(t, results.srm) : '–',
          results ? verdictText(results) : '–',
        ]),
      )
    : html`<p class="empty">${t.noExperiments}</p>`;
  return shell(ctx, 'experiments', t.experiments, content);
}

function actions(ctx: PageContext, e: Experiment): Html {
  const { t } = ctx;
  const base = `/dashboard/experiments/${e.id}`;
  const canStart = e.status === 'draft' || e.status === 'stopped';
  return html`<section class="actions">
    ${canStart ? html`<form method="post" action="${base}/start" class="inline"><button class="primary" type="submit">${t.start}</button></form>` : ''}
    ${e.status === 'running' ? html`<form method="post" action="${base}/stop" class="inline"><button type="submit">${t.stop}</button></form>` : ''}
    ${
      e.status === 'promoted'
        ? ''
        : html`${e.arms.map(
              (arm) =>
                html`<form method="post" action="${base}/promote" class="inline">
                  <input type="hidden" name="arm" value="${arm.name}" /><button type="submit">${t.promote} ${arm.name}</button>
                </form>`,
            )}
            <p class="muted">${t.promoteHint}</p>`
    }
  </section>`;
}

/** One metric over periods (days since exposure, or calendar days), one line per arm. */
function periodChart(ctx: PageContext, caption: string, periods: readonly PeriodResults[], metric: MetricName, xLabel: (p: PeriodResults) => string): Html {
  const arms = [...new Set(periods.flatMap((p) => p.arms.map((a) => a.name)))];
  return chartFigure(
    ctx,
    caption,
    {
      x: periods.map(xLabel),
      series: arms.map((name) => ({ name, values: periods.map((p) => p.arms.find((a) => a.name === name)?.[metric].value ?? null) })),
    },
    { kind: 'line', percent: metric !== 'revenuePerUser' },
  );
}

function metricTable(ctx: PageContext, results: ExperimentResults, metric: MetricName): Html {
  const { t, lang } = ctx;
  const style = metric === 'revenuePerUser' ? 'money' : 'percent';
  const pct = (v: number | null) => formatNumber(v, lang, 'percent');
  return table(
    [t.arm, t.value, t.interval, t.lift, t.interval, t.pValue, t.chanceToBeat],
    results.arms.map((arm) => {
      const m = arm[metric];
      return [
        html`${arm.name}${arm.control ? html` <span class="badge">${t.control}</span>` : ''}`,
        formatNumber(m.value, lang, style),
        `${formatNumber(m.low, lang, style)} … ${formatNumber(m.high, lang, style)}`,
        m.lift ? pct(m.lift.value) : '–',
        m.lift ? `${pct(m.lift.low)} … ${pct(m.lift.high)}` : '–',
        formatP(m.pValue),
        m.chanceToBeatControl === null ? '–' : pct(m.chanceToBeatControl),
      ];
    }),
  );
}

/** One experiment: arms with intervals and lifts, SRM, verdict, charts over time, and the start / stop / promote buttons. */
export function experimentPage(ctx: PageContext, e: Experiment, results: ExperimentResults, flash?: string, failed = false): Html {
  const { t, lang } = ctx;
  const primary = results.primaryMetric;
  const intervalName = results.sequential ? t.alwaysValid : t.interval;
  const since = [...results.bySinceExposure].sort((a, b) => (a.since ?? 0) - (b.since ?? 0));
  const days = [...results.byDay].sort((a, b) => (a.day ?? '').localeCompare(b.day ?? ''));
  const content = html`
    <p><a href="/dashboard/experiments">← ${t.allExperiments}</a></p>
    <h2>${e.name} ${statusBadge(t, e.status)}</h2>
    <p class="muted">
      ${e.id} · ${t.surfaces}: ${e.surfaces.join(', ')} · ${t.mode}: ${e.mode} · ${t.started}: ${when(e.startedAt)}
      ${e.stopReason ? html` · ${e.stopReason}` : ''}
    </p>
    ${actions(ctx, e)}
    <section class="tiles">
      <div class="tile">
        <div class="label">${t.verdict}</div>
        <div>${verdictText(results)}</div>
      </div>
      <div class="tile">
        <div class="label">${t.srm}</div>
        <div>${srmBadge(t, results.srm)}</div>
      </div>
      <div class="tile">
        <div class="label">${t.primaryMetric}</div>
        <div class="value">${metricLabel(t, primary)}</div>
        <div class="compare">${t.minimum}: ${results.minimum.users} ${t.users} · ${results.minimum.conversions} ${t.conversions}</div>
      </div>
    </section>
    <h2>${t.arms}</h2>
    ${table(
      [t.arm, t.share, t.users, t.impressions, t.clicks, t.conversions, t.revenue, t.status],
      results.arms.map((arm) => [
        html`${arm.name}${arm.control ? html` <span class="badge">${t.control}</span>` : ''}`,
        formatNumber(arm.share, lang, 'percent'),
        formatNumber(arm.users, lang),
        formatNumber(arm.impressions, lang),
        formatNumber(arm.clicks, lang),
        formatNumber(arm.conversions, lang),
        formatNumber(arm.revenue, lang, 'money'),
        arm.stopped ? html`<span class="badge bad">${t.stoppedArm}</span> <span class="muted">${arm.stopped.reason}</span>` : '',
      ]),
    )}
    <div class="grid">
      ${intervalFigure(
        ctx,
        `${metricLabel(t, primary)}: ${t.liftChart}`,
        results.arms
          .filter((arm) => !arm.control)
          .map((arm) => ({
            label: arm.name,
            value: arm[primary].lift?.value ?? null,
            low: arm[primary].lift?.low ?? null,
            high: arm[primary].lift?.high ?? null,
          })),
        { point: t.liftShort, range: intervalName },
      )}
      ${periodChart(ctx, `${metricLabel(t, primary)} ${t.sinceExposureChart}`, since, primary, (p) => String(p.since ?? 0))}
      ${periodChart(ctx, `${metricLabel(t, primary)} ${t.byDayChart}`, days, primary, (p) => p.day ?? '')}
    </div>
    ${(['ctr', 'conversion', 'revenuePerUser'] as const).map(
      (metric) =>
        html`<h2>${metricLabel(t, metric)}${metric === primary ? html` <span class="badge ok">${t.primaryMetric}</span>` : ''}</h2>
          ${metricTable(ctx, results, metric)}`,
    )}
  `;
  return shell(ctx, 'experiments', t.experiments, content, flash, failed);
}

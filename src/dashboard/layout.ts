import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { type ChartData, type ChartOptions, type IntervalRow, renderChart, renderIntervals } from './charts.ts';
import { type Labels, type Lang, labels } from './i18n.ts';

/** HTML produced by the `html` template tag: interpolated strings are escaped. */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The dashboard's pages, in menu order; each is served at `/dashboard/<page>`. */
export const PAGES = ['overview', 'recommendations', 'experiments', 'models', 'audiences', 'chat', 'catalog'] as const;

/** A dashboard page's name. */
export type PageName = (typeof PAGES)[number];

/** What every page template receives. */
export interface PageContext {
  lang: Lang;
  t: Labels;
  /** The path and query of this page, for the language switch. */
  path: string;
}

/** The context of a page in a language. */
export function pageContext(lang: Lang, path: string): PageContext {
  return { lang, t: labels(lang), path };
}

/** Content-Security-Policy of every dashboard page: no script at all, forms only to itself. */
export const DASHBOARD_CSP =
  "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The page shell: menu, language switch, sign-out, and the page's content. */
export function shell(ctx: PageContext, active: PageName | 'login', title: string, content: Html, flash?: string, failed = false): Html {
  const other = ctx.lang === 'zh' ? 'en' : 'zh';
  const switchHref = `${ctx.path.split('?')[0]}?lang=${other}`;
  const menu =
    active === 'login'
      ? ''
      : html`<nav aria-label="${ctx.t.title}">
          ${PAGES.map((page) => html`<a href="/dashboard/${page}" ${page === active ? raw('aria-current="page"') : ''}>${ctx.t[page]}</a>`)}
          <form method="post" action="/dashboard/logout" class="inline"><button type="submit">${ctx.t.signOut}</button></form>
        </nav>`;
  return html`<!doctype html>
    <html lang="${ctx.lang === 'zh' ? 'zh-CN' : 'en'}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · ${ctx.t.title}</title>
        <link rel="stylesheet" href="/dashboard/style.css" />
      </head>
      <body>
        <header>
          <strong>${ctx.t.title}</strong>
          <a class="lang" href="${switchHref}" hreflang="${other}">${ctx.t.language}</a>
        </header>
        ${menu}
        <main>
          <h1>${title}</h1>
          ${flash ? html`<p class="flash${failed ? ' error' : ''}" role="${failed ? 'alert' : 'status'}">${flash}</p>` : ''} ${content}
        </main>
      </body>
    </html>`;
}

const formatters = new Map<string, Intl.NumberFormat>();

/** One `Intl.NumberFormat` per locale and options, made once per isolate (making one costs far more than using it). */
function formatter(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  let format = formatters.get(key);
  if (!format) formatters.set(key, (format = new Intl.NumberFormat(locale, options)));
  return format;
}

/** Formats a number for a table or tile. */
export function formatNumber(value: number | null | undefined, lang: Lang, style: 'plain' | 'percent' | 'money' = 'plain'): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const locale = lang === 'zh' ? 'zh-CN' : 'en-US';
  if (style === 'percent') return formatter(locale, { style: 'percent', maximumFractionDigits: 2 }).format(value);
  return formatter(locale, { maximumFractionDigits: style === 'money' ? 2 : value < 10 ? 3 : 0 }).format(value);
}

/**
 * A chart with its numbers: the SVG, then the same data as a table (inside a disclosure so the
 * page stays readable) for screen readers and copying.
 */
export function chartFigure(ctx: PageContext, caption: string, data: ChartData, options: ChartOptions): Html {
  const hasData = data.x.length > 0 && data.series.some((s) => s.values.some((v) => v !== null && v !== 0));
  if (!hasData) return figure(ctx, caption, null, [], []);
  const style = options.percent ? 'percent' : 'plain';
  return figure(
    ctx,
    caption,
    renderChart(data, options),
    ['', ...data.series.map((s) => s.name)],
    data.x.map((x, i) => [x, ...data.series.map((s) => formatNumber(s.values[i], ctx.lang, style))]),
  );
}

/** Estimates with intervals (a forest plot) and the same numbers in a table, as percentages. */
export function intervalFigure(ctx: PageContext, caption: string, rows: readonly IntervalRow[], names: { point: string; range: string }): Html {
  if (!rows.some((r) => r.value !== null)) return figure(ctx, caption, null, [], []);
  const pct = (v: number | null) => formatNumber(v, ctx.lang, 'percent');
  return figure(
    ctx,
    caption,
    renderIntervals(rows, names),
    ['', names.point, names.range],
    rows.map((r) => [r.label, pct(r.value), `${pct(r.low)} … ${pct(r.high)}`]),
  );
}

/** A captioned chart (SVG from ECharts) with its numbers in a disclosed table, or "no data" when `svg` is null. */
function figure(ctx: PageContext, caption: string, svg: string | null, head: readonly string[], rows: readonly (readonly string[])[]): Html {
  if (svg === null)
    return html`<figure class="chart">
      <figcaption>${caption}</figcaption>
      <p class="empty">${ctx.t.noData}</p>
    </figure>`;
  return html`<figure class="chart">
    <figcaption>${caption}</figcaption>
    <div class="svg" role="img" aria-label="${caption}">${raw(svg)}</div>
    <details>
      <summary>${caption}: ${ctx.t.numbers}</summary>
      ${table(head, rows)}
    </details>
  </figure>`;
}

/** A plain table; every cell is escaped text or HTML built with the `html` tag. */
export function table(head: readonly string[], rows: readonly (readonly (string | Html)[])[]): Html {
  return html`<table>
    <thead>
      <tr>
        ${head.map((h) => html`<th scope="col">${h}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (row) =>
          html`<tr>
            ${row.map((cell) => html`<td>${cell}</td>`)}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** A headline figure with its value in the previous period and the change. */
export interface Tile {
  label: string;
  value: number | null;
  previous?: number | null;
  style?: 'plain' | 'percent' | 'money';
}

/** A row of headline figures, each compared with the previous period. */
export function tiles(ctx: PageContext, items: readonly Tile[]): Html {
  return html`<section class="tiles">
    ${items.map((tile) => {
      const change = tile.value !== null && tile.previous ? (tile.value - tile.previous) / tile.previous : null;
      const direction = change === null ? '' : change >= 0 ? 'up' : 'down';
      return html`<div class="tile">
        <div class="label">${tile.label}</div>
        <div class="value">${formatNumber(tile.value, ctx.lang, tile.style)}</div>
        ${
          tile.previous === undefined
            ? ''
            : html`<div class="compare ${direction}">
                ${ctx.t.previousPeriod}: ${formatNumber(tile.previous, ctx.lang, tile.style)}
                ${change === null ? '' : html`(${change >= 0 ? '+' : ''}${formatNumber(change, ctx.lang, 'percent')})`}
              </div>`
        }
      </div>`;
    })}
  </section>`;
}

/** The dashboard's stylesheet (served at `/dashboard/style.css`). */
export const STYLESHEET = `
:root{color-scheme:light;--ink:#111827;--muted:#6b7280;--line:#e5e7eb;--accent:#2563eb}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;color:var(--ink);background:#f9fafb}
header{display:flex;justify-content:space-between;align-items:center;padding:10px 24px;background:#111827;color:#fff}
header a{color:#c7d2fe}
nav{display:flex;flex-wrap:wrap;gap:4px;padding:8px 24px;background:#fff;border-bottom:1px solid var(--line)}
nav a{padding:6px 12px;border-radius:6px;color:var(--ink);text-decoration:none}nav a[aria-current=page]{background:#e0e7ff;font-weight:600}
nav form{margin-left:auto}
main{max-width:1180px;margin:0 auto;padding:16px 24px 48px}h1{font-size:22px;margin:8px 0 16px}h2{font-size:17px;margin:28px 0 8px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px}
.tile{background:#fff;border:1px solid var(--line);border-radius:10px;padding:12px 14px}.tile .label{color:var(--muted);font-size:13px}
.tile .value{font-size:24px;font-weight:650}.compare{font-size:12px;color:var(--muted)}.compare.up{color:#15803d}.compare.down{color:#b91c1c}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px}
figure.chart,figure.pending{margin:16px 0 0;background:#fff;border:1px solid var(--line);border-radius:10px;padding:12px}
figure.chart figcaption{font-weight:600;margin-bottom:6px}.svg svg{max-width:100%;height:auto}
details{margin-top:6px;font-size:13px}summary{cursor:pointer;color:var(--muted)}
table{border-collapse:collapse;width:100%;background:#fff;font-size:14px}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted)}td.num,th.num{text-align:right}
.flash{background:#ecfdf5;border:1px solid #a7f3d0;padding:8px 12px;border-radius:8px}.error{background:#fef2f2;border-color:#fecaca}
.empty{color:var(--muted)}form.inline{display:inline}button{font:inherit;padding:5px 12px;border-radius:6px;border:1px solid #c7d2fe;background:#eef2ff;cursor:pointer}
button.primary{background:var(--accent);color:#fff;border-color:var(--accent)}input,select,textarea{font:inherit;padding:5px 8px;border:1px solid #d1d5db;border-radius:6px}
.login{max-width:380px;margin:48px auto;background:#fff;border:1px solid var(--line);border-radius:12px;padding:24px}.login input{width:100%;margin:8px 0 12px}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;background:#f3f4f6}.badge.ok{background:#dcfce7}.badge.bad{background:#fee2e2}.badge.warn{background:#fef3c7}
.actions{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0 4px}.actions p{flex-basis:100%;margin:0;font-size:13px}
.muted{color:var(--muted)}a.period{margin-right:10px}a.period[aria-current=page]{font-weight:600;text-decoration:none}
`;

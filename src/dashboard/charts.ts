/**
 * Charts rendered on the server as SVG strings by Apache ECharts (its server-side renderer runs
 * in a Worker with no DOM), so pages need no script and no build step. Every chart comes with
 * the same numbers as an accessible table beside it (see `layout.ts`).
 */
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TitleComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, ScatterChart, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, SVGRenderer]);

/** One named series of a chart. */
export interface Series {
  name: string;
  values: (number | null)[];
}

/** What a chart shows: categories along x and one or more series. */
export interface ChartData {
  x: string[];
  series: Series[];
}

/** How a chart is drawn. */
export interface ChartOptions {
  kind: 'line' | 'bar' | 'stacked-bar' | 'hbar';
  width?: number;
  height?: number;
  /** Formats y values (axis labels), e.g. as percentages. */
  percent?: boolean;
  /** Width of the category labels of an `hbar` chart in pixels (default 150; longer ones are cut). */
  labelWidth?: number;
  /** Upper end of the value axis (e.g. 1 for a rate), instead of fitting the data. */
  max?: number;
}

const PALETTE = ['#2563eb', '#16a34a', '#f59e0b', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#9ca3af', '#92400e', '#1e3a8a', '#0f766e'];

/** SVGs kept per isolate, newest last, keys and SVGs together at most {@link CACHE_CHARS} characters (about 8 MB; the roll-up changes the data every 5 minutes, views in between reuse them). */
const rendered = new Map<string, string>();
const CACHE_CHARS = 4 * 1024 * 1024;
let cachedChars = 0;

/** The SVG for `key` from the isolate's cache, else rendered and kept (least recently used leave first). */
function cachedSvg(key: string, render: () => string): string {
  const hit = rendered.get(key);
  if (hit !== undefined) {
    rendered.delete(key);
    rendered.set(key, hit);
    return hit;
  }
  const svg = render();
  rendered.set(key, svg);
  cachedChars += key.length + svg.length;
  for (const [oldKey, old] of rendered) {
    if (cachedChars <= CACHE_CHARS) break;
    rendered.delete(oldKey);
    cachedChars -= oldKey.length + old.length;
  }
  return svg;
}

/**
 * The chart as an SVG string (the same data and options give the same SVG, kept per isolate). Text inside comes from ECharts, which escapes it for SVG.
 *
 * @example
 * renderChart({ x: ['Mon', 'Tue'], series: [{ name: 'views', values: [3, 5] }] }, { kind: 'line' });
 */
export function renderChart(data: ChartData, options: ChartOptions): string {
  return cachedSvg(JSON.stringify(['chart', data, options]), () => drawChart(data, options));
}

function drawChart(data: ChartData, options: ChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? (options.kind === 'hbar' ? Math.max(160, 28 * data.x.length + 60) : 240);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    const category = { type: 'category' as const, data: data.x, axisLabel: { hideOverlap: true } };
    const integers = data.series.every((s) => s.values.every((v) => v === null || Number.isInteger(v)));
    const value = {
      type: 'value' as const,
      minInterval: options.percent || !integers ? undefined : 1,
      max: options.max,
      axisLabel: options.percent ? { formatter: (v: number) => `${Math.round(v * 1000) / 10}%` } : {},
    };
    const horizontal = options.kind === 'hbar';
    chart.setOption({
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: 'system-ui, sans-serif' },
      legend: data.series.length > 1 ? { top: 0, type: 'plain' } : undefined,
      grid: { left: horizontal ? (options.labelWidth ?? 150) + 10 : 48, right: 16, top: data.series.length > 1 ? 36 : 16, bottom: 28, containLabel: false },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? { ...category, inverse: true, axisLabel: { width: options.labelWidth ?? 150, overflow: 'truncate' } } : value,
      series: data.series.map((s) => ({
        name: s.name,
        type: options.kind === 'line' ? 'line' : 'bar',
        stack: options.kind === 'stacked-bar' ? 'total' : undefined,
        data: s.values,
        showSymbol: data.x.length <= 31,
        barMaxWidth: 48,
        connectNulls: false,
      })),
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** One row of an interval chart: an estimate and its interval (null bounds: unbounded or unknown). */
export interface IntervalRow {
  label: string;
  value: number | null;
  low: number | null;
  high: number | null;
}

/**
 * Estimates with their intervals as horizontal bars around a point, with a line at zero (a forest
 * plot: a bar that crosses the line is not significant). Values are shown as percentages.
 *
 * @example
 * renderIntervals([{ label: 'popular', value: 0.12, low: 0.04, high: 0.2 }], { point: 'lift', range: '95% interval' });
 */
export function renderIntervals(rows: readonly IntervalRow[], names: { point: string; range: string }, width = 640): string {
  return cachedSvg(JSON.stringify(['intervals', rows, names, width]), () => drawIntervals(rows, names, width));
}

function drawIntervals(rows: readonly IntervalRow[], names: { point: string; range: string }, width: number): string {
  const height = Math.max(140, 44 * rows.length + 70);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  const bounded = (r: IntervalRow) => r.low !== null && r.high !== null;
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: 'system-ui, sans-serif' },
      legend: { top: 0, data: [names.point, names.range] },
      grid: { left: 160, right: 24, top: 36, bottom: 28 },
      xAxis: { type: 'value', axisLabel: { formatter: (v: number) => `${Math.round(v * 1000) / 10}%` } },
      yAxis: { type: 'category', data: rows.map((r) => r.label), inverse: true, axisLabel: { width: 150, overflow: 'truncate' } },
      series: [
        {
          type: 'bar',
          stack: 'range',
          stackStrategy: 'all',
          silent: true,
          itemStyle: { color: 'transparent' },
          data: rows.map((r) => (bounded(r) ? r.low : null)),
          barWidth: 14,
          markLine: { silent: true, symbol: 'none', lineStyle: { color: '#6b7280', type: 'solid' }, label: { show: false }, data: [{ xAxis: 0 }] },
        },
        {
          name: names.range,
          type: 'bar',
          stack: 'range',
          stackStrategy: 'all',
          itemStyle: { color: '#93c5fd' },
          data: rows.map((r) => (bounded(r) ? r.high! - r.low! : null)),
          barWidth: 14,
        },
        {
          name: names.point,
          type: 'scatter',
          symbolSize: 12,
          itemStyle: { color: '#1d4ed8' },
          data: rows.flatMap((r, i) => (r.value === null ? [] : [[r.value, i]])),
        },
      ],
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

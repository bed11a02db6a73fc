import type { EvaluationReport } from './evaluate.ts';

/**
 * A readable table of an {@link EvaluationReport}.
 *
 * @example
 * console.log(formatReport(report));
 */
export function formatReport(report: EvaluationReport): string {
  const head = `${report.protocol}: ${report.users} users, ${report.items} items, ${report.evaluated} evaluated`;
  const first = Object.values(report.models)[0] ?? {};
  const metricNames = Object.keys(first).filter((n) => n !== 'buildMs' && n !== 'peakHeapMB');
  const columns = ['model', ...metricNames, 'build ms', 'peak heap MB'];
  const rows = Object.entries(report.models).map(([name, m]) => [
    name + (name === report.default ? ' (default)' : ''),
    ...metricNames.map((n) => (m[n] ?? 0).toFixed(4)),
    m.buildMs.toFixed(0),
    m.peakHeapMB.toFixed(1),
  ]);
  const widths = columns.map((c, n) => Math.max(c.length, ...rows.map((r) => r[n]!.length)));
  const line = (cells: string[]): string => cells.map((cell, n) => (n === 0 ? cell.padEnd(widths[n]!) : cell.padStart(widths[n]!))).join('  ');
  const versus = report.defaultVsBest;
  const tail = versus
    ? [
        ``,
        `default / best (${versus.best}): ${versus.ratio.toFixed(3)}, NDCG difference ${versus.gap.toPrecision(2)} +/- ${versus.se.toPrecision(2)} (standard error)`,
      ]
    : [];
  return [head, '', line(columns), ...rows.map(line), ...tail].join('\n');
}

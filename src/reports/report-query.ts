import { utcDay } from './attribution.ts';

/** How a report groups its rows. */
export type ReportGrouping = 'day' | 'surface' | 'arm';

/** Sufficient statistics of a per-user metric: n users, sum and sum of squares. */
export interface SufficientStats {
  sum: number;
  sumSquares: number;
}

/** One row of the recommendations report. */
export interface ReportLine {
  day?: string;
  surface?: string;
  experiment?: string;
  arm?: string;
  impressions: number;
  usersReached: number;
  clicks: number;
  inferredClicks: number;
  ctr: number | null;
  addToCarts: number;
  purchases: number;
  revenue: number;
  clickThrough: { purchases: number; revenue: number };
  viewThrough: { purchases: number; revenue: number };
  /** Per-user metrics over the period: n (users with any attributed activity), and each metric's sum and sum of squares. */
  perUser: { users: number; clicks: SufficientStats; purchases: SufficientStats; revenue: SufficientStats };
}

/** The recommendations report of a period. */
export interface Report {
  from: string;
  to: string;
  by: ReportGrouping;
  rows: ReportLine[];
  totals: ReportLine;
  /** Share of the available catalog shown in recommendations during the period. */
  coverage: { itemsShown: number; catalogItems: number; share: number | null };
  /** Share of all purchase revenue of the period that recommendations earned (attributed). */
  revenueShare: { attributed: number; total: number; share: number | null };
}

const GROUPS: Record<ReportGrouping | 'all', string[]> = { day: ['day'], surface: ['surface'], arm: ['experiment_id', 'arm'], all: [] };

type Aggregate = Record<string, number | string | null>;

/** SUM per user first (so per-user statistics are over users, not user-days), then per group. */
function aggregateSql(by: ReportGrouping | 'all'): string {
  const cols = GROUPS[by];
  const inner = [...cols, 'user'].join(', ');
  const outer = cols.length ? `${cols.join(', ')}, ` : '';
  const sums = [
    'impressions',
    'clicks',
    'inferred_clicks',
    'add_to_carts',
    'purchases',
    'revenue',
    'click_through_purchases',
    'click_through_revenue',
    'view_through_purchases',
    'view_through_revenue',
  ];
  return (
    `SELECT ${outer}COUNT(*) AS users, SUM(impressions > 0) AS users_reached, ` +
    sums.map((c) => `SUM(${c}) AS ${c}`).join(', ') +
    ', SUM(clicks * clicks) AS clicks_sq, SUM(purchases * purchases) AS purchases_sq, SUM(revenue * revenue) AS revenue_sq ' +
    `FROM (SELECT ${inner}, ` +
    sums.map((c) => `SUM(${c}) AS ${c}`).join(', ') +
    ` FROM report_users WHERE day BETWEEN ?1 AND ?2 GROUP BY ${inner}) ` +
    (cols.length ? `GROUP BY ${cols.join(', ')} ORDER BY ${cols.join(', ')}` : '')
  );
}

function line(row: Aggregate, by: ReportGrouping | 'all'): ReportLine {
  const n = (name: string) => Number(row[name] ?? 0);
  const key: Partial<ReportLine> =
    by === 'day'
      ? { day: String(row.day) }
      : by === 'surface'
        ? { surface: String(row.surface) }
        : by === 'arm'
          ? { experiment: String(row.experiment_id), arm: String(row.arm) }
          : {};
  return {
    ...key,
    impressions: n('impressions'),
    usersReached: n('users_reached'),
    clicks: n('clicks'),
    inferredClicks: n('inferred_clicks'),
    ctr: n('impressions') > 0 ? n('clicks') / n('impressions') : null,
    addToCarts: n('add_to_carts'),
    purchases: n('purchases'),
    revenue: n('revenue'),
    clickThrough: { purchases: n('click_through_purchases'), revenue: n('click_through_revenue') },
    viewThrough: { purchases: n('view_through_purchases'), revenue: n('view_through_revenue') },
    perUser: {
      users: n('users'),
      clicks: { sum: n('clicks'), sumSquares: n('clicks_sq') },
      purchases: { sum: n('purchases'), sumSquares: n('purchases_sq') },
      revenue: { sum: n('revenue'), sumSquares: n('revenue_sq') },
    },
  };
}

/**
 * The recommendations report over the roll-up's tables (never the event log): one line per
 * day, surface or experiment arm, totals, catalog coverage and share of revenue. Days are UTC,
 * `from` and `to` inclusive (default: the last 30 days).
 */
export async function recommendationsReport(d1: D1Database, query: { from?: string; to?: string; by: ReportGrouping }, now = Date.now()): Promise<Report> {
  const to = query.to ?? utcDay(now);
  const from = query.from ?? utcDay(Date.parse(to) - 29 * 86_400_000);
  const [grouped, total, shown, catalog, revenue] = await d1.batch<Aggregate>([
    d1.prepare(aggregateSql(query.by)).bind(from, to),
    d1.prepare(aggregateSql('all')).bind(from, to),
    d1.prepare('SELECT COUNT(DISTINCT item) AS n FROM report_items WHERE day BETWEEN ?1 AND ?2').bind(from, to),
    d1.prepare('SELECT COUNT(*) AS n FROM items WHERE available = 1'),
    d1.prepare('SELECT COALESCE(SUM(revenue), 0) AS n FROM report_days WHERE day BETWEEN ?1 AND ?2').bind(from, to),
  ]);
  const totals = line(total!.results[0] ?? {}, 'all');
  const itemsShown = Number(shown!.results[0]?.n ?? 0);
  const catalogItems = Number(catalog!.results[0]?.n ?? 0);
  const totalRevenue = Number(revenue!.results[0]?.n ?? 0);
  return {
    from,
    to,
    by: query.by,
    rows: grouped!.results.map((row) => line(row, query.by)),
    totals,
    coverage: { itemsShown, catalogItems, share: catalogItems > 0 ? itemsShown / catalogItems : null },
    revenueShare: { attributed: totals.revenue, total: totalRevenue, share: totalRevenue > 0 ? totals.revenue / totalRevenue : null },
  };
}

const CSV_COLUMNS: [string, (l: ReportLine) => unknown][] = [
  ['day', (l) => l.day],
  ['surface', (l) => l.surface],
  ['experiment', (l) => l.experiment],
  ['arm', (l) => l.arm],
  ['impressions', (l) => l.impressions],
  ['users_reached', (l) => l.usersReached],
  ['clicks', (l) => l.clicks],
  ['inferred_clicks', (l) => l.inferredClicks],
  ['ctr', (l) => l.ctr],
  ['add_to_carts', (l) => l.addToCarts],
  ['purchases', (l) => l.purchases],
  ['revenue', (l) => l.revenue],
  ['click_through_purchases', (l) => l.clickThrough.purchases],
  ['click_through_revenue', (l) => l.clickThrough.revenue],
  ['view_through_purchases', (l) => l.viewThrough.purchases],
  ['view_through_revenue', (l) => l.viewThrough.revenue],
  ['users', (l) => l.perUser.users],
  ['revenue_sum_squares', (l) => l.perUser.revenue.sumSquares],
];

/** The report's lines as CSV (RFC 4180 quoting), the grouping's key columns first, without empty key columns. */
export function reportCsv(report: Report): string {
  const keys = report.by === 'day' ? ['day'] : report.by === 'surface' ? ['surface'] : ['experiment', 'arm'];
  const columns = CSV_COLUMNS.filter(([name], i) => i >= 4 || keys.includes(name));
  const cell = (value: unknown) => {
    let text = value === null || value === undefined ? '' : String(value);
    if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [columns.map(([name]) => name).join(','), ...report.rows.map((l) => columns.map(([, get]) => cell(get(l))).join(','))].join('\r\n') + '\r\n';
}

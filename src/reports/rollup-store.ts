import type { Exposure, LoggedEvent, PageAttribution, Touch } from './attribution.ts';

/** The settings key holding the last event sequence number rolled up. */
export const ROLLUP_CURSOR_KEY = 'rollup:seq';
/** Rows per bulk statement (one JSON parameter each). */
const ROWS_PER_STATEMENT = 500;

const list = (values: readonly string[]) => JSON.stringify(values);

/** The next page of the log after `after` (keyset on `seq`). */
export async function readEventsAfter(d1: D1Database, after: number, limit: number): Promise<LoggedEvent[]> {
  const { results } = await d1
    .prepare('SELECT seq, type, user_id AS user, item_id AS item, items, value, price, rid, context, ts FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2')
    .bind(after, limit)
    .all<LoggedEvent>();
  return results;
}

/** The touches of these users newer than `since`. */
export async function readTouches(d1: D1Database, users: readonly string[], since: number): Promise<Touch[]> {
  if (users.length === 0) return [];
  const { results } = await d1
    .prepare('SELECT user, item, kind, ts, rid, surface FROM attribution_touches WHERE user IN (SELECT value FROM json_each(?1)) AND ts >= ?2')
    .bind(list(users), since)
    .all<Touch>();
  return results;
}

/** The experiment exposures of these units. */
export async function readExposures(d1: D1Database, units: readonly string[]): Promise<Exposure[]> {
  if (units.length === 0) return [];
  const { results } = await d1
    .prepare(
      'SELECT experiment_id AS experimentId, arm, unit, first_exposure AS firstExposure, exposure_day AS exposureDay FROM experiment_units WHERE unit IN (SELECT value FROM json_each(?1))',
    )
    .bind(list(units))
    .all<Exposure>();
  return results;
}

/** Catalog prices of these items. */
export async function readPrices(d1: D1Database, items: readonly string[]): Promise<Map<string, number>> {
  if (items.length === 0) return new Map();
  const { results } = await d1
    .prepare('SELECT id, price FROM items WHERE id IN (SELECT value FROM json_each(?1)) AND price IS NOT NULL')
    .bind(list(items))
    .all<{ id: string; price: number }>();
  return new Map(results.map((r) => [r.id, r.price]));
}

/** Arm names of every experiment, by id. */
export async function readArmNames(d1: D1Database): Promise<Map<string, string[]>> {
  const { results } = await d1.prepare('SELECT id, arms FROM experiments').all<{ id: string; arms: string }>();
  return new Map(results.map((r) => [r.id, (JSON.parse(r.arms) as { name: string }[]).map((a) => a.name)]));
}

/** The last sequence number rolled up (0 before the first run). */
export async function readCursor(d1: D1Database): Promise<number> {
  const row = await d1.prepare('SELECT value FROM settings WHERE key = ?1').bind(ROLLUP_CURSOR_KEY).first<{ value: string }>();
  return row ? Number(row.value) : 0;
}

/** Deletes touches older than any window can reach. */
export async function pruneTouches(d1: D1Database, before: number): Promise<void> {
  await d1.prepare('DELETE FROM attribution_touches WHERE ts < ?1').bind(before).run();
}

/**
 * An upsert of many rows bound as ONE JSON parameter (`json_each`), so a page's rows cost a
 * few statements instead of one per 100 parameters. `add` columns are summed into the existing
 * row; `keep` columns are set on insert only; `replace` columns are overwritten when `newer`.
 */
function bulkUpsert(spec: { table: string; key: string[]; keep?: string[]; add?: string[]; replace?: string[]; newer?: string }) {
  const columns = [...spec.key, ...(spec.keep ?? []), ...(spec.add ?? []), ...(spec.replace ?? [])];
  const select = columns.map((_, i) => `json_extract(value, '$[${i}]')`).join(', ');
  const set = [...(spec.add ?? []).map((c) => `${c} = ${c} + excluded.${c}`), ...(spec.replace ?? []).map((c) => `${c} = excluded.${c}`)].join(', ');
  const where = spec.newer ? ` WHERE ${spec.newer}` : '';
  const sql = `INSERT INTO ${spec.table} (${columns.join(', ')}) SELECT ${select} FROM json_each(?1) WHERE true ON CONFLICT (${spec.key.join(', ')}) DO UPDATE SET ${set}${where}`;
  return (d1: D1Database, rows: readonly unknown[][]): D1PreparedStatement[] => {
    const statements: D1PreparedStatement[] = [];
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) statements.push(d1.prepare(sql).bind(JSON.stringify(rows.slice(i, i + ROWS_PER_STATEMENT))));
    return statements;
  };
}

const REPORT_COUNTERS = [
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
const UNIT_COUNTERS = ['impressions', 'clicks', 'conversions', 'revenue'];
const upsertReportUsers = bulkUpsert({ table: 'report_users', key: ['day', 'surface', 'experiment_id', 'arm', 'user'], add: REPORT_COUNTERS });
const upsertReportItems = bulkUpsert({ table: 'report_items', key: ['day', 'item'], add: ['impressions'] });
const upsertReportDays = bulkUpsert({ table: 'report_days', key: ['day'], add: ['purchases', 'revenue'] });
const upsertTouches = bulkUpsert({
  table: 'attribution_touches',
  key: ['user', 'item', 'kind'],
  replace: ['ts', 'rid', 'surface'],
  newer: 'excluded.ts >= attribution_touches.ts',
});
const upsertUnits = bulkUpsert({
  table: 'experiment_units',
  key: ['experiment_id', 'unit'],
  keep: ['arm', 'first_exposure', 'exposure_day'],
  add: UNIT_COUNTERS,
});
const upsertUnitDays = bulkUpsert({ table: 'experiment_unit_days', key: ['experiment_id', 'unit', 'since'], keep: ['arm'], add: UNIT_COUNTERS });

/**
 * The statements that store one attributed page and move the cursor to `lastSeq`: run as one
 * D1 batch (one transaction), so a page counts entirely or not at all and a crashed or
 * repeated run never counts an event twice.
 */
export function pageWrites(d1: D1Database, page: PageAttribution, lastSeq: number, now: number): D1PreparedStatement[] {
  const rows = [...page.reportRows.values()];
  return [
    ...upsertReportUsers(
      d1,
      rows.map((r) => [
        r.day,
        r.surface,
        r.experimentId,
        r.arm,
        r.user,
        r.impressions,
        r.clicks,
        r.inferredClicks,
        r.addToCarts,
        r.purchases,
        r.revenue,
        r.clickThroughPurchases,
        r.clickThroughRevenue,
        r.viewThroughPurchases,
        r.viewThroughRevenue,
      ]),
    ),
    ...upsertReportItems(
      d1,
      [...page.itemShows.values()].map((r) => [r.day, r.item, r.impressions]),
    ),
    ...upsertReportDays(
      d1,
      [...page.days.values()].map((r) => [r.day, r.purchases, r.revenue]),
    ),
    ...upsertTouches(
      d1,
      [...page.touches.values()].map((t) => [t.user, t.item, t.kind, t.ts, t.rid, t.surface]),
    ),
    ...upsertUnits(
      d1,
      [...page.units.values()].map((u) => [u.experimentId, u.unit, u.arm, u.firstExposure, u.exposureDay, u.impressions, u.clicks, u.conversions, u.revenue]),
    ),
    ...upsertUnitDays(
      d1,
      [...page.unitDays.values()].map((u) => [u.experimentId, u.unit, u.since, u.arm, u.impressions, u.clicks, u.conversions, u.revenue]),
    ),
    d1
      .prepare(
        'INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      )
      .bind(ROLLUP_CURSOR_KEY, String(lastSeq), now),
  ];
}

import { openDatabase } from '../db/client.ts';
import { type MonitorAction, monitorExperiments } from '../experiments/monitor.ts';
import type { Env } from '../env.ts';
import { acquireLease, releaseLease } from '../rebuild/lease.ts';
import { type AttributionWindows, DEFAULT_WINDOWS, type Exposure, type LoggedEvent, PageAttribution, type Touch } from './attribution.ts';
import { pageWrites, pruneTouches, readArmNames, readCursor, readEventsAfter, readExposures, readPrices, readTouches } from './rollup-store.ts';

/** Roll-up settings. */
export interface RollupOptions {
  windows: AttributionWindows;
  /** Events per page (one read, one write batch). */
  pageSize: number;
  /** Most events one run reads: keeps a run inside D1's 1,000 queries per invocation; the next run goes on. */
  maxEvents: number;
  now?: number;
}

/** What a run did. */
export interface RollupOutcome {
  status: 'rolled-up' | 'busy';
  events: number;
  pages: number;
  /** Sequence numbers covered: (fromSeq, toSeq]. */
  fromSeq: number;
  toSeq: number;
  /** True when the run reached the end of the log. */
  caughtUp: boolean;
  /** Guardrail stops and bandit shares decided after the run. */
  experiments: MonitorAction[];
}

/** Roll-up settings from the environment (`ATTRIBUTION_VIEW_MINUTES`, `ATTRIBUTION_CLICK_HOURS`, `ROLLUP_MAX_EVENTS`). */
export function rollupOptions(env: Partial<Env>): RollupOptions {
  const num = (value: string | undefined, fallback: number) => (value && Number.isFinite(Number(value)) && Number(value) > 0 ? Number(value) : fallback);
  return {
    windows: {
      viewMs: num(env.ATTRIBUTION_VIEW_MINUTES, DEFAULT_WINDOWS.viewMs / 60_000) * 60_000,
      clickMs: num(env.ATTRIBUTION_CLICK_HOURS, DEFAULT_WINDOWS.clickMs / 3_600_000) * 3_600_000,
    },
    pageSize: 2000,
    maxEvents: num(env.ROLLUP_MAX_EVENTS, 100_000),
  };
}

const LEASE = 'rollup';

/**
 * The incremental roll-up (5-minute cron and `POST /v1/admin/rollup`): reads the events logged
 * since the last run by keyset on `seq`, attributes them, and adds them to the report and
 * experiment tables, one page per D1 batch together with the cursor. A lease keeps two runs
 * from overlapping. Queries per page: 1 read of the log, at most 3 lookups, and one batch of
 * a few bulk statements. Touches older than the longest window (plus a day for late events)
 * before the newest event rolled up are pruned.
 */
export async function runRollup(d1: D1Database, options: RollupOptions): Promise<RollupOutcome> {
  const now = options.now ?? Date.now();
  const db = openDatabase(d1);
  const holder = `rollup-${now}-${crypto.randomUUID().slice(0, 6)}`;
  const fromSeq = await readCursor(d1);
  if (!(await acquireLease(db, LEASE, holder, 5 * 60_000, now)))
    return { status: 'busy', events: 0, pages: 0, fromSeq, toSeq: fromSeq, caughtUp: false, experiments: [] };
  try {
    const armNames = await readArmNames(d1);
    let cursor = await readCursor(d1);
    const start = cursor;
    let events = 0;
    let pages = 0;
    let caughtUp = false;
    let newest = 0;
    while (events < options.maxEvents) {
      const page = await readEventsAfter(d1, cursor, Math.min(options.pageSize, options.maxEvents - events));
      if (page.length === 0) {
        caughtUp = true;
        break;
      }
      const attribution = await attributePage(d1, page, armNames, options.windows);
      cursor = page[page.length - 1]!.seq;
      for (const e of page) newest = Math.max(newest, e.ts);
      await d1.batch(pageWrites(d1, attribution, cursor, now));
      events += page.length;
      pages++;
      if (page.length < options.pageSize) {
        caughtUp = true;
        break;
      }
    }
    if (newest > 0) await pruneTouches(d1, newest - Math.max(options.windows.viewMs, options.windows.clickMs) - 86_400_000);
    const experiments = await monitorExperiments(db, d1, now);
    return { status: 'rolled-up', events, pages, fromSeq: start, toSeq: cursor, caughtUp, experiments };
  } finally {
    await releaseLease(db, LEASE, holder);
  }
}

async function attributePage(
  d1: D1Database,
  page: readonly LoggedEvent[],
  armNames: Map<string, string[]>,
  windows: AttributionWindows,
): Promise<PageAttribution> {
  const needTouches = new Set<string>();
  const needExposures = new Set<string>();
  const needPrices = new Set<string>();
  let earliest = Infinity;
  for (const e of page) {
    if (e.type === 'impression' || e.type === 'click' || e.type === 'purchase') needExposures.add(e.user);
    if (!e.rid && (e.type === 'click' || e.type === 'purchase' || e.type === 'add_to_cart')) {
      needTouches.add(e.user);
      earliest = Math.min(earliest, e.ts);
    }
    if (e.type === 'purchase' && e.price === null && e.item) needPrices.add(e.item);
  }
  const reach = Math.max(windows.viewMs, windows.clickMs);
  const [touches, exposures, prices] = await Promise.all([
    readTouches(d1, [...needTouches], Number.isFinite(earliest) ? earliest - reach : 0),
    readExposures(d1, [...needExposures]),
    readPrices(d1, [...needPrices]),
  ]);
  const touchIndex = new Map<string, Touch>(touches.map((t) => [`${t.user}\u0000${t.item}\u0000${t.kind}`, t]));
  const exposureIndex = new Map<string, Exposure[]>();
  for (const x of exposures) exposureIndex.set(x.unit, [...(exposureIndex.get(x.unit) ?? []), x]);
  const attribution = new PageAttribution(
    {
      touch: (user, item, kind) => touchIndex.get(`${user}\u0000${item}\u0000${kind}`),
      exposures: (user) => exposureIndex.get(user) ?? [],
      armName: (experiment, index) => armNames.get(experiment)?.[index],
      price: (item) => prices.get(item),
    },
    windows,
  );
  for (const e of page) attribution.add(e);
  return attribution;
}

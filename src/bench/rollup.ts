/**
 * `npm run bench:rollup`: the 5-minute roll-up on a backlog of 1M events (knob: `BENCH_EVENTS`),
 * in a local D1 (miniflare's, the same SQLite the Worker uses locally). The baseline, measured in
 * the same run on the same log, is only reading the events: the keyset pages of 2,000 the roll-up
 * reads. The roll-up then attributes them and writes the report and experiment tables, in runs of
 * `ROLLUP_MAX_EVENTS` (100,000) as the cron would. Figures: events per second of each, and their ratio.
 */
import { newRid } from '../experiments/rid-tag.ts';
import { seededRandom } from '../random.ts';
import { readEventsAfter } from '../reports/rollup-store.ts';
import { DEFAULT_WINDOWS } from '../reports/attribution.ts';
import { runRollup } from '../reports/run-rollup.ts';
import { migratedLocalD1 } from './local-d1.ts';
import { fmt, median, benchNumber, step } from './measure.ts';

const EVENTS = benchNumber('BENCH_EVENTS', 1_000_000);
const USERS = Math.max(100, Math.round(EVENTS / 20));
const ITEMS = 2000;
const ROUNDS = benchNumber('BENCH_ROUNDS', 1);
const PAGE = 2000;
const MAX_PER_RUN = 100_000;

const { d1, dispose } = await migratedLocalD1();

/** A seeded shop log: views, impressions (some under a two-arm experiment), clicks with and without rid, carts, purchases. */
async function loadEvents(): Promise<void> {
  const random = seededRandom(7);
  const start = Date.now() - 10 * 86_400_000;
  const item = () => `sku-${Math.floor(ITEMS * random.next() ** 2)}`;
  const insert = d1.prepare(
    "INSERT INTO events (id, type, user_id, item_id, items, value, price, rid, context, ts, received_at) SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'), json_extract(value, '$[6]'), json_extract(value, '$[7]'), NULL, json_extract(value, '$[8]'), json_extract(value, '$[8]') FROM json_each(?1)",
  );
  const lastRid = new Map<number, string>();
  let rows: unknown[][] = [];
  for (let n = 0; n < EVENTS; n++) {
    const u = Math.floor(USERS * random.next());
    const user = `u${u}`;
    const ts = start + Math.floor((n / EVENTS) * 10 * 86_400_000);
    const r = random.next();
    if (r < 0.35) rows.push([`e${n}`, 'view', user, item(), null, null, null, null, ts]);
    else if (r < 0.65) {
      const rid = u % 2 ? newRid({ surface: 'similar' }) : newRid({ surface: 'for-you', experiment: 'x-bench', armIndex: u % 4 === 0 ? 0 : 1 });
      lastRid.set(u, rid);
      rows.push([`e${n}`, 'impression', user, null, JSON.stringify(Array.from({ length: 6 }, item)), null, null, rid, ts]);
    } else if (r < 0.8) rows.push([`e${n}`, 'click', user, item(), null, null, null, random.chance(0.5) ? (lastRid.get(u) ?? null) : null, ts]);
    else if (r < 0.93) rows.push([`e${n}`, 'add_to_cart', user, item(), null, 1, null, null, ts]);
    else rows.push([`e${n}`, 'purchase', user, item(), null, random.int(1, 3), random.chance(0.5) ? random.int(5, 80) : null, null, ts]);
    if (rows.length === 2000) {
      await insert.bind(JSON.stringify(rows)).run();
      rows = [];
    }
  }
  if (rows.length) await insert.bind(JSON.stringify(rows)).run();
  await d1
    .prepare(
      "INSERT INTO experiments (id, name, surfaces, arms, status, mode, settings, created_at) VALUES ('x-bench', 'bench', '[\"for-you\"]', ?1, 'stopped', 'fixed', '{}', 0)",
    )
    .bind(
      JSON.stringify([
        { name: 'control', share: 0.5, control: true, config: {} },
        { name: 'other', share: 0.5, control: false, config: {} },
      ]),
    )
    .run();
}

async function readAll(): Promise<number> {
  let seq = 0;
  let read = 0;
  for (;;) {
    const page = await readEventsAfter(d1, seq, PAGE);
    if (page.length === 0) return read;
    read += page.length;
    seq = page[page.length - 1]!.seq;
  }
}

async function resetRollup(): Promise<void> {
  await d1.batch(
    ['settings', 'report_users', 'report_items', 'report_days', 'attribution_touches', 'experiment_units', 'experiment_unit_days', 'leases'].map((t) =>
      d1.prepare(`DELETE FROM ${t}`),
    ),
  );
}

try {
  step(`loading ${EVENTS} events into the local D1`);
  let t = performance.now();
  await loadEvents();
  console.error(`loaded ${EVENTS} events in ${fmt((performance.now() - t) / 1000)} s`);
  const readRates: number[] = [];
  const rollupRates: number[] = [];
  let runs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    t = performance.now();
    const read = await readAll();
    readRates.push(read / ((performance.now() - t) / 1000));
    await resetRollup();
    step(`round ${round + 1}/${ROUNDS}: the roll-up`);
    t = performance.now();
    let rolled = 0;
    runs = 0;
    for (;;) {
      const outcome = await runRollup(d1, { windows: DEFAULT_WINDOWS, pageSize: PAGE, maxEvents: MAX_PER_RUN });
      rolled += outcome.events;
      runs++;
      if (outcome.caughtUp) break;
    }
    rollupRates.push(rolled / ((performance.now() - t) / 1000));
    if (rolled !== EVENTS) throw new Error(`rolled up ${rolled} of ${EVENTS} events`);
  }
  const counts = await d1
    .prepare(
      'SELECT (SELECT COUNT(*) FROM report_users) AS reportRows, (SELECT COUNT(*) FROM experiment_units) AS units, (SELECT COUNT(*) FROM attribution_touches) AS touches',
    )
    .first<{ reportRows: number; units: number; touches: number }>();
  const read = median(readRates);
  const rollup = median(rollupRates);
  console.log(`roll-up benchmark: ${EVENTS} events (${USERS} users, ${ITEMS} items), local D1, ${ROUNDS} rounds, medians
  read the log only (keyset pages of ${PAGE})   ${fmt(read, 0)} events/s (rounds ${readRates.map((r) => fmt(r, 0)).join(', ')})
  roll-up (attribute + write, ${runs} runs of <= ${MAX_PER_RUN}) ${fmt(rollup, 0)} events/s (rounds ${rollupRates.map((r) => fmt(r, 0)).join(', ')})
  ratio                                          ${fmt(rollup / read, 3)} x reading the same events
  tables after one pass: ${counts?.reportRows} report rows, ${counts?.units} experiment units, ${counts?.touches} attribution touches`);
} finally {
  await dispose();
}

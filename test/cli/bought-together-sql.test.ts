/**
 * Bought together in SQL (src/offline/sql/05-bought-together.sql) against the model's builder
 * (src/model/bought-together.ts) on the same log: the Online Retail sample (invoices, many of
 * them past the basket maximum) and the Taobao purchases, plus sessions, campaign items,
 * anonymous shoppers, purchases just inside and outside the basket gap, and equal scores cut at k.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realSet } from '../../src/bench/rebuild-data.ts';
import { BOUGHT_TOGETHER_DEFAULTS, type BoughtTogetherTable, createBoughtTogetherBuilder } from '../../src/model/bought-together.ts';
import type { ShopEvent } from '../../src/model/events.ts';
import { roundWeight } from '../../src/model/neighbour-list.ts';
import { buildBoughtTogether } from '../../src/offline/bought-together.ts';
import { openEngine } from '../../src/offline/engine.ts';
import { sharedDataHere } from '../support/shared-data.ts';

const HOUR = 3_600_000;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Row {
  seq: number;
  type: string;
  user: string | null;
  item: string | null;
  session: string | null;
  ts: number;
}

/** Shoppers buying in sessions, without a user, campaign items, and two purchases a gap apart or just inside it. */
function edgeCases(start: number): Row[] {
  const rows: Row[] = [];
  const buy = (user: string | null, item: string | null, ts: number, session: string | null = null) =>
    rows.push({ seq: 0, type: 'purchase', user, item, session, ts });
  for (let n = 0; n < 40; n++) {
    const t = start + n * 5 * HOUR;
    buy(`s-user-${n % 7}`, `p${n % 5}`, t, `sess-${n}`);
    buy(`s-user-${n % 7}`, `p${(n + 1) % 5}`, t + HOUR, `sess-${n}`);
    buy(null, `p${n % 3}`, t, `anon-${n}`);
    buy(null, `p${(n + 2) % 5}`, t + 10, `anon-${n}`);
    buy('', `p${n % 4}`, t, null);
    buy(`gap-${n % 3}`, `p${n % 5}`, t);
    buy(`gap-${n % 3}`, `p${(n + 3) % 5}`, t + (n % 2 ? HOUR : HOUR + 1));
    buy(`gap-${n % 3}`, 'campaign:spring', t + 2);
    buy(`gap-${n % 3}`, null, t + 3);
    rows.push({ seq: 0, type: 'view', user: `gap-${n % 3}`, item: `p${(n + 4) % 5}`, session: null, ts: t + 4 });
  }
  // Ties: a hub in ten baskets with five of 25 items each, every item in two, so its list is cut at k among equal scores.
  for (let n = 0; n < 10; n++) {
    buy(`tie-${n}`, 'hub', start + n);
    for (let j = 0; j < 5; j++) buy(`tie-${n}`, `h${(5 * n + j) % 25}`, start + n);
  }
  return rows;
}

function logRows(now: number): Row[] {
  const rows: Row[] = [];
  for (const name of ['retail', 'taobao'] as const)
    for (const e of realSet(name, now).events) rows.push({ seq: 0, type: e.type, user: e.user ?? null, item: e.item ?? null, session: null, ts: e.ts });
  rows.push(...edgeCases(now - 400 * HOUR));
  rows.forEach((row, n) => (row.seq = n + 1));
  return rows.sort((a, b) => a.ts - b.ts || a.seq - b.seq);
}

async function sqlTable(rows: readonly Row[]): Promise<BoughtTogetherTable> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bt-sql-'));
  dirs.push(dir);
  const engine = await openEngine({ memoryLimit: '512MB', threads: 2, tempDirectory: path.join(dir, 'spill') });
  try {
    await engine.connection.run('CREATE TABLE window_events (seq BIGINT, type VARCHAR, user_id VARCHAR, item_id VARCHAR, session VARCHAR, ts BIGINT)');
    const appender = await engine.connection.createAppender('window_events');
    for (const row of rows) {
      appender.appendBigInt(BigInt(row.seq));
      appender.appendVarchar(row.type);
      for (const value of [row.user, row.item, row.session]) {
        if (value === null) appender.appendNull();
        else appender.appendVarchar(value);
      }
      appender.appendBigInt(BigInt(row.ts));
      appender.endRow();
    }
    appender.closeSync();
    await buildBoughtTogether(engine);
    const table: BoughtTogetherTable = {};
    for (const r of await engine.all<{ item: string; to: string; confidence: number; lift: number; support: number }>(
      'SELECT item, to_item AS "to", confidence, lift, support::DOUBLE AS support FROM bt_lists ORDER BY item, rank',
    ))
      (table[r.item] ??= []).push([r.to, roundWeight(r.confidence), roundWeight(r.lift), r.support]);
    return table;
  } finally {
    engine.close();
  }
}

describe('bought together as SQL equals the model builder', () => {
  it.skipIf(!sharedDataHere)(
    'on Online Retail and Taobao purchases with sessions, anonymous shoppers and the basket gap',
    async () => {
      const rows = logRows(Date.UTC(2026, 11, 1));
      const builder = createBoughtTogetherBuilder();
      const events = rows.map(
        (r): ShopEvent => ({ type: r.type, user: r.user ?? '', item: r.item ?? undefined, session: r.session ?? undefined, ts: r.ts }) as ShopEvent,
      );
      for (let at = 0; at < events.length; at += 1000) builder.add(events.slice(at, at + 1000));
      const expected = builder.finish().table;
      const lists = Object.values(expected);
      expect(lists.length).toBeGreaterThan(200);
      expect(expected.hub?.map(([to]) => to)).toEqual(
        Array.from({ length: 25 }, (_, n) => `h${n}`)
          .sort()
          .slice(0, BOUGHT_TOGETHER_DEFAULTS.k),
      );
      expect(expected.p0?.length).toBeGreaterThan(0);
      expect(await sqlTable(rows)).toEqual(expected);
    },
    120_000,
  );
});

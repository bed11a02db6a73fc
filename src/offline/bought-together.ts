/**
 * Bought together in SQL (`sql/05-bought-together.sql`): the baskets and their pairs are GROUP BYs
 * that spill, where the Worker's builder (src/model/bought-together.ts) holds a map of pairs that
 * grows with the log. The lists equal the builder's (test/cli/bought-together-sql.test.ts).
 */
import { BOUGHT_TOGETHER_DEFAULTS, type BoughtTogetherList } from '../model/bought-together.ts';
import { roundWeight } from '../model/neighbour-list.ts';
import { shardOf } from '../tables/layout.ts';
import type { Engine } from './engine.ts';
import { fill } from './profiles.ts';

/** Computes `bt_lists` (item, rank, to_item, confidence, lift, support) from `window_events` with the model's default rules. */
export async function buildBoughtTogether(engine: Engine): Promise<void> {
  const d = BOUGHT_TOGETHER_DEFAULTS;
  await engine.runFile('05-bought-together.sql', {
    basket_gap_ms: d.basketGapMs,
    max_basket_size: d.maxBasketSize,
    min_support: d.minSupport,
    min_confidence: d.minConfidence,
    min_lift: d.minLift,
    k: d.k,
  });
}

/**
 * Builds the lists and hands them to `writeShard` one complete shard of `count` at a time (entries
 * `[item, flat list]` as the Worker packs them); drops the working tables; returns the pairs kept.
 */
export async function writeBoughtTogether(engine: Engine, count: number, writeShard: (entries: [string, unknown][]) => Promise<void>): Promise<number> {
  await buildBoughtTogether(engine);
  await engine.connection.run('CREATE OR REPLACE TABLE bt_item_shard (item VARCHAR, shard INTEGER)');
  await fill(engine, 'bt_item_shard', 'SELECT DISTINCT item FROM bt_lists', ([item], append) => {
    append.appendVarchar(item as string);
    append.appendInteger(shardOf(item as string, count));
  });
  let pairs = 0;
  let shard = -1;
  let entries: [string, unknown][] = [];
  let item = '';
  let list: BoughtTogetherList = [];
  const endItem = () => {
    if (list.length) entries.push([item, list.flat()]);
    pairs += list.length;
    list = [];
  };
  const endShard = async () => {
    endItem();
    if (entries.length) await writeShard(entries);
    entries = [];
  };
  const sql = `SELECT s.shard, l.item, l.to_item, l.confidence, l.lift, l.support::DOUBLE
    FROM bt_lists l JOIN bt_item_shard s USING (item) ORDER BY s.shard, l.item, l.rank`;
  for await (const [shards, items, tos, confidences, lifts, supports] of engine.columns(sql))
    for (let r = 0; r < shards!.length; r++) {
      if (shards![r] !== shard) {
        await endShard();
        shard = shards![r] as number;
      }
      if (items![r] !== item) {
        endItem();
        item = items![r] as string;
      }
      list.push([tos![r] as string, roundWeight(confidences![r] as number), roundWeight(lifts![r] as number), supports![r] as number]);
    }
  await endShard();
  await engine.connection.run('DROP TABLE bt_lists; DROP TABLE bt_item_shard');
  return pairs;
}

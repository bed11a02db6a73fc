-- Bought together: the rules of src/model/bought-together.ts over the window's purchases.
-- Parameters: {{basket_gap_ms}}, {{max_basket_size}}, {{min_support}}, {{min_confidence}},
-- {{min_lift}}, {{k}}. Leaves `bt_lists` (item, rank, to_item, confidence, lift, support) and
-- drops its working tables. Standard SQL but for QUALIFY (marked; Spark and Trino: filter a
-- subquery on the row_number instead).
--
-- A basket is one owner's purchases (the session, or without one the user) in (ts, seq) order
-- while each is at most the gap after the one before; an item counts once per basket. Baskets
-- larger than the maximum count for their items but add no pairs. The Worker's builder holds the
-- pairs in a map that grows with the log; here they are a GROUP BY that spills.

CREATE OR REPLACE TABLE bt_purchases AS
SELECT owner, item_id AS item, ts, seq
FROM (
  SELECT item_id, ts, seq,
    CASE WHEN coalesce(session, '') <> '' THEN 'session:' || session WHEN coalesce(user_id, '') <> '' THEN user_id END AS owner
  FROM window_events
  WHERE type = 'purchase' AND item_id IS NOT NULL AND item_id <> '' AND NOT starts_with(item_id, 'campaign:')
) p
WHERE owner IS NOT NULL;

CREATE OR REPLACE TABLE bt_basket_items AS
SELECT DISTINCT owner, basket, item
FROM (
  SELECT owner, item, sum(opens) OVER (PARTITION BY owner ORDER BY ts, seq ROWS UNBOUNDED PRECEDING) AS basket
  FROM (
    SELECT owner, item, ts, seq,
      CASE WHEN ts - lag(ts) OVER (PARTITION BY owner ORDER BY ts, seq) > {{basket_gap_ms}} THEN 1 ELSE 0 END AS opens
    FROM bt_purchases
  ) steps
) numbered;
DROP TABLE bt_purchases;

CREATE OR REPLACE TABLE bt_baskets AS
SELECT owner, basket, (row_number() OVER ())::BIGINT AS bid, count(*) AS size
FROM bt_basket_items
GROUP BY owner, basket;

CREATE OR REPLACE TABLE bt_item_baskets AS
SELECT item, count(*)::DOUBLE AS baskets FROM bt_basket_items GROUP BY item;

CREATE OR REPLACE TABLE bt_pair_items AS
SELECT b.bid, i.item
FROM bt_basket_items i JOIN bt_baskets b USING (owner, basket)
WHERE b.size <= {{max_basket_size}};
DROP TABLE bt_basket_items;

CREATE OR REPLACE TABLE bt_pairs AS
SELECT x.item AS a, y.item AS b, count(*)::DOUBLE AS support
FROM bt_pair_items x JOIN bt_pair_items y ON x.bid = y.bid AND x.item < y.item
GROUP BY x.item, y.item
HAVING count(*) >= {{min_support}};
DROP TABLE bt_pair_items;

CREATE OR REPLACE TABLE bt_lists AS
WITH rules AS (
  SELECT a AS item, b AS to_item, support FROM bt_pairs
  UNION ALL
  SELECT b AS item, a AS to_item, support FROM bt_pairs
),
scored AS (
  SELECT r.item, r.to_item, r.support, r.support / f.baskets AS confidence,
    (r.support / f.baskets) * (SELECT count(*)::DOUBLE FROM bt_baskets) / t.baskets AS lift
  FROM rules r
  JOIN bt_item_baskets f ON f.item = r.item
  JOIN bt_item_baskets t ON t.item = r.to_item
)
SELECT item, row_number() OVER (PARTITION BY item ORDER BY confidence + lift * 1e-9 DESC, to_item) AS rank, to_item, confidence, lift, support
FROM scored
WHERE confidence >= {{min_confidence}} AND lift >= {{min_lift}}
QUALIFY rank <= {{k}}; -- [DuckDB] QUALIFY
DROP TABLE bt_pairs;
DROP TABLE bt_item_baskets;
DROP TABLE bt_baskets;

-- Weighted, de-duplicated, capped user x item interactions: the rules of
-- src/model/interaction-log.ts. Parameters: {{half_life_ms}}, {{now}},
-- {{w_view}}, {{w_click}}, {{w_add_to_cart}}, {{w_remove_from_cart}}, {{w_purchase}}, {{w_rating}}.
--
-- Per (user, item) the events are folded in (ts, seq) order: the first event must weigh > 0 to
-- open the pair, an exact repeat (same time and type as the pair's last event) is skipped, and
-- w = max(0, w * 2^(-dt / half-life) + weight). DuckDB-specific (marked): list_reduce with an
-- initial state; Spark has aggregate(array, start, merge), Trino reduce(array, start, f, g).

CREATE OR REPLACE TABLE valid_events AS
SELECT
  coalesce(nullif(user_id, ''), 'session:' || session) AS user_key,
  item_id AS item,
  ts,
  seq,
  type,
  value,
  CASE type WHEN 'view' THEN 1 WHEN 'click' THEN 2 WHEN 'add_to_cart' THEN 3 WHEN 'remove_from_cart' THEN 4 WHEN 'purchase' THEN 5 ELSE 6 END AS code,
  CASE type
    WHEN 'view' THEN {{w_view}} WHEN 'click' THEN {{w_click}} WHEN 'add_to_cart' THEN {{w_add_to_cart}}
    WHEN 'remove_from_cart' THEN {{w_remove_from_cart}} WHEN 'purchase' THEN {{w_purchase}}
    WHEN 'rating' THEN {{w_rating}} * coalesce(value, 0)
  END AS weight
FROM window_events
WHERE type IN ('view', 'click', 'add_to_cart', 'remove_from_cart', 'purchase', 'rating')
  AND item_id IS NOT NULL AND item_id <> '' AND NOT starts_with(item_id, 'campaign:')
  AND coalesce(nullif(user_id, ''), session) IS NOT NULL;

DELETE FROM valid_events WHERE weight = 0;

-- Users in the order of their first event (the graph's user index; it orders ties like the Worker).
-- The first (ts, seq) as one fixed-size key (seq < 2^40), so a GROUP BY that spills finds it
-- rather than a window over every event partitioned by user.
CREATE OR REPLACE TABLE user_index AS
SELECT user_key, (row_number() OVER (ORDER BY first_key) - 1)::INTEGER AS uidx
FROM (SELECT user_key, min(ts::HUGEINT * 1099511627776 + seq) AS first_key FROM valid_events GROUP BY user_key) first_events;

-- Most pairs need no fold: when every event weighs > 0 and no two share a time (no exact
-- repeat), the fold is a decayed sum, w = sum of weight x 2^(-(last ts - ts) / half-life), and a
-- GROUP BY with fixed-size states computes it (it spills). The rest (a removal, a rating of 0 or
-- less, events at the same time) is folded event by event.
CREATE OR REPLACE TABLE pair_sums AS
SELECT user_key, item, min(weight) AS min_w,
  sum(weight * pow(2, -({{now}} - ts) / {{half_life_ms}})) AS w_now,
  max(ts) AS last_ts, arg_max(seq, ts) AS last_seq, min(ts) AS born_ts, arg_min(seq, ts) AS born_seq
FROM valid_events
GROUP BY user_key, item;

CREATE OR REPLACE TABLE folded_pairs AS
SELECT user_key, item FROM pair_sums WHERE min_w <= 0
UNION
SELECT user_key, item FROM valid_events GROUP BY user_key, item, ts HAVING count(*) > 1;

-- Their events, folded in parts (02-fold-part.sql): the fold collects each pair's events in a
-- list ordered by (ts, seq), an aggregate state that does not spill (1.7M such events at 10M
-- events ran out of a 1 GB limit in one query).
CREATE OR REPLACE TABLE fold_events AS
SELECT v.user_key, v.item, v.ts, v.seq, v.code, v.weight
FROM valid_events v SEMI JOIN folded_pairs f USING (user_key, item);

CREATE OR REPLACE TABLE pairs_folded AS
SELECT user_key, item, true AS alive, w_now * pow(2, ({{now}} - last_ts) / {{half_life_ms}}) AS w, last_ts, last_seq, born_ts, born_seq
FROM pair_sums p
WHERE NOT EXISTS (SELECT 1 FROM folded_pairs f WHERE f.user_key = p.user_key AND f.item = p.item);

DROP TABLE pair_sums;

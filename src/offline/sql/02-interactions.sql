-- Weighted, de-duplicated, capped user x item interactions: the rules of
-- src/model/interaction-log.ts. Parameters: {{half_life_ms}}, {{max_items_per_user}}, {{now}},
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

-- [DuckDB] the fold of the few pairs that need it
CREATE OR REPLACE TABLE pairs_folded AS
SELECT user_key, item, true AS alive, w_now * pow(2, ({{now}} - last_ts) / {{half_life_ms}}) AS w, last_ts, last_seq, born_ts, born_seq
FROM pair_sums p
WHERE NOT EXISTS (SELECT 1 FROM folded_pairs f WHERE f.user_key = p.user_key AND f.item = p.item)
UNION ALL
SELECT user_key, item, s.alive, s.w, s.ts AS last_ts, s.lseq AS last_seq, s.bts AS born_ts, s.bseq AS born_seq
FROM (
  SELECT user_key, item, list_reduce(
    list({'w': weight::DOUBLE, 'ts': ts, 'code': code, 'seq': seq} ORDER BY ts, seq),
    lambda acc, x: CASE
      WHEN NOT acc.alive AND x.w <= 0 THEN acc
      WHEN NOT acc.alive THEN {'alive': true, 'w': x.w, 'ts': x.ts, 'code': x.code, 'lseq': x.seq, 'bts': x.ts, 'bseq': x.seq}
      WHEN x.ts = acc.ts AND x.code = acc.code THEN acc
      ELSE {'alive': true, 'w': greatest(0, acc.w * pow(2, -(x.ts - acc.ts) / {{half_life_ms}}) + x.w), 'ts': x.ts, 'code': x.code,
            'lseq': x.seq, 'bts': acc.bts, 'bseq': acc.bseq}
    END,
    {'alive': false, 'w': 0::DOUBLE, 'ts': 0::BIGINT, 'code': 0, 'lseq': 0::BIGINT, 'bts': 0::BIGINT, 'bseq': 0::BIGINT}
  ) AS s
  FROM valid_events v SEMI JOIN folded_pairs f USING (user_key, item)
  GROUP BY user_key, item
) folded;
-- [/DuckDB]

DROP TABLE pair_sums;

-- Users who touched more than max_items_per_user items: the Worker drops their least recently
-- touched item whenever a new one comes (and forgets its weight), a sequential rule that the job
-- replays with the Worker's own code for these users only (src/offline/rebuild-offline.ts). For
-- everyone else no item is ever dropped and the fold above is the Worker's result.
CREATE OR REPLACE TABLE heavy_users AS
SELECT user_key FROM pairs_folded WHERE alive GROUP BY user_key HAVING count(*) > {{max_items_per_user}};

-- The pairs whose decayed weight is above zero, with their position in the user's history.
CREATE OR REPLACE TABLE interactions AS
SELECT u.uidx, p.item, p.w, p.last_ts,
  (row_number() OVER (PARTITION BY p.user_key ORDER BY p.born_ts, p.born_seq) - 1)::INTEGER AS pos
FROM pairs_folded p
JOIN user_index u USING (user_key)
WHERE p.alive AND p.user_key NOT IN (SELECT user_key FROM heavy_users)
  AND p.w * pow(2, -greatest(0, {{now}} - p.last_ts) / {{half_life_ms}}) > 1e-9;

-- After 02-interactions.sql and every part of 02-fold-part.sql: the item cap and the history
-- positions. Parameters: {{half_life_ms}}, {{max_items_per_user}}, {{now}}.

-- Users who touched more than max_items_per_user items: the Worker drops their least recently
-- touched item whenever a new one comes (and forgets its weight), a sequential rule that the job
-- replays with the Worker's own code for these users only (src/offline/rebuild-offline.ts). For
-- everyone else no item is ever dropped and the fold is the Worker's result.
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

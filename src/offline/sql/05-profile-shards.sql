-- One batch of profiles (uno from {{from_uno}} to {{to_uno}}, whole shards): each profile's
-- precomputed for-you candidates (src/model/precompute-for-you.ts, the scoring of
-- src/model/recommend.ts), then the batch's profile shards packed (packShard layout).
-- The job appended, per profile: profile_rows (shard, pkey, uno, json without forYou),
-- fy_sources (uno, src: 0..4 in scoring order, iidx of the source item, w: its decayed history
-- weight, hist: the source's index in the profile history) and fy_bought (uno, iidx).
--
-- score(candidate) = sum over sources of w * neighbour weight (rounded as published); the
-- "because" is the source of the largest contribution (the first source on ties); bought items
-- never; ties in score keep the candidate met first (source order, then list rank). The big
-- GROUP BY (every user x candidate) has two fixed-size aggregates, so it stays small and can
-- spill; the "because" is worked out for the kept 40 per user only. Standard SQL apart from
-- AS MATERIALIZED ([DuckDB]; elsewhere a temporary table).
CREATE OR REPLACE TABLE for_you AS
WITH scored AS (
  SELECT s.uno, n.j AS cand, sum(s.w * round4(n.score)) AS score, min(s.src * 100000 + n.rank) AS first
  FROM fy_sources s JOIN neighbours n ON n.i = s.iidx
  WHERE s.uno BETWEEN {{from_uno}} AND {{to_uno}}
  GROUP BY s.uno, n.j
),
top AS MATERIALIZED (
  SELECT uno, cand, score, rn
  FROM (
    SELECT sc.uno, sc.cand, sc.score, row_number() OVER (PARTITION BY sc.uno ORDER BY sc.score DESC, sc.first) AS rn
    FROM scored sc
    LEFT JOIN fy_bought x ON x.uno = sc.uno AND x.iidx = sc.cand
    WHERE sc.score > 0 AND x.uno IS NULL
  ) ranked
  WHERE rn <= {{limit}}
),
-- The "because" of the kept candidates only: their contributions again, the largest (first source on ties).
because AS (
  SELECT uno, cand, hist
  FROM (
    SELECT t.uno, t.cand, s.hist, row_number() OVER (PARTITION BY t.uno, t.cand ORDER BY s.w * round4(n.score) DESC, s.src) AS r
    FROM top t
    JOIN fy_sources s ON s.uno = t.uno
    JOIN neighbours n ON n.i = s.iidx AND n.j = t.cand
  ) contributions
  WHERE r = 1
)
SELECT t.uno, '[' || string_agg('[' || to_json(b.item)::VARCHAR || ',' || round4(t.score)::VARCHAR || ',' || c.hist || ']', ',' ORDER BY t.rn) || ']' AS list -- [DuckDB] to_json
FROM top t
JOIN because c ON c.uno = t.uno AND c.cand = t.cand
JOIN item_ids b ON b.iidx = t.cand
GROUP BY t.uno;

CREATE OR REPLACE TABLE profile_shards AS
SELECT p.shard, chr(10) || string_agg(p.pkey || chr(9) || substr(p.json, 1, length(p.json) - 1) || ',"forYou":' || coalesce(f.list, '[]') || '}' || chr(10), '' ORDER BY p.pkey) AS value
FROM profile_rows p LEFT JOIN for_you f USING (uno)
WHERE p.uno BETWEEN {{from_uno}} AND {{to_uno}}
GROUP BY p.shard;

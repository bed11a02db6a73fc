-- One batch of profiles (uno from {{from_uno}} to {{to_uno}}, whole shards): each profile's
-- precomputed for-you candidates (src/model/precompute-for-you.ts, the scoring of
-- src/model/recommend.ts), then the batch's profile shards packed (packShard layout).
-- The job appended, per profile: profile_rows (shard, pkey, uno, json without forYou),
-- fy_sources (uno, src: 0..4 in scoring order, iidx of the source item, w: its decayed history
-- weight, hist: the source's index in the profile history) and fy_bought (uno, iidx).
--
-- score(candidate) = sum over sources of w x neighbour weight (rounded as published), added in
-- source order as the Worker adds them (so the sum is the same double); the "because" is the
-- source of the largest contribution (the first source on ties); bought items never; ties in
-- score keep the candidate met first (source order, then list rank). Every aggregate of the big
-- GROUP BY (every shopper x candidate) has a fixed-size state (the contribution of each of the
-- 5 sources apart), so it can spill; the job sizes the batches by source rows so that it
-- seldom has to. Standard SQL (FILTER, QUALIFY: DuckDB, Spark 3.4+, Trino via a subquery).
CREATE OR REPLACE TABLE for_you AS
WITH scored AS (
  SELECT s.uno, n.j AS cand,
    max(s.w * round4(n.score)) FILTER (WHERE s.src = 0) AS c0,
    max(s.w * round4(n.score)) FILTER (WHERE s.src = 1) AS c1,
    max(s.w * round4(n.score)) FILTER (WHERE s.src = 2) AS c2,
    max(s.w * round4(n.score)) FILTER (WHERE s.src = 3) AS c3,
    max(s.w * round4(n.score)) FILTER (WHERE s.src = 4) AS c4,
    min(s.src * 100000 + n.rank) AS first
  FROM fy_sources s JOIN neighbours n ON n.i = s.iidx
  WHERE s.uno BETWEEN {{from_uno}} AND {{to_uno}}
  GROUP BY s.uno, n.j
),
top AS (
  SELECT uno, cand, score, greatest(c0, c1, c2, c3, c4) AS best, c0, c1, c2, c3, c4,
    row_number() OVER (PARTITION BY uno ORDER BY score DESC, first) AS rn
  FROM (
    SELECT *, (((coalesce(c0, 0) + coalesce(c1, 0)) + coalesce(c2, 0)) + coalesce(c3, 0)) + coalesce(c4, 0) AS score
    FROM scored sc
    WHERE NOT EXISTS (SELECT 1 FROM fy_bought x WHERE x.uno = sc.uno AND x.iidx = sc.cand)
  ) candidates
  WHERE score > 0
  QUALIFY rn <= {{limit}}
)
SELECT t.uno, '[' || string_agg('[' || to_json(b.item)::VARCHAR || ',' || round4(t.score)::VARCHAR || ',' || s.hist || ']', ',' ORDER BY t.rn) || ']' AS list -- [DuckDB] to_json
FROM top t
JOIN fy_sources s ON s.uno = t.uno AND s.src = CASE t.best WHEN t.c0 THEN 0 WHEN t.c1 THEN 1 WHEN t.c2 THEN 2 WHEN t.c3 THEN 3 ELSE 4 END
JOIN item_ids b ON b.iidx = t.cand
GROUP BY t.uno;

CREATE OR REPLACE TABLE profile_shards AS
SELECT p.shard, chr(10) || string_agg(p.pkey || chr(9) || substr(p.json, 1, length(p.json) - 1) || ',"forYou":' || coalesce(f.list, '[]') || '}' || chr(10), '' ORDER BY p.pkey) AS value
FROM profile_rows p LEFT JOIN for_you f USING (uno)
WHERE p.uno BETWEEN {{from_uno}} AND {{to_uno}}
GROUP BY p.shard;

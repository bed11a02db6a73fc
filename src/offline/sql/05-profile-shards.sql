-- One batch of profiles (uno from {{from_uno}} to {{to_uno}}, whole shards): each profile's
-- precomputed for-you candidates (src/model/precompute-for-you.ts, the scoring of
-- src/model/recommend.ts), then the batch's profile shards packed (packShard layout).
-- The job appended, per profile: profile_rows (shard, pkey, uno, json without forYou),
-- fy_sources (uno, src: 0..4 in scoring order, iidx of the source item, w: its decayed history
-- weight, hist: the source's index in the profile history) and fy_bought (uno, iidx).
--
-- score(candidate) = sum over sources of w * neighbour weight (rounded as published); the
-- "because" is the source of the largest contribution (the first source on ties); bought items
-- never; ties in score keep the candidate met first (source order, then list rank). Every
-- aggregate has a fixed-size state, so DuckDB can spill the GROUP BY. Standard SQL.
CREATE OR REPLACE TABLE for_you AS
WITH scored AS (
  SELECT s.uno, n.j AS cand, sum(s.w * round4(n.score)) AS score, min(s.src * 100000 + n.rank) AS first,
    max(CASE WHEN s.src = 0 THEN s.w * round4(n.score) END) AS c0, max(CASE WHEN s.src = 1 THEN s.w * round4(n.score) END) AS c1,
    max(CASE WHEN s.src = 2 THEN s.w * round4(n.score) END) AS c2, max(CASE WHEN s.src = 3 THEN s.w * round4(n.score) END) AS c3,
    max(CASE WHEN s.src = 4 THEN s.w * round4(n.score) END) AS c4
  FROM fy_sources s JOIN neighbours n ON n.i = s.iidx
  WHERE s.uno BETWEEN {{from_uno}} AND {{to_uno}}
  GROUP BY s.uno, n.j
),
ranked AS (
  SELECT sc.uno, sc.cand, sc.score,
    CASE greatest(coalesce(c0, -1), coalesce(c1, -1), coalesce(c2, -1), coalesce(c3, -1), coalesce(c4, -1))
      WHEN c0 THEN 0 WHEN c1 THEN 1 WHEN c2 THEN 2 WHEN c3 THEN 3 ELSE 4 END AS because_src,
    row_number() OVER (PARTITION BY sc.uno ORDER BY sc.score DESC, sc.first) AS rn
  FROM scored sc
  LEFT JOIN fy_bought x ON x.uno = sc.uno AND x.iidx = sc.cand
  WHERE sc.score > 0 AND x.uno IS NULL
)
SELECT r.uno, '[' || string_agg('[' || to_json(b.item)::VARCHAR || ',' || round4(r.score)::VARCHAR || ',' || s.hist || ']', ',' ORDER BY r.rn) || ']' AS list -- [DuckDB] to_json
FROM ranked r
JOIN item_ids b ON b.iidx = r.cand
JOIN fy_sources s ON s.uno = r.uno AND s.src = r.because_src
WHERE r.rn <= {{limit}}
GROUP BY r.uno;

CREATE OR REPLACE TABLE profile_shards AS
SELECT p.shard, chr(10) || string_agg(p.pkey || chr(9) || substr(p.json, 1, length(p.json) - 1) || ',"forYou":' || coalesce(f.list, '[]') || '}' || chr(10), '' ORDER BY p.pkey) AS value
FROM profile_rows p LEFT JOIN for_you f USING (uno)
WHERE p.uno BETWEEN {{from_uno}} AND {{to_uno}}
GROUP BY p.shard;

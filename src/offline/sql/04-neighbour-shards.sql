-- The neighbour table packed shard by shard in the layout of src/tables/layout.ts (packShard):
-- "\n" then one "<item>\t<JSON list>\n" per item, items sorted, each list
-- [neighbour, weight, neighbour, weight, ...] best first with weights rounded to 4 significant
-- digits (roundWeight). Needs item_shard (iidx, shard), filled by the job (FNV-1a in Node). One
-- range of shards per query ({{from_shard}} to {{to_shard}}): string_agg keeps its strings in
-- memory, so the job bounds what one query packs.
-- DuckDB-specific (marked): to_json() of a string; Spark to_json(named_struct) / Trino json_format.
SELECT s.shard, chr(10) || string_agg(a.item || chr(9) || l.list || chr(10), '' ORDER BY a.item) AS value, sum(l.pairs)::DOUBLE AS pairs
FROM (
  SELECT n.i, '[' || string_agg(to_json(b.item)::VARCHAR || ',' || round4(n.score)::VARCHAR, ',' ORDER BY n.rank) || ']' AS list, count(*) AS pairs -- [DuckDB] to_json
  FROM neighbours n JOIN item_ids b ON b.iidx = n.j JOIN item_shard s ON s.iidx = n.i
  WHERE s.shard BETWEEN {{from_shard}} AND {{to_shard}}
  GROUP BY n.i
) l
JOIN item_ids a ON a.iidx = l.i
JOIN item_shard s ON s.iidx = l.i
GROUP BY s.shard
ORDER BY s.shard

-- The neighbour table packed shard by shard in the layout of src/tables/layout.ts (packShard):
-- "\n" then one "<item>\t<JSON list>\n" per item, items sorted (the lists are nb_lists, packed
-- by 03-neighbours-part.sql). Needs item_shard (iidx, shard), filled by the job (FNV-1a in Node).
-- One range of shards per query ({{from_shard}} to {{to_shard}}): string_agg keeps its strings in
-- memory, so the job bounds what one query packs. Standard SQL.
SELECT s.shard, chr(10) || string_agg(a.item || chr(9) || l.list || chr(10), '' ORDER BY a.item) AS value, sum(l.pairs)::DOUBLE AS pairs
FROM nb_lists l
JOIN item_ids a ON a.iidx = l.i
JOIN item_shard s ON s.iidx = l.i
WHERE s.shard BETWEEN {{from_shard}} AND {{to_shard}}
GROUP BY s.shard
ORDER BY s.shard

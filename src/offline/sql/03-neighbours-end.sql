-- After every part of 03-neighbours-part.sql: the parts' lists, from their files, into the tables
-- the neighbour shards (04-neighbour-shards.sql) and the for-you scoring read. Parameters:
-- {{lists_files}}, {{numbers_files}} (lists of the parts' files). [DuckDB] read_parquet; Spark and
-- Trino: the tables the parts were written to. The job runs it on one DuckDB thread (less memory
-- beyond the limit, the same time: rebuild-offline.ts).
INSERT INTO nb_lists SELECT i, list, pairs FROM read_parquet({{lists_files}});
INSERT INTO nb_numbers SELECT i, ids, weights FROM read_parquet({{numbers_files}});

-- The archive as every reader must see it: each event id once, tombstoned events gone, the
-- rebuild window only. This file sets up the sources and an empty `window_events`;
-- 01-events-group.sql fills it one group of hour partitions at a time.
-- Parameters: {{events_glob}}, {{tombstones}} (a relation with user_sha256, up_to_seq).
--
-- DuckDB-specific (marked): read_json over the archive's gzip JSON lines (a table macro over a
-- list of files), sha256(). Spark: spark.read.json(path) and sha2(user_id, 256); Trino: a
-- Hive/Iceberg table over the same files and lower(to_hex(sha256(to_utf8(user_id)))). The rest is
-- standard SQL.

-- [DuckDB] the sources
CREATE OR REPLACE MACRO archive_events(files) AS TABLE
SELECT * FROM read_json(files, format = 'newline_delimited', hive_partitioning = false, union_by_name = true,
  columns = {seq: 'BIGINT', id: 'VARCHAR', type: 'VARCHAR', user_id: 'VARCHAR', item_id: 'VARCHAR', items: 'VARCHAR',
             value: 'DOUBLE', price: 'DOUBLE', rid: 'VARCHAR', session: 'VARCHAR', context: 'VARCHAR', ts: 'BIGINT', received_at: 'BIGINT'});

CREATE OR REPLACE VIEW archive_raw AS SELECT * FROM archive_events({{events_glob}});

CREATE OR REPLACE TABLE tombstones AS
SELECT user_sha256, max(up_to_seq) AS up_to_seq
FROM {{tombstones}}
GROUP BY user_sha256;
-- [/DuckDB]

CREATE OR REPLACE TABLE window_events AS SELECT * FROM archive_raw WHERE false;

-- The archive as every reader must see it: each event id once, tombstoned events gone, the
-- rebuild window only. Parameters: {{events_glob}}, {{tombstones}} (a relation with user_sha256,
-- up_to_seq), {{since_ts}}.
--
-- DuckDB-specific (marked): read_json over the archive's gzip JSON lines with Hive partitions,
-- sha256(). Spark: spark.read.json(path) and sha2(user_id, 256); Trino: a Hive/Iceberg table over
-- the same files and lower(to_hex(sha256(to_utf8(user_id)))). The rest is standard SQL.

-- [DuckDB] the sources
CREATE OR REPLACE VIEW archive_raw AS
SELECT * FROM read_json({{events_glob}}, format = 'newline_delimited', hive_partitioning = false, union_by_name = true,
  columns = {seq: 'BIGINT', id: 'VARCHAR', type: 'VARCHAR', user_id: 'VARCHAR', item_id: 'VARCHAR', items: 'VARCHAR',
             value: 'DOUBLE', price: 'DOUBLE', rid: 'VARCHAR', session: 'VARCHAR', context: 'VARCHAR', ts: 'BIGINT', received_at: 'BIGINT'});

CREATE OR REPLACE TABLE tombstones AS
SELECT user_sha256, max(up_to_seq) AS up_to_seq
FROM {{tombstones}}
GROUP BY user_sha256;
-- [/DuckDB]

-- Each id once: every copy of an event is the same D1 row written again (ids are unique in D1,
-- events are never updated, the archive writes rows read back from D1), so the copies are equal
-- rows and DISTINCT keeps one. A hash aggregate that spills; a window partitioned by id did not
-- fit a 1 GB limit at 10M events. Copies share user and seq, so the tombstone drops all or none.
CREATE OR REPLACE TABLE window_events AS
SELECT e.*
FROM (SELECT DISTINCT * FROM archive_raw WHERE ts >= {{since_ts}}) e
LEFT JOIN tombstones t ON t.user_sha256 = sha256(e.user_id) -- [DuckDB] sha256()
WHERE t.up_to_seq IS NULL OR e.seq > t.up_to_seq;

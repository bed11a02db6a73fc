-- One group of whole hour partitions of the archive into `window_events`: each id once,
-- tombstones applied, the window only. Parameters: {{files}} (the group's objects), {{since_ts}}.
--
-- Each id once: every copy of an event is the same D1 row written again (ids are unique in D1,
-- events are never updated, the archive writes rows read back from D1), so the copies are equal
-- rows and DISTINCT keeps one. A row's hour partition is the hour of its `ts`, so every copy of
-- an event is in the same partition, and a group of whole partitions deduplicates on its own:
-- the DISTINCT holds one group (sized from the memory limit), not the archive. A DISTINCT over
-- the whole archive ran out of a 1 GB limit at 50M events. Copies share user and seq, so the
-- tombstone drops all or none.
-- [DuckDB] archive_events(list of files); Spark/Trino: the events table filtered on its
-- partition columns (WHERE (date, hour) IN (...)).
INSERT INTO window_events
SELECT e.*
FROM (SELECT DISTINCT * FROM archive_events({{files}}) WHERE ts >= {{since_ts}}) e
LEFT JOIN tombstones t ON t.user_sha256 = sha256(e.user_id) -- [DuckDB] sha256()
WHERE t.up_to_seq IS NULL OR e.seq > t.up_to_seq;

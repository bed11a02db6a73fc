-- The RP3beta neighbours of the items {{from_iidx}} to {{to_iidx}} (one part of
-- 03-neighbours-rp3beta.sql's neighbour_parts), written to two files of the part's own: the
-- published JSON lists (string_agg over at most K rows per item) to {{lists_file}}, and the same
-- lists as arrays of numbers to {{numbers_file}} (the part's top K kept in `part_rows` between the
-- two: the window runs once, and each statement holds one ordered aggregate, not three).
-- 03-neighbours-end.sql loads the files once every part is done. In files rather than appended to
-- tables: the lists that tables would hold in DuckDB's memory crowded the later parts (at 50M
-- events one part peaked at 1,856 MB in a run of parts and at 906 MB alone; README, memory).
-- Parameters: {{k}}, {{user_cap}} (the cap of users per item, empty without one), the two files.
-- Standard SQL but for COPY ... TO (marked; Spark: DataFrame.write.parquet, Trino: INSERT INTO a
-- table of the catalog).
--
-- The walks i -> u -> j summed per pair. P(i -> u) is the same for every u of i, so it multiplies
-- the sum (after the GROUP BY) instead of every term, and the popularity penalty of j joins after.
-- Items with more than max_users_per_item users take part only through their most recent ones
-- (Schelter and Celebi, SSDBM 2019: constant work per interaction). Off by default: the Worker
-- does not cap, and the tables must be equal. Top K per item, ties to the neighbour met first
-- (the lowest user index, then history position): a window over the part's pairs.
CREATE OR REPLACE TABLE part_rows AS
SELECT r.i, r.j, round4(r.score) AS w, r.rank
FROM (
  SELECT w.i, w.j, w.total * fi.p_from / fj.penalty AS score,
    row_number() OVER (PARTITION BY w.i ORDER BY w.total * fi.p_from / fj.penalty DESC, w.met) AS rank
  FROM (
    SELECT a.iidx AS i, b.iidx AS j, sum(b.p_to) AS total, min(CAST(a.uidx AS BIGINT) * 1000000 + b.pos) AS met
    FROM edges a
    JOIN edges b ON a.uidx = b.uidx AND a.iidx <> b.iidx
    WHERE a.iidx BETWEEN {{from_iidx}} AND {{to_iidx}} {{user_cap}}
    GROUP BY a.iidx, b.iidx
  ) w
  JOIN item_factors fi ON fi.iidx = w.i
  JOIN item_factors fj ON fj.iidx = w.j
  WHERE w.total > 0
) r
WHERE r.rank <= {{k}};

-- [DuckDB] COPY ... TO
COPY (
  SELECT r.i, '[' || string_agg(nj.json || ',' || json_number(r.w), ',' ORDER BY r.rank) || ']' AS list, count(*)::INTEGER AS pairs
  FROM part_rows r
  JOIN item_ids nj ON nj.iidx = r.j
  GROUP BY r.i
) TO {{lists_file}} (FORMAT parquet);

COPY (
  SELECT i, array_agg(j ORDER BY rank) AS ids, array_agg(w ORDER BY rank) AS weights FROM part_rows GROUP BY i
) TO {{numbers_file}} (FORMAT parquet);
-- [/DuckDB]

DROP TABLE part_rows;

-- RP3beta neighbours (src/model/similar-items/rp3beta.ts) on binary interactions: the
-- co-occurrence of every item pair through its shared users, weighted, then the top K per item
-- (03-neighbours-part.sql, one part of the items at a time). Parameters: {{alpha}}, {{beta}},
-- {{user_rank}} (the cap of users per item, empty without one), {{pairs_per_part}}. Standard SQL.
--
-- P(i -> u) = (1 / users of i)^alpha and P(u -> j) = (1 / items of u)^alpha, each rounded to a
-- 32-bit float as the Worker stores them; score(i, j) = sum over shared u of P(i -> u) P(u -> j),
-- divided by (users of j)^beta. Ties keep the neighbour the Worker meets first: the lowest
-- (user index, position in that user's history) among the shared users.

CREATE OR REPLACE TABLE item_degree AS SELECT item, count(*) AS degree FROM interactions GROUP BY item;
CREATE OR REPLACE TABLE user_degree AS SELECT uidx, count(*) AS degree FROM interactions GROUP BY uidx;
-- [DuckDB] to_json: each id as a JSON string once (Spark to_json, Trino json_format).
CREATE OR REPLACE TABLE item_ids AS SELECT item, (row_number() OVER (ORDER BY item) - 1)::INTEGER AS iidx, to_json(item)::VARCHAR AS json FROM item_degree;
CREATE OR REPLACE TABLE item_factors AS
SELECT ids.iidx, CAST(CAST(pow(1.0 / d.degree, {{alpha}}) AS FLOAT) AS DOUBLE) AS p_from, pow(greatest(1, d.degree), {{beta}}) AS penalty
FROM item_ids ids JOIN item_degree d USING (item);

CREATE OR REPLACE TABLE edges AS
SELECT x.uidx, ids.iidx, x.pos,
  CAST(CAST(pow(1.0 / u.degree, {{alpha}}) AS FLOAT) AS DOUBLE) AS p_to
  {{user_rank}}
FROM interactions x
JOIN user_degree u USING (uidx)
JOIN item_ids ids USING (item);

-- The items in parts of about {{pairs_per_part}} walks each (a walk i -> u -> j for every pair of
-- items of one user): the job computes the neighbours one part at a time
-- (03-neighbours-part.sql), so each part's GROUP BY and top K fit in memory and nothing has to
-- spill, however many pairs there are in all. An item heavier than a part is a part alone.
CREATE OR REPLACE TABLE neighbour_parts AS
SELECT part, min(iidx) AS from_iidx, max(iidx) AS to_iidx, sum(walks)::DOUBLE AS walks
FROM (
  SELECT iidx, walks, floor(sum(walks) OVER (ORDER BY iidx ROWS UNBOUNDED PRECEDING) / {{pairs_per_part}}) AS part
  FROM (SELECT e.iidx, sum(u.degree) AS walks FROM edges e JOIN user_degree u USING (uidx) GROUP BY e.iidx) loads
) parts
GROUP BY part;

-- Each item's list as published: [neighbour, weight, ...] best first, weights to 4 significant digits;
-- and as numbers for the for-you scoring in Node: the neighbours' iidx and the same weights
-- (filled from the parts' files by 03-neighbours-end.sql).
CREATE OR REPLACE TABLE nb_lists (i INTEGER, list VARCHAR, pairs INTEGER);
CREATE OR REPLACE TABLE nb_numbers (i INTEGER, ids INTEGER[], weights DOUBLE[]);

-- RP3beta neighbours (src/model/similar-items/rp3beta.ts) on binary interactions: the
-- co-occurrence of every item pair through its shared users, weighted, then the top K per item.
-- Parameters: {{alpha}}, {{beta}}, {{k}}, {{user_rank}} and {{user_cap}} (the cap of users per item,
-- empty without one). Standard SQL.
--
-- P(i -> u) = (1 / users of i)^alpha and P(u -> j) = (1 / items of u)^alpha, each rounded to a
-- 32-bit float as the Worker stores them; score(i, j) = sum over shared u of P(i -> u) P(u -> j),
-- divided by (users of j)^beta. Ties keep the neighbour the Worker meets first: the lowest
-- (user index, position in that user's history) among the shared users.

CREATE OR REPLACE TABLE item_degree AS SELECT item, count(*) AS degree FROM interactions GROUP BY item;
CREATE OR REPLACE TABLE user_degree AS SELECT uidx, count(*) AS degree FROM interactions GROUP BY uidx;
CREATE OR REPLACE TABLE item_ids AS SELECT item, (row_number() OVER (ORDER BY item) - 1)::INTEGER AS iidx FROM item_degree;
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

-- The walks i -> u -> j summed per pair. P(i -> u) is the same for every u of i, so it multiplies
-- the sum (after the GROUP BY) instead of every term, and the popularity penalty of j joins after.
-- Items with more than max_users_per_item users take part only through their most recent ones
-- (Schelter and Celebi, SSDBM 2019: constant work per interaction). Off (0) by default: the
-- Worker does not cap, and the tables must be equal.
CREATE OR REPLACE TABLE walks AS
SELECT a.iidx AS i, b.iidx AS j,
  sum(b.p_to) AS total,
  min(CAST(a.uidx AS BIGINT) * 1000000 + b.pos) AS met
FROM edges a
JOIN edges b ON a.uidx = b.uidx AND a.iidx <> b.iidx
{{user_cap}}
GROUP BY a.iidx, b.iidx;

-- Top K per item, ties to the neighbour met first: a window over the pairs (a sort, which spills
-- past the memory limit; DuckDB's top-N aggregate max_by(..., K) keeps lists in its state and
-- does not spill: it ran out of a 1 GB limit at 1M events).
CREATE OR REPLACE TABLE neighbours AS
SELECT i, j, score, rank::INTEGER AS rank
FROM (
  SELECT w.i, w.j, w.total * fi.p_from / fj.penalty AS score,
    row_number() OVER (PARTITION BY w.i ORDER BY w.total * fi.p_from / fj.penalty DESC, w.met) AS rank
  FROM walks w
  JOIN item_factors fi ON fi.iidx = w.i
  JOIN item_factors fj ON fj.iidx = w.j
  WHERE w.total > 0
) ranked
WHERE rank <= {{k}};

DROP TABLE walks;

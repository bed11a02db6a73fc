-- RP3beta neighbours (src/model/similar-items/rp3beta.ts) on binary interactions: the
-- co-occurrence of every item pair through its shared users, weighted, then the top K per item.
-- Parameters: {{alpha}}, {{beta}}, {{k}}, {{max_users_per_item}} (0: no cap). Standard SQL.
--
-- P(i -> u) = (1 / users of i)^alpha and P(u -> j) = (1 / items of u)^alpha, each rounded to a
-- 32-bit float as the Worker stores them; score(i, j) = sum over shared u of P(i -> u) P(u -> j),
-- divided by (users of j)^beta. Ties keep the neighbour the Worker meets first: the lowest
-- (user index, position in that user's history) among the shared users.

CREATE OR REPLACE TABLE item_degree AS SELECT item, count(*) AS degree FROM interactions GROUP BY item;
CREATE OR REPLACE TABLE user_degree AS SELECT uidx, count(*) AS degree FROM interactions GROUP BY uidx;
CREATE OR REPLACE TABLE item_ids AS SELECT item, (row_number() OVER (ORDER BY item) - 1)::INTEGER AS iidx FROM item_degree;

CREATE OR REPLACE TABLE edges AS
SELECT x.uidx, ids.iidx, x.pos,
  CAST(CAST(pow(1.0 / i.degree, {{alpha}}) AS FLOAT) AS DOUBLE) AS p_from,
  CAST(CAST(pow(1.0 / u.degree, {{alpha}}) AS FLOAT) AS DOUBLE) AS p_to,
  pow(greatest(1, i.degree), {{beta}}) AS penalty,
  CASE WHEN {{max_users_per_item}} = 0 THEN 0
       ELSE row_number() OVER (PARTITION BY x.item ORDER BY x.last_ts DESC, x.uidx) END AS user_rank
FROM interactions x
JOIN item_degree i USING (item)
JOIN user_degree u USING (uidx)
JOIN item_ids ids USING (item);

-- Items with more than max_users_per_item users take part only through their most recent ones
-- (Schelter and Celebi, SSDBM 2019: constant work per interaction). Off (0) by default: the
-- Worker does not cap, and the tables must be equal.
CREATE OR REPLACE TABLE walks AS
SELECT a.iidx AS i, b.iidx AS j,
  sum(a.p_from * b.p_to) AS total,
  max(b.penalty) AS penalty,
  min(CAST(a.uidx AS BIGINT) * 1000000 + b.pos) AS met
FROM edges a
JOIN edges b ON a.uidx = b.uidx AND a.iidx <> b.iidx
WHERE {{max_users_per_item}} = 0 OR a.user_rank <= {{max_users_per_item}}
GROUP BY a.iidx, b.iidx;

CREATE OR REPLACE TABLE neighbours AS
SELECT i, j, score, rank
FROM (
  SELECT i, j, total / penalty AS score,
    row_number() OVER (PARTITION BY i ORDER BY total / penalty DESC, met) AS rank
  FROM walks
  WHERE total > 0
) ranked
WHERE rank <= {{k}};

DROP TABLE walks;

-- The fold of the pairs that need it (02-interactions.sql's fold_events), the pairs whose
-- hash(user_key, item) % {{parts}} = {{part}}, appended to pairs_folded. Parameters:
-- {{half_life_ms}}, {{parts}}, {{part}}.

-- [DuckDB] list_reduce
INSERT INTO pairs_folded
SELECT user_key, item, s.alive, s.w, s.ts AS last_ts, s.lseq AS last_seq, s.bts AS born_ts, s.bseq AS born_seq
FROM (
  SELECT user_key, item, list_reduce(
    list({'w': weight::DOUBLE, 'ts': ts, 'code': code, 'seq': seq} ORDER BY ts, seq),
    lambda acc, x: CASE
      WHEN NOT acc.alive AND x.w <= 0 THEN acc
      WHEN NOT acc.alive THEN {'alive': true, 'w': x.w, 'ts': x.ts, 'code': x.code, 'lseq': x.seq, 'bts': x.ts, 'bseq': x.seq}
      WHEN x.ts = acc.ts AND x.code = acc.code THEN acc
      ELSE {'alive': true, 'w': greatest(0, acc.w * pow(2, -(x.ts - acc.ts) / {{half_life_ms}}) + x.w), 'ts': x.ts, 'code': x.code,
            'lseq': x.seq, 'bts': acc.bts, 'bseq': acc.bseq}
    END,
    {'alive': false, 'w': 0::DOUBLE, 'ts': 0::BIGINT, 'code': 0, 'lseq': 0::BIGINT, 'bts': 0::BIGINT, 'bseq': 0::BIGINT}
  ) AS s
  FROM fold_events
  WHERE hash(user_key, item) % {{parts}} = {{part}}
  GROUP BY user_key, item
) folded;
-- [/DuckDB]

-- Helpers every step uses. Standard SQL apart from the macro syntax ([DuckDB] CREATE MACRO;
-- Spark/Trino: inline the expression).
-- round4(x): x to 4 significant digits, the tables' roundWeight (Number(x.toPrecision(4))).
CREATE OR REPLACE MACRO round4(x) AS CASE WHEN x = 0 THEN x ELSE round(x, (3 - floor(log10(abs(x))))::INTEGER) END;
-- [DuckDB] json_number(x): x as JavaScript's JSON.stringify writes it, so the published lists are
-- the Worker's byte for byte (to_json already writes 0.0000621 and 1.234e-7 as JavaScript does, where
-- a cast to VARCHAR gives 6.21e-05 and 1.234e-07; only whole numbers lose their ".0").
CREATE OR REPLACE MACRO json_number(x) AS regexp_replace(to_json(x)::VARCHAR, '\.0$', '');

-- Helpers every step uses. Standard SQL apart from the macro syntax ([DuckDB] CREATE MACRO;
-- Spark/Trino: inline the expression).
-- round4(x): x to 4 significant digits, the tables' roundWeight (Number(x.toPrecision(4))).
CREATE OR REPLACE MACRO round4(x) AS CASE WHEN x = 0 THEN x ELSE round(x, (3 - floor(log10(abs(x))))::INTEGER) END;

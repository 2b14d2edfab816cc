"""Every SQL construct the compiler translates, with its translation and limits: the README's table.

``CONSTRUCTS`` is the single list. Each row names the sqlglot node classes it covers (``nodes``) and,
for functions sqlglot parses as ``Anonymous``, their names (``functions``), plus one example that
compiles. ``tests/sql/test_constructs_table.py`` keeps it honest: every class in
``coverage.CONSUMED`` belongs to a row, every example compiles, and the README holds exactly
``markdown_table()`` between its markers. A handler that learns a construct adds its row here.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from sqlglot import exp


@dataclass(frozen=True)
class Construct:
    sql: str  # how the README names it
    example: str  # a statement that compiles
    translation: str  # what it becomes in the pipeline
    limit: str = ""  # the forms refused, or what differs from PostgreSQL
    nodes: tuple[type[exp.Expr], ...] = ()
    functions: tuple[str, ...] = ()  # names parsed as exp.Anonymous
    refused: str = ""  # a statement the compiler refuses with its own message (a row's refused form)


CONSTRUCTS: tuple[Construct, ...] = (
    # Statements and clauses.
    Construct(
        "`SELECT … FROM … WHERE …`, column aliases",
        "SELECT a AS x FROM t WHERE b > 1",
        "`$match` (pushed before joins, index-friendly), then `$project`",
        "",
        (exp.Select, exp.From, exp.Where, exp.Alias, exp.Table, exp.TableAlias, exp.Star),
    ),
    Construct(
        "paths `a.b.c`, `items[0]`, `:param`",
        "SELECT u.profile.city, items[0] FROM users u WHERE name = :n",
        "field paths; `$arrayElemAt` (0-based, as QueryLeaf); parameters bound as BSON values",
        "array subscripts are 0-based; slices `a[1:2]` are refused",
        (
            exp.Column,
            exp.Identifier,
            exp.Dot,
            exp.Bracket,
            exp.Slice,
            exp.Placeholder,
            exp.Paren,
            exp.Var,
        ),
    ),
    Construct(
        "literals: numbers, quoted (untyped) text, `TRUE`, `NULL`, `DATE '…'`, `INTERVAL '…'`",
        "SELECT 1, 0.1, 'x', TRUE, NULL, DATE '2024-09-02', ts + INTERVAL '2 hours' FROM t",
        "constants; quoted literals take the type of what they meet; decimals are Decimal128",
        "a constant needing more than 34 significant digits is refused",
        (exp.Literal, exp.Boolean, exp.Null, exp.Interval),
    ),
    Construct(
        "`CAST(x AS type)`, `x::type`",
        "SELECT CAST(a AS TEXT), b::NUMERIC(10, 2) FROM t",
        "`$convert` with PostgreSQL's rounding and errors",
        "`TRY_CAST` is refused",
        (exp.Cast, exp.DataType, exp.DataTypeParam),
    ),
    Construct(
        "`GROUP BY`, `HAVING`",
        "SELECT a, COUNT(*) FROM t GROUP BY a HAVING COUNT(*) > 1",
        "`$group` on the keys (NULL and missing one group), `$match` after it",
        "",
        (exp.Group, exp.Having),
    ),
    Construct(
        "`GROUP BY GROUPING SETS (…)`, `ROLLUP (…)`, `CUBE (…)`, `GROUPING(…)`",
        "SELECT a, b, GROUPING(a, b), COUNT(*) FROM t GROUP BY GROUPING SETS ((a), ROLLUP (b), CUBE (a, b)) "
        "ORDER BY GROUPING(a, b)",
        "one `$facet` with a `$group` per set, keyed on the set's index, rows concatenated and unwound",
        "the result must fit the 16 MB document `$facet` outputs; CUBE of more than 12 elements, more than "
        "4096 sets and `WITH TOTALS` are refused",
        (exp.GroupingSets, exp.Rollup, exp.Cube, exp.Grouping),
        (),
        "SELECT a FROM t GROUP BY ROLLUP (a) WITH TOTALS",
    ),
    Construct(
        "`ORDER BY … [ASC|DESC] [NULLS FIRST|LAST]`",
        "SELECT a FROM t ORDER BY a DESC NULLS LAST",
        "`$sort`, with computed keys where NULL placement or arrays need them",
        "arrays compare element by element (a computed key, so no index)",
        (exp.Order, exp.Ordered),
    ),
    Construct(
        "`LIMIT n|ALL`, `OFFSET n`, `FETCH FIRST n ROWS ONLY|WITH TIES`",
        "SELECT a FROM t ORDER BY a OFFSET 2 ROWS FETCH FIRST 4 ROWS WITH TIES",
        "`$skip`, `$limit`; WITH TIES: `$rank` ≤ n",
        "`FETCH … PERCENT` is refused",
        (exp.Limit, exp.Offset, exp.Fetch, exp.LimitOptions),
    ),
    Construct(
        "`SELECT DISTINCT`, `DISTINCT ON (…)`",
        "SELECT DISTINCT ON (a) a, b FROM t ORDER BY a, b",
        "`$group` on the row (`$first` per key after the `$sort` for DISTINCT ON)",
        "ORDER BY must start with the DISTINCT ON expressions",
        (exp.Distinct, exp.Tuple),
    ),
    Construct(
        "`WITH` CTEs, subqueries in FROM",
        "WITH c AS (SELECT a FROM t) SELECT a FROM (SELECT a FROM c) s",
        "inlined stages; `SELECT * FROM collection` passes whole documents (any field can be read)",
        "recursive CTEs are refused",
        (exp.With, exp.CTE, exp.Subquery),
    ),
    Construct(
        "`SELECT` without FROM (`SELECT (SELECT COUNT(*) FROM t) AS n, …`)",
        "SELECT (SELECT COUNT(*) FROM t) AS n, 1 AS one",
        "one empty document (`$limit`, `$facet`) read from the first collection the query names",
        "a query that names no collection (`SELECT 1`) is refused",
        refused="SELECT 1 AS one",
    ),
    Construct(
        "`[INNER|LEFT|CROSS] JOIN … ON`, `JOIN UNNEST(array) AS x ON true`",
        "SELECT o.a, u.b FROM t o LEFT JOIN u ON u._id = o.uid",
        "`$lookup` (`localField`/`foreignField` on one equality), `$unwind`; eager aggregation",
        "RIGHT/FULL JOIN, LATERAL and USING other than as below are refused",
        (exp.Join, exp.Unnest),
    ),
    Construct(
        "`JOIN … USING (k)`",
        "SELECT k, COUNT(*) FROM t a LEFT JOIN u b USING (k) GROUP BY k",
        "the join `ON a.k = b.k`; an unqualified `k` is `a.k` (PostgreSQL's merged column in an INNER "
        "or LEFT join)",
        "as the first join of a SELECT without `*` and without an output alias named like `k`; "
        "otherwise refused",
        (),
        (),
        "SELECT * FROM t a JOIN u b USING (k)",
    ),
    Construct(
        "`UNION [ALL]`, `INTERSECT [ALL]`, `EXCEPT [ALL]`",
        "(SELECT a FROM t ORDER BY a LIMIT 3) UNION ALL (SELECT a FROM u) ORDER BY 1",
        "`$unionWith`; INTERSECT/EXCEPT count each row's copies per side in one `$group`",
        "",
        (exp.Union, exp.Intersect, exp.Except),
    ),
    Construct(
        "`IN (SELECT …)`, `EXISTS (…)`, scalar subqueries",
        "SELECT a FROM t WHERE a IN (SELECT b FROM u) AND EXISTS (SELECT 1 FROM u WHERE u.b = t.a)",
        "`$lookup`; an uncorrelated subquery runs once per query",
        "",
        (exp.Exists,),
    ),
    # Conditions.
    Construct(
        "comparisons, `AND`/`OR`/`NOT`, `IS [NOT] DISTINCT FROM`",
        "SELECT a FROM t WHERE a = 1 AND (b <> 2 OR NOT c >= 3) AND d IS NOT DISTINCT FROM 4",
        "`$match` operators where exact, `$expr` otherwise; three-valued logic",
        "",
        (
            exp.EQ,
            exp.NEQ,
            exp.GT,
            exp.GTE,
            exp.LT,
            exp.LTE,
            exp.NullSafeEQ,
            exp.NullSafeNEQ,
            exp.And,
            exp.Or,
            exp.Not,
        ),
    ),
    Construct(
        "`IS [NOT] NULL`, `IS [NOT] TRUE|FALSE`, `IN (…)`, `BETWEEN`",
        "SELECT a FROM t WHERE a IS NOT NULL AND b IN (1, 2) AND c BETWEEN 1 AND 5",
        "`$in`, range operators",
        "",
        (exp.Is, exp.In, exp.Between),
    ),
    Construct(
        "`LIKE`, `ILIKE`, `ESCAPE`",
        "SELECT a FROM t WHERE s LIKE 'a%' AND s ILIKE '%b\\_' ESCAPE '\\'",
        "an anchored `$regex`",
        "a constant pattern ending with its escape character is refused",
        (exp.Like, exp.ILike, exp.Escape),
    ),
    # Arithmetic and scalar functions.
    Construct(
        "`+ - * / %`, unary `-`",
        "SELECT a + 1, a - b, a * 0.1, a / 2, a % 3, -a FROM t",
        "PostgreSQL's result types: integer division truncates, numeric is exact (Decimal128)",
        "overflow is an error; numeric beyond 34 digits is rounded on the server",
        (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Neg),
    ),
    Construct(
        "`CASE`, `COALESCE`, `NULLIF`, `GREATEST`, `LEAST`",
        "SELECT CASE WHEN a > 1 THEN 'x' ELSE 'y' END, COALESCE(a, 0), NULLIF(a, 1), GREATEST(a, b) FROM t",
        "`$switch`, `$ifNull`, `$cond`, `$max`/`$min` (skipping NULLs)",
        "",
        (exp.Case, exp.If, exp.Coalesce, exp.Nullif, exp.Greatest, exp.Least),
    ),
    Construct(
        "`ROUND`, `TRUNC`, `FLOOR`, `CEIL`, `ABS`, `SIGN`, `SQRT`, `LN`, `EXP`, `POWER`, `LOG`",
        "SELECT ROUND(a, 2), TRUNC(a), FLOOR(a), CEIL(a), ABS(a), SIGN(a), SQRT(a), LN(a), EXP(a), "
        "POWER(a, 2), LOG(a) FROM t",
        "math operators; ROUND of a double half to even, of a numeric half away from zero",
        "numeric `SQRT`/`LN`/`EXP`/`POWER`/`LOG` give 34 digits; `ROUND(double, n)` is an extension",
        (exp.Round, exp.Trunc, exp.Floor, exp.Ceil, exp.Abs, exp.Sign, exp.Sqrt, exp.Ln, exp.Exp, exp.Pow),
        (),
    ),
    Construct(
        "`LOG(b, x)`",
        "SELECT LOG(10, a) FROM t",
        "`$log`",
        "",
        (exp.Log,),
    ),
    Construct(
        "`DATE_TRUNC`, `EXTRACT`/`date_part`, `CURRENT_DATE`, `NOW()`, `CURRENT_TIMESTAMP`",
        "SELECT DATE_TRUNC('day', ts), EXTRACT(HOUR FROM ts), CURRENT_DATE, NOW(), TRANSACTION_TIMESTAMP(), "
        "STATEMENT_TIMESTAMP() FROM t",
        "`$dateTrunc`, `$dateToParts`; `EXTRACT` is numeric (Decimal128), `date_part` a double, as in PostgreSQL 14+; the current time comes from `now=`",
        "",
        (exp.TimestampTrunc, exp.DateTrunc, exp.Extract, exp.CurrentDate, exp.CurrentTimestamp),
        ("NOW", "TRANSACTION_TIMESTAMP", "STATEMENT_TIMESTAMP"),
    ),
    Construct(
        "`ts - ts`, `AGE(a, b)`, `AGE(a)`, intervals compared, `EXTRACT`/`date_part` of an interval",
        "SELECT AGE(ts, ts2) < INTERVAL '1 year', EXTRACT(YEAR FROM AGE(ts, ts2)), AGE(ts) > INTERVAL '1 day', "
        "EXTRACT(EPOCH FROM CAST(ts AS TIMESTAMP) - CAST(ts2 AS TIMESTAMP)) FROM t",
        "an interval is the milliseconds PostgreSQL compares it by (a month is 30 days): an integer for "
        "days and a time of day (`ts - ts`), a double with months (`AGE`: `$dateToParts` differences with "
        "PostgreSQL's borrowing); `EXTRACT` reads the fields, epoch with 365.25-day years",
        "an interval output column is refused; `EXTRACT` from an interval with months only directly on "
        "`AGE(…)` or `INTERVAL '…'` (through a CTE or aggregate it fails on the server)",
        (),
        ("AGE",),
    ),
    Construct(
        "`x AT TIME ZONE 'Area/City'`, `DATE_TRUNC(unit, ts, 'Area/City')`",
        "SELECT ts AT TIME ZONE 'Europe/Paris', ts AT TIME ZONE 'UTC' AT TIME ZONE 'America/New_York', "
        "DATE_TRUNC('day', ts, 'Europe/Paris') FROM t",
        "`$dateToParts` with an IANA `timezone`: a timestamp becomes the instant of its wall clock (a "
        "skipped time takes the offset before the gap, a repeated one the later instant), a timestamptz "
        "its wall clock; truncation on the zone's wall clock, as PostgreSQL",
        "abbreviations (`'CET'`) and POSIX offsets are refused; a CTE column needs "
        "`CAST(… AS TIMESTAMP)` (whether it holds a timestamptz is not tracked)",
        (exp.AtTimeZone,),
        refused="SELECT ts AT TIME ZONE 'CET' FROM t",
    ),
    Construct(
        "`TO_CHAR(ts, fmt)`",
        "SELECT TO_CHAR(ts, 'YYYY-MM-DD HH24:MI:SS Dy Mon IW IYYY Q \"text\"') FROM t",
        "`$concat` of `$dateToString` pieces and English day/month names",
        "patterns other than YYYY, MM, DD, HH24, MI, SS, Dy, Mon, IW, IYYY, Q (and their case "
        "variants) are refused, naming the pattern (`FMDay`, `HH12`, `AM`)",
        (exp.TimeToStr,),
        refused="SELECT TO_CHAR(ts, 'FMDay') FROM t",
    ),
    Construct(
        "`MAKE_DATE`, `MAKE_TIMESTAMP`, `DATE_BIN(stride, ts, origin)`",
        "SELECT MAKE_DATE(2024, 1, 2), MAKE_TIMESTAMP(2024, 1, 2, 3, 4, 5.5), "
        "DATE_BIN(INTERVAL '15 minutes', ts, TIMESTAMP '2024-01-01') FROM t",
        "`$dateFromParts` after PostgreSQL's range checks (Feb 30 fails, never rolls over); "
        "`$subtract`/`$mod` on milliseconds, rounded down before the origin too",
        "years 1 to 9999; seconds finer than milliseconds fail; a DATE_BIN stride is a constant "
        "without months; `generate_series` is refused",
        (exp.DateBin, exp.TimestampFromParts),
        ("MAKE_DATE", "MAKE_TIMESTAMP"),
        refused="SELECT d FROM generate_series(DATE '2024-01-01', DATE '2024-02-01', INTERVAL '1 day') AS g(d)",
    ),
    Construct(
        "`DATE(x)`, `TO_TIMESTAMP(text, format)`, `TO_DATE(text, format)`",
        "SELECT DATE(ts) FROM t WHERE ts >= TO_TIMESTAMP('2024-09-01 00:00:00.000000', "
        "'YYYY-MM-DD HH24:MI:SS.US') AND ts < TO_DATE('2024-10-01', 'YYYY-MM-DD')",
        "`DATE(x)` is `CAST(x AS DATE)`; TO_TIMESTAMP/TO_DATE are folded to a constant at compile time "
        "(TO_TIMESTAMP's timestamptz read in UTC, as PostgreSQL with TimeZone UTC)",
        "TO_TIMESTAMP/TO_DATE only of a quoted text and format that strptime reads exactly (sqlglot's "
        "reading of the pattern); the others, and `TO_TIMESTAMP(epoch)`, are refused",
        (exp.Date, exp.StrToTime, exp.StrToDate),
        refused="SELECT TO_DATE(s, 'YYYY-MM-DD') FROM t",
    ),
    Construct(
        "`LOWER`, `UPPER`, `LENGTH`, `SUBSTRING`, `TRIM`, `REPLACE`, `POSITION`, `LEFT`, `RIGHT`",
        "SELECT LOWER(s), UPPER(s), LENGTH(s), SUBSTRING(s FROM 2 FOR 3), TRIM(s), REPLACE(s, 'a', 'b'), "
        "POSITION('a' IN s), LEFT(s, 2), RIGHT(s, 2) FROM t",
        "code-point string operators (`$substrCP`, `$strLenCP`, …)",
        "a negative SUBSTRING length is an error, as in PostgreSQL",
        (
            exp.Lower,
            exp.Upper,
            exp.Length,
            exp.Substring,
            exp.Trim,
            exp.Replace,
            exp.StrPosition,
            exp.Left,
            exp.Right,
        ),
    ),
    Construct(
        "`CONCAT`, `||`",
        "SELECT CONCAT(a, '-', b), a || b FROM t",
        "`$concat` (CONCAT skips NULLs, `||` propagates them)",
        "",
        (exp.Concat, exp.DPipe),
    ),
    Construct(
        "`CONCAT_WS`, `LPAD`/`RPAD`, `SPLIT_PART`, `INITCAP`, `REPEAT`, `REVERSE`, `STARTS_WITH`, "
        "`TRANSLATE`",
        "SELECT CONCAT_WS('-', a, b), LPAD(s, 5, '0'), RPAD(s, 5), SPLIT_PART(s, ',', -1), INITCAP(s), "
        "REPEAT(s, 2), REVERSE(s), STARTS_WITH(s, 'a'), TRANSLATE(s, 'ab', 'x') FROM t",
        "code-point string expressions (`$substrCP`, `$reduce` over `$range`)",
        "`MD5` is refused: MongoDB's aggregation expressions have no hash function",
        (
            exp.ConcatWs,
            exp.Pad,
            exp.SplitPart,
            exp.Initcap,
            exp.Repeat,
            exp.Reverse,
            exp.StartsWith,
            exp.Translate,
            exp.MD5,
        ),
        (),
        "SELECT MD5(s) FROM t",
    ),
    Construct(
        "`~`, `~*`, `!~`, `!~*`, `SIMILAR TO`, `REGEXP_REPLACE`, `REGEXP_MATCH`",
        "SELECT REGEXP_REPLACE(s, 'a+', 'b', 'g'), REGEXP_MATCH(s, 'a(b)') FROM t "
        "WHERE s ~ '^a' AND s ~* 'B' AND s !~ 'c' AND s SIMILAR TO 'a%'",
        "`$regexMatch`, `$regexFind`, `$regexFindAll` on constant patterns translated from PostgreSQL's regex flavour",
        "patterns using syntax whose meaning differs in PCRE (`\\m`, `\\y`, `[[:<:]]`, …) and non-constant "
        "patterns are refused; `REGEXP_MATCHES` only in a select list without `g` (its rows: the matching ones)",
        (exp.RegexpLike, exp.RegexpILike, exp.SimilarTo, exp.RegexpReplace),
        ("REGEXP_MATCH", "REGEXP_MATCHES"),
        "SELECT REGEXP_MATCHES(s, 'a', 'g') FROM t",
    ),
    Construct(
        "`SUBSTRING(s FROM 'pattern')` (a POSIX regular expression)",
        "SELECT SUBSTRING(s FROM '^ORD-([0-9]{4})') FROM t",
        "`$regexFind`: the text of the first group, else the whole match; NULL without a match",
        "`SUBSTRING(s FROM pattern FOR escape)` (a SQL regular expression) and patterns whose match may "
        "differ in PCRE are refused, as for `REGEXP_MATCH`",
        (),
        (),
        "SELECT SUBSTRING(s FROM '%#\"a#\"%' FOR '#') FROM t",
    ),
    Construct(
        "`ARRAY[…]`, `ARRAY_LENGTH(a, 1)`, `CARDINALITY`",
        "SELECT ARRAY[a, b], ARRAY_LENGTH(tags, 1), CARDINALITY(tags) FROM t",
        "arrays, `$size`",
        "only dimension 1",
        (exp.Array, exp.ArraySize),
        ("CARDINALITY",),
    ),
    Construct(
        "`x = ANY(array)`, `x <> ALL(array)`, `= ANY`/`> ALL (SELECT …)`, `ARRAY_POSITION`, `@>`, `<@`, `&&`",
        "SELECT a FROM t WHERE 3 = ANY(tags) AND 4 <> ALL(tags) AND a > ALL(SELECT b FROM u) "
        "AND ARRAY_POSITION(tags, 'x') > 0 AND tags @> ARRAY['x'] AND tags <@ ARRAY['x', 'y'] AND tags && ARRAY['x']",
        "`$anyElementTrue`/`$allElementsTrue` over `$map`, `$setIsSubset`, `$indexOfArray`, with PostgreSQL's NULL rules",
        "",
        (exp.Any, exp.All, exp.ArrayPosition, exp.ArrayContainsAll, exp.ArrayContainedBy, exp.ArrayOverlaps),
    ),
    Construct(
        "`JSON_BUILD_OBJECT`, `ROW(…)`",
        "SELECT JSON_BUILD_OBJECT('k', a), JSONB_BUILD_OBJECT('k', a), ROW(a, b) FROM t",
        "embedded documents (ROW names its fields f1, f2, …)",
        "keys must be constant strings",
        (exp.Anonymous,),
        ("JSON_BUILD_OBJECT", "JSONB_BUILD_OBJECT", "ROW"),
    ),
    # Aggregates and windows.
    Construct(
        "`COUNT`, `SUM`, `AVG`, `MIN`, `MAX`, `[DISTINCT]`",
        "SELECT COUNT(*), COUNT(DISTINCT a), SUM(a), AVG(a), MIN(a), MAX(a) FROM t",
        "`$group` accumulators; SUM of bigint and AVG of integers are numeric",
        "",
        (exp.Count, exp.Sum, exp.Avg, exp.Min, exp.Max),
    ),
    Construct(
        "`STDDEV[_SAMP|_POP]`, `VARIANCE`, `VAR_POP`, `BOOL_AND`, `BOOL_OR`",
        "SELECT STDDEV(a), STDDEV_POP(a), VARIANCE(a), VAR_POP(a), BOOL_AND(f), BOOL_OR(f) FROM t",
        "exact numeric sums of squares; `$min`/`$max` of booleans",
        "",
        (
            exp.Stddev,
            exp.StddevPop,
            exp.StddevSamp,
            exp.Variance,
            exp.VariancePop,
            exp.LogicalAnd,
            exp.LogicalOr,
        ),
    ),
    Construct(
        "`ARRAY_AGG`, `STRING_AGG` (with `ORDER BY`, `DISTINCT`)",
        "SELECT ARRAY_AGG(a ORDER BY a), STRING_AGG(s, ',') FROM t",
        "`$push` after a `$sort`",
        "",
        (exp.ArrayAgg, exp.GroupConcat),
    ),
    Construct(
        "`CORR`, `COVAR_POP`/`COVAR_SAMP`, `REGR_SLOPE`/`REGR_INTERCEPT`, `MODE() WITHIN GROUP`, `EVERY`",
        "SELECT CORR(a, b), COVAR_POP(a, b), COVAR_SAMP(a, b), REGR_SLOPE(a, b), REGR_INTERCEPT(a, b), "
        "MODE() WITHIN GROUP (ORDER BY a), EVERY(f) FROM t",
        "double-precision sums over the rows where both arguments are non-NULL; MODE: the most frequent, "
        "the first in sort order on ties",
        "",
        (exp.Corr, exp.CovarPop, exp.CovarSamp, exp.RegrSlope, exp.RegrIntercept, exp.Mode),
    ),
    Construct(
        "JSON: `->`, `->>`, `#>`, `#>>`, `JSON[B]_AGG`, `JSON[B]_OBJECT_AGG`, `JSON[B]_BUILD_ARRAY`, `TO_JSON[B]`, "
        "`ROW_TO_JSON`",
        "SELECT d -> 'a' -> 0, d ->> 'b', d #> '{a,b}', d #>> '{a}', JSON_BUILD_ARRAY(a), JSONB_BUILD_ARRAY(a, b), TO_JSON(a), TO_JSONB(t), ROW_TO_JSON(t), "
        "(SELECT JSON_AGG(a ORDER BY b) FROM u), (SELECT JSON_OBJECT_AGG(k, a) FROM u) FROM t",
        "embedded documents and arrays (`$getField`, `$arrayElemAt`, `$push`, `$arrayToObject`)",
        "`->>` of a number renders as PostgreSQL's jsonb text where BSON allows it",
        (
            exp.JSONExtract,
            exp.JSONExtractScalar,
            exp.JSONBExtract,
            exp.JSONBExtractScalar,
            exp.JSONPath,
            exp.JSONPathKey,
            exp.JSONPathRoot,
            exp.JSONPathSubscript,
            exp.JSONArrayAgg,
            exp.JSONObjectAgg,
            exp.JSONBObjectAgg,
        ),
        ("JSON_BUILD_ARRAY", "JSONB_BUILD_ARRAY", "TO_JSON", "TO_JSONB", "ROW_TO_JSON"),
    ),
    Construct(
        "`PERCENTILE_CONT`/`PERCENTILE_DISC(p) WITHIN GROUP (ORDER BY x)`, `agg FILTER (WHERE …)`",
        "SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY a), COUNT(*) FILTER (WHERE a > 1) FROM t",
        "exact percentiles over the sorted values (never the approximate `$percentile`)",
        "",
        (exp.PercentileCont, exp.PercentileDisc, exp.WithinGroup, exp.Filter),
    ),
    Construct(
        "window functions `… OVER (PARTITION BY … ORDER BY … frame)`, `WINDOW w AS (…)`",
        "SELECT NTH_VALUE(a, 2) OVER (ORDER BY a GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW), ROW_NUMBER() OVER w, RANK() OVER w, DENSE_RANK() OVER w, PERCENT_RANK() OVER w, "
        "CUME_DIST() OVER w, NTILE(4) OVER w, LAG(a) OVER w, LEAD(a, 2, 0) OVER w, FIRST_VALUE(a) OVER w, "
        "LAST_VALUE(a) OVER w, SUM(a) OVER (ORDER BY a ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) "
        "FROM t WINDOW w AS (PARTITION BY b ORDER BY a)",
        "`$setWindowFields` on PostgreSQL's default frames, after GROUP BY",
        "EXCLUDE and month-interval RANGE offsets are refused",
        (
            exp.Window,
            exp.WindowSpec,
            exp.RowNumber,
            exp.Rank,
            exp.DenseRank,
            exp.PercentRank,
            exp.CumeDist,
            exp.Ntile,
            exp.Lag,
            exp.Lead,
            exp.FirstValue,
            exp.LastValue,
            exp.NthValue,
        ),
    ),
)

START = "<!-- constructs:start (generated from leaf_dagster/sql/constructs.py) -->"
END = "<!-- constructs:end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|") if text else ""


def markdown_table() -> str:
    """The README's table of constructs, between ``START`` and ``END``."""
    lines = [
        START,
        "| construct | translation | limits |",
        "| --- | --- | --- |",
        *(f"| {_cell(c.sql)} | {_cell(c.translation)} | {_cell(c.limit)} |" for c in CONSTRUCTS),
        END,
    ]
    return "\n".join(lines)


def write_readme(path: Path) -> None:
    """Replace the table between the markers of ``path`` with ``markdown_table()``."""
    text = path.read_text()
    start, end = text.index(START), text.index(END) + len(END)
    path.write_text(text[:start] + markdown_table() + text[end:])


if __name__ == "__main__":
    # python -m leaf_dagster.sql.constructs [README.md]: print the table, or rewrite it in place.
    if len(sys.argv) > 1:
        write_readme(Path(sys.argv[1]))
    else:
        print(markdown_table())

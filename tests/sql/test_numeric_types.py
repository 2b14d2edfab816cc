"""PostgreSQL's number types on the server: exact numeric, result types, rounding, overflow errors.

Every expected value here is what PostgreSQL 15 returns for the same query on the same rows
(checked with ``psql``), compared exactly: numeric as ``Decimal``, digits included.
"""

from __future__ import annotations

import statistics
from decimal import Decimal
from typing import Any

import pytest
from bson import Decimal128, Int64
from pymongo.database import Database
from pymongo.errors import OperationFailure

from leaf_dagster.connection import Document
from leaf_dagster.sql import LeafSQLError, run_sql
from leaf_dagster.sql.runner import SqlRuntimeError

ROWS = [
    {"_id": 1, "k": "a", "n": 7, "b": Int64(10), "d": 664.5, "x": Decimal128("0.10")},
    {"_id": 2, "k": "a", "n": 3, "b": Int64(20), "d": 2.5, "x": Decimal128("2.5")},
    {"_id": 3, "k": "b", "n": 2000000000, "b": Int64(9 * 10**18), "d": -1.5, "x": Decimal128("-2.5")},
    {"_id": 4, "k": "b", "n": None, "b": None, "d": None, "x": None},
]


@pytest.fixture
def t(db: Database[Document]) -> Database[Document]:
    db.t.insert_many([dict(r) for r in ROWS])
    return db


def column(db: Database[Document], sql: str, name: str) -> list[Any]:
    return [row[name] for row in run_sql(db, sql)]


def test_decimal_literals_are_exact_numeric(t: Database[Document]) -> None:
    rows = run_sql(t, "SELECT _id, n * 0.1 AS v, n * 0.1 <= 0.7 AS ok FROM t ORDER BY _id")
    assert [r["v"] for r in rows] == [Decimal("0.7"), Decimal("0.3"), Decimal("200000000.0"), None]
    assert [r["ok"] for r in rows] == [True, True, False, None]
    assert all(isinstance(r["v"], Decimal) for r in rows[:3])


def test_double_with_numeric_is_double(t: Database[Document]) -> None:
    rows = run_sql(
        t, "SELECT d * 0.1 AS w, x + d AS z, CAST(x AS DOUBLE PRECISION) AS xd FROM t WHERE _id = 3"
    )
    assert rows == [{"w": -0.15000000000000002, "z": -4.0, "xd": -2.5}]
    assert all(isinstance(v, float) for v in rows[0].values())


def test_numeric_keeps_its_scale(t: Database[Document]) -> None:
    rows = run_sql(t, "SELECT x * 2 AS y, -x AS m, x % 2 AS r FROM t WHERE _id = 1")
    assert [str(v) for v in rows[0].values()] == ["0.20", "-0.10", "0.10"]


def test_aggregate_result_types(t: Database[Document]) -> None:
    rows = run_sql(
        t,
        "SELECT k, SUM(n) AS s, SUM(b) AS sb, AVG(n) AS a, AVG(d) AS ad, AVG(x) AS ax, COUNT(*) AS c "
        "FROM t GROUP BY k ORDER BY k",
    )
    a, b = rows
    # SUM(integer) is bigint, SUM(bigint) numeric, AVG(integer) and AVG(numeric) numeric.
    assert a == {
        "k": "a",
        "s": 10,
        "sb": Decimal(30),
        "a": Decimal("5.0000000000000000"),
        "ad": 333.5,
        "ax": Decimal("1.30000000000000000000"),
        "c": 2,
    }
    assert isinstance(a["s"], Int64) and isinstance(a["c"], Int64)
    assert str(a["a"]) == "5.0000000000000000" and str(a["ax"]) == "1.30000000000000000000"
    assert b["sb"] == Decimal(9 * 10**18) and b["a"] == Decimal("2000000000.00000000")


def test_percentage_of_the_total_divides_in_numeric(db: Database[Document]) -> None:
    db.v.insert_many([{"page": p} for p, n in (("a", 295), ("b", 155), ("c", 150)) for _ in range(n)])
    rows = run_sql(
        db,
        "SELECT page, COUNT(*) * 100 / SUM(COUNT(*)) OVER () AS pct FROM v GROUP BY page ORDER BY page",
    )
    assert [str(r["pct"]) for r in rows] == [
        "49.1666666666666667",
        "25.8333333333333333",
        "25.0000000000000000",
    ]
    rows = run_sql(
        db,
        "WITH c AS (SELECT page, COUNT(*) AS n FROM v GROUP BY page) SELECT SUM(n) / COUNT(*) AS q FROM c",
    )
    assert rows == [{"q": Decimal(200)}]


def test_division_by_type(t: Database[Document]) -> None:
    rows = run_sql(
        t, "SELECT n / 2 AS h, b / 3 AS hb, x / 3 AS hx, d / 2 AS hd, n / x AS nx FROM t ORDER BY _id"
    )
    assert rows[0] == {
        "h": 3,
        "hb": 3,
        "hx": Decimal("0.03333333333333333333"),
        "hd": 332.25,
        "nx": Decimal("70.0000000000000000"),
    }
    assert rows[2]["hb"] == 3 * 10**18 and rows[2]["nx"] == Decimal("-800000000.00000000")
    assert rows[3] == dict.fromkeys(rows[3], None)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("ROUND(d)", [664.0, 2.0, -2.0]),  # double: half to even
        ("ROUND(x)", [Decimal(0), Decimal(3), Decimal(-3)]),  # numeric: half away from zero
        ("ROUND(x, 1)", [Decimal("0.1"), Decimal("2.5"), Decimal("-2.5")]),
        ("CAST(d AS INTEGER)", [664, 2, -2]),
        ("CAST(x AS INTEGER)", [0, 3, -3]),
        ("ROUND(n)", [7.0, 3.0, 2000000000.0]),  # round(integer) is round(double precision)
        ("CAST(d AS NUMERIC)", [Decimal("664.5"), Decimal("2.5"), Decimal("-1.5")]),
    ],
)
def test_rounding_follows_the_type(t: Database[Document], expr: str, expected: list[Any]) -> None:
    got = column(t, f"SELECT {expr} AS r FROM t WHERE _id < 4 ORDER BY _id", "r")
    assert got == expected
    assert [type(v) for v in got] == [type(v) for v in expected]


def test_constant_rounding() -> None:
    from leaf_dagster.sql import compile_sql

    project = compile_sql("SELECT ROUND(2.5) AS a, ROUND(-2.5) AS b, CAST(2.5 AS INT) AS c FROM t").pipeline[
        0
    ]
    assert project["$project"]["a"] == {"$literal": Decimal128("3")}
    assert project["$project"]["b"] == {"$literal": Decimal128("-3")}


def test_a_quoted_literal_beside_a_number_constant_takes_its_type(t: Database[Document]) -> None:
    # PostgreSQL 15: unknown op numeric is numeric, unknown op integer reads the text as an integer.
    [row] = run_sql(t, "SELECT '1.25' / 0.3 AS q, '1.25' * 0.3 AS p, '2' + 1 AS s FROM t LIMIT 1")
    assert row == {"q": Decimal("4.1666666666666667"), "p": Decimal("0.375"), "s": 3}
    with pytest.raises(LeafSQLError, match=r'invalid input syntax for type integer: "1\.25"'):
        run_sql(t, "SELECT '1.25' + 1 AS v FROM t")


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT n * 100000000000000000 AS v FROM t", "bigint out of range"),
        ("SELECT n * n AS v FROM t", "integer out of range"),
        ("SELECT n + 2147483647 AS v FROM t", "integer out of range"),
        ("SELECT b * 2 AS v FROM t", "bigint out of range"),
        ("SELECT CAST(n AS NUMERIC(10, 2)) AS v FROM t", "numeric field overflow"),
    ],
)
def test_overflow_is_an_error(t: Database[Document], sql: str, message: str) -> None:
    with pytest.raises(OperationFailure, match=message):
        run_sql(t, sql)


def test_in_range_integer_arithmetic_is_not_an_error(t: Database[Document]) -> None:
    assert column(t, "SELECT n * 1000 AS v FROM t WHERE _id = 2", "v") == [3000]
    assert column(t, "SELECT b + n AS v FROM t WHERE _id = 1", "v") == [17]
    assert column(t, "SELECT COUNT(*) * 3000000000 AS v FROM t", "v") == [12000000000]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT 2147483647 + 1 AS v FROM t", "integer out of range"),
        ("SELECT 9223372036854775807 * 2 AS v FROM t", "bigint out of range"),
        ("SELECT 1.5 / 0 AS v FROM t", "division by zero"),
        ("SELECT 0.1234567890123456789012345678901234 * 3.3 AS v FROM t", "34 digits"),
    ],
)
def test_constant_overflow_is_refused(sql: str, message: str) -> None:
    from leaf_dagster.sql import compile_sql

    with pytest.raises(LeafSQLError, match=message):
        compile_sql(sql)


def test_ranks_and_distinct_tie_exactly(db: Database[Document]) -> None:
    # 0.1 * 3 and 0.3 tie in numeric; in binary floating point they do not.
    db.s.insert_many([{"_id": 1, "a": 3, "b": 0}, {"_id": 2, "a": 0, "b": 1}, {"_id": 3, "a": 1, "b": 1}])
    sql = (
        "SELECT _id, a * 0.1 + b * 0.3 AS score, RANK() OVER (ORDER BY a * 0.1 + b * 0.3) AS r, "
        "PERCENT_RANK() OVER (ORDER BY a * 0.1 + b * 0.3) AS pr, "
        "CUME_DIST() OVER (ORDER BY a * 0.1 + b * 0.3) AS cd FROM s ORDER BY _id"
    )
    rows = run_sql(db, sql)
    assert [r["score"] for r in rows] == [Decimal("0.3"), Decimal("0.3"), Decimal("0.4")]
    assert [r["r"] for r in rows] == [1, 1, 3]
    assert [r["pr"] for r in rows] == [0.0, 0.0, 1.0]
    assert [r["cd"] for r in rows] == [2 / 3, 2 / 3, 1.0]
    distinct = run_sql(db, "SELECT DISTINCT a * 0.1 + b * 0.3 AS score FROM s ORDER BY score")
    assert [r["score"] for r in distinct] == [Decimal("0.3"), Decimal("0.4")]
    grouped = run_sql(db, "SELECT a * 0.1 + b * 0.3 AS score, COUNT(*) AS c FROM s GROUP BY 1 ORDER BY 1")
    assert [(r["score"], r["c"]) for r in grouped] == [(Decimal("0.3"), 2), (Decimal("0.4"), 1)]


def test_engagement_score_hits_thresholds_exactly(db: Database[Document]) -> None:
    """The seed's score: SUM(pageViews) * 0.1 + SUM(clicks) * 0.3 + COUNT(DISTINCT day) * 0.6."""
    docs = []
    # Scores 5.0, 20.0, 50.0 and 4.9: on each threshold and just below the lowest.
    for user, views, clicks, days in ((1, 38, 2, 1), (2, 188, 2, 1), (3, 488, 2, 1), (4, 37, 2, 1)):
        for day in range(days):
            docs.append({"userId": user, "day": day, "pageViews": views, "clicks": clicks})
    db.b.insert_many(docs)
    sql = """
        WITH scores AS (
          SELECT userId, SUM(pageViews) * 0.1 + SUM(clicks) * 0.3 + COUNT(DISTINCT day) * 0.6 AS score
          FROM b GROUP BY userId
        )
        SELECT userId, score,
          CASE WHEN score >= 50 THEN 'High' WHEN score >= 20 THEN 'Medium' WHEN score >= 5 THEN 'Low'
               ELSE 'Inactive' END AS segment,
          PERCENT_RANK() OVER (ORDER BY score) AS pr
        FROM scores ORDER BY userId
    """
    rows = run_sql(db, sql)
    assert [r["score"] for r in rows] == [Decimal("5.0"), Decimal("20.0"), Decimal("50.0"), Decimal("4.9")]
    assert [r["segment"] for r in rows] == ["Low", "Medium", "High", "Inactive"]
    assert [r["pr"] for r in rows] == [1 / 3, 2 / 3, 1.0, 0.0]
    stats = run_sql(
        db,
        "WITH s AS (SELECT userId, SUM(pageViews) * 0.1 + SUM(clicks) * 0.3 AS score FROM b GROUP BY userId) "
        "SELECT AVG(score) AS a, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY score) AS p50 FROM s",
    )
    # PostgreSQL: avg = 19.3750000000000000 (numeric), percentile_cont = 11.899999999999999 (double).
    assert stats == [{"a": Decimal("19.3750000000000000"), "p50": pytest.approx(11.9)}]


def test_trunc_negation_and_documents_keep_numeric(t: Database[Document]) -> None:
    rows = run_sql(
        t,
        "SELECT TRUNC(x, 1) AS tx, TRUNC(d) AS td, TRUNC(n, 1) AS tn, -x AS nx, "
        "JSON_BUILD_OBJECT('k', 0.25, 'v', x * 2) AS doc FROM t WHERE _id = 2",
    )
    assert rows == [
        {
            "tx": Decimal("2.5"),
            "td": 2.0,
            "tn": Decimal(3),
            "nx": Decimal("-2.5"),
            "doc": {"k": Decimal("0.25"), "v": Decimal("5.0")},
        }
    ]
    with pytest.raises(OperationFailure, match="integer out of range"):
        run_sql(t, "SELECT -(n - 2000000000 - 2147483647 - 1) AS v FROM t WHERE _id = 3")


def test_case_of_integer_and_numeric_is_numeric(t: Database[Document]) -> None:
    # PostgreSQL: CASE's common type is numeric, so 1 / 2 is 0.5, not an integer division.
    got = column(t, "SELECT CASE WHEN n > 5 THEN 1 ELSE 0.5 END / 2 AS v FROM t ORDER BY _id", "v")
    assert got == [Decimal("0.50000000000000000000"), Decimal("0.25"), Decimal("0.5"), Decimal("0.25")]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT n * 100000000000000000 AS v FROM t", "bigint out of range"),
        ("SELECT n / (n - n) AS v FROM t", "division by zero"),
        ("SELECT x / (n - n) AS v FROM t", "division by zero"),
        ("SELECT CAST(b AS INTEGER) AS v FROM t", "integer out of range"),
    ],
)
def test_runtime_errors_carry_postgresql_message(t: Database[Document], sql: str, message: str) -> None:
    with pytest.raises(SqlRuntimeError, match=f"^{message}"):
        run_sql(t, sql)


def test_stddev_and_variance_of_integers_are_exact_numeric(t: Database[Document]) -> None:
    # PostgreSQL 15's values, digits included.
    rows = run_sql(
        t,
        "SELECT STDDEV_POP(n) AS p, STDDEV_SAMP(n) AS s, VAR_POP(n) AS vp, VARIANCE(n) AS v, "
        "STDDEV(x) AS sx, VARIANCE(x) AS vx, STDDEV(d) AS sd FROM t",
    )
    assert rows == [
        {
            "p": Decimal(942809039),
            "s": Decimal(1154700535),
            "vp": Decimal(888888884444444453),
            "v": Decimal(1333333326666666679),
            "sx": Decimal("2.5006665778014736"),
            "vx": Decimal("6.2533333333333333"),
            "sd": pytest.approx(383.3657957269184),
        }
    ]
    window = column(t, "SELECT STDDEV(n) OVER (PARTITION BY k) AS s FROM t ORDER BY _id", "s")
    assert window == [Decimal("2.8284271247461901"), Decimal("2.8284271247461901"), None, None]


def test_variance_beyond_34_digits_fails_rather_than_rounds(db: Database[Document]) -> None:
    # N·Σx² of bigints near 2^53 needs more than Decimal128's 34 digits: PostgreSQL is exact, so
    # the group fails instead of giving wrong last digits; small values still compute exactly.
    big = 9007199254740993
    db.v.insert_many(
        [{"_id": i, "x": Int64(big - 7 * i), "y": i, "m": i if i % 2 else i + 0.5} for i in range(40)]
    )
    for sql in ("SELECT VAR_SAMP(x) AS v FROM v", "SELECT VAR_SAMP(CAST(x AS BIGINT)) AS v FROM v"):
        with pytest.raises(SqlRuntimeError, match="34 significant digits"):
            run_sql(db, sql)
    with pytest.raises(SqlRuntimeError, match="34 significant digits"):
        run_sql(db, "SELECT _id, VAR_POP(x) OVER () AS v FROM v")
    assert run_sql(db, "SELECT VAR_SAMP(y) AS v, VAR_POP(y) AS p FROM v") == [
        {"v": Decimal("136.6666666666666667"), "p": Decimal("133.2500000000000000")}
    ]
    # A field that also holds doubles keeps computing (PostgreSQL's column is double precision).
    [row] = run_sql(db, "SELECT VAR_POP(m) AS p FROM v")
    values = [i if i % 2 else i + 0.5 for i in range(40)]
    assert float(row["p"]) == pytest.approx(statistics.pvariance(values), rel=1e-12)

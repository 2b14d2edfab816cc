"""Window functions on the real server: PostgreSQL's frames, peers, NULL ordering and errors."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.database import Database
from pymongo.errors import OperationFailure

from leaf_dagster.sql import LeafSQLError, compile_sql, run_sql
from tests.sql.test_compile_aggregates_ext import operators

# Scores with ties (20, 20) and a NULL, in two partitions; _id breaks ties where order matters.
DOCS: list[dict[str, Any]] = [
    {"_id": 1, "p": "a", "x": 10},
    {"_id": 2, "p": "a", "x": 20},
    {"_id": 3, "p": "a", "x": 20},
    {"_id": 4, "p": "a", "x": None},
    {"_id": 5, "p": "a", "x": 30},
    {"_id": 6, "p": "b", "x": 5},
]

# Operators of MongoDB 7.0 the window stages may use.
DOCUMENTED = {
    "$set", "$setWindowFields", "$project", "$sort", "$group", "$match", "$limit", "$skip", "$facet",
    "$replaceWith", "$cond", "$eq", "$ifNull", "$rank", "$denseRank", "$documentNumber", "$shift", "$sum",
    "$avg", "$min", "$max", "$first", "$last", "$divide", "$subtract", "$add", "$multiply", "$floor",
    "$mod", "$lte", "$toLong", "$literal", "$arrayElemAt", "$gt", "$expr",
    "$switch", "$let", "$type", "$toDecimal", "$toInt", "$concat", "$substrCP", "$in", "$and", "$or",
    "$abs", "$log10", "$pow", "$trunc", "$lt", "$toDouble", "$isNumber",
    # SUM's per-group type set and 34-digit check
    "$addToSet", "$setDifference", "$size", "$not", "$toString", "$split", "$replaceAll", "$ltrim", "$strLenCP", "$gte",
}  # fmt: skip


@pytest.fixture
def facts(db: Database[Any]) -> Database[Any]:
    db.facts.insert_many(DOCS)
    return db


def by_id(rows: list[dict[str, Any]], column: str) -> dict[int, Any]:
    return {r["_id"]: r[column] for r in rows}


def test_ranks_with_ties_and_nulls_last(facts: Database[Any]) -> None:
    rows = run_sql(
        facts,
        "SELECT _id, RANK() OVER (PARTITION BY p ORDER BY x) AS r, DENSE_RANK() OVER (PARTITION BY p ORDER BY x) "
        "AS d, PERCENT_RANK() OVER (PARTITION BY p ORDER BY x) AS pr, "
        "CUME_DIST() OVER (PARTITION BY p ORDER BY x) AS cd, RANK() OVER (ORDER BY x DESC) AS rd FROM facts",
    )
    assert by_id(rows, "r") == {1: 1, 2: 2, 3: 2, 5: 4, 4: 5, 6: 1}
    assert by_id(rows, "d") == {1: 1, 2: 2, 3: 2, 5: 3, 4: 4, 6: 1}
    assert by_id(rows, "pr") == {1: 0.0, 2: 0.25, 3: 0.25, 5: 0.75, 4: 1.0, 6: 0.0}
    assert by_id(rows, "cd") == {1: 0.2, 2: 0.6, 3: 0.6, 5: 0.8, 4: 1.0, 6: 1.0}
    assert by_id(rows, "rd") == {4: 1, 5: 2, 2: 3, 3: 3, 1: 5, 6: 6}  # DESC puts NULLs first


def test_last_value_default_frame_is_the_last_peer(facts: Database[Any]) -> None:
    rows = run_sql(
        facts,
        "SELECT _id, LAST_VALUE(x) OVER (PARTITION BY p ORDER BY x) AS l, "
        "SUM(x) OVER (PARTITION BY p ORDER BY x) AS running, "
        "FIRST_VALUE(_id) OVER (PARTITION BY p ORDER BY x DESC, _id) AS f FROM facts",
    )
    assert by_id(rows, "l") == {1: 10, 2: 20, 3: 20, 5: 30, 4: None, 6: 5}
    assert by_id(rows, "running") == {1: 10, 2: 50, 3: 50, 5: 80, 4: 80, 6: 5}
    assert by_id(rows, "f") == {1: 4, 2: 4, 3: 4, 4: 4, 5: 4, 6: 6}


def test_ntile_lag_lead(facts: Database[Any]) -> None:
    rows = run_sql(
        facts,
        "SELECT _id, NTILE(4) OVER (ORDER BY _id) AS q, LAG(x, 1, -1) OVER (ORDER BY _id) AS prev, "
        "LEAD(x, 2) OVER (PARTITION BY p ORDER BY _id) AS next2 FROM facts",
    )
    assert by_id(rows, "q") == {1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 4}  # 6 rows in 4: 2, 2, 1, 1
    assert by_id(rows, "prev") == {1: -1, 2: 10, 3: 20, 4: 20, 5: None, 6: 30}
    assert by_id(rows, "next2") == {1: 20, 2: None, 3: 30, 4: None, 5: None, 6: None}


def test_frames_and_null_sums(facts: Database[Any]) -> None:
    rows = run_sql(
        facts,
        "SELECT _id, SUM(x) OVER (ORDER BY _id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS s3, "
        "SUM(x) OVER (ORDER BY _id ROWS BETWEEN CURRENT ROW AND CURRENT ROW) AS self, "
        "COUNT(x) OVER () AS n, COUNT(*) OVER (ORDER BY x RANGE BETWEEN 5 PRECEDING AND 5 FOLLOWING) AS near "
        "FROM facts",
    )
    assert by_id(rows, "s3") == {1: 30, 2: 50, 3: 40, 4: 50, 5: 35, 6: 35}
    assert by_id(rows, "self") == {1: 10, 2: 20, 3: 20, 4: None, 5: 30, 6: 5}
    assert set(by_id(rows, "n").values()) == {5}
    assert by_id(rows, "near") == {1: 2, 2: 2, 3: 2, 4: 1, 5: 1, 6: 2}


def test_window_over_aggregate_and_operators(facts: Database[Any]) -> None:
    sql = (
        "SELECT p, SUM(x) AS total, RANK() OVER (ORDER BY SUM(x) DESC) AS r, "
        "SUM(COUNT(*)) OVER () AS everyone FROM facts GROUP BY p ORDER BY r"
    )
    assert run_sql(facts, sql) == [
        {"p": "a", "total": 80, "r": 1, "everyone": 6},
        {"p": "b", "total": 5, "r": 2, "everyone": 6},
    ]
    assert operators(compile_sql(sql).pipeline) <= DOCUMENTED


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT x FROM t GROUP BY RANK() OVER (ORDER BY x)", "not allowed in GROUP BY"),
        ("SELECT p FROM t GROUP BY p HAVING RANK() OVER (ORDER BY p) > 1", "not allowed in HAVING"),
        ("SELECT x FROM t WHERE RANK() OVER (ORDER BY x) > 1", "window functions"),
        ("SELECT SUM(RANK() OVER (ORDER BY x)) OVER () FROM t", "cannot be nested"),
        ("SELECT SUM(x) OVER (PARTITION BY x GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t", "GROUPS"),
        (
            "SELECT SUM(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW EXCLUDE TIES) FROM t",
            "EXCLUDE",
        ),
        (
            "SELECT SUM(x) OVER (ORDER BY s || 'a' RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t",
            "numeric",
        ),
        (
            "SELECT SUM(x) OVER (ORDER BY x, y RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t",
            "one ORDER BY",
        ),
        (
            "SELECT SUM(x) OVER (ORDER BY x RANGE BETWEEN UNBOUNDED PRECEDING AND 1 FOLLOWING) FROM t",
            "mixing",
        ),
        ("SELECT SUM(x) OVER (ORDER BY x ROWS BETWEEN 1 FOLLOWING AND 1 PRECEDING) FROM t", "starts after"),
        ("SELECT SUM(x) OVER (ORDER BY x ROWS BETWEEN y PRECEDING AND CURRENT ROW) FROM t", "offset"),
        (
            "SELECT COUNT(*) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '1 month' PRECEDING AND CURRENT ROW) FROM t",
            "months",
        ),
        (
            "SELECT COUNT(*) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '1 day' PRECEDING AND 1 FOLLOWING) FROM t",
            "mix interval and numeric",
        ),
        (
            "SELECT COUNT(*) OVER (ORDER BY LENGTH(s) RANGE BETWEEN INTERVAL '1 day' PRECEDING AND CURRENT ROW) "
            "FROM t",
            "needs a timestamp",
        ),
        ("SELECT NTILE(0) OVER (ORDER BY x) FROM t", "NTILE"),
        ("SELECT COUNT(DISTINCT x) OVER () FROM t", "DISTINCT"),
        ("SELECT RANK() OVER w FROM t", "does not exist"),
        ("SELECT BOOL_AND(b) OVER () FROM t", "unsupported window function"),
        ("SELECT ROW_NUMBER() FILTER (WHERE x > 1) OVER () FROM t", "FILTER"),
    ],
)
def test_untranslatable_windows_raise(sql: str, message: str) -> None:
    with pytest.raises(LeafSQLError, match=message) as err:
        compile_sql(sql)
    assert err.value.line == 1 and err.value.col > 1


def test_interval_frame_on_a_non_timestamp_fails_loudly(facts: Database[Any]) -> None:
    sql = "SELECT _id, COUNT(*) OVER (ORDER BY x RANGE BETWEEN INTERVAL '1 day' PRECEDING AND CURRENT ROW) AS n FROM facts"
    with pytest.raises(OperationFailure):
        run_sql(facts, sql)

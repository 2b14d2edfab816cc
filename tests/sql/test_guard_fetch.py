"""OFFSET … ROWS, FETCH FIRST n ROWS ONLY / WITH TIES and LIMIT ALL, with PostgreSQL 15's answers.

The expected rows were produced by PostgreSQL 15 on the same eight rows (``k`` NULL for rows 4 and
7; here row 7 has no ``k`` at all, which SQL reads as NULL too).
"""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.database import Database

from leaf_dagster.sql import LeafSQLError, compile_sql, run_sql

ROWS = [
    {"_id": 1, "k": 3, "s": "a"},
    {"_id": 2, "k": 1, "s": "b"},
    {"_id": 3, "k": 3, "s": "c"},
    {"_id": 4, "k": None, "s": "d"},
    {"_id": 5, "k": 2, "s": "e"},
    {"_id": 6, "k": 3, "s": None},
    {"_id": 7, "s": "g"},
    {"_id": 8, "k": 1, "s": "h"},
]


@pytest.fixture
def t(db: Database[Any]) -> Database[Any]:
    db.t.insert_many(ROWS)
    return db


def values(db: Database[Any], sql: str) -> list[Any]:
    return [tuple(r.values()) if len(r) > 1 else next(iter(r.values()), None) for r in run_sql(db, sql)]


CASES = [
    ("SELECT _id FROM t ORDER BY _id OFFSET 2 ROWS FETCH FIRST 4 ROWS ONLY", [3, 4, 5, 6]),
    ("SELECT _id FROM t ORDER BY _id OFFSET 1 ROW FETCH NEXT ROW ONLY", [2]),
    ("SELECT _id FROM t ORDER BY _id FETCH FIRST ROWS ONLY", [1]),
    ("SELECT _id FROM t ORDER BY _id LIMIT ALL OFFSET 6", [7, 8]),
    ("SELECT _id FROM t ORDER BY _id LIMIT ALL", [1, 2, 3, 4, 5, 6, 7, 8]),
    ("SELECT COUNT(*) AS n FROM t FETCH FIRST NULL ROWS ONLY", [8]),
    ("SELECT k FROM t ORDER BY k FETCH FIRST 3 ROWS WITH TIES", [1, 1, 2]),
    ("SELECT k FROM t ORDER BY k DESC FETCH FIRST 1 ROWS WITH TIES", [None, None]),
    ("SELECT k FROM t ORDER BY k DESC NULLS LAST OFFSET 1 FETCH FIRST 2 ROWS WITH TIES", [3, 3]),
    ("SELECT k FROM t ORDER BY k FETCH FIRST 0 ROWS WITH TIES", []),
    ("SELECT k FROM t ORDER BY k OFFSET 6 FETCH FIRST 1 ROWS WITH TIES", [None, None]),
    ("SELECT DISTINCT k FROM t ORDER BY k FETCH FIRST 2 ROW WITH TIES", [1, 2]),
    (
        "SELECT k, s FROM t ORDER BY k, s NULLS FIRST FETCH FIRST 4 ROWS WITH TIES",
        [(1, "b"), (1, "h"), (2, "e"), (3, None)],
    ),
    ("SELECT k FROM t ORDER BY k FETCH FIRST 2 ROWS WITH TIES", [1, 1]),
    ("SELECT k FROM t ORDER BY k NULLS FIRST FETCH FIRST 1 ROWS WITH TIES", [None, None]),
    ("SELECT * FROM t ORDER BY k DESC NULLS LAST FETCH FIRST 2 ROWS WITH TIES", None),
    ("SELECT k FROM t UNION ALL SELECT k FROM t ORDER BY k FETCH FIRST 1 ROWS WITH TIES", [1, 1, 1, 1]),
    ("SELECT k FROM t UNION SELECT k FROM t ORDER BY 1 OFFSET 1 ROWS FETCH NEXT 2 ROWS ONLY", [2, 3]),
    # Parenthesized set-operation members with their own ORDER BY / LIMIT.
    (
        "(SELECT _id AS x FROM t ORDER BY k DESC NULLS LAST, _id LIMIT 3) UNION ALL "
        "(SELECT _id FROM t WHERE _id > 6) ORDER BY 1",
        [1, 3, 6, 7, 8],
    ),
    (
        "(SELECT _id AS x FROM t ORDER BY _id DESC LIMIT 2) UNION (SELECT k FROM t ORDER BY k LIMIT 2) "
        "ORDER BY 1 LIMIT 3",
        [1, 7, 8],
    ),
    ("((SELECT _id FROM t ORDER BY _id LIMIT 2))", [1, 2]),
]


@pytest.mark.parametrize(("sql", "expected"), CASES)
def test_fetch_and_offset_as_postgresql(t: Database[Any], sql: str, expected: list[Any] | None) -> None:
    got = values(t, sql)
    if expected is None:  # SELECT *: the three rows with k = 3, in any order of the ties
        assert sorted(r[0] for r in got) == [1, 3, 6]
        return
    if "WITH TIES" in sql:  # rows that tie may come in any order
        assert sorted(got, key=repr) == sorted(expected, key=repr)
    else:
        assert got == expected


def test_fetch_with_ties_in_a_subquery(t: Database[Any]) -> None:
    sql = "SELECT COUNT(*) AS n FROM (SELECT k FROM t ORDER BY k DESC NULLS LAST FETCH FIRST 1 ROW WITH TIES) AS x"
    assert run_sql(t, sql) == [{"n": 3}]


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("SELECT k FROM t FETCH FIRST 2 ROWS WITH TIES", "without ORDER BY"),
        ("SELECT k FROM t ORDER BY k FETCH FIRST 50 PERCENT ROWS ONLY", "PERCENT"),
        ("SELECT k FROM t FETCH FIRST 1.5 ROWS ONLY", "FETCH FIRST"),
        ("SELECT k FROM t LIMIT 'x'", "LIMIT"),
    ],
)
def test_fetch_forms_that_are_refused(sql: str, words: str) -> None:
    with pytest.raises(LeafSQLError, match=words):
        compile_sql(sql)

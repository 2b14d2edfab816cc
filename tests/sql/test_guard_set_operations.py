"""``INTERSECT`` and ``EXCEPT``, with and without ``ALL``, with PostgreSQL 15's answers.

``t`` holds the rows of ``test_guard_fetch``; ``u`` the six rows below. NULLs are equal here, as
in SQL set operations.
"""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.database import Database

from leaf_dagster.sql import run_sql
from tests.sql.test_guard_fetch import ROWS

U = [
    {"_id": 1, "k": 3, "s": "a"},
    {"_id": 2, "k": 3, "s": "x"},
    {"_id": 3, "k": None, "s": "d"},
    {"_id": 4, "k": 1, "s": "b"},
    {"_id": 5, "k": 9, "s": None},
    {"_id": 6, "k": 3, "s": "a"},
]


@pytest.fixture
def tu(db: Database[Any]) -> Database[Any]:
    db.t.insert_many(ROWS)
    db.u.insert_many(U)
    return db


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT k FROM t INTERSECT SELECT k FROM u ORDER BY 1", [1, 3, None]),
        ("SELECT k FROM t INTERSECT ALL SELECT k FROM u ORDER BY 1", [1, 3, 3, 3, None]),
        ("SELECT k FROM t EXCEPT SELECT k FROM u ORDER BY 1", [2]),
        ("SELECT k FROM t EXCEPT ALL SELECT k FROM u ORDER BY 1", [1, 2, None]),
        ("SELECT k, s FROM t INTERSECT SELECT k, s FROM u ORDER BY 1, 2", [(1, "b"), (3, "a"), (None, "d")]),
        ("SELECT k, s FROM u EXCEPT ALL SELECT k, s FROM t ORDER BY 1, 2", [(3, "a"), (3, "x"), (9, None)]),
        ("SELECT k FROM t EXCEPT SELECT k FROM u WHERE k > 100 ORDER BY 1 DESC LIMIT 2", [None, 3]),
    ],
)
def test_intersect_and_except_as_postgresql(tu: Database[Any], sql: str, expected: list[Any]) -> None:
    rows = run_sql(tu, sql)
    assert [tuple(r.values()) if len(r) > 1 else next(iter(r.values())) for r in rows] == expected

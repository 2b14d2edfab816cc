"""``SELECT DISTINCT ON (…) … ORDER BY …``: the first row of each key, with PostgreSQL 15's answers
on the rows of ``test_guard_fetch`` (``k`` NULL for rows 4 and 7)."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.database import Database

from leaf_dagster.sql import LeafSQLError, compile_sql, run_sql
from tests.sql.test_guard_fetch import ROWS


@pytest.fixture
def t(db: Database[Any]) -> Database[Any]:
    db.t.insert_many(ROWS)
    return db


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT DISTINCT ON (k) k, _id FROM t ORDER BY k, _id DESC", [(1, 8), (2, 5), (3, 6), (None, 7)]),
        (
            "SELECT DISTINCT ON (k) k, s FROM t ORDER BY k DESC NULLS LAST, s NULLS FIRST",
            [(3, None), (2, "e"), (1, "b"), (None, "d")],
        ),
        (
            "SELECT DISTINCT ON (k) _id, k, s FROM t ORDER BY k, _id",
            [(2, 1, "b"), (5, 2, "e"), (1, 3, "a"), (4, None, "d")],
        ),
        ("SELECT DISTINCT ON (k % 2) k % 2 AS p, _id FROM t ORDER BY k % 2, _id LIMIT 2", [(0, 5), (1, 1)]),
        ("SELECT DISTINCT ON (1) k, _id FROM t ORDER BY 1, 2 DESC", [(1, 8), (2, 5), (3, 6), (None, 7)]),
        ("SELECT COUNT(*) AS n FROM (SELECT DISTINCT ON (k) k FROM t) AS x", [4]),
    ],
)
def test_distinct_on_keeps_the_first_row_of_each_key(t: Database[Any], sql: str, expected: list[Any]) -> None:
    rows = run_sql(t, sql)
    got = [tuple(r.values()) if len(r) > 1 else next(iter(r.values())) for r in rows]
    assert got == expected


def test_distinct_on_star(t: Database[Any]) -> None:
    rows = run_sql(t, "SELECT DISTINCT ON (k) * FROM t ORDER BY k, _id")
    assert [r["_id"] for r in rows] == [2, 5, 1, 4]


def test_distinct_on_must_lead_the_order_by() -> None:
    with pytest.raises(LeafSQLError, match="must match initial ORDER BY") as info:
        compile_sql("SELECT DISTINCT ON (k) _id FROM t ORDER BY _id")
    assert (info.value.line, info.value.col) == (1, 44)

"""ORDER BY an array column compares element by element, as PostgreSQL 15 does.

PostgreSQL: a shorter prefix first, NULL elements above every value; a NULL array last (ASC).
The expected orders were produced by PostgreSQL 15 on the same ten rows (``int[]``).
"""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.database import Database

from leaf_dagster.sql import run_sql

ROWS = [
    {"_id": 1, "a": [1, 2]},
    {"_id": 2, "a": [1]},
    {"_id": 3, "a": []},
    {"_id": 4, "a": None},
    {"_id": 5, "a": [1, None]},
    {"_id": 6, "a": [None]},
    {"_id": 7, "a": [2]},
    {"_id": 8, "a": [1, 2, 0]},
    {"_id": 9, "a": [0, 5]},
    {"_id": 10, "a": [1, 3]},
]
ASC = [3, 9, 2, 1, 8, 10, 5, 7, 6, 4]
DESC = [4, 6, 7, 5, 10, 8, 1, 2, 9, 3]
DESC_NULLS_LAST = [6, 7, 5, 10, 8, 1, 2, 9, 3, 4]


@pytest.fixture
def arr(db: Database[Any]) -> Database[Any]:
    db.arr.insert_many(ROWS)
    return db


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT _id FROM arr ORDER BY a, _id", ASC),
        ("SELECT _id FROM arr ORDER BY a DESC, _id", DESC),
        ("SELECT _id FROM arr ORDER BY a DESC NULLS LAST, _id", DESC_NULLS_LAST),
        ("SELECT _id, a FROM arr ORDER BY 2, 1", ASC),
        ("SELECT * FROM arr ORDER BY a, _id", ASC),
        ("SELECT _id FROM arr ORDER BY a FETCH FIRST 3 ROWS ONLY", ASC[:3]),
        ("SELECT _id, a FROM arr UNION ALL SELECT _id, a FROM arr WHERE _id < 0 ORDER BY a, _id", ASC),
    ],
)
def test_arrays_order_element_by_element(arr: Database[Any], sql: str, expected: list[int]) -> None:
    assert [r["_id"] for r in run_sql(arr, sql)] == expected


def test_distinct_arrays_order_element_by_element(arr: Database[Any]) -> None:
    rows = run_sql(arr, "SELECT DISTINCT a FROM arr ORDER BY a")
    by_id = {r["_id"]: r["a"] for r in ROWS}
    assert [r["a"] for r in rows] == [by_id[i] for i in ASC]


def test_ties_on_arrays_are_whole_array_ties(arr: Database[Any]) -> None:
    arr.arr.insert_one({"_id": 11, "a": [1, 2]})
    rows = run_sql(arr, "SELECT _id FROM arr ORDER BY a FETCH FIRST 4 ROWS WITH TIES")
    assert sorted(r["_id"] for r in rows) == [1, 2, 3, 9, 11]

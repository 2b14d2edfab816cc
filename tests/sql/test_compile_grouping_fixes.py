"""GROUP BY name resolution and NULL group keys (missing vs NULL), checked on the real server."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.database import Database

from leaf_dagster.sql import compile_sql, run_sql

# t: a list whose element 0 is NULL, one with a value, an empty one, a NULL and a missing list.
DOCS: list[dict[str, Any]] = [
    {"_id": 1, "k": "A", "v": 1, "t": [None, "p"]},
    {"_id": 2, "k": "a", "v": 2, "t": ["x"]},
    {"_id": 3, "k": "B", "v": 4, "t": []},
    {"_id": 4, "k": None, "v": 8, "t": None},
    {"_id": 5, "v": 16},
    {"_id": 6, "k": "a", "v": 32, "t": ["x", "zz"]},
]


@pytest.fixture
def facts(db: Database[Any]) -> Database[Any]:
    db.facts.insert_many(DOCS)
    return db


def _sorted(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (r[key] is None, r[key] if r[key] is not None else ""))


def test_group_by_name_prefers_the_input_column_over_an_alias(facts: Database[Any]) -> None:
    rows = run_sql(facts, "SELECT k AS key, COUNT(*) AS n, SUM(v) AS k FROM facts GROUP BY k ORDER BY 1")
    assert rows == [
        {"key": "A", "n": 1, "k": 1},
        {"key": "B", "n": 1, "k": 4},
        {"key": "a", "n": 2, "k": 34},
        {"key": None, "n": 2, "k": 24},
    ]


def test_group_by_name_shadowed_by_an_alias_groups_by_the_input(facts: Database[Any]) -> None:
    rows = run_sql(facts, "SELECT LOWER(k) AS k, COUNT(*) AS n FROM facts GROUP BY k")
    # Grouped by k (A, a, B, NULL): 'A' and 'a' stay apart although both lower to 'a'.
    assert sorted((r["k"] or "~", r["n"]) for r in rows) == [("a", 1), ("a", 2), ("b", 1), ("~", 2)]


def test_group_by_an_alias_that_is_no_input_column(facts: Database[Any]) -> None:
    rows = run_sql(facts, "SELECT LOWER(k) AS lk, COUNT(*) AS n FROM facts GROUP BY lk")
    assert _sorted(rows, "lk") == [{"lk": "a", "n": 3}, {"lk": "b", "n": 1}, {"lk": None, "n": 2}]


def test_group_by_alias_of_a_subquery_column_follows_known_columns(facts: Database[Any]) -> None:
    sql = "SELECT LOWER(k) AS k, COUNT(*) AS n FROM (SELECT k, v FROM facts) AS s GROUP BY k ORDER BY n"
    rows = run_sql(facts, sql)
    assert sorted((r["k"] or "~", r["n"]) for r in rows) == [("a", 1), ("a", 2), ("b", 1), ("~", 2)]


def test_missing_and_null_list_elements_form_one_group(facts: Database[Any]) -> None:
    rows = run_sql(facts, "SELECT t[0] AS e, COUNT(*) AS n FROM facts GROUP BY t[0]")
    # NULL element (1), empty list (3), NULL list (4), missing list (5): one NULL group.
    assert _sorted(rows, "e") == [{"e": "x", "n": 2}, {"e": None, "n": 4}]


def test_missing_element_past_the_end_groups_with_null(facts: Database[Any]) -> None:
    rows = run_sql(facts, "SELECT t[1] AS e, COUNT(*) AS n FROM facts GROUP BY t[1]")
    assert _sorted(rows, "e") == [{"e": "p", "n": 1}, {"e": "zz", "n": 1}, {"e": None, "n": 4}]


def test_nullif_of_a_list_element_has_one_null_group(facts: Database[Any]) -> None:
    rows = run_sql(
        facts, "SELECT NULLIF(t[1], 'zz') AS e, COUNT(*) AS n FROM facts GROUP BY NULLIF(t[1], 'zz')"
    )
    assert _sorted(rows, "e") == [{"e": "p", "n": 1}, {"e": None, "n": 5}]


def test_multi_key_group_with_missing_elements(facts: Database[Any]) -> None:
    rows = run_sql(
        facts, "SELECT t[1] AS e, k IS NULL AS nk, COUNT(*) AS n FROM facts GROUP BY t[1], k IS NULL"
    )
    got = sorted((r["e"] or "~", r["nk"], r["n"]) for r in rows)
    assert got == [("p", False, 1), ("zz", False, 1), ("~", False, 2), ("~", True, 2)]


def test_multi_key_group_with_missing_field_and_element(facts: Database[Any]) -> None:
    rows = run_sql(facts, "SELECT k, t[0] AS e, COUNT(*) AS n FROM facts GROUP BY k, t[0]")
    got = sorted((r["k"] or "~", r["e"] or "~", r["n"]) for r in rows)
    assert got == [("A", "~", 1), ("B", "~", 1), ("a", "x", 2), ("~", "~", 2)]


def test_distinct_list_element_has_one_null(facts: Database[Any]) -> None:
    rows = run_sql(facts, "SELECT DISTINCT t[1] AS e FROM facts")
    assert sorted(r["e"] or "~" for r in rows) == ["p", "zz", "~"]


def test_distinct_two_columns_with_missing_values(facts: Database[Any]) -> None:
    rows = run_sql(facts, "SELECT DISTINCT k IS NULL AS nk, t[1] AS e FROM facts")
    assert sorted((r["nk"], r["e"] or "~") for r in rows) == [
        (False, "p"),
        (False, "zz"),
        (False, "~"),
        (True, "~"),
    ]


def test_plain_field_keys_stay_unwrapped() -> None:
    """``$group`` keys a missing field path as NULL: no per-key ``$ifNull`` (rollup speed)."""
    single = compile_sql("SELECT k, COUNT(*) AS n FROM facts GROUP BY k").pipeline[0]["$group"]
    assert single["_id"] == "$k"
    multi = compile_sql("SELECT k, v, COUNT(*) AS n FROM facts GROUP BY k, v").pipeline[0]["$group"]
    assert multi["_id"] == ["$k", "$v"]
    trunc = compile_sql("SELECT DATE_TRUNC('day', ts) AS d, COUNT(*) AS n FROM facts GROUP BY 1")
    assert "$ifNull" not in str(trunc.pipeline[0]["$group"]["_id"])

"""FILTER, exact percentiles, ordered ARRAY_AGG/STRING_AGG and embedded documents, on the real server."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.database import Database

from leaf_dagster.sql import LeafSQLError, compile_sql, run_sql

DOCS: list[dict[str, Any]] = [
    {"_id": 1, "g": "x", "v": 1, "k": 3, "s": "a"},
    {"_id": 2, "g": "x", "v": None, "k": None, "s": None},
    {"_id": 3, "g": "x", "v": 4, "k": 1, "s": "b"},
    {"_id": 4, "g": "y", "v": 10, "k": 2, "s": "c"},
    {"_id": 5, "g": "y", "k": 2},
    {"_id": 6, "g": "x", "v": 2, "s": "d"},
]


@pytest.fixture
def facts(db: Database[Any]) -> Database[Any]:
    db.facts.insert_many(DOCS)
    return db


def operators(value: Any) -> set[str]:
    if isinstance(value, dict):
        found = {k for k in value if k.startswith("$")}
        for v in value.values():
            found |= operators(v)
        return found
    if isinstance(value, list):
        return set().union(*(operators(v) for v in value))
    return set()


def test_filter_counts_matching_rows_and_sum_of_none_is_null(facts: Database[Any]) -> None:
    rows = run_sql(
        facts,
        "SELECT g, COUNT(*) FILTER (WHERE v > 1) AS n, SUM(v) FILTER (WHERE v > 100) AS none, "
        "SUM(v) FILTER (WHERE v < 5) AS small, COUNT(*) AS total FROM facts GROUP BY g ORDER BY g",
    )
    assert rows == [
        {"g": "x", "n": 2, "none": None, "small": 7, "total": 4},
        {"g": "y", "n": 1, "none": None, "small": None, "total": 2},
    ]


PERCENTILES = (
    "SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY v) AS med, "
    "PERCENTILE_CONT(ARRAY[0, 0.25, 1]) WITHIN GROUP (ORDER BY v) AS qs, "
    "PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY v) AS disc, "
    "PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY v DESC) AS disc_desc FROM facts"
)


def test_percentiles_are_exact_and_skip_nulls(facts: Database[Any]) -> None:
    assert "$percentile" not in operators(compile_sql(PERCENTILES).pipeline)
    # Values 1, 2, 4, 10: the median is (2+4)/2; p25 sits at position 0.75, so 1 + 0.75*(2-1).
    assert run_sql(facts, PERCENTILES) == [{"med": 3.0, "qs": [1.0, 1.75, 10.0], "disc": 2, "disc_desc": 4}]


def test_percentile_of_no_values_is_null(facts: Database[Any]) -> None:
    rows = run_sql(
        facts,
        "SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY v) AS c, "
        "PERCENTILE_DISC(ARRAY[0.5]) WITHIN GROUP (ORDER BY v) AS d FROM facts WHERE v IS NULL",
    )
    assert rows == [{"c": None, "d": None}]


def test_ordered_aggregates_place_nulls_as_postgresql(facts: Database[Any]) -> None:
    rows = run_sql(
        facts,
        "SELECT ARRAY_AGG(_id ORDER BY k, _id) AS up, ARRAY_AGG(_id ORDER BY k DESC, _id) AS down, "
        "STRING_AGG(s, '-' ORDER BY _id DESC) AS joined, ARRAY_AGG(v ORDER BY _id) AS vs, "
        "ARRAY_AGG(DISTINCT k) AS ks FROM facts",
    )
    assert rows == [
        {
            "up": [3, 4, 5, 1, 2, 6],
            "down": [2, 6, 1, 4, 5, 3],
            "joined": "d-c-b-a",
            "vs": [1, None, 4, 10, None, 2],
            "ks": [1, 2, 3, None],
        }
    ]


def test_filtered_array_agg_of_no_rows_is_null(facts: Database[Any]) -> None:
    rows = run_sql(
        facts, "SELECT g, ARRAY_AGG(_id) FILTER (WHERE v > 5) AS big FROM facts GROUP BY g ORDER BY g"
    )
    assert rows == [{"g": "x", "big": None}, {"g": "y", "big": [4]}]


def test_documents_keep_null_members(facts: Database[Any]) -> None:
    rows = run_sql(
        facts,
        "SELECT JSON_BUILD_OBJECT('id', _id, 'v', v, 'one', 1) AS doc, ROW(_id, s) AS r "
        "FROM facts WHERE _id = 2",
    )
    assert rows == [{"doc": {"id": 2, "v": None, "one": 1}, "r": {"f1": 2, "f2": None}}]


def test_document_over_aggregates(facts: Database[Any]) -> None:
    rows = run_sql(
        facts,
        "SELECT g, JSON_BUILD_OBJECT('min', MIN(v), 'p50', PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY v)) "
        "AS stats FROM facts GROUP BY g ORDER BY g",
    )
    assert rows == [
        {"g": "x", "stats": {"min": 1, "p50": 2.0}},
        {"g": "y", "stats": {"min": 10, "p50": 10.0}},
    ]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT SUM(v) FILTER (WHERE COUNT(*) > 1) FROM t", "not allowed in FILTER"),
        ("SELECT PERCENTILE_CONT(1.5) WITHIN GROUP (ORDER BY v) FROM t", "between 0 and 1"),
        ("SELECT PERCENTILE_CONT(v) WITHIN GROUP (ORDER BY v) FROM t", "constant fractions"),
        ("SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY s || 'x') FROM t", "numeric"),
        ("SELECT ARRAY_AGG(DISTINCT v ORDER BY k) FROM t", "DISTINCT, ORDER BY"),
        ("SELECT ARRAY_AGG(DISTINCT v) FILTER (WHERE k > 1) FROM t", "FILTER is not supported"),
        ("SELECT JSON_BUILD_OBJECT('$x', 1) FROM t", "invalid document key"),
        ("SELECT JSON_BUILD_OBJECT('a.b', 1) FROM t", "invalid document key"),
        ("SELECT JSON_BUILD_OBJECT(s, 1) FROM t", "constant strings"),
        ("SELECT JSON_BUILD_OBJECT('a', 1, 'b') FROM t", "key/value pairs"),
        ("SELECT JSON_BUILD_OBJECT('a', 1, 'a', 2) FROM t", "duplicate document key"),
    ],
)
def test_untranslatable_aggregates_raise(sql: str, message: str) -> None:
    with pytest.raises(LeafSQLError, match=message) as err:
        compile_sql(sql)
    assert err.value.line == 1 and err.value.col > 1

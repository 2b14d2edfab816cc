"""GROUP BY / HAVING / aggregates with SQL's NULL rules, on the real server."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pymongo.database import Database

from leaf_dagster.sql import LeafSQLError, compile_sql, run_sql

DOCS: list[dict[str, Any]] = [
    {"_id": 1, "g": "x", "v": 1, "s": "a", "b": True, "ts": dt.datetime(2024, 1, 1, 10, 15)},
    {"_id": 2, "g": "x", "v": None, "s": None, "b": None, "ts": dt.datetime(2024, 1, 1, 11, 0)},
    {"_id": 3, "g": None, "v": 2, "s": "b", "b": False, "ts": dt.datetime(2024, 1, 7, 9, 0)},
    {"_id": 4, "v": 4.5, "s": "c", "b": True, "ts": dt.datetime(2024, 1, 8, 0, 0)},
    {"_id": 5, "g": "y", "v": None},
]


@pytest.fixture
def facts(db: Database[Any]) -> Database[Any]:
    db.facts.insert_many(DOCS)
    return db


def test_missing_and_null_keys_form_one_group(facts: Database[Any]) -> None:
    rows = run_sql(facts, "SELECT g, COUNT(*) AS n FROM facts GROUP BY g ORDER BY g")
    assert rows == [{"g": "x", "n": 2}, {"g": "y", "n": 1}, {"g": None, "n": 2}]


def test_aggregates_skip_nulls_and_sum_of_nothing_is_null(facts: Database[Any]) -> None:
    rows = run_sql(
        facts,
        "SELECT g, COUNT(v) AS cv, SUM(v) AS sv, AVG(v) AS av, MIN(s) AS mn, MAX(v) AS mx, "
        "COUNT(DISTINCT s) AS ds, BOOL_AND(b) AS ba, BOOL_OR(b) AS bo FROM facts GROUP BY g ORDER BY g",
    )
    assert rows[0] == {
        "g": "x",
        "cv": 1,
        "sv": 1,
        "av": 1,
        "mn": "a",
        "mx": 1,
        "ds": 1,
        "ba": True,
        "bo": True,
    }
    assert rows[1] == {
        "g": "y",
        "cv": 0,
        "sv": None,
        "av": None,
        "mn": None,
        "mx": None,
        "ds": 0,
        "ba": None,
        "bo": None,
    }
    assert rows[2]["sv"] == 6.5 and rows[2]["ba"] is False and rows[2]["bo"] is True


def test_aggregates_without_group_by_give_one_row_even_over_no_input(facts: Database[Any]) -> None:
    sql = (
        "SELECT COUNT(*) AS n, COUNT(v) AS cv, SUM(v) AS sv, AVG(v) AS av, MAX(v) AS mx, "
        "ARRAY_AGG(v) AS aa, STRING_AGG(s, ',') AS sa, COUNT(DISTINCT v) AS dv, STDDEV_SAMP(v) AS sd "
        "FROM facts WHERE _id > 100"
    )
    empty = {"n": 0, "cv": 0, "sv": None, "av": None, "mx": None, "aa": None, "sa": None, "dv": 0, "sd": None}
    assert run_sql(facts, sql) == [empty]
    assert run_sql(facts, sql.replace("facts WHERE", "nothing_here WHERE")) == [empty]
    assert run_sql(facts, "SELECT COUNT(*) AS n, SUM(v) AS sv FROM facts") == [{"n": 5, "sv": 7.5}]


def test_array_agg_keeps_nulls_and_string_agg_skips_them(facts: Database[Any]) -> None:
    rows = run_sql(facts, "SELECT ARRAY_AGG(v) AS vs, STRING_AGG(s, ' | ') AS ss FROM facts WHERE g = 'x'")
    assert sorted(rows[0]["vs"], key=lambda v: v is None) == [1, None]
    assert rows[0]["ss"] == "a"
    rows = run_sql(facts, "SELECT STRING_AGG(s, '-') AS ss FROM facts WHERE s IS NOT NULL")
    assert sorted(rows[0]["ss"].split("-")) == ["a", "b", "c"]


def test_stddev_of_one_row_is_null_for_samp(facts: Database[Any]) -> None:
    rows = run_sql(facts, "SELECT STDDEV_SAMP(v) AS s, STDDEV_POP(v) AS p FROM facts WHERE _id = 1")
    assert rows == [{"s": None, "p": 0.0}]
    rows = run_sql(facts, "SELECT STDDEV_POP(v) AS p FROM facts WHERE _id IN (1, 3)")
    assert rows == [{"p": 0.5}]


def test_having_on_an_unselected_aggregate_and_group_by_alias_and_ordinal(facts: Database[Any]) -> None:
    rows = run_sql(facts, "SELECT g AS grp FROM facts GROUP BY grp HAVING SUM(v) > 1 ORDER BY 1")
    assert rows == [{"grp": None}]
    rows = run_sql(
        facts, "SELECT g, COUNT(*) AS n FROM facts GROUP BY 1 HAVING COUNT(*) >= 2 ORDER BY n DESC, g"
    )
    assert rows == [{"g": "x", "n": 2}, {"g": None, "n": 2}]


def test_group_by_date_trunc_and_expressions(facts: Database[Any]) -> None:
    rows = run_sql(
        facts,
        "SELECT DATE_TRUNC('week', ts) AS wk, COUNT(*) AS n, ROUND(AVG(v) * 2, 1) AS twice "
        "FROM facts WHERE ts IS NOT NULL GROUP BY DATE_TRUNC('week', ts) ORDER BY wk",
    )
    assert rows == [
        {"wk": dt.datetime(2024, 1, 1), "n": 3, "twice": 3.0},
        {"wk": dt.datetime(2024, 1, 8), "n": 1, "twice": 9.0},
    ]
    rows = run_sql(
        facts, "SELECT DATE_TRUNC('hour', ts) AS h, COUNT(*) AS n FROM facts GROUP BY 1 ORDER BY 1 LIMIT 1"
    )
    assert rows == [{"h": dt.datetime(2024, 1, 1, 10), "n": 1}]


def test_nested_output_for_rollups(facts: Database[Any]) -> None:
    query = compile_sql(
        'SELECT g AS "_id", COUNT(*) AS "summary.count", SUM(v) AS "summary.total" FROM facts GROUP BY g'
    )
    docs = {d["_id"]: d for d in facts.facts.aggregate(query.pipeline)}
    assert docs["x"] == {"_id": "x", "summary": {"count": 2, "total": 1}}


def test_group_stage_is_compact(facts: Database[Any]) -> None:
    query = compile_sql("SELECT g, SUM(v) AS t, MAX(v) AS m, COUNT(*) AS n FROM facts WHERE v > 0 GROUP BY g")
    stages = [next(iter(s)) for s in query.pipeline]
    assert stages == ["$match", "$group", "$project"]
    group = query.pipeline[1]["$group"]
    # Without a catalog, the set of the values' BSON types is SUM's NULL check, number test and
    # mark of doubles (numeric.sum_of_any); a numeric field needs none.
    assert len(group) == 5  # _id, $sum, the types, $max, count
    typed = compile_sql(
        "SELECT g, SUM(v) AS t, MAX(v) AS m, COUNT(*) AS n FROM facts WHERE v > 0 GROUP BY g",
        catalog={"facts": {"v": "numeric"}},
    )
    assert (
        len(typed.pipeline[1]["$group"]) == 4
    )  # _id, $sum, $max (shared by SUM's NULL check and MAX), count


def test_sum_null_check_is_shared_or_skipped_when_the_where_excludes_nulls(facts: Database[Any]) -> None:
    shared = compile_sql("SELECT g, SUM(v) AS t, AVG(v) AS a FROM facts GROUP BY g").pipeline[0]["$group"]
    # AVG reads SUM's total and the set of the values' types (SUM's NULL check) and adds its count
    assert sorted(shared) == ["_id", "a0", "a1", "a2"]
    filtered = compile_sql("SELECT g, SUM(v) AS t FROM facts WHERE v >= 0 GROUP BY g").pipeline[1]["$group"]
    assert sorted(filtered) == ["_id", "a0", "a1"]  # the sum and the set of its values' types
    assert run_sql(facts, "SELECT SUM(v) AS t FROM facts WHERE v > 100") == [{"t": None}]
    rows = run_sql(facts, "SELECT g, SUM(v) AS t FROM facts WHERE v >= 0 GROUP BY g ORDER BY t")
    assert rows == [{"g": "x", "t": 1}, {"g": None, "t": 6.5}]


def test_several_keys_group_missing_with_null(facts: Database[Any]) -> None:
    rows = run_sql(facts, "SELECT g, b, COUNT(*) AS n FROM facts GROUP BY g, b ORDER BY g, b")
    assert rows == [
        {"g": "x", "b": True, "n": 1},
        {"g": "x", "b": None, "n": 1},
        {"g": "y", "b": None, "n": 1},
        {"g": None, "b": False, "n": 1},
        {"g": None, "b": True, "n": 1},
    ]


def test_ungrouped_column_is_an_error(facts: Database[Any]) -> None:
    with pytest.raises(LeafSQLError, match="must appear in the GROUP BY clause") as info:
        compile_sql("SELECT g, v, COUNT(*) FROM facts GROUP BY g")
    assert (info.value.line, info.value.col) == (1, 11)
    with pytest.raises(LeafSQLError, match="not allowed in WHERE"):
        compile_sql("SELECT COUNT(*) FROM facts WHERE SUM(v) > 1")

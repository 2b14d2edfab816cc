"""Long and deeply nested expressions compile into a valid pipeline or raise a positioned LeafSQLError.

Never a Python RecursionError, never a server error for SQL that PostgreSQL answers.
"""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.database import Database

from leaf_dagster.sql import LeafSQLError, compile_condition, compile_expression, compile_sql, run_sql


@pytest.fixture
def nums(db: Database[Any]) -> Database[Any]:
    db.nums.insert_many(
        [{"_id": i, "a": i, "b": i % 7} for i in range(100)]
    )  # the embedded server is slow on 600-way $or
    return db


def test_six_hundred_or_terms_are_one_or(nums: Database[Any]) -> None:
    plain = " OR ".join(f"a = {i * 3}" for i in range(600))
    assert run_sql(nums, f"SELECT COUNT(*) AS n FROM nums WHERE {plain}") == [{"n": 34}]
    computed = " OR ".join(f"a * 2 = {i * 6}" for i in range(600))
    assert run_sql(nums, f"SELECT COUNT(*) AS n FROM nums WHERE {computed}") == [{"n": 34}]
    quoted = " OR ".join(f"(a = '{i * 3}' AND b >= 0)" for i in range(600))
    assert run_sql(nums, f"SELECT COUNT(*) AS n FROM nums WHERE {quoted}") == [{"n": 34}]
    both = " AND ".join(f"a <> {i + 50}" for i in range(600))
    assert run_sql(nums, f"SELECT COUNT(*) FILTER (WHERE {both}) AS n FROM nums") == [{"n": 50}]


def test_thousands_of_parentheses(nums: Database[Any]) -> None:
    deep = "(" * 3000 + "a" + ")" * 3000
    assert run_sql(nums, f"SELECT {deep} AS x FROM nums WHERE {'(' * 3000}a = 5{')' * 3000}") == [{"x": 5}]
    assert compile_condition("(" * 3000 + "a = 5" + ")" * 3000) == {"a": 5}
    assert compile_expression("(" * 3000 + "a" + ")" * 3000) == "$a"


def test_a_long_constant_sum_folds(nums: Database[Any]) -> None:
    total = " + ".join("1" for _ in range(20_000))
    assert run_sql(nums, f"SELECT {total} AS s FROM nums WHERE a = 0") == [{"s": 20_000}]
    assert run_sql(nums, f"SELECT COUNT(*) AS n FROM nums WHERE {total} > a") == [{"n": 100}]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT " + "(" * 300 + "a" + " + 1)" * 300 + " AS x FROM nums",
        "SELECT " + " + ".join("a" for _ in range(3000)) + " AS s FROM nums",
        "SELECT " + "CASE WHEN a > 1 THEN " * 400 + "1" + " END" * 400 + " AS x FROM nums",
        "SELECT " + "(" * 30_000 + "a" + ")" * 30_000 + " AS x FROM nums",
    ],
    ids=["nested-additions", "long-field-sum", "nested-case", "too-many-parentheses"],
)
def test_deeper_than_the_server_allows_is_a_positioned_error(sql: str) -> None:
    with pytest.raises(LeafSQLError, match="nested too deeply") as error:
        compile_sql(sql)
    assert error.value.line == 1 and (error.value.col > 1 or "parentheses" in error.value.message)


def test_a_pipeline_beyond_16_mib_is_refused_at_compile_time() -> None:
    # Found by the fuzzer: the server would answer "aggregate command document too large". (Its
    # first example, with INITCAP(s), is text throughout now: a text value fixes the literals' type;
    # the quoted literals here are still read per value, twelve columns of them: six fit since a
    # literal beside several members takes their common type, computed once at the head.)
    column = (
        "COALESCE(NULLIF(CASE WHEN FALSE THEN 'abc' ELSE COALESCE(sd, NULLIF(s, doc.x), '1') END, sd), '7') "
        "BETWEEN sd AND doc.y"
    )
    sql = "SELECT " + ", ".join(f"{column} AS a{i}" for i in range(12)) + " FROM t"
    with pytest.raises(LeafSQLError, match="16 MiB"):
        compile_sql(sql)

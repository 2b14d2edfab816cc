"""Fuzzer failure classes fixed by mechanism, each pinned by minimized queries (differential, PostgreSQL).

Each query below failed in a fuzzer run (``python -m tests.sql.fuzz``); the class it stood for is in
the comment. ``run_one`` is the fuzzer's own comparison: same rows, or both sides raising.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.sql import LeafSQLError, compile_sql
from tests.sql.fuzz.oracle import run_one
from tests.sql.fuzz.session import fuzz_env
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import PgDatabase

CASES = [
    # overflow: a constant cast to integer is checked; an untyped literal beside an int4 is an int4
    "SELECT CAST(9007199254740993 AS INT) AS c0 FROM t",
    "SELECT CAST(4000000000 AS INT) AS c0 FROM t",
    "SELECT MAX(sd) FILTER (WHERE (-(0) IN ('3000000000'))) AS a1 FROM t",
    "SELECT GREATEST(0, '3000000000') AS a0 FROM t",
    "SELECT MIN(sd) AS a2 FROM t HAVING 1 > '3000000000'",
    # overflow: CAST(… AS BIGINT) of a constant is a bigint (no int4 overflow beside an integer)
    "SELECT CAST(2147483647 AS BIGINT) + i AS a1 FROM t",
    "SELECT CAST(2147483647 AS BIGINT) + 1 AS a1 FROM t",
    # overflow: next to a bigint field the quoted literal is a bigint
    "SELECT i * CASE WHEN b THEN '5' WHEN FALSE THEN '3000000000' ELSE big END AS c1 FROM t",
    # server-error: an accumulator of a constant (embedded server), an index past the array's end
    "SELECT COUNT(DISTINCT f) AS a0, COUNT(DISTINCT '2024-09-02') AS a1 FROM t",
    "SELECT COUNT(DISTINCT NULL) AS a0, COUNT(DISTINCT 100.01) AS a1 FROM t",
    "SELECT ABS(arr[0]) AS a1 FROM t",
    "SELECT CAST(arr[0] AS DOUBLE PRECISION) AS c1 FROM t",
    "SELECT 2.5 AS a1 FROM t WHERE d = CAST(arr[0] AS DECIMAL)",
    # untyped literal in a text place: LOWER/LENGTH/REPLACE/LIKE read the literal as text
    "SELECT LOWER(COALESCE(s, '30')) AS c2 FROM t",
    "SELECT LENGTH(GREATEST(s, '30')) AS a0 FROM t",
    "SELECT LENGTH(LEAST(sd, '2024-09-02')) AS c0 FROM t",
    "SELECT LOWER(CASE WHEN FALSE THEN doc.y ELSE '2024-09-02' END) AS a0 FROM t",
    "SELECT REPLACE(NULLIF('2024-09-02', sd), 'a', 'x') AS c2 FROM t",
    "SELECT SUM(big) FILTER (WHERE (LEAST(s, '2024-09-02') LIKE '%on')) AS a1 FROM t",
    "SELECT SUM(big) FILTER (WHERE (GREATEST(sd, LEAST(s, '2024-09-02')) LIKE '%on')) AS a1 FROM t",
    "SELECT COUNT(DISTINCT CEIL(CAST('0.5' AS DOUBLE PRECISION))) AS a2 FROM t",
    "SELECT COUNT(DISTINCT CAST(NULL AS BIGINT)) AS a0 FROM t",
    # SUM(integer) is bigint: a quoted literal beside it is read as a bigint
    "SELECT NULL AS a1 FROM t WHERE f <> f HAVING SUM(1) < '2.5'",
    "SELECT SUM(i) AS a, SUM(1) AS b FROM t",
    # untyped literal beside a typed NULL: arithmetic with NULL keeps its type
    "SELECT COALESCE(NULL * _id, '30') AS c1 FROM t",
    "SELECT MIN(LEAST(((arr[0] + CAST(NULL AS INTEGER)) * i), '40')) AS a2 FROM t",
    # EXTRACT is numeric (PostgreSQL 14+): 11 / 2 is 5.5, not 5 (date_part: test_compile_scalars)
    "SELECT _id, EXTRACT(HOUR FROM ts) / 2 AS a0, EXTRACT(DAY FROM ts) / 7 AS a1 FROM t ORDER BY _id",
    "SELECT EXTRACT(HOUR FROM ts) / 2 AS k, COUNT(*) AS n FROM t GROUP BY EXTRACT(HOUR FROM ts) / 2 ORDER BY k",
    # exact-numeric: a numeric division's scale counts each operand's display scale, read from the value
    "SELECT 100.01 / d / 0.3 AS a0 FROM t",
    "SELECT big / d AS c0 FROM t",
    "SELECT AVG(1.25 / d) AS a0 FROM t",
    "SELECT d / 3 AS a1, d / d AS a2 FROM t",
    # a correlated NULL NOT IN (subquery) is TRUE where the subquery has no rows
    "SELECT _id FROM t a WHERE NULL NOT IN (SELECT b2.i FROM t b2 WHERE b2._id = a._id AND b2.i > 5) ORDER BY _id",
    # AVG/SUM of text: PostgreSQL has no such function, so it is refused at compile time
    "SELECT AVG(CASE WHEN b THEN '40' END) AS a2 FROM t",
    "SELECT AVG(CASE WHEN b THEN '1.25' END) AS a0 FROM t",
    # PostgreSQL's common-type rule: two type categories in one COALESCE/CASE is an error
    "SELECT ts AS c0 FROM t WHERE COALESCE(CAST(sd AS DATE), CASE WHEN 'on' THEN '2023-12-31' END)",
    "SELECT COALESCE(CAST(ts AS TIMESTAMP), CASE WHEN b THEN 'x' END) AS c0 FROM t",
]


@pytest.fixture(scope="module")
def fuzz_db(
    pg_server: PostgresServer, mongo_client: MongoClient[Document]
) -> Iterator[tuple[PgDatabase, Any]]:
    name = f"leaf_regress_{uuid.uuid4().hex[:10]}"
    db: Database[Any] = mongo_client[name]
    try:
        with fuzz_env(pg_server, db) as pg:
            yield pg, db
    finally:
        mongo_client.drop_database(name)


@pytest.mark.parametrize("sql", CASES)
def test_fixed_fuzzer_classes_agree_with_postgres(fuzz_db: tuple[PgDatabase, Any], sql: str) -> None:
    pg, db = fuzz_db
    outcome = run_one(pg, db, sql)
    assert outcome.status == "pass", (sql, outcome.kind, outcome.detail)


def test_mixed_categories_are_refused_at_compile_time_naming_the_construct() -> None:
    with pytest.raises(LeafSQLError, match="COALESCE types timestamp without time zone and text"):
        compile_sql("SELECT COALESCE(CAST(ts AS TIMESTAMP), CAST(s AS TEXT)) AS c FROM t")
    with pytest.raises(LeafSQLError, match="integer out of range"):
        compile_sql("SELECT CAST(3000000000 AS INTEGER) AS c FROM t")


WINDOW_ARRAY_ORDER = [
    # array-order: a window sorted by an array column compares element by element, as ORDER BY does
    "SELECT _id, RANK() OVER (ORDER BY arr, _id) AS r FROM t ORDER BY _id",
    "SELECT _id, ROW_NUMBER() OVER (ORDER BY tags DESC NULLS LAST, _id) AS r FROM t ORDER BY _id",
]


@pytest.mark.parametrize("sql", WINDOW_ARRAY_ORDER)
def test_window_order_by_an_array_agrees_with_postgres(fuzz_db: tuple[PgDatabase, Any], sql: str) -> None:
    pg, db = fuzz_db
    outcome = run_one(pg, db, sql)
    assert outcome.status == "pass", (sql, outcome.kind, outcome.detail)


def test_a_numeric_result_beyond_34_digits_is_refused_not_rounded(fuzz_db: tuple[PgDatabase, Any]) -> None:
    from tests.sql.fuzz.oracle import DECIMAL128_REFUSAL

    pg, db = fuzz_db
    for sql in (
        "SELECT big + 0.1234567890123456789 AS x FROM t",
        "SELECT big * 1.000000000000000000001 AS x FROM t",
    ):
        outcome = run_one(pg, db, sql)
        assert (outcome.status, outcome.detail) == ("refused", DECIMAL128_REFUSAL), (sql, outcome)
    assert run_one(pg, db, "SELECT d * 3 + 1 AS x, d - 0.5 AS y FROM t").kind == "equal"

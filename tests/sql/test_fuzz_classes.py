"""The generator's failure classes closed by mechanism, each proven against PostgreSQL on the fuzz
collection (``tests/sql/fuzz/data.py``): the minimal queries the long runs found, and generated
queries of the construct where the space is large.

- DISTINCT ON computes the select list of every row before it keeps one row per key (PostgreSQL's
  documented order), so an overflow on a row it drops is raised;
- ARRAY_POSITION computes its searched value on every row, also beside an empty or NULL array;
- ``date - date`` is an integer (int4 arithmetic over it overflows as PostgreSQL's does);
- NULLIF of two constants folds at compile time, as in PostgreSQL, so a strict operator over its
  NULL never evaluates its other operand;
- numeric subtraction keeps Decimal128's 34 digits (the embedded server's ``$subtract`` rounds to 28):
  VAR/STDDEV of bigints near 2^53 per group are exact;
- a CASE whose constant conditions choose NULL folds to NULL, as NULLIF of constants does;
- a numeric -0 (``ROUND(-0.05)``) prints as 0; ``CAST(integer AS BIGINT)`` is an int64 at run time;
- an overflow we raise that PostgreSQL raises too for an operand it may evaluate first (AND/OR's
  order is open; only CASE fixes one) passes as both raising;
- CORR/COVAR/REGR: PostgreSQL's float8 answer is compared within its own rounding bound
  (``pgsql.rounding_bounds``), which still tells a wrong answer apart.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import Document
from tests.sql.fuzz.grammar import Grammar
from tests.sql.fuzz.oracle import _error_in_open_order, _pg, classify, run_one
from tests.sql.fuzz.session import CATALOG, fuzz_env
from tests.sql.harness import Query, Result, diff
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import PgDatabase, Rounded


@pytest.fixture(scope="module")
def fuzz_db(
    pg_server: PostgresServer, mongo_client: MongoClient[Document]
) -> Iterator[tuple[PgDatabase, Database[Any]]]:
    name = f"leaf_fuzzcls_{uuid.uuid4().hex[:12]}"
    db = mongo_client[name]
    try:
        with fuzz_env(pg_server, db) as pg:
            yield pg, db
    finally:
        mongo_client.drop_database(name)


AGREE = [
    # DISTINCT ON: PostgreSQL computes 7 * i on every row (integer out of range), not only the kept ones
    "SELECT DISTINCT ON (CAST(ts AS DATE)) 7 * i AS c0 FROM t ORDER BY CAST(ts AS DATE), _id DESC",
    "SELECT DISTINCT ON (CAST(ts AS DATE)) big * big AS c0 FROM t ORDER BY CAST(ts AS DATE), _id DESC",
    "SELECT DISTINCT ON (b) 2147483647 * i AS c0 FROM t WHERE b ORDER BY b, _id",
    "SELECT DISTINCT ON (doc.y) CAST(f AS INT) AS c0 FROM t ORDER BY doc.y, _id",
    "SELECT DISTINCT ON (s) s AS k, _id, i + 1 AS c0 FROM t ORDER BY s, _id DESC LIMIT 3",
    "SELECT DISTINCT ON (b) b, _id, d * 0.1 AS c0, doc.y FROM t ORDER BY b, _id",
    # ARRAY_POSITION's searched value overflows on rows whose array is empty or NULL
    "SELECT ARRAY_POSITION(arr, CASE WHEN b THEN doc.x + i END) AS c2 FROM t",
    "SELECT _id, ARRAY_POSITION(arr, doc.x) AS c2, ARRAY_POSITION(arr, '30') AS c3 FROM t ORDER BY _id",
    # date - date is an integer
    "SELECT CASE WHEN b THEN 2147483647 END + (CAST(ts AS DATE) - CAST('2024-09-01' AS DATE)) AS a0 FROM t",
    "SELECT _id, CAST(ts AS DATE) - DATE '2023-01-01' + 1 AS a1 FROM t ORDER BY _id",
    # NULLIF of equal constants is NULL at plan time
    "SELECT NULLIF(0.1, 0.1) - CAST(big AS INT) AS a1 FROM t",
    "SELECT _id, NULLIF(1, 2) * 3 AS a, NULLIF('a', 'a') AS b, NULLIF(0.1, 0.10) * d AS c FROM t ORDER BY _id",
    # CASE whose constant conditions choose NULL folds, as in PostgreSQL: big / i (i = 0) never runs
    "SELECT big / i - CASE WHEN '0' THEN d END AS a0 FROM t",
    "SELECT _id, i * CASE WHEN FALSE THEN big WHEN NULL THEN 1 END AS a0 FROM t ORDER BY _id",
    # numeric has no negative zero: ROUND(-0.05) and -0.5 * 0 print as 0
    "SELECT _id, CAST(ROUND(d) AS TEXT) AS a0, CAST(d * 0 AS TEXT) AS a1, CAST(-d AS TEXT) AS a2 FROM t ORDER BY _id",
    "SELECT _id, CONCAT('x', ROUND(d, 1)) AS a0 FROM t ORDER BY _id",
    # CAST(integer AS BIGINT) is bigint arithmetic at run time too (an integer field of the catalog)
    "SELECT _id, i * CAST(_id AS BIGINT) AS c0, CAST(i AS BIGINT) * 2 AS c1 FROM t ORDER BY _id",
    # MODE() of a quoted literal has no type in PostgreSQL: refused
    "SELECT MODE() WITHIN GROUP (ORDER BY 'Zz') AS a0 FROM t",
    "SELECT i AS k, MODE() WITHIN GROUP (ORDER BY '30') AS a0 FROM t GROUP BY i ORDER BY k",
    # VAR/STDDEV of bigints near 2^53, per group: 33-digit numerators, exact
    "SELECT i AS k, (VAR_SAMP(big) + 0.1) AS a1 FROM t GROUP BY i ORDER BY k",
    "SELECT ts AS k, VAR_POP(big) FILTER (WHERE doc.x IN (1)) * 0.3 AS a0 FROM t GROUP BY ts ORDER BY k",
    "SELECT s AS k, STDDEV_POP(big) AS a0, VAR_SAMP(big - 1) AS a1 FROM t GROUP BY s ORDER BY k",
    "SELECT _id, d - 0.1 AS a, -(big * 100000000000000000) AS b FROM t WHERE big > 0 ORDER BY _id",
    # SUM beside AVG of a double: the $avg accumulator tells an all-NULL group (SUM NULL, not 0)
    "SELECT s AS k, SUM(f) AS a, AVG(f) AS m, SUM(i) AS si FROM t GROUP BY s ORDER BY k",
    "SELECT doc.y AS k, SUM(f) FILTER (WHERE b) AS a, AVG(f) FILTER (WHERE b) AS m FROM t GROUP BY doc.y ORDER BY k",
    # float8 statistics within PostgreSQL's rounding
    "SELECT REGR_INTERCEPT(f, i) AS a0 FROM t GROUP BY doc.y",
    "SELECT s AS k, COVAR_POP(f, i) FILTER (WHERE b) AS a0, (REGR_INTERCEPT(f, big) * 100) AS a1 FROM t "
    "WHERE b GROUP BY s ORDER BY k",
    "SELECT REGR_INTERCEPT(f, f) AS a, REGR_SLOPE(f, f) AS b, CORR(f, i) AS c, COVAR_SAMP(f, big) AS d FROM t",
    "SELECT s, CORR(f, i) AS c, REGR_SLOPE(i, f) / 2 AS sl, 1 + COVAR_SAMP(big, d) AS cv FROM t GROUP BY s",
]


@pytest.mark.parametrize("with_catalog", [False, True], ids=["no-catalog", "catalog"])
@pytest.mark.parametrize("sql", AGREE)
def test_agrees_with_postgres(
    fuzz_db: tuple[PgDatabase, Database[Any]], sql: str, with_catalog: bool
) -> None:
    """With and without the collection's catalog (the fuzzer's two modes)."""
    pg, db = fuzz_db
    outcome = run_one(pg, db, sql, CATALOG if with_catalog else None)
    assert outcome.status == "pass", outcome.detail


def _generated(form: str, count: int, seed: int) -> list[str]:
    grammar = Grammar(random.Random(seed), 4)
    return [grammar.query(form) for _ in range(count)]


@pytest.mark.parametrize("form", ["distinct_on", "aggregate"])
def test_generated_queries_of_the_fixed_classes(fuzz_db: tuple[PgDatabase, Database[Any]], form: str) -> None:
    """Generated DISTINCT ON and aggregate queries (which write CORR/COVAR/REGR and VAR/STDDEV):
    none answers where PostgreSQL overflows, none differs on a statistic."""
    pg, db = fuzz_db
    bad = []
    for sql in _generated(form, 60, 4242):
        outcome = run_one(pg, db, sql)
        overflow = outcome.kind == "answers-error" and "out of range" in outcome.detail
        statistic = outcome.kind == "wrong" and any(
            f in sql for f in ("CORR", "COVAR", "REGR", "VAR_", "STDDEV")
        )
        if overflow or statistic:
            bad.append(f"{sql}\n    {outcome.detail[:300]}")
    assert not bad, "\n".join(bad)


def test_rounding_bound_still_tells_a_wrong_statistic(fuzz_db: tuple[PgDatabase, Database[Any]]) -> None:
    """The bound is PostgreSQL's rounding, not a loose tolerance: 1e-6 off a slope fails."""
    pg, db = fuzz_db
    sql = "SELECT s, REGR_SLOPE(f, i) AS a, REGR_INTERCEPT(f, i) AS c, CORR(f, i) AS r FROM t GROUP BY s"
    expected = _pg(pg, sql)
    assert isinstance(expected, Result) and expected.bounds is not None
    ours = run_one(pg, db, sql)
    assert ours.kind == "equal", ours.detail
    rows = [dict(zip(expected.columns, r, strict=True)) for r in expected.rows]
    for column in ("a", "c", "r"):
        changed = [{**r, column: r[column] * (1 + 1e-6) if r[column] else r[column]} for r in rows]
        if all(r[column] in (None, 0) for r in rows):
            continue
        assert diff(Query(id="x", sql=sql), expected, changed) is not None, column


def test_an_error_in_sqls_open_evaluation_order_is_both_raising(
    fuzz_db: tuple[PgDatabase, Database[Any]],
) -> None:
    """SQL leaves the order of AND's operands open (PostgreSQL tests the cheap ``b`` first): our
    overflow from the product is one PostgreSQL raises for that operand, so both behaviours pass.
    A CASE guarantees its order: an error under its untaken branch is never tolerated."""
    pg, db = fuzz_db
    sql = "SELECT big AS c0 FROM t WHERE (ARRAY_LENGTH(arr, 1) * i) IS NOT DISTINCT FROM '40' AND b"
    assert isinstance(_pg(pg, sql), Result)  # PostgreSQL answers
    outcome = run_one(pg, db, sql)
    assert (outcome.status, outcome.kind) == ("pass", "both-error"), outcome.detail
    assert "another order" in outcome.detail
    # PostgreSQL stops aggregating groups at the LIMIT (sorted groups); we aggregate them all
    limited = (
        "SELECT ABS(d - f) AS k, VAR_SAMP(NULLIF(-(1), CAST(f AS INT))) AS a0 FROM t WHERE b "
        "GROUP BY ABS((d - f)) ORDER BY k LIMIT 5"
    )
    assert isinstance(_pg(pg, limited), Result)
    assert run_one(pg, db, limited).kind == "both-error"
    guarded = "SELECT _id FROM t WHERE CASE WHEN i > 100 THEN FALSE ELSE i * 2 > 5 END"
    assert isinstance(_pg(pg, guarded), Result)
    assert not _error_in_open_order(pg, guarded, "integer out of range")


def test_a_skipped_operand_is_told_from_a_missing_check(fuzz_db: tuple[PgDatabase, Database[Any]]) -> None:
    """PostgreSQL computes ``big * big`` beside a NULL and overflows; we skip it (its value does not
    matter, which PostgreSQL's manual allows). The class says so only because the product alone
    overflows on our side too: the check exists."""
    pg, db = fuzz_db
    sql = "SELECT _id FROM t WHERE NULLIF(f, f) < big * big"
    outcome = run_one(pg, db, sql)
    assert outcome.kind == "answers-error"
    assert classify(sql, outcome) == "answers-error/skipped-operand", outcome.detail
    assert "SELECT big * big FROM t" in outcome.detail


def test_rounded_comparison() -> None:
    assert Rounded(1.0, 1e-3).matches(1.0005)
    assert not Rounded(1.0, 1e-3).matches(1.01)
    assert not Rounded(1.0, 1e-3).matches(None)
    assert Rounded(None, 0.5).matches(None)
    assert not Rounded(None, 0.5).matches(0.0)
    # no significant digit in PostgreSQL's answer (its Sxx within its own rounding of zero)
    assert Rounded(6.4e-07, float("inf")).matches(None)
    assert Rounded(6.4e-07, float("inf")).matches(0.0)
    assert not Rounded(6.4e-07, float("inf")).matches("0")

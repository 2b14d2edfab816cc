"""A quoted literal beside an expression or aggregate of fields without a catalog, generated and
compared with PostgreSQL 15.

The expression's type follows from its fields' types by PostgreSQL's rules (int * int is integer,
int * numeric numeric, SUM(integer) bigint, AVG(integer) numeric, MIN/MAX/MODE keep the type,
COALESCE/CASE/LEAST the widest member). Without a catalog it is derived on the server from the
fields' probed types (``leaf_dagster.sql.probes.Derived``): the literal reads as that type where the
expression is NULL, and a literal that type cannot read fails, also when no row is read.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
from collections.abc import Iterator
from typing import Any

import pytest
from bson import Decimal128, Int64
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.sql.literals import INTEGER, NUMBER
from tests.sql.duck import ColType
from tests.sql.fuzz.oracle import Outcome, assert_all_agree, run_one
from tests.sql.harness import loaded_both
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import PgDatabase

COLLECTION = "t"
SCHEMA: dict[str, ColType] = {
    "_id": "INTEGER", "k": "INTEGER", "i": "INTEGER", "big": "BIGINT", "d": "DOUBLE", "n": "DECIMAL",
    "s": "VARCHAR", "ts": "TIMESTAMP", "b": "BOOLEAN",
}  # fmt: skip
# Per row: k (the group), then i, big, d, n, s, ts, b; None is a missing field. Group 3 is NULL in
# every value column, so its aggregates are NULL and the literal beside them decides.
ROWS: list[tuple[Any, ...]] = [
    (1, 3, 20, 1.5, "0.25", "x", dt.datetime(2024, 9, 2, 10, 30), True),
    (1, None, 3000000000, None, "1.10", None, None, False),
    (2, -4, None, 0.1, None, "abc", dt.datetime(2024, 1, 1), None),
    (2, 7, -1, 2.0, "3", "0.5", dt.datetime(2023, 5, 6, 7, 8, 9), True),
    (3, None, None, None, None, None, None, None),
    (3, None, None, None, None, None, None, None),
    (4, 0, 5, -2.5, "-0.75", "2024-09-02", dt.datetime(2024, 9, 2), False),
]
NAMES = ("i", "big", "d", "n", "s", "ts", "b")


def documents() -> list[Document]:
    out: list[Document] = []
    for n, (k, *values) in enumerate(ROWS):
        doc: Document = {"_id": n + 1, "k": k}
        for name, value in zip(NAMES, values, strict=True):
            if value is None:
                continue
            if name == "big":
                value = Int64(value)
            elif name == "n":
                value = Decimal128(value)
            doc[name] = value
        out.append(doc)
    return out


@pytest.fixture(scope="module")
def expr_db(
    pg_server: PostgresServer, mongo_client: MongoClient[Document]
) -> Iterator[tuple[PgDatabase, Database[Any]]]:
    with loaded_both(
        pg_server, mongo_client, "leaf_litexpr", {COLLECTION: SCHEMA}, {COLLECTION: documents()}
    ) as pair:
        yield pair


NUMERIC_EXPRS = ["i * i", "i + big", "i * 0.1", "d * d", "n * i", "big * 2", "-i", "i / 2", "d + i",
                 "n + 1", "big % 7", "i - n", "(i + 1) * d", "COALESCE(i, d)", "COALESCE(i, big)",
                 "COALESCE(n, i)", "CASE WHEN k = 1 THEN i ELSE d END"]  # fmt: skip
NUMBER_LITERALS = ["'1'", "'0.5'", "'-3'", "'1e10'", "'abc'", "'2.50'", "'3000000000'"]
AGGREGATES = ["SUM(i)", "SUM(big)", "SUM(d)", "SUM(n)", "AVG(i)", "AVG(big)", "AVG(d)", "MIN(i)",
              "MAX(big)", "MIN(n)", "SUM(i * 0.1)", "MAX(d * i)", "SUM(i * i)", "AVG(n * 2)",
              "MODE() WITHIN GROUP (ORDER BY i)", "MODE() WITHIN GROUP (ORDER BY d)"]  # fmt: skip
OTHER = [  # (expression, literals): text, timestamp and boolean values
    ("MIN(s)", ["'abc'", "'1'"]),
    ("MAX(LOWER(s))", ["'zz'"]),
    ("MAX(ts)", ["'2024-09-02'", "'abc'", "'2024-01-01 10:00:00'"]),
    ("MIN(ts)", ["'2023-05-06 07:08:09'"]),
    ("CASE WHEN i > 0 THEN b END", ["'true'", "'no'", "'abc'"]),
    ("CASE WHEN i > 0 THEN s END", ["'q'"]),
]


def value_queries() -> list[str]:
    out = []
    for expr, lit in itertools.product(NUMERIC_EXPRS, NUMBER_LITERALS):
        out.append(f"SELECT _id, COALESCE({expr}, {lit}) AS v FROM {COLLECTION} ORDER BY _id")
        out.append(f"SELECT _id, LEAST({expr}, {lit}) AS v FROM {COLLECTION} ORDER BY _id")
        out.append(
            f"SELECT _id, CASE WHEN k = 3 THEN {lit} ELSE {expr} END AS v FROM {COLLECTION} ORDER BY _id"
        )
    return out


def aggregate_queries() -> list[str]:
    out = []
    for agg, lit in itertools.product(AGGREGATES, NUMBER_LITERALS):
        out.append(f"SELECT k, COALESCE({agg}, {lit}) AS v FROM {COLLECTION} GROUP BY k ORDER BY k")
        out.append(f"SELECT k FROM {COLLECTION} GROUP BY k HAVING {agg} > {lit} ORDER BY k")
        out.append(f"SELECT COUNT(*) AS c FROM {COLLECTION} WHERE k > 9 HAVING {agg} <= {lit}")
    for expr, lits in OTHER:
        for lit in lits:
            grouped = "GROUP BY k" if "(" in expr.split()[0] else "GROUP BY k, i, b, s"
            out.append(f"SELECT k, COALESCE({expr}, {lit}) AS v FROM {COLLECTION} {grouped} ORDER BY 1, 2")
    return out


def test_a_literal_beside_an_expression_takes_its_derived_type(
    expr_db: tuple[PgDatabase, Database[Any]],
) -> None:
    pg, db = expr_db
    assert_all_agree(pg, db, value_queries())


INTEGER_INPUT = re.compile(r'invalid input syntax for type (integer|bigint): "([^"]*)"')


def compared_as_double(sql: str, outcome: Outcome) -> bool:
    """The documented reading: compared with an integer aggregate, a quoted non-integer number reads
    as double precision, as beside an integer field (drivers store whole doubles as int32, so the
    column may be a double one), where PostgreSQL's integer column refuses it."""
    bad = INTEGER_INPUT.search(outcome.detail)
    return (
        outcome.kind == "answers-error"
        and bad is not None
        and " HAVING " in sql
        and NUMBER.match(bad.group(2)) is not None
        and INTEGER.match(bad.group(2)) is None
    )


def test_a_literal_beside_an_aggregate_takes_its_derived_type(
    expr_db: tuple[PgDatabase, Database[Any]],
) -> None:
    pg, db = expr_db
    queries = aggregate_queries()
    assert_all_agree(pg, db, random.Random(10).sample(queries, min(len(queries), 260)), compared_as_double)


def test_the_issue_queries(expr_db: tuple[PgDatabase, Database[Any]]) -> None:
    """The generator's findings (issue 10): a literal beside a NULL product, a numeric COALESCE,
    and literals an integer aggregate cannot read, with and without rows."""
    pg, db = expr_db
    assert_all_agree(
        pg,
        db,
        [
            f"SELECT EVERY('2024-09-02 10:30:00' BETWEEN ts AND '2024-09-02') AS a0 FROM {COLLECTION}"
            " GROUP BY LEAST(d * d, '0.7')",
            f"SELECT AVG(COALESCE(i * 0.1, '0.1')) AS a1 FROM {COLLECTION} GROUP BY big",
            f"SELECT COALESCE(SUM(i), '2.5') AS a1 FROM {COLLECTION}",
            f"SELECT COALESCE(MODE() WITHIN GROUP (ORDER BY i), '0.5') AS a0 FROM {COLLECTION} WHERE k > 9",
            f"SELECT COUNT(*) AS a0 FROM {COLLECTION} WHERE k > 9 HAVING MIN(_id) > 'abc'",
        ],
    )
    # Compared, a non-integer reads as double precision beside an integer aggregate, as beside an
    # integer field: answered where PostgreSQL's integer column refuses it (README).
    for sql in (
        f"SELECT 2.5 AS a1 FROM {COLLECTION} HAVING SUM(i) > '2.5'",
        f"SELECT MAX(big) AS a0 FROM {COLLECTION} HAVING MODE() WITHIN GROUP (ORDER BY i) <= '0.5'",
    ):
        outcome = run_one(pg, db, sql)
        assert outcome.status == "pass" or compared_as_double(sql, outcome), (sql, outcome)

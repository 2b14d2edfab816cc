"""Where PostgreSQL knows a type when it plans a query, it raises there, rows or not; generated and
compared with PostgreSQL 15.

- A quoted literal beside a value of a known integer width (``CAST(… AS INT)``, even of NULL,
  ``LENGTH``, integer arithmetic, ``MIN``/``MAX`` of those, ``SUM`` of integers, a CASE of integer
  constants) that is out of its range or no integer: "value "3000000000" is out of range for type
  integer", "invalid input syntax for type bigint".
- A CASE/COALESCE/NULLIF/GREATEST of quoted literals only is text in any place, also where a
  boolean or a number is needed (a condition, a COALESCE beside a boolean, a set operation's
  column): "COALESCE types boolean and text cannot be matched".
- Constant expressions fold at plan time (a CASE whose constant conditions choose a constant,
  ``LENGTH('…')``, ``ABS(…)`` of a constant, a comparison of constants), so their integer overflow
  fails in a dead branch or under ``WHERE FALSE`` too.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import Document
from tests.sql.fuzz.oracle import assert_all_agree
from tests.sql.harness import loaded_both
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import PgDatabase
from tests.sql.test_literals_expr import COLLECTION, SCHEMA, documents


@pytest.fixture(scope="module")
def known_db(
    pg_server: PostgresServer, mongo_client: MongoClient[Document]
) -> Iterator[tuple[PgDatabase, Database[Any]]]:
    with loaded_both(
        pg_server, mongo_client, "leaf_litknown", {COLLECTION: SCHEMA}, {COLLECTION: documents()}
    ) as pair:
        yield pair


INTEGERS = ["CAST(NULL AS INT)", "CAST(d AS INT)", "LENGTH(s)", "-CAST(i AS INT)", "CAST(i AS INT) * 2",
            "CASE WHEN b THEN 1 ELSE 2 END", "COALESCE(CAST(i AS INT), 5)", "CAST(big AS BIGINT)",
            "CAST(NULL AS BIGINT)", "CAST(NULL AS INT) * 2", "LEAST(CAST(NULL AS BIGINT) / 30, 2147483647)"]  # fmt: skip
AGGREGATES = ["MIN(CAST(d AS INT))", "MAX(LENGTH(s))", "SUM(CAST(i AS INT))", "SUM(30)",
              "SUM(LENGTH(s)) FILTER (WHERE b)", "MAX(CAST(big AS BIGINT))"]  # fmt: skip
LITERALS = ["'3000000000'", "'1e10'", "'0.5'", "'7'", "'abc'"]


def integer_queries() -> list[str]:
    out = []
    for x, lit in itertools.product(INTEGERS, LITERALS):
        out += [
            f"SELECT _id FROM {COLLECTION} WHERE {x} <> {lit} ORDER BY _id",
            f"SELECT _id FROM {COLLECTION} WHERE {x} IN ({lit}, 1) ORDER BY _id",
            f"SELECT _id, COALESCE({x}, {lit}) AS v FROM {COLLECTION} WHERE k > 99",
            f"SELECT _id, CASE WHEN k = 1 THEN {x} WHEN FALSE THEN {lit} END AS v FROM {COLLECTION} ORDER BY _id",
            f"SELECT _id, NULLIF({x}, {lit}) AS v FROM {COLLECTION} ORDER BY _id",
        ]
    for agg, lit in itertools.product(AGGREGATES, LITERALS):
        out.append(f"SELECT COUNT(*) AS c FROM {COLLECTION} WHERE k > 99 HAVING {agg} > {lit}")
    return out


def test_a_literal_beside_a_known_integer_width_fails_as_in_postgresql(
    known_db: tuple[PgDatabase, Database[Any]],
) -> None:
    pg, db = known_db
    assert_all_agree(pg, db, integer_queries())


TEXTS = ["CASE WHEN b THEN 'true' END", "COALESCE('t', 'f')", "NULLIF('t', 'f')", "GREATEST('1', '0')",
         "CASE WHEN FALSE THEN CASE WHEN 't' THEN 'f' END END"]  # fmt: skip
PLACES = [
    "SELECT _id FROM {c} WHERE {x}",
    "SELECT _id FROM {c} WHERE COALESCE(b, {x})",
    "SELECT _id FROM {c} WHERE COALESCE({x}, CAST('on' AS BOOLEAN))",
    "SELECT _id FROM {c} WHERE CASE WHEN k = 1 THEN {x} ELSE b END",
    "SELECT COUNT(*) FILTER (WHERE COALESCE({x}, FALSE)) AS n FROM {c}",
    "SELECT _id FROM {c} WHERE CASE WHEN FALSE THEN {x} ELSE i = '3' END",
    "SELECT i FROM {c} UNION ALL SELECT {x} FROM {c}",
    "SELECT {x} FROM {c} EXCEPT ALL SELECT COALESCE(big, big) FROM {c}",
    "SELECT n FROM {c} WHERE d > 0 UNION SELECT {x} FROM {c}",
    "SELECT {x} FROM {c} INTERSECT SELECT b FROM {c}",
    "SELECT s FROM {c} UNION SELECT {x} FROM {c}",
    "SELECT _id, LOWER({x}) AS v FROM {c} ORDER BY _id",
]


def text_queries() -> list[str]:
    return [place.format(c=COLLECTION, x=x) for place, x in itertools.product(PLACES, TEXTS)]


def test_quoted_literals_only_are_text_in_every_place(known_db: tuple[PgDatabase, Database[Any]]) -> None:
    pg, db = known_db
    assert_all_agree(pg, db, text_queries())


CONSTANTS = [
    "2147483647 + LENGTH('2024-09-02')",
    "CASE WHEN '2024-02-29' IS NOT DISTINCT FROM '2024-02-29' THEN 3000000000 END * 4000000000",
    "CASE WHEN 'a' < 'b' THEN 2147483647 END + 1",
    "CASE WHEN 1 = 2 THEN 1 ELSE 2147483647 END * 2",
    "ABS(-2147483647) * 9007199254740993 * 3",
    "CASE WHEN NULL THEN 1 WHEN 2 > 1 THEN 9223372036854775807 END + 1",
    "CASE WHEN TRUE IS NOT DISTINCT FROM NULL THEN 1 ELSE 2147483647 END + 2",
    "CASE WHEN 2.5 >= 2 THEN 2147483647 END - (-1)",
]


def constant_queries() -> list[str]:
    out = []
    for x in CONSTANTS:
        out.append(f"SELECT {x} AS v FROM {COLLECTION} WHERE FALSE")
        out.append(f"SELECT CASE WHEN b THEN {x} END AS v FROM {COLLECTION} WHERE k > 99")
        out.append(f"SELECT SUM({x}) AS v FROM {COLLECTION} WHERE k > 99")
    # Folded where exact, and nothing else changes: these answer.
    answered = ["CASE WHEN 'a' = 'a' THEN 3 END * i", "LENGTH('ab') + i", "CASE WHEN 1 > 2 THEN 9 END + i",
                "LEAST(CAST(NULL AS BIGINT) / 30, 2147483647) + LENGTH(s)"]  # fmt: skip
    for x in answered:
        out.append(f"SELECT _id, {x} AS v FROM {COLLECTION} ORDER BY _id")
    return out


def test_constant_expressions_fold_as_in_postgresql(known_db: tuple[PgDatabase, Database[Any]]) -> None:
    pg, db = known_db
    assert_all_agree(pg, db, constant_queries())


KNOWN_NUMBERS = ["0.3", "2", "3000000000", "CAST(2.5 AS DOUBLE PRECISION)", "CAST(i AS INT)",
                 "CAST(big AS BIGINT)", "CAST(n AS NUMERIC)", "COUNT(*)"]  # fmt: skip
NUMBER_LITERALS = ["'1.25'", "'7'", "'-2'", "'3000000000'", "'1e3'", "'abc'"]


def known_number_queries() -> list[str]:
    """A quoted literal beside a number of a known type takes it ('1.25' / 0.3 is numeric, '1.25'
    + 1 fails as integer input); an IN list's literals take the common type of all its members."""
    out = []
    for x, lit in itertools.product(KNOWN_NUMBERS, NUMBER_LITERALS):
        grouped = "" if "COUNT" not in x else " GROUP BY k"
        for op in ("+", "*", "/"):
            out.append(f"SELECT {lit} {op} {x} AS v FROM {COLLECTION}{grouped} ORDER BY 1")
            out.append(f"SELECT {x} {op} {lit} AS v FROM {COLLECTION}{grouped} ORDER BY 1")
    for lit in NUMBER_LITERALS:
        out.append(f"SELECT _id, i IN (big, 4000000000, {lit}) AS v FROM {COLLECTION} ORDER BY _id")
        out.append(f"SELECT _id, CAST(i AS INT) IN (0.5, {lit}) AS v FROM {COLLECTION} ORDER BY _id")
        out.append(f"SELECT _id FROM {COLLECTION} WHERE CAST(big AS BIGINT) IN (1, {lit}) ORDER BY _id")
    return out


def test_a_literal_beside_a_known_number_takes_its_type(known_db: tuple[PgDatabase, Database[Any]]) -> None:
    pg, db = known_db
    assert_all_agree(pg, db, known_number_queries())


def test_a_set_operation_of_a_double_and_a_number_compares_doubles(
    known_db: tuple[PgDatabase, Database[Any]],
) -> None:
    pg, db = known_db
    double = "CAST(0.5 AS DOUBLE PRECISION) / 10"
    numbers = ["0.05", "CAST(n AS NUMERIC) / 10", "i * 0.01", "CAST(i AS INT)", "d"]
    queries = [
        f"SELECT {double} AS v FROM {COLLECTION} {op} SELECT {x} FROM {COLLECTION} ORDER BY 1"
        for x in numbers
        for op in ("INTERSECT", "INTERSECT ALL", "EXCEPT", "UNION")
    ]
    queries += [
        f"SELECT {x} AS v FROM {COLLECTION} INTERSECT SELECT {double} FROM {COLLECTION}" for x in numbers
    ]
    assert_all_agree(pg, db, queries)

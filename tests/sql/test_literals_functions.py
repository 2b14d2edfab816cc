"""Math functions take PostgreSQL's result type by its function signatures, and a quoted literal
beside them reads as that type; generated and compared with PostgreSQL 15.

FLOOR, CEIL, ROUND, TRUNC, SIGN, SQRT, EXP, LN, LOG and POWER exist for double precision and numeric
only, so an integer argument takes the double precision variant (``FLOOR(i) / 2`` divides a double);
ABS keeps its argument's type; ROUND(x, n) and TRUNC(x, n) are numeric. Without a catalog the type
is known per value, and ``GREATEST(ROUND(d, 2), '0.7')`` reads '0.7' as the type PostgreSQL derives
(``probes.Derived``) also where ``d`` is NULL.
"""

from __future__ import annotations

import itertools
import random
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
def fn_db(
    pg_server: PostgresServer, mongo_client: MongoClient[Document]
) -> Iterator[tuple[PgDatabase, Database[Any]]]:
    with loaded_both(
        pg_server, mongo_client, "leaf_litfn", {COLLECTION: SCHEMA}, {COLLECTION: documents()}
    ) as pair:
        yield pair


# Functions of every number type (n is numeric, d double precision, i integer, big bigint).
EXACT = ["FLOOR({x})", "CEIL({x})", "ROUND({x})", "TRUNC({x})", "ABS({x})", "SIGN({x})",
         "GREATEST(ABS({x}), {x})", "-ABS(FLOOR({x}))"]  # fmt: skip
# Numeric only in PostgreSQL: of a double, ROUND(x, n) and TRUNC(x, n) are an extension here (README)
# and MOD does not exist.
NOT_OF_DOUBLES = ["ROUND({x}, 1)", "TRUNC({x}, 1)", "MOD({x}, 3)"]
# Functions whose numeric results PostgreSQL gives to its own scale (README: 34 digits here): of
# integers and doubles only.
INEXACT = ["SQRT(ABS({x}))", "LN(ABS({x}) + 1)", "POWER({x}, 2)", "LOG(ABS({x}) + 1)", "EXP(LEAST({x}, 5))"]
FIELDS = ["i", "big", "d", "n", "i * big", "d * i", "n * i"]
LITERALS = ["'0.7'", "'2'", "'-1.5'", "'3000000000'"]


def functions() -> list[str]:
    out = [f.format(x=x) for f, x in itertools.product(EXACT, FIELDS)]
    out += [f.format(x=x) for f, x in itertools.product(NOT_OF_DOUBLES, FIELDS) if "d" not in x]
    return out + [f.format(x=x) for f, x in itertools.product(INEXACT, FIELDS) if "n" not in x]


def value_queries() -> list[str]:
    return [f"SELECT _id, {fn} / 2 AS v, {fn} AS w FROM {COLLECTION} ORDER BY _id" for fn in functions()]


def literal_queries() -> list[str]:
    out = []
    for fn, lit in itertools.product(functions(), LITERALS):
        out.append(f"SELECT _id, COALESCE({fn}, {lit}) AS v FROM {COLLECTION} ORDER BY _id")
        out.append(f"SELECT DISTINCT GREATEST({fn}, {lit}) AS v FROM {COLLECTION}")
        out.append(f"SELECT LEAST({fn}, {lit}) AS v, COUNT(*) AS c FROM {COLLECTION} GROUP BY 1")
        out.append(
            f"SELECT _id, CASE WHEN k = 3 THEN {lit} ELSE {fn} END AS v FROM {COLLECTION} ORDER BY _id"
        )
    return out


def test_math_functions_take_postgresqls_result_types(fn_db: tuple[PgDatabase, Database[Any]]) -> None:
    pg, db = fn_db
    assert_all_agree(pg, db, value_queries())


def test_a_literal_beside_a_math_function_takes_its_type(fn_db: tuple[PgDatabase, Database[Any]]) -> None:
    pg, db = fn_db
    queries = literal_queries()
    assert_all_agree(pg, db, random.Random(4100).sample(queries, 300))


def test_the_fuzzers_findings(fn_db: tuple[PgDatabase, Database[Any]]) -> None:
    """The 30k run's wrong answers (seed 3000) and its server error, on this collection."""
    pg, db = fn_db
    assert_all_agree(
        pg,
        db,
        [
            f"SELECT COUNT(d) AS a2 FROM {COLLECTION} GROUP BY GREATEST(ROUND(n, 2), '0.7')",
            f"SELECT MAX(n) AS a2 FROM {COLLECTION} GROUP BY GREATEST(ABS(n), '0.7')",
            f"SELECT DISTINCT LEAST((FLOOR(n) * (_id * i)), '0.7') AS c0 FROM {COLLECTION}",
            f"SELECT COALESCE(GREATEST(ROUND(n, 0), big), '0.1') AS c0 FROM {COLLECTION}",
            f"SELECT DISTINCT LEAST(FLOOR(i), '0.7') AS v FROM {COLLECTION}",
            # i is 0 where k is 4: the ELSE branch is dead there, and is not evaluated for the literal.
            f"SELECT _id FROM {COLLECTION} WHERE CASE WHEN k = 4 THEN '1.25' ELSE ABS(30 / i) * 0.1 END IS NULL",
        ],
    )


MEMBERS = ["i", "big", "d", "n", "i * 0.1", "-big", "ABS(d)", "FLOOR(i)", "ROUND(n, 1)"]


def common_type_queries() -> list[str]:
    out = []
    for (a, b), lit in itertools.product(
        itertools.permutations(MEMBERS, 2), ["'1.25'", "'3000000000'", "'7'"]
    ):
        out += [
            f"SELECT _id, COALESCE({a}, {b}, {lit}) AS v FROM {COLLECTION} ORDER BY _id",
            f"SELECT _id, CASE WHEN k = 1 THEN {a} WHEN k = 2 THEN {b} ELSE {lit} END AS v FROM {COLLECTION}"
            " ORDER BY _id",
            f"SELECT DISTINCT GREATEST({a}, {b}, {lit}) AS v FROM {COLLECTION}",
        ]
    return out


def test_a_literal_beside_several_members_takes_their_common_type(
    fn_db: tuple[PgDatabase, Database[Any]],
) -> None:
    """``CASE WHEN … THEN i * 0.1 WHEN … THEN -big ELSE '1.25' END`` is numeric: the literal is read
    as the members' common type (PostgreSQL's select_common_type), not as each member's."""
    pg, db = fn_db
    queries = common_type_queries()
    assert_all_agree(pg, db, random.Random(3004).sample(queries, 250))

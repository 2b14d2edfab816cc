"""A quoted decimal beside whole numbers stored as int32 in a double precision field, generated and
compared with PostgreSQL 15.

Drivers store a whole double (100.0) as int32, so a field of a double precision column holds both.
In a comparison, a quoted number that is not integer syntax ('19.99', '1e1') beside an int32/int64
value compares as double precision (an integer column would reject it: the only valid reading).
Where the literal is the value (COALESCE, CASE, GREATEST) an int32 value keeps the integer reading,
and such a literal fails as PostgreSQL's integer input does (``test_literals_positions``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from bson import Int64
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import Document
from tests.sql.duck import ColType
from tests.sql.fuzz.oracle import assert_all_agree
from tests.sql.harness import loaded_both
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import PgDatabase

COLLECTION = "o"
SCHEMA: dict[str, ColType] = {"_id": "INTEGER", "total": "DOUBLE", "big": "DOUBLE"}
TOTALS: list[Any] = [100, 19.99, 250.0, 20, -3, 0, 0.1, None, 19, 30.5, 2**31 - 1]
BIGS: list[Any] = [
    Int64(20),
    19.5,
    Int64(-1),
    None,
    Int64(3000000000),
    2.5,
    Int64(0),
    7.0,
    None,
    Int64(30),
    1e10,
]
LITERALS = ["'19.99'", "'20.0'", "' 30.5 '", "'1e1'", "'-2.5'", "'0.1'", "'.5'", "'2147483647.5'", "'3e9'",
            "'20'", "'1.5e-3'"]  # fmt: skip
OPS = ["=", "<>", "<", "<=", ">", ">="]


def rows() -> list[Document]:
    out: list[Document] = []
    for n, (total, big) in enumerate(zip(TOTALS, BIGS, strict=True)):
        doc: Document = {"_id": n + 1}
        if total is not None:
            doc["total"] = total
        if big is not None:
            doc["big"] = big
        out.append(doc)
    return out


@pytest.fixture(scope="module")
def mixed_db(
    pg_server: PostgresServer, mongo_client: MongoClient[Document]
) -> Iterator[tuple[PgDatabase, Database[Any]]]:
    with loaded_both(
        pg_server, mongo_client, "leaf_int32", {COLLECTION: SCHEMA}, {COLLECTION: rows()}
    ) as pair:
        yield pair


def cases() -> list[str]:
    out = []
    for lit, f, op in itertools.product(LITERALS, ("total", "big"), OPS):
        out.append(f"SELECT _id FROM {COLLECTION} WHERE {f} {op} {lit} ORDER BY _id")  # $match
        out.append(f"SELECT _id, {lit} {op} {f} AS c FROM {COLLECTION} ORDER BY _id")  # $expr
    for lit, f in itertools.product(LITERALS, ("total", "big")):
        out.append(f"SELECT _id FROM {COLLECTION} WHERE {f} IN ({lit}, '100') ORDER BY _id")
        out.append(f"SELECT _id FROM {COLLECTION} WHERE {f} NOT IN ({lit}) ORDER BY _id")
        out.append(f"SELECT _id FROM {COLLECTION} WHERE {f} BETWEEN {lit} AND '1e12' ORDER BY _id")
        out.append(f"SELECT _id, {f} IS DISTINCT FROM {lit} AS c FROM {COLLECTION} ORDER BY _id")
    return out


def test_a_quoted_decimal_compares_as_double_beside_an_int32_whole_number(
    mixed_db: tuple[PgDatabase, Database[Any]],
) -> None:
    pg, db = mixed_db
    assert_all_agree(pg, db, cases())

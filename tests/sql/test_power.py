"""POWER of negative, zero and positive bases, generated and compared with PostgreSQL 15.

A negative base with an integral exponent has a real power (``POWER(-3.5, 2)`` is 12.25; the
embedded server's ``$pow`` of a negative Decimal128 is NaN, so it is computed from the absolute
value), a non-integral one fails as in PostgreSQL, and so does zero to a negative power.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from typing import Any

import pytest
from bson import Decimal128, Int64
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import Document
from tests.sql.duck import ColType
from tests.sql.fuzz.oracle import assert_all_agree
from tests.sql.harness import loaded_both
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import PgDatabase

SCHEMA: dict[str, ColType] = {
    "_id": "INTEGER",
    "i": "INTEGER",
    "big": "BIGINT",
    "f": "DOUBLE",
    "n": "DECIMAL",
}


def documents() -> list[Document]:
    rng = random.Random(13)
    docs: list[Document] = []
    for k in range(12):
        doc: Document = {"_id": k + 1}
        if k % 5:
            doc["i"] = rng.randint(-4, 4)
            doc["big"] = Int64(rng.randint(-3, 3))
            doc["f"] = rng.choice([-2.5, -1.0, 0.0, 0.5, 3.0])
            doc["n"] = Decimal128(rng.choice(["-3.5", "-2", "0", "1.25", "-0.1"]))
        docs.append(doc)
    return docs


@pytest.fixture(scope="module")
def power_db(
    pg_server: PostgresServer, mongo_client: MongoClient[Document]
) -> Iterator[tuple[PgDatabase, Database[Any]]]:
    with loaded_both(pg_server, mongo_client, "leaf_power", {"t": SCHEMA}, {"t": documents()}) as pair:
        yield pair


BASES = ["i", "big", "f", "n", "n - 1", "-2.5", "i * 0.5"]
EXPONENTS = ["2", "3", "0", "1", "2.0", "-1", "0.5", "i", "CAST(3 AS DOUBLE PRECISION)"]


def test_power_follows_postgresql_for_negative_and_zero_bases(
    power_db: tuple[PgDatabase, Database[Any]],
) -> None:
    pg, db = power_db
    queries = [
        f"SELECT _id, POWER({base}, {exponent}) AS v FROM t ORDER BY _id"
        for base, exponent in itertools.product(BASES, EXPONENTS)
    ]
    assert_all_agree(pg, db, queries)

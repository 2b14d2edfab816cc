"""STDDEV and VARIANCE of doubles far from zero, generated and compared with PostgreSQL 15.

Summed in double precision, ``N·Σx² − (Σx)²`` loses about twice as many digits as the values' mean
is larger than their spread: epoch seconds with an hour's spread gave a variance off by 1e-4 (and
``STDDEV(f + 1e10)`` gave 0). The sums are taken as Decimal128 instead (``numeric.spread_inputs``),
so the answer keeps PostgreSQL's float8 precision. The offsets stop at a million times the spread:
beyond that PostgreSQL's own float8 accumulation drifts by more than the 1e-9 the tests allow.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import Document
from tests.sql.duck import ColType
from tests.sql.fuzz.oracle import assert_all_agree
from tests.sql.harness import loaded_both
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import PgDatabase

SCHEMA: dict[str, ColType] = {"_id": "INTEGER", "k": "INTEGER", "i": "INTEGER", "x": "DOUBLE"}
# (offset, spread) per group: around zero, money-like, epoch seconds within an hour, a negative one.
GROUPS = [(0.0, 1.0), (123.456, 0.01), (1e5, 0.5), (1.7e9, 3600.0), (-2.5e6, 10.0), (4e4, 0.04)]


def documents(seed: int) -> list[Document]:
    rng = random.Random(seed)
    docs: list[Document] = []
    for k, (offset, spread) in enumerate(GROUPS):
        for _ in range(rng.randint(2, 25)):
            doc: Document = {"_id": len(docs) + 1, "k": k, "x": offset + rng.gauss(0, spread)}
            if rng.random() < 0.7:
                doc["i"] = rng.randint(-5, 5)
            docs.append(doc)
    docs.append({"_id": len(docs) + 1, "k": len(GROUPS), "x": 7.25})  # one value: NULL for _SAMP
    return docs


@pytest.fixture(scope="module", params=[11])
def spread_db(
    request: pytest.FixtureRequest, pg_server: PostgresServer, mongo_client: MongoClient[Document]
) -> Iterator[tuple[PgDatabase, Database[Any]]]:
    data = {"t": documents(request.param)}
    with loaded_both(pg_server, mongo_client, "leaf_spread", {"t": SCHEMA}, data) as pair:
        yield pair


FUNCTIONS = ["STDDEV", "STDDEV_POP", "STDDEV_SAMP", "VARIANCE", "VAR_POP", "VAR_SAMP"]
ARGUMENTS = ["x", "x + 0.5", "x - 1e4", "i + x", "CASE WHEN i > 0 THEN x END", "COALESCE(x, i)"]


def queries() -> list[str]:
    out = []
    for fn in FUNCTIONS:
        for arg in ARGUMENTS:
            out.append(f"SELECT k, {fn}({arg}) AS v FROM t GROUP BY k ORDER BY k")
            out.append(f"SELECT _id, {fn}({arg}) OVER (PARTITION BY k) AS v FROM t ORDER BY _id")
        out.append(f"SELECT {fn}(x - 1.7e9) AS v FROM t WHERE k = 3")
    return out


def test_spread_of_doubles_far_from_zero_keeps_float8_precision(
    spread_db: tuple[PgDatabase, Database[Any]],
) -> None:
    pg, db = spread_db
    assert_all_agree(pg, db, queries())

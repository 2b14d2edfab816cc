"""A DDL ``DECIMAL``/``NUMERIC`` field with the catalog reads as PostgreSQL's numeric column.

The validator accepts any number in a DECIMAL field, and Node drivers store a whole amount as
int32: with the catalog, each value reads as the numeric PostgreSQL would hold (a Decimal128 as is,
an integer exactly, a double as ``float8_numeric``), so ``x / 3`` and ``SUM(x) / COUNT(*)`` are
numeric division, not integer division. Generated values of every BSON number type and scale,
compared with PostgreSQL 15's ``numeric`` column holding the same values.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from bson import Decimal128, Int64
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.schema import parse_ddl, sql_catalog
from leaf_dagster.sql import compile_sql
from leaf_dagster.sql.catalog import as_catalog
from leaf_dagster.sql.values import SqlType
from tests.sql.duck import ColType
from tests.sql.fuzz.oracle import assert_all_agree
from tests.sql.harness import loaded_both, store_doubles_as_numeric
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import PgDatabase

SCHEMA: dict[str, ColType] = {"_id": "INTEGER", "x": "DECIMAL", "g": "INTEGER"}
DDL = """
CREATE DOCUMENT_SCHEMA amounts (
  _id INTEGER PRIMARY KEY,
  x DECIMAL,
  g INTEGER
);
"""
CATALOG = sql_catalog(parse_ddl(DDL).schemas.values())


def values(count: int = 70, seed: int = 12) -> list[Any]:
    """Values of every BSON number type a DECIMAL field accepts, equal ones across types included."""
    rng = random.Random(seed)
    out: list[Any] = [
        100, Int64(100), 100.0, Decimal128("100.00"), 0, 0.0, Decimal128("0.000"), 0.1, Decimal128("0.1"),
        0.30000000000000004, Decimal128("0.3"), 2.5, Decimal128("2.50"), 2, Int64(3), -7, 1 / 3,
        2147483647, Int64(9007199254740993), 123456789012345.6, Decimal128("-12.345"), None, None,
    ]  # fmt: skip
    for _ in range(count):
        shape = rng.randrange(4)
        if shape == 0:
            out.append(rng.randrange(-500, 500))
        elif shape == 1:
            out.append(Int64(rng.randrange(-(10**12), 10**12)))
        elif shape == 2:
            out.append(round(rng.uniform(-1000, 1000), rng.randrange(0, 5)))
        else:
            scale = rng.randrange(0, 7)
            out.append(Decimal128(Decimal(rng.randrange(-(10**8), 10**8)).scaleb(-scale)))
    return out


def rows() -> list[Document]:
    return [{"_id": n + 1, "g": n % 4, **({} if v is None else {"x": v})} for n, v in enumerate(values())]


@pytest.fixture(scope="module")
def amounts_db(
    pg_server: PostgresServer, mongo_client: MongoClient[Document]
) -> Iterator[tuple[PgDatabase, Database[Any]]]:
    docs = rows()
    with loaded_both(pg_server, mongo_client, "leaf_decimal", {"amounts": SCHEMA}, {"amounts": docs}) as pair:
        store_doubles_as_numeric(pair[0], "amounts", "x", docs)
        yield pair


def test_the_ddl_decimal_is_the_catalogs_numeric() -> None:
    assert CATALOG["amounts"]["x"] == SqlType.DECIMAL
    # the validator still accepts any number there (only the compiler's typing changed)
    validator = parse_ddl(DDL).schemas["amounts"]
    assert validator.collection == "amounts"


EXPRESSIONS = [
    "x", "x / 3", "x * 2", "x + 1", "x - 0.5", "-x", "x / 7.0", "ROUND(x, 1)", "ROUND(x)", "CAST(x AS TEXT)",
    "x / g", "ABS(x)", "CAST(x AS DOUBLE PRECISION)", "x % 3", "COALESCE(x, 0) / 3", "x = 0.1", "x > '2.50'",
]  # fmt: skip
CONDITIONS = [
    "x = 0.1", "x = 0.3", "x = 100", "x = '100.0'", "x > '2.50'", "x >= 2.5", "x < 0", "x <= 0.1", "x <> 100",
    "x IN (0.1, 100, 2.5, 7)", "x IN (0.3)", "x BETWEEN 0 AND 2.5", "NOT (x = 0.1)", "NOT x > 2.5", "x IS NULL", "x IS NOT NULL",
    "x > 1e300", "x = 123456789012345.6", "x < -1000000000000",
]  # fmt: skip


def queries() -> list[str]:
    out = [f"SELECT _id, {e} AS v FROM amounts ORDER BY _id" for e in EXPRESSIONS]
    out += [f"SELECT _id FROM amounts WHERE {c} ORDER BY _id" for c in CONDITIONS]
    out += [f"SELECT COUNT(*) AS n FROM amounts WHERE {c}" for c in CONDITIONS]
    out += [
        "SELECT SUM(x) / COUNT(*) AS v, AVG(x) AS a, SUM(x) AS s, MIN(x) AS lo, MAX(x) AS hi FROM amounts",
        "SELECT g, SUM(x) / COUNT(*) AS v, AVG(x) AS a, SUM(x) AS s FROM amounts GROUP BY g ORDER BY g",
        "SELECT x, COUNT(*) AS n FROM amounts GROUP BY x ORDER BY x NULLS FIRST",
        "SELECT DISTINCT CAST(x AS TEXT) AS t FROM amounts ORDER BY t",
        "SELECT COUNT(DISTINCT x) AS n FROM amounts",
        "SELECT _id, x FROM amounts ORDER BY x DESC NULLS LAST, _id",
        "SELECT CAST(SUM(x) AS TEXT) AS s, CAST(AVG(x) AS TEXT) AS a FROM amounts",
    ]
    return out


def test_a_decimal_field_reads_as_numeric_whatever_its_bson_type(
    amounts_db: tuple[PgDatabase, Database[Any]],
) -> None:
    """With the DDL catalog and with a hand-written ``numeric`` one."""
    pg, db = amounts_db
    hand_written = as_catalog({"amounts": {"_id": "integer", "x": "numeric", "g": "integer"}})
    for catalog in (CATALOG, hand_written):
        assert_all_agree(pg, db, queries(), catalog=catalog)


def test_a_constant_comparison_stays_a_query_operator() -> None:
    """``x = 0.1`` and ``x > '2.50'`` keep integers and Decimal128 values on an index-friendly
    query operator; only doubles take the ``$expr`` of their ``float8_numeric``."""
    for condition, op in (("x = 0.1", "$eq"), ("x > '2.50'", "$gt"), ("x IN (0.1, 7)", "$eq")):
        compiled = compile_sql(f"SELECT _id FROM amounts WHERE {condition}", catalog=CATALOG)
        clauses = compiled.pipeline[0]["$match"]["$or"]
        plain = [c for c in clauses if "x" in c]
        assert plain and all(op in c["x"] and c["x"]["$type"] == ["int", "long", "decimal"] for c in plain)

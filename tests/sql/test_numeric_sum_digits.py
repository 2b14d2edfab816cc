"""SUM/AVG whose exact value needs more than Decimal128's 34 digits, generated and compared with
PostgreSQL 15: never a rounded answer. PostgreSQL's numeric is exact; a Decimal128 sum is rounded to
34 digits on the server, so a group whose numeric sum fills 34 digits fails instead. A group whose
sum also holds doubles (a double precision column whose whole numbers the driver stored as int32)
keeps computing: PostgreSQL sums it in double precision, and rounding is right there.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from bson import Decimal128, Int64
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.sql import compile_sql, run_sql
from leaf_dagster.sql.catalog import as_catalog
from leaf_dagster.sql.paths import numeric_read
from leaf_dagster.sql.runner import SqlRuntimeError
from leaf_dagster.sql.values import SqlType
from tests.sql.duck import ColType
from tests.sql.fuzz.oracle import assert_all_agree, run_one
from tests.sql.harness import loaded_both
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import PgDatabase, run_pg

COLLECTION = "s"
SCHEMA: dict[str, ColType] = {
    "_id": "INTEGER",
    "g": "VARCHAR",
    "d": "DECIMAL",
    "q": "DECIMAL",
    "b": "BIGINT",
    "p": "DOUBLE",
}
# Numerics of up to 34 digits, whose sums need 35 or fewer; divisors whose quotients fill 34.
DECIMALS = ["1234567890123456789012345678901234", "0.5", "-0.25", "1.10", "99999999999999999.9999999999999999",
            "0.0000000000000000000000000000000001", "7", "123456789012345.6789", "-5000000000000000"]  # fmt: skip
DIVISORS = ["3", "7", "0.7", "11", "-3.3", "1"]
BIGINTS = [9 * 10**18, 2**53 + 1, -(2**62), 17, 0]
# A double precision column: whole numbers arrive as int32.
DOUBLES: list[Any] = [19.99, 20, 0.1, 250, 1e15 + 0.5, -3]
GROUPS = ["a", "b", "c", "d"]


def rows() -> list[Document]:
    rng = random.Random(1100)
    out: list[Document] = []
    for n in range(36):
        doc: Document = {"_id": n + 1, "g": GROUPS[n % len(GROUPS)]}
        if n % 9 != 8:  # some NULLs
            # Group "a" alone holds the 34-digit numeric: the other groups' sums fit.
            doc["d"] = Decimal128(rng.choice(DECIMALS if doc["g"] == "a" else DECIMALS[1:]))
            doc["q"] = Decimal128(rng.choice(DIVISORS))
            doc["b"] = Int64(rng.choice(BIGINTS))
            doc["p"] = rng.choice(DOUBLES)
        out.append(doc)
    return out


@pytest.fixture(scope="module")
def sums_db(
    pg_server: PostgresServer, mongo_client: MongoClient[Document]
) -> Iterator[tuple[PgDatabase, Database[Any]]]:
    with loaded_both(
        pg_server, mongo_client, "leaf_sums", {COLLECTION: SCHEMA}, {COLLECTION: rows()}
    ) as pair:
        yield pair


ARGUMENTS = ["d", "b", "d / q", "b / q", "1.05 * p", "p", "d * 2", "b * 0.5", "d + b", "COALESCE(d, 0.1)"]
AGGREGATES = ["SUM", "AVG"]


def cases() -> list[str]:
    out = []
    for agg, arg in itertools.product(AGGREGATES, ARGUMENTS):
        out.append(f"SELECT g, {agg}({arg}) AS v FROM {COLLECTION} GROUP BY g ORDER BY g")
        out.append(f"SELECT {agg}({arg}) AS v, COUNT(*) AS n FROM {COLLECTION}")
        out.append(
            f"SELECT g, {agg}({arg}) FILTER (WHERE _id % 3 = 0) AS v FROM {COLLECTION} GROUP BY g ORDER BY g"
        )
    for arg in ARGUMENTS:  # SUM and AVG of one argument share their accumulators
        out.append(f"SELECT g, SUM({arg}) AS s, AVG({arg}) AS a FROM {COLLECTION} GROUP BY g ORDER BY g")
        out.append(
            f"SELECT g, SUM({arg}) AS s, COUNT({arg}) AS c, MAX({arg}) AS m FROM {COLLECTION} GROUP BY g"
        )
    return out


def _digits(value: Any) -> int:
    """Significant digits of a numeric's coefficient as PostgreSQL prints it."""
    digits = str(Decimal(value).copy_abs()).replace(".", "").lstrip("0")  # abs() rounds to 28
    return len(digits)


def test_numeric_sums_are_exact_or_refused(sums_db: tuple[PgDatabase, Database[Any]]) -> None:
    pg, db = sums_db
    failures = []
    refused = 0
    for sql in cases():
        outcome = run_one(pg, db, sql)
        if outcome.status == "pass":
            continue
        if outcome.status == "refused":
            # Only where PostgreSQL's exact answer fills Decimal128's 34 digits.
            theirs = run_pg(pg.conn, sql, pg.documents).rows
            values = [v for r in theirs for v in r if isinstance(v, Decimal)]
            if values and max(map(_digits, values)) >= 34:
                refused += 1
                continue
        failures.append((sql, outcome.kind, outcome.detail[:200]))
    assert not failures, f"{len(failures)} disagree with PostgreSQL:\n" + "\n".join(map(str, failures[:15]))
    assert 0 < refused <= len(cases()) - 30  # the data holds sums beyond 34 digits, and many within


def test_a_sum_past_34_digits_fails_and_a_double_column_does_not(db: Database[Document]) -> None:
    db.t.insert_many(
        [
            {"_id": 1, "x": Decimal128("1234567890123456789012345678901234"), "p": 19.99},
            {"_id": 2, "x": Decimal128("0.5"), "p": 20},
        ]
    )
    with pytest.raises(SqlRuntimeError, match="34 significant digits"):
        run_sql(db, "SELECT SUM(x) AS s FROM t")
    with pytest.raises(SqlRuntimeError, match="34 significant digits"):
        run_sql(db, "SELECT AVG(x) AS s FROM t")
    # 1.05 * 20 is an exact 21.00, 1.05 * 19.99 a double: PostgreSQL's sum is a double sum.
    [row] = run_sql(db, "SELECT SUM(1.05 * p) AS s, AVG(1.05 * p) AS a FROM t")
    assert float(row["s"]) == pytest.approx(1.05 * 19.99 + 21, rel=1e-12)
    assert float(row["a"]) == pytest.approx((1.05 * 19.99 + 21) / 2, rel=1e-12)


# -- the catalog's numeric types: numeric, double precision, integer and bigint as PostgreSQL's ----

TYPED = "c"
TYPED_SCHEMA: dict[str, ColType] = {
    "_id": "INTEGER",
    "i": "INTEGER",
    "big": "BIGINT",
    "f": "DOUBLE",
    "d": "DECIMAL",
}
TYPED_CATALOG = {TYPED: {"i": "integer", "big": "bigint", "f": "double precision", "d": "numeric"}}


def typed_rows() -> list[Document]:
    rng = random.Random(1101)
    out: list[Document] = []
    for n in range(24):
        doc: Document = {"_id": n + 1}
        if n % 7 != 6:
            doc["i"] = rng.choice([0, 7, -3, 20, 2147483647, 1])
            doc["big"] = Int64(rng.choice([0, 7, -3, 3000000000, 9007199254740993, 20]))
            doc["f"] = rng.choice([0.1, 19.99, 20.0, -2.5, 664.5, 0.30000000000000004])
            doc["d"] = Decimal128(rng.choice(["0.1", "19.99", "20", "-2.50", "0.3", "7.000"]))
        out.append(doc)
    return out


@pytest.fixture(scope="module")
def typed_db(
    pg_server: PostgresServer, mongo_client: MongoClient[Document]
) -> Iterator[tuple[PgDatabase, Database[Any]]]:
    with loaded_both(
        pg_server, mongo_client, "leaf_typed", {TYPED: TYPED_SCHEMA}, {TYPED: typed_rows()}
    ) as pair:
        yield pair


def typed_cases() -> list[str]:
    out = []
    literals = [
        "'0.1'",
        "'7'",
        "'-2.5'",
        "'1e3'",
        "'19.99'",
        "'0.30000000000000004'",
        "'abc'",
        "'3000000000'",
    ]
    for f, lit in itertools.product(("i", "big", "f", "d"), literals):
        out.append(f"SELECT _id, LEAST({f}, {lit}) AS a, GREATEST({f}, {lit}) AS b FROM {TYPED} ORDER BY _id")
        out.append(
            f"SELECT _id, COALESCE({f}, {lit}) AS a, {f} = {lit} AS e, {f} < {lit} AS l FROM {TYPED} ORDER BY _id"
        )
        out.append(f"SELECT _id FROM {TYPED} WHERE {f} >= {lit} ORDER BY _id")
        out.append(
            f"SELECT _id, CASE WHEN _id % 2 = 0 THEN {f} ELSE {lit} END AS c FROM {TYPED} ORDER BY _id"
        )
    for f in ("i", "big", "f", "d"):
        out.append(f"SELECT SUM({f}) AS s, AVG({f}) AS a, SUM({f} * 0.1) AS t, MAX({f}) AS m FROM {TYPED}")
        out.append(
            f"SELECT _id % 3 AS k, SUM({f}) AS s, AVG({f} * 2) AS a FROM {TYPED} GROUP BY 1 ORDER BY 1"
        )
        out.append(f"SELECT _id, {f} * {f} AS p, {f} + 1 AS q, {f} / 3 AS r FROM {TYPED} ORDER BY _id")
        out.append(f"SELECT _id, CAST({f} AS TEXT) AS t, ROUND({f}) AS r FROM {TYPED} ORDER BY _id")
    return out


def test_catalog_numeric_types_agree_with_postgresql(typed_db: tuple[PgDatabase, Database[Any]]) -> None:
    pg, db = typed_db
    assert_all_agree(pg, db, typed_cases(), catalog=TYPED_CATALOG)


def decimal_constant_cases() -> list[str]:
    """A numeric constant beside a double or numeric field, as a value and in IN lists (the 30k
    generator run: ``0.1 <> f`` as a value compared exactly, and a catalog IN list of quoted
    decimals sent Python Decimals to the server)."""
    out = []
    for f, (a, b) in itertools.product(
        ("f", "d", "i"), [("0.1", "19.99"), ("'0.1'", "'1.25'"), ("20", "'7'")]
    ):
        if f == "i" and a == "'0.1'":
            continue  # without a catalog, the documented double reading beside an int32 (README)
        out.append(f"SELECT _id, {f} <> {a} AS n, {a} = {f} AS e, {f} < {b} AS l FROM {TYPED} ORDER BY _id")
        out.append(f"SELECT _id FROM {TYPED} WHERE {f} IN ({a}, {b}, {b}) ORDER BY _id")
        out.append(f"SELECT _id FROM {TYPED} WHERE {f} NOT IN ({a}) ORDER BY _id")
        out.append(f"SELECT _id, {f} IN ({a}, {b}) AS v FROM {TYPED} ORDER BY _id")
    return out


@pytest.mark.parametrize("catalog", [None, TYPED_CATALOG], ids=["no-catalog", "catalog"])
def test_decimal_constants_beside_doubles_and_numerics(
    typed_db: tuple[PgDatabase, Database[Any]], catalog: Any
) -> None:
    pg, db = typed_db
    assert_all_agree(pg, db, decimal_constant_cases(), catalog=catalog)


def test_catalog_types_are_exact() -> None:
    fields = as_catalog(TYPED_CATALOG)[TYPED]
    assert dict(fields) == {"i": SqlType.INT, "big": SqlType.INT, "f": SqlType.FLOAT, "d": SqlType.DECIMAL}
    assert getattr(fields, "int4", None) == frozenset({"i"})
    # numeric beside a quoted literal reads it as numeric, with no per-row type test of the literal
    # (the field reads each stored value as numeric: paths.numeric_read)
    [stage] = compile_sql("SELECT LEAST(d, '0.1') AS l FROM c", catalog=TYPED_CATALOG).pipeline
    assert stage == {"$project": {"_id": 0, "l": {"$min": [numeric_read("$d"), Decimal128("0.1")]}}}
    # SUM(integer) is bigint with no per-row conversion; SUM(numeric) keeps only its digits check
    group = compile_sql("SELECT SUM(i) AS s, SUM(d) AS t FROM c", catalog=TYPED_CATALOG).pipeline[0]["$group"]
    assert group["a0"] == {"$sum": "$i"}
    assert {"$sum": numeric_read("$d")} in group.values()


# -- array literals cast to an array type ---------------------------------------------------------


def array_cast_cases() -> list[str]:
    out = []
    literals = ["'{}'", "'{a,\"b c\",NULL}'", "'{1,2,NULL}'", "'{19.99, 7}'", "'{x}'", "'{1e3}'", "'{t,f}'"]
    # numeric[] results are left out of the select lists: the harness does not compare numeric arrays
    for lit, to in itertools.product(literals, ["text[]", "int[]", "bigint[]", "float8[]", "boolean[]"]):
        out.append(
            f"SELECT _id, {lit}::{to} AS a, CARDINALITY({lit}::{to}) AS n FROM {TYPED} WHERE _id < 3 ORDER BY _id"
        )
    for lit in literals:
        out.append(f"SELECT _id, CARDINALITY({lit}::numeric[]) AS n FROM {TYPED} WHERE _id < 3 ORDER BY _id")
    for f, to in (("i", "int[]"), ("big", "bigint[]"), ("d", "numeric[]"), ("f", "float8[]")):
        out.append(f"SELECT _id FROM {TYPED} WHERE {f} = ANY('{{7,20,19.99,0.1}}'::{to}) ORDER BY _id")
        out.append(f"SELECT _id FROM {TYPED} WHERE {f} = ANY('{{7,20}}'::{to}) ORDER BY _id")
        out.append(f"SELECT _id, {f} <> ALL('{{}}'::{to}) AS e FROM {TYPED} ORDER BY _id")
    return out


def test_array_literal_casts_agree_with_postgresql(typed_db: tuple[PgDatabase, Database[Any]]) -> None:
    pg, db = typed_db
    failures = []
    for sql in array_cast_cases():
        outcome = run_one(pg, db, sql)
        if outcome.status != "pass":
            failures.append((sql, outcome.kind, outcome.detail[:200]))
    assert not failures, f"{len(failures)} disagree with PostgreSQL:\n" + "\n".join(map(str, failures[:15]))


def test_any_of_an_array_of_quoted_literals_is_text(typed_db: tuple[PgDatabase, Database[Any]]) -> None:
    pg, db = typed_db
    failures = []
    for f, catalog in itertools.product(("i", "big", "f", "d", "CAST(d AS TEXT)"), (None, TYPED_CATALOG)):
        for sql in (
            f"SELECT _id FROM {TYPED} WHERE {f} = ANY(ARRAY['19.99']) ORDER BY _id",
            f"SELECT _id, {f} <> ALL(ARRAY['7', '20']) AS x FROM {TYPED} ORDER BY _id",
        ):
            outcome = run_one(pg, db, sql, catalog)
            if outcome.status != "pass":
                failures.append((sql, catalog is not None, outcome.kind, outcome.detail[:200]))
    assert not failures, f"{len(failures)} disagree with PostgreSQL:\n" + "\n".join(map(str, failures[:15]))

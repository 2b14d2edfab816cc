"""Exact numbers and their text, generated and compared with PostgreSQL 15.

- ``CAST(double AS NUMERIC)`` is PostgreSQL's ``float8_numeric``: the double printed with ``%.15g``
  and read back, so its value has 15 significant digits and its display scale is that text's
  (``-0.5``, ``1e20`` → scale 0, ``1e-7`` → scale 7). The scale shows in its text, in a division's
  scale, in ``ROUND`` and in ``DISTINCT``.
- A double's text is ``float8out``: the shortest digits that read back, an exponent below 1e-4 and
  from 1e15 on, and ``-0`` for negative zero (``-ABS(CEIL(-0.5))``).
"""

from __future__ import annotations

import math
import random
import struct
from collections.abc import Iterator
from typing import Any

import pytest
from bson import Int64
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.schema import parse_ddl, sql_catalog
from leaf_dagster.sql import run_sql
from leaf_dagster.sql.casts import pg_double_text
from leaf_dagster.sql.catalog import as_catalog
from tests.sql.duck import ColType
from tests.sql.fuzz import data
from tests.sql.fuzz.oracle import assert_all_agree
from tests.sql.harness import loaded_both
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import PgDatabase

COLLECTION = "x"
SCHEMA: dict[str, ColType] = {"_id": "INTEGER", "f": "DOUBLE"}

# The boundaries of float8out's and float8_numeric's forms, then generated doubles of every scale.
SPECIAL = [
    -0.5, 0.0, -0.0, 0.5, 1e-7, -1e-7, 1e20, 1e300, -1e300, 5e-324, 2.2250738585072014e-308,
    100000000000000.5, 0.1, 1 / 3, -2 / 3, 123456789012345678.0, 2.5, -1.5, 664.5, 1e15, 1e16,
    999999999999999.9, 9.999999999999999e14, 1e14, 0.0001, 0.00001, 0.00012345, 9.99999e-5,
    123456789012345.6, 1.7976931348623157e308, 4503599627370496.5, 0.30000000000000004, 1e-4 * 3,
    float("nan"), float("inf"), float("-inf"),
]  # fmt: skip


def generated(count: int = 60, seed: int = 10) -> list[float]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        shape = rng.randrange(4)
        if shape == 0:  # a short decimal, as money or a ratio
            out.append(round(rng.uniform(-1000, 1000), rng.randrange(0, 6)))
        elif shape == 1:  # any double
            out.append(rng.uniform(-1, 1) * 10 ** rng.randrange(-12, 22))
        elif shape == 2:  # whole numbers near the 15-digit boundaries
            out.append(float(rng.randrange(10**14, 10**17)) * rng.choice([1, -1]))
        else:  # halves and quarters, which are exact in binary
            out.append(rng.randrange(-40, 40) / 4)
    return out


def rows() -> list[Document]:
    values: list[Any] = [*SPECIAL, *generated(), None]
    return [{"_id": n + 1, **({} if v is None else {"f": v})} for n, v in enumerate(values)]


@pytest.fixture(scope="module")
def doubles_db(
    pg_server: PostgresServer, mongo_client: MongoClient[Document]
) -> Iterator[tuple[PgDatabase, Database[Any]]]:
    with loaded_both(
        pg_server, mongo_client, "leaf_exact", {COLLECTION: SCHEMA}, {COLLECTION: rows()}
    ) as pair:
        yield pair


FINITE = "f BETWEEN -1e308 AND 1e308"


def test_a_double_cast_to_numeric_has_postgresql_value_and_scale(
    doubles_db: tuple[PgDatabase, Database[Any]],
) -> None:
    pg, db = doubles_db
    queries = [
        f"SELECT _id, CAST(CAST(f AS NUMERIC) AS TEXT) AS c FROM {COLLECTION} ORDER BY _id",
        f"SELECT _id, CAST(CAST(f AS DECIMAL) AS TEXT) AS c FROM {COLLECTION} ORDER BY _id",
        f"SELECT _id, CAST(f::numeric AS TEXT) AS c FROM {COLLECTION} ORDER BY _id",
        f"SELECT _id, CAST(CAST(f AS NUMERIC(30, 4)) AS TEXT) AS c FROM {COLLECTION}"
        f" WHERE ABS(f) < 1e20 AND {FINITE} ORDER BY _id",
        # The display scale feeds a division's scale and ROUND's text.
        f"SELECT _id, CAST(CAST(f AS NUMERIC) / 3 AS TEXT) AS c FROM {COLLECTION}"
        f" WHERE ABS(f) BETWEEN 1e-20 AND 1e25 ORDER BY _id",
        f"SELECT _id, CAST(CAST(f AS NUMERIC) / 0.3 AS TEXT) AS c FROM {COLLECTION}"
        f" WHERE ABS(f) BETWEEN 1e-20 AND 1e25 ORDER BY _id",
        f"SELECT _id, CAST(ROUND(CAST(f AS NUMERIC), 2) AS TEXT) AS c FROM {COLLECTION}"
        f" WHERE ABS(f) < 1e25 AND {FINITE} ORDER BY _id",
        f"SELECT _id, CAST(CAST(f AS NUMERIC) * 2 AS TEXT) AS c FROM {COLLECTION}"
        f" WHERE ABS(f) BETWEEN 1e-100 AND 1e100 ORDER BY _id",
        f"SELECT DISTINCT CAST(CAST(f AS NUMERIC) AS TEXT) AS c FROM {COLLECTION}",
        f"SELECT DISTINCT CAST(f AS NUMERIC) AS c FROM {COLLECTION} WHERE {FINITE}",
        f"SELECT _id, CAST(f AS NUMERIC) = 0.5 AS c FROM {COLLECTION} WHERE {FINITE} ORDER BY _id",
        # A field of unknown type: the CAST decides per value.
        f"SELECT _id, CAST(CAST(COALESCE(f, 7) AS NUMERIC) AS TEXT) AS c FROM {COLLECTION} ORDER BY _id",
    ]
    assert_all_agree(pg, db, queries)


def test_a_double_cast_to_numeric_of_constants(doubles_db: tuple[PgDatabase, Database[Any]]) -> None:
    pg, db = doubles_db
    spellings = ["-0.5", "1e20", "1e-7", "0.1", "100000000000000.5", "-0", "2.5e-5", "123456789.123456789"]
    queries = [
        f"SELECT CAST(CAST(CAST('{s}' AS DOUBLE PRECISION) AS NUMERIC) AS TEXT) AS c FROM {COLLECTION}"
        " WHERE _id = 1"
        for s in spellings
    ]
    assert_all_agree(pg, db, queries)


def test_a_double_prints_as_float8out(doubles_db: tuple[PgDatabase, Database[Any]]) -> None:
    pg, db = doubles_db
    queries = [
        f"SELECT _id, CAST(f AS TEXT) AS c FROM {COLLECTION} ORDER BY _id",
        f"SELECT _id, CAST(-f AS TEXT) AS c FROM {COLLECTION} ORDER BY _id",
        f"SELECT _id, CAST(-ABS(CEIL(f)) AS TEXT) AS c FROM {COLLECTION} ORDER BY _id",
        f"SELECT _id, CAST(-(SQRT(ABS(CEIL(f)))) AS TEXT) AS c FROM {COLLECTION} WHERE {FINITE} ORDER BY _id",
        f"SELECT _id, f || '' AS c FROM {COLLECTION} ORDER BY _id",
        f"SELECT _id, CAST(f * 10 AS TEXT) AS c FROM {COLLECTION} WHERE f BETWEEN -1e300 AND 1e300 ORDER BY _id",
    ]
    assert_all_agree(pg, db, queries)


# -- result types of bigint constants and expressions, on the fuzz collection --------------------


@pytest.fixture(scope="module")
def fuzz_db(
    pg_server: PostgresServer, mongo_client: MongoClient[Document]
) -> Iterator[tuple[PgDatabase, Database[Any]]]:
    with loaded_both(
        pg_server, mongo_client, "leaf_exact_fuzz", {data.COLLECTION: data.SCHEMA}, data.datasets()
    ) as pair:
        yield pair


BIGINTS = [  # bigint in PostgreSQL: SUM of each is numeric, AVG numeric, / 7 truncates
    "3000000000 / 7", "3000000000 % 7", "-CAST(5 AS BIGINT)", "CAST(5 AS BIGINT) + 1", "big",
    "big / 7", "i * CAST(2 AS BIGINT)", "ABS(CAST(5 AS BIGINT))", "GREATEST(3000000000, 1) / 7",
    "COALESCE(CAST(5 AS BIGINT), 1)", "CASE WHEN b THEN CAST(1 AS BIGINT) END", "-(-CAST(7 AS BIGINT))",
    "LENGTH(s) * CAST(2 AS BIGINT)", "NULLIF(CAST(7 AS BIGINT), 1)", "2147483648 - 1", "-(2147483648)",
    "COALESCE(CAST(NULL AS BIGINT) * 2, i) + 2147483647", "COALESCE(-CAST(NULL AS BIGINT), i) + 2147483647",
    "LEAST(CAST(NULL AS BIGINT) / 30, 2147483647) + (CAST(ts AS DATE) - CAST('2024-09-01' AS DATE))",
]  # fmt: skip
INTEGERS = ["7 / 2", "-2147483648", "-(2147483647)", "i", "LENGTH(s)", "CAST(3000000000 / 7 AS INT)"]


def test_sum_and_avg_of_bigint_constants_and_expressions_are_numeric(
    fuzz_db: tuple[PgDatabase, Database[Any]],
) -> None:
    pg, db = fuzz_db
    queries = []
    for e in [*BIGINTS, *INTEGERS]:
        queries.append(f"SELECT SUM({e}) / 100 AS s, AVG({e}) / 3 AS a FROM t")
        queries.append(f"SELECT b AS k, CAST(SUM({e}) / 100 AS TEXT) AS s FROM t GROUP BY b ORDER BY k")
        queries.append(f"SELECT CAST(({e}) / 2 AS TEXT) AS h FROM t ORDER BY _id LIMIT 5")
    assert_all_agree(pg, db, queries)
    assert_all_agree(pg, db, queries, catalog=data.catalog())


def test_a_numeric_union_keeps_each_value(fuzz_db: tuple[PgDatabase, Database[Any]]) -> None:
    """``Exact(0)`` matched -0.3 once rounded to its scale 0: the oracle pairs identical rows first."""
    pg, db = fuzz_db
    assert_all_agree(
        pg,
        db,
        [
            "SELECT (big - d) AS c0 FROM t WHERE b UNION SELECT ROUND(FLOOR(d)) FROM t",
            "SELECT d AS c0 FROM t UNION SELECT ROUND(d) FROM t",
            "SELECT d - 0.3 AS c0 FROM t UNION ALL SELECT FLOOR(d) FROM t",
        ],
    )


def many_doubles(count: int = 3000, seed: int = 7) -> list[float]:
    """Doubles of every shape float8out treats apart: any bits, integers past 2^53 (where a short
    decimal can be a midpoint PostgreSQL refuses), powers of two, subnormals, short decimals."""
    rng = random.Random(seed)
    out: list[float] = []
    while len(out) < count:
        shape = rng.randrange(6)
        if shape == 0:
            v = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
        elif shape == 1:
            v = float(rng.randrange(2**53, 2**70)) * 2 ** rng.randrange(0, 200)
        elif shape == 2:
            v = 2.0 ** rng.randrange(-1074, 1024)
        elif shape == 3:
            v = struct.unpack("<d", struct.pack("<Q", rng.randrange(1, 2**52)))[0]  # subnormal
        elif shape == 4:
            v = float(f"{rng.randrange(1, 10 ** rng.randrange(1, 17))}e{rng.randrange(-30, 30)}")
        else:
            v = rng.uniform(-1e6, 1e6)
        if math.isfinite(v):
            out.append(v * rng.choice([1, -1]))
    return out


def test_float8out_of_generated_doubles(pg_server: PostgresServer, db: Database[Document]) -> None:
    values = [*many_doubles(), *[v for v in SPECIAL if math.isfinite(v)]]
    with pg_server.connect() as conn:
        theirs = [
            r[0]
            for r in conn.execute(
                "SELECT x::text FROM unnest(%s::float8[]) WITH ORDINALITY u(x, n) ORDER BY n", [values]
            )
        ]
    db.v.insert_many([{"_id": n, "f": v} for n, v in enumerate(values)])
    ours = [r["c"] for r in run_sql(db, "SELECT _id, CAST(f AS TEXT) AS c FROM v ORDER BY _id")]
    constants = [pg_double_text(v) for v in values]
    wrong = [
        (v, t, o, c) for v, t, o, c in zip(values, theirs, ours, constants, strict=True) if not t == o == c
    ]
    assert not wrong, f"{len(wrong)} of {len(values)}: (value, PostgreSQL, server, constant) {wrong[:10]}"


def test_sign_is_double_or_numeric(fuzz_db: tuple[PgDatabase, Database[Any]]) -> None:
    """PostgreSQL has sign(numeric) and sign(double precision), which an integer resolves to."""
    pg, db = fuzz_db
    columns = ["f", "d", "i", "big", "doc.x", "-3", "2.5", "CAST(NULL AS INT)", "COALESCE(d, f)"]
    queries = [
        f"SELECT _id, SIGN({c}) / 2 AS h, CAST(SIGN({c}) AS TEXT) AS t FROM t ORDER BY _id" for c in columns
    ]
    assert_all_agree(pg, db, queries)
    assert_all_agree(pg, db, queries, catalog=data.catalog())


# -- a catalog's bigint field is bigint whatever width each value is stored with -----------------

BIG_SCHEMA: dict[str, ColType] = {"_id": "INTEGER", "y": "BIGINT", "n": "INTEGER"}
BIG_DDL = """
CREATE DOCUMENT_SCHEMA counts (
  _id INTEGER PRIMARY KEY,
  y BIGINT,
  n INTEGER
);
"""


def big_rows() -> list[Document]:
    ys: list[Any] = [7, Int64(6), 2147483647, -2147483648, Int64(3000000000), 0, None, 40000, Int64(-5)]
    return [{"_id": k + 1, "n": k * 1000, **({} if y is None else {"y": y})} for k, y in enumerate(ys)]


@pytest.fixture(scope="module")
def big_db(
    pg_server: PostgresServer, mongo_client: MongoClient[Document]
) -> Iterator[tuple[PgDatabase, Database[Any]]]:
    with loaded_both(
        pg_server, mongo_client, "leaf_exact_big", {"counts": BIG_SCHEMA}, {"counts": big_rows()}
    ) as pair:
        yield pair


def test_a_catalog_bigint_field_holding_int32_values_is_bigint(
    big_db: tuple[PgDatabase, Database[Any]],
) -> None:
    """PostgreSQL's bigint column: ``y * 1000000000`` does not overflow as int4 where ``y`` is an
    int32 (pymongo stores a small int so), by the hand-written catalog and by the DDL's BIGINT."""
    pg, db = big_db
    expressions = [
        "y * 1000000000", "y + 2147483647", "y * y", "-y", "ABS(y) * 1000000", "COALESCE(y, 1) * 1000000000",
        "CASE WHEN y > 0 THEN y ELSE 0 END * 1000000000", "y / 2", "y * n", "n * 1000", "CAST(y AS INT) * 2",
        "y - 2147483647 - 2147483647",
    ]  # fmt: skip
    queries = [f"SELECT _id, {e} AS v FROM counts ORDER BY _id" for e in expressions]
    queries += [
        "SELECT SUM(y) / 7 AS s, AVG(y) AS a, SUM(n) / 7 AS sn FROM counts",
        "SELECT CAST(SUM(y) AS TEXT) AS s, CAST(SUM(n) AS TEXT) AS sn FROM counts",
        "SELECT _id FROM counts WHERE y * 1000000000 > 0 ORDER BY _id",
    ]
    ddl = sql_catalog(parse_ddl(BIG_DDL).schemas.values())
    assert getattr(ddl["counts"], "int8", None) == frozenset({"y"})
    for catalog in ({"counts": {"y": "bigint", "n": "integer", "_id": "integer"}}, ddl):
        assert_all_agree(pg, db, queries, catalog=as_catalog(catalog))


def test_a_whole_double_divides_as_double_precision(doubles_db: tuple[PgDatabase, Database[Any]]) -> None:
    """A double that holds a whole number (4.0, stored as a BSON double) divides in double precision
    wherever it goes: through functions, CASE/COALESCE, aggregates, windows, subqueries.

    Not without a catalog: the integer constant of ``CASE WHEN f > 0 THEN f ELSE 1 END`` or
    ``GREATEST(f, 1)``, which PostgreSQL makes a double from the column's type (README, "Not yet
    PostgreSQL's type")."""
    pg, db = doubles_db
    where = "WHERE f BETWEEN -1e15 AND 1e15 AND f = FLOOR(f)"
    expressions = [
        "f", "COALESCE(f, 0)", "ABS(f)", "FLOOR(f)", "CEIL(f)", "-f", "f * 2", "NULLIF(f, 3)", "f + 0",
        "ROUND(f)", "TRUNC(f)", "SIGN(f)",
    ]  # fmt: skip
    typed = [
        "CASE WHEN f > 0 THEN f ELSE 1 END",
        "GREATEST(f, 1)",
        "LEAST(f, 1)",
        "COALESCE(NULLIF(f, 0), 1)",
    ]
    assert_all_agree(
        pg,
        db,
        [f"SELECT _id, ({e}) / 8 AS v FROM {COLLECTION} {where} ORDER BY _id" for e in typed],
        catalog={COLLECTION: {"_id": "integer", "f": "double precision"}},
    )
    queries = [f"SELECT _id, ({e}) / 8 AS v FROM {COLLECTION} {where} ORDER BY _id" for e in expressions]
    queries += [
        f"SELECT MIN(f) / 8 AS a, MAX(f) / 8 AS b, SUM(f) / 8 AS c FROM {COLLECTION} {where}",
        f"SELECT _id, LAG(f) OVER (ORDER BY _id) / 8 AS v FROM {COLLECTION} {where} ORDER BY _id",
        f"SELECT k / 8 AS v FROM (SELECT DISTINCT f AS k FROM {COLLECTION} {where}) s ORDER BY v",
        f"SELECT f / 8 AS v FROM {COLLECTION} {where} UNION ALL SELECT f / 16 FROM {COLLECTION} {where}",
    ]
    assert_all_agree(pg, db, queries)


def test_length_is_an_integer_folded_on_constants(fuzz_db: tuple[PgDatabase, Database[Any]]) -> None:
    """length() is int4; of a constant PostgreSQL folds it at plan time, so its overflow is an error
    even where no row is read."""
    pg, db = fuzz_db
    queries = [
        "SELECT CASE WHEN b THEN 2147483647 + LENGTH('2024-09-02') END AS a FROM t WHERE FALSE",
        "SELECT LENGTH('abc') * 715827882 AS a FROM t",
        "SELECT LENGTH('abc') * 715827883 AS a FROM t",
        "SELECT LENGTH(s) * 1000000000 AS a FROM t",
        "SELECT _id FROM t WHERE LENGTH(s) = '3000000000'",
        "SELECT _id, COALESCE(LENGTH(s), '40') AS a FROM t ORDER BY _id",
        "SELECT SUM(LENGTH(s)) / 7 AS a, LENGTH('héllo') AS b, LENGTH(CAST(NULL AS TEXT)) AS c FROM t",
    ]
    assert_all_agree(pg, db, queries)
    assert_all_agree(pg, db, queries, catalog=data.catalog())

"""The oracle itself: PostgreSQL runs apart, holds the documents faithfully, and the comparison is exact."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import pytest

from tests.sql.fuzz import data
from tests.sql.harness import Query, Result, diff
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import Exact, PgDatabase, loaded_pg, pg_sql, run_pg


@pytest.fixture(scope="module")
def fuzz_pg(pg_server: PostgresServer) -> Iterator[PgDatabase]:
    with loaded_pg(pg_server, {data.COLLECTION: data.SCHEMA}, data.datasets()) as pg:
        yield pg


def _one(pg: PgDatabase, sql: str) -> list[object]:
    return run_pg(pg.conn, sql, pg.documents).rows[0]


def test_server_is_a_separate_process_on_a_unix_socket_only(pg_server: PostgresServer) -> None:
    assert pg_server.process is not None and pg_server.process.poll() is None
    with pg_server.connect() as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("",)
        assert conn.execute("SELECT current_setting('server_version_num')::int / 10000").fetchone() == (15,)
        (pid,) = conn.execute("SELECT pg_backend_pid()").fetchone() or (0,)
        assert pid != pg_server.process.pid


def test_bson_types_map_to_postgres_types(fuzz_pg: PgDatabase) -> None:
    row = _one(
        fuzz_pg,
        "SELECT pg_typeof(i)::text, pg_typeof(big)::text, pg_typeof(f)::text, pg_typeof(d)::text, "
        "pg_typeof(s)::text, pg_typeof(ts)::text, pg_typeof(b)::text, pg_typeof(arr)::text, "
        "pg_typeof(tags)::text FROM t LIMIT 1",
    )
    assert row == [
        "integer",
        "bigint",
        "double precision",
        "numeric",
        "text",
        "timestamp without time zone",
        "boolean",
        "integer[]",
        "text[]",
    ]


def test_values_round_trip_exactly(pg_server: PostgresServer) -> None:
    from bson import Decimal128, Int64

    docs = [
        {"_id": 1, "i": 7, "big": Int64(9007199254740993), "f": -0.0, "d": Decimal128("0.1")},
        {"_id": 2, "f": 1e-300, "d": Decimal128("-12345678901234567890.123456789"), "doc": {"x": 3}},
        {"_id": 3, "ts": datetime(1969, 12, 31, 23, 59, 59, 999000), "arr": [], "tags": ["a", "on"]},
    ]
    with loaded_pg(pg_server, {"t": data.SCHEMA}, {"t": docs}) as pg:
        rows = run_pg(
            pg.conn, "SELECT _id, big, f, d, ts, arr, tags, doc.x, doc.y FROM t ORDER BY _id", pg.documents
        )
    assert rows.rows[0][1:4] == [9007199254740993, -0.0, Decimal("0.1")]
    assert str(rows.rows[0][2]) == "-0.0"
    assert rows.rows[1][2:4] == [1e-300, Decimal("-12345678901234567890.123456789")]
    assert rows.rows[1][7:] == [3, None]  # a missing member reads as NULL
    assert rows.rows[2][4:7] == [datetime(1969, 12, 31, 23, 59, 59, 999000), [], ["a", "on"]]
    assert rows.rows[0][7:] == [None, None]  # a missing document too


def test_rewrite_keeps_the_mongodb_side_sql() -> None:
    documents = {"profile", "items", "doc"}
    sql = "SELECT u.profile.location.city, items[0].price, tags[1], doc.x FROM users u WHERE a LIKE 'x%' AND n > :n"
    assert pg_sql(sql, documents, params=True) == (
        'SELECT ("u"."profile")."location"."city", ("items"[1])."price", "tags"[2], ("doc")."x" '
        'FROM "users" AS "u" WHERE "a" LIKE \'x%%\' AND "n" > %(n)s'
    )
    now = datetime(2024, 6, 15, 13, 45, 30)
    assert "CAST('2024-06-15' AS DATE)" in pg_sql("SELECT CURRENT_DATE", set(), now=now)


def test_numeric_columns_compare_exactly() -> None:
    q = Query(id="self", sql="SELECT a FROM t")
    expected = Result(["a"], ["numeric"], [[Decimal("2.6786885245901639")]], oracle="PostgreSQL")
    assert diff(q, expected, [{"a": Decimal("2.678688524590163934426229508")}]) is None
    assert diff(q, expected, [{"a": 2}]) is not None  # integer division where PostgreSQL divides in numeric
    assert diff(q, expected, [{"a": 2.678688524590164}]) is not None  # a double is not exact
    seven_tenths = Result(["a"], ["numeric"], [[Decimal("0.7")]], oracle="PostgreSQL")
    assert diff(q, seven_tenths, [{"a": Decimal("0.7")}]) is None
    assert diff(q, seven_tenths, [{"a": Decimal("0.8")}]) is not None
    assert Exact(Decimal("49")).matches(49) and not Exact(Decimal("49.17")).matches(49)


def test_double_columns_compare_with_tolerance_and_integers_by_type() -> None:
    q = Query(id="self", sql="SELECT a, n FROM t")
    expected = Result(["a", "n"], ["float8", "int8"], [[0.1 + 0.2, 3]], oracle="PostgreSQL")
    assert diff(q, expected, [{"a": 0.3, "n": 3}]) is None
    assert diff(q, expected, [{"a": 0.3, "n": 3.0}]) is not None


def test_order_is_compared_only_under_order_by() -> None:
    expected = Result(["a"], ["int4"], [[1], [2]], oracle="PostgreSQL")
    reversed_rows = [{"a": 2}, {"a": 1}]
    assert diff(Query(id="u", sql="SELECT a FROM t"), expected, reversed_rows) is None
    assert diff(Query(id="o", sql="SELECT a FROM t ORDER BY a"), expected, reversed_rows) is not None

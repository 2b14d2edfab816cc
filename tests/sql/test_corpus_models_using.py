"""``JOIN … USING (k)`` (the third corpus's ``o_cohort_month_offset``), generated against PostgreSQL
15: the join is ``ON a.k = b.k`` and an unqualified ``k`` is PostgreSQL's merged column, ``a.k`` in
an INNER or LEFT join, wherever the SELECT reads it (list, WHERE, GROUP BY, HAVING, ORDER BY)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.sql import LeafSQLError, compile_sql
from leaf_dagster.sql.catalog import as_catalog
from tests.sql.duck import ColType
from tests.sql.fuzz.oracle import run_one
from tests.sql.harness import loaded_both
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import PgDatabase

ORDERS: dict[str, ColType] = {"_id": "INTEGER", "k": "INTEGER", "amount": "DECIMAL", "d": "VARCHAR"}
USERS: dict[str, ColType] = {"_id": "INTEGER", "k": "INTEGER", "d": "VARCHAR", "name": "VARCHAR"}
KEYS = [1, 2, 2, 3, None, 5, 1, 7]


def _data() -> dict[str, list[dict[str, Any]]]:
    from decimal import Decimal

    from bson import Decimal128

    orders = [
        {"_id": i, "k": k, "amount": Decimal128(Decimal(i * 10) + Decimal("0.25")), "d": "xy"[i % 2]}
        for i, k in enumerate(KEYS)
    ]
    users = [
        {"_id": 100 + i, "k": k, "d": d, "name": f"n{i}"}
        for i, (k, d) in enumerate([(1, "x"), (2, "y"), (3, "x"), (None, "x"), (6, "y"), (2, "x")])
    ]
    return {"orders": orders, "users": users}


@pytest.fixture(scope="module")
def pair(
    pg_server: PostgresServer, mongo_client: MongoClient[Document]
) -> Iterator[tuple[PgDatabase, Database[Any]]]:
    with loaded_both(
        pg_server, mongo_client, "leaf_using", {"orders": ORDERS, "users": USERS}, _data()
    ) as both:
        yield both


RIGHTS = {
    "users u": "u",
    "(SELECT k, MIN(name) AS first_name FROM users GROUP BY k) u": "u",
}
SHAPES = [
    "SELECT o._id, k, u.{col} FROM orders o {join} {right} USING ({keys}) ORDER BY o._id, u.{col}",
    "SELECT k, COUNT(*) AS n FROM orders o {join} {right} USING ({keys}) GROUP BY k ORDER BY k",
    "SELECT k, SUM(o.amount) AS total FROM orders o {join} {right} USING ({keys}) WHERE k > 1 "
    "GROUP BY k HAVING COUNT(*) >= 1 ORDER BY k DESC",
    "SELECT o._id FROM orders o {join} {right} USING ({keys}) WHERE k IS NULL ORDER BY o._id",
    "SELECT COUNT(k) AS with_key, COUNT(u.k) AS matched FROM orders o {join} {right} USING ({keys})",
    "SELECT k AS k, o._id FROM orders o {join} {right} USING ({keys}) ORDER BY k, o._id",
]


def cases() -> list[str]:
    out = []
    for shape, join, (right, _) in itertools.product(
        SHAPES, ("JOIN", "INNER JOIN", "LEFT JOIN"), RIGHTS.items()
    ):
        col = "first_name" if right.startswith("(") else "name"
        out.append(shape.format(join=join, right=right, keys="k", col=col))
        if not right.startswith("("):
            out.append(shape.format(join=join, right=right, keys="k, d", col=col))
    return out


@pytest.mark.parametrize("catalog", [None, {"orders": {"k": "integer"}, "users": {"k": "integer"}}])
def test_join_using_agrees_with_postgresql(
    pair: tuple[PgDatabase, Database[Any]], catalog: dict[str, dict[str, str]] | None
) -> None:
    pg, db = pair
    outcomes = [(sql, run_one(pg, db, sql, as_catalog(catalog))) for sql in cases()]
    # the same rows as PostgreSQL, never "both failed"
    assert [(sql, o.kind, o.detail) for sql, o in outcomes if o.kind != "equal"] == []


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM orders o JOIN users u USING (k)",
        "SELECT o._id FROM orders o JOIN users u ON u._id = o.k JOIN users v USING (k)",
        "SELECT o._id AS k FROM orders o JOIN users u USING (k) ORDER BY k",
        "SELECT o._id FROM orders o RIGHT JOIN users u USING (k)",
    ],
)
def test_other_join_using_forms_are_refused(sql: str) -> None:
    with pytest.raises(LeafSQLError, match=r"USING|RIGHT"):
        compile_sql(sql)

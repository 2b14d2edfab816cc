"""NULL tests cheaper per row, proven against PostgreSQL 15 over NULL, missing and every number type.

Two mechanisms keep SQL's NULL rules with fewer operators per row:

- ``paths.nullness``: an accumulator that only tells whether a value was seen (SUM's NULL, COUNT,
  AVG's count) reads an expression that is NULL exactly when the argument is, without computing
  the argument (a catalog numeric field's reading per BSON type, a CASE's chosen value);
- ``predicates._false_on_null``: a comparison already false for a NULL side needs no NULL check
  (``s = 'b'``), and an irreflexive one with a constant reads a NULL side as that constant
  (``s <> 'b'`` as ``$ne: [{$ifNull: [s, 'b']}, 'b']``).

Generated queries: every comparison operator, both orientations, inside CASE, WHERE and
aggregates, over a DECIMAL field holding Decimal128, int32, int64, double, NULL and missing
values, and a text field with NULL and missing ones.
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
from leaf_dagster.schema import parse_ddl, sql_catalog
from leaf_dagster.sql import compile_sql
from leaf_dagster.sql.paths import nullness, numeric_read
from tests.sql.duck import ColType
from tests.sql.fuzz.oracle import assert_all_agree
from tests.sql.harness import loaded_both, store_doubles_as_numeric
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import PgDatabase

SCHEMA: dict[str, ColType] = {"_id": "INTEGER", "g": "INTEGER", "s": "VARCHAR", "x": "DECIMAL"}
DDL = """
CREATE DOCUMENT_SCHEMA sales (
  _id INTEGER PRIMARY KEY,
  g INTEGER,
  s VARCHAR(20),
  x DECIMAL
);
"""
CATALOG = sql_catalog(parse_ddl(DDL).schemas.values())
OPS = ("=", "<>", "<", ">", "<=", ">=")


def rows(seed: int = 31) -> list[Document]:
    """Groups where every value, some values or no value of ``x`` is NULL or missing, and where ``s``
    is NULL, missing, below, equal to and above the constants compared with."""
    rng = random.Random(seed)
    numbers: list[Any] = [
        Decimal128("12.50"), Decimal128("0.01"), Decimal128("-3.25"), 7, Int64(40), 2.5, 0.1, 1 / 3,
        Decimal128("9999.99"), Decimal128("2.00"), -1, 0,
    ]  # fmt: skip
    texts: list[Any] = ["a", "b", "c", "cancelled", "paid", "", None, "missing"]
    out: list[Document] = []
    for n in range(90):
        group = n % 9
        doc: Document = {"_id": n + 1, "g": group}
        if group == 0:  # x NULL or missing in the whole group
            x: Any = rng.choice((None, "missing"))
        elif group == 1:  # x present in the whole group
            x = rng.choice(numbers)
        else:
            x = rng.choice([*numbers, None, "missing"])
        if group == 2:  # s NULL or missing in the whole group
            s: Any = rng.choice((None, "missing"))
        else:
            s = rng.choice(texts)
        if x != "missing":
            doc["x"] = x
        if s != "missing":
            doc["s"] = s
        out.append(doc)
    return out


@pytest.fixture(scope="module")
def sales_db(
    pg_server: PostgresServer, mongo_client: MongoClient[Document]
) -> Iterator[tuple[PgDatabase, Database[Any]]]:
    docs = rows()
    with loaded_both(pg_server, mongo_client, "leaf_null_checks", {"sales": SCHEMA}, {"sales": docs}) as pair:
        store_doubles_as_numeric(pair[0], "sales", "x", docs)
        yield pair


def conditions() -> list[str]:
    """Every operator, with the constant on either side, on text and on the numeric field."""
    out = []
    for op in OPS:
        out += [f"s {op} 'b'", f"'b' {op} s", f"x {op} 2.5", f"2.5 {op} x", f"s {op} 'cancelled'"]
    return out


def queries(seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    out = []
    for cond in conditions():
        then = rng.choice(("x", "x * 2", "1", "x + 1"))
        other = rng.choice(("0", "NULL", "x", "-x"))
        case = f"CASE WHEN {cond} THEN {then} ELSE {other} END"
        bare = f"CASE WHEN {cond} THEN x END"  # no ELSE: NULL
        out += [
            f"SELECT g, SUM({case}) AS s, COUNT({case}) AS c, AVG({case}) AS a, MAX({case}) AS m "
            "FROM sales GROUP BY g ORDER BY g",
            f"SELECT g, SUM({bare}) AS s, COUNT({bare}) AS c, AVG({bare}) AS a FROM sales GROUP BY g ORDER BY g",
            f"SELECT _id, {case} AS v, {cond} AS t FROM sales ORDER BY _id",
            f"SELECT _id FROM sales WHERE {cond} ORDER BY _id",
            f"SELECT _id FROM sales WHERE NOT ({cond}) ORDER BY _id",
            f"SELECT SUM({bare}) AS s, COUNT(*) AS n FROM sales WHERE g = 0",
        ]
    for a, b in itertools.combinations(["s = 'b'", "s <> 'a'", "x > 0", "x < 10"], 2):
        out.append(
            f"SELECT g, SUM(CASE WHEN {a} AND {b} THEN x ELSE 0 END) AS v FROM sales GROUP BY g ORDER BY g"
        )
        out.append(f"SELECT g, COUNT(CASE WHEN {a} OR {b} THEN x END) AS v FROM sales GROUP BY g ORDER BY g")
    out += [
        "SELECT g, AVG(x) AS a, SUM(x) AS s, COUNT(x) AS c, MAX(x) AS m, MIN(x) AS lo FROM sales GROUP BY g ORDER BY g",
        "SELECT g, AVG(-x) AS a FROM sales GROUP BY g ORDER BY g",  # negative averages: the general path
        "SELECT g, AVG(x + 3) AS a, AVG(x * 1000) AS b FROM sales GROUP BY g ORDER BY g",
    ]
    return out


def test_cheaper_null_checks_agree_with_postgresql(sales_db: tuple[PgDatabase, Database[Any]]) -> None:
    pg, db = sales_db
    assert_all_agree(pg, db, queries(), catalog=CATALOG)
    assert_all_agree(pg, db, queries(seed=6), catalog=CATALOG)


def test_nullness_is_null_exactly_when_its_expression_is(mongo_client: MongoClient[Document]) -> None:
    """On the server, for each kind of value: ``nullness(e)`` is NULL (or missing) iff ``e`` is."""
    db = mongo_client["leaf_nullness"]
    db.drop_collection("v")
    values: list[Any] = [Decimal128("1.5"), 3, Int64(4), 2.5, -0.0, float("nan"), "text", None, True]
    db.v.insert_many([{"_id": n, "x": v} for n, v in enumerate(values)] + [{"_id": len(values)}])
    switch = {
        "$switch": {"branches": [{"case": {"$gt": ["$_id", 3]}, "then": numeric_read("$x")}], "default": 0}
    }
    expressions = [
        numeric_read("$x"),
        numeric_read({"$ifNull": ["$x", None]}),  # not a field path: the $let form
        switch,
        {
            "$switch": {
                "branches": [{"case": {"$lt": ["$_id", 5]}, "then": numeric_read("$x")}],
                "default": None,
            }
        },
        {"$cond": [{"$eq": [{"$mod": ["$_id", 2]}, 0]}, numeric_read("$x"), "$x"]},
    ]
    for expr in expressions:
        cheap = nullness(expr)
        assert cheap != expr or expr is switch  # something was saved
        got = list(db.v.aggregate([{"$project": {"e": expr, "n": cheap}}, {"$sort": {"_id": 1}}]))
        for row in got:
            assert (row.get("e") is None) == (row.get("n") is None), (expr, row)
    db.drop_collection("v")


def test_seen_and_counted_do_not_read_the_numeric_value() -> None:
    """The orders rollup's shape: AVG's count and SUM's NULL tracker test the field, not its
    numeric reading; ``s = 'c'`` and ``s <> 'c'`` take no NULL check of their own."""
    sql = (
        "SELECT g, SUM(CASE WHEN s <> 'c' THEN x ELSE 0 END) AS a, SUM(CASE WHEN s = 'c' THEN 1 ELSE 0 END) AS b, "
        "AVG(x) AS c, MAX(x) AS d FROM sales GROUP BY g"
    )
    group = compile_sql(sql, catalog=CATALOG).pipeline[0]["$group"]
    read = numeric_read("$x")
    uses = [name for name, spec in group.items() if read in _walk(spec)]
    assert len(uses) == 3, group  # SUM(CASE …), SUM(x) for AVG, MAX(x): each value read once
    text = repr(group)
    assert "{'$ifNull': ['$s', None]}" not in text and "{'$ifNull': ['$s', 'c']}" in text


def _walk(x: Any) -> Iterator[Any]:
    yield x
    if isinstance(x, dict):
        for v in x.values():
            yield from _walk(v)
    elif isinstance(x, list):
        for v in x:
            yield from _walk(v)


@pytest.mark.parametrize("value", [Decimal("0.5"), Decimal("2.000000000000000049"), Decimal("9999.99995")])
def test_avg_near_the_fast_paths_bounds(sales_db: tuple[PgDatabase, Database[Any]], value: Decimal) -> None:
    """Averages just inside and outside the fast path's (2, 10000), both signs."""
    pg, db = sales_db
    queries = [
        f"SELECT AVG(v) AS a FROM (SELECT CAST({sign}{value} AS NUMERIC) AS v FROM sales WHERE _id <= 3) AS t"
        for sign in ("", "-")
    ]
    assert_all_agree(pg, db, queries)

"""Quoted literals beside array fields, generated and compared with PostgreSQL 15.

PostgreSQL reads a quoted literal compared with an array column as an array literal of the column's
type (``tags = '{vip}'``, ``'{}' <> tags``, ``n = '{1,NULL}'``): quoting, NULL elements and
whitespace included. Without a catalog the field is an array only per value, so the literal is read
as an array where the value is one (its elements typed by the value's elements) and as before
elsewhere. What is not read exactly (nested arrays, dimension decorations) is refused.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.sql import LeafSQLError, compile_sql
from leaf_dagster.sql.literals import Unreadable, UnsupportedArray, parse_array
from tests.sql.duck import ColType
from tests.sql.fuzz.oracle import assert_all_agree
from tests.sql.harness import loaded_both
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import PgDatabase

COLLECTION = "a"
SCHEMA: dict[str, ColType] = {"_id": "INTEGER", "t": ["VARCHAR"], "n": ["INTEGER"], "s": "VARCHAR"}
ROWS: list[Document] = [
    {"_id": 1, "t": ["vip"], "n": [1], "s": "{vip}"},
    {"_id": 2, "t": [], "n": [], "s": "{}"},
    {"_id": 3, "t": ["a", "b"], "n": [1, 2], "s": "a"},
    {"_id": 4, "t": None, "n": None, "s": None},
    {"_id": 5},
    {"_id": 6, "t": ["a b", "c"], "n": [2, 1], "s": "{a b,c}"},
    {"_id": 7, "t": ["a", None], "n": [1, None], "s": "NULL"},
    {"_id": 8, "t": ["NULL"], "n": [30], "s": ""},
    {"_id": 9, "t": ["b", "a"], "n": [-5, 7], "s": "b"},
    {"_id": 10, "t": ['x"y', "{z}"], "n": [0], "s": "x"},
]
LITERALS = ["'{}'", "'{vip}'", "'{a,b}'", "' { a , b } '", "'{\"a b\",c}'", "'{a,NULL}'", "'{\"NULL\"}'",
            "'{NULL}'", "'{1}'", "'{1,2}'", "'{30}'", "'{2.5}'", "'vip'", "'{a,,b}'",
            "'{\"x\\\"y\",\"{z}\"}'"]  # fmt: skip
FIELDS = ["t", "n", "s"]
OPS = ["=", "<>"]


@pytest.fixture(scope="module")
def arrays_db(
    pg_server: PostgresServer, mongo_client: MongoClient[Document]
) -> Iterator[tuple[PgDatabase, Database[Any]]]:
    with loaded_both(
        pg_server, mongo_client, "leaf_arrays", {COLLECTION: SCHEMA}, {COLLECTION: ROWS}
    ) as pair:
        yield pair


def cases() -> list[str]:
    out = []
    for lit, f, op in itertools.product(LITERALS, FIELDS, OPS):
        out.append(f"SELECT _id FROM {COLLECTION} WHERE {f} {op} {lit} ORDER BY _id")  # $match
        out.append(f"SELECT _id, {lit} {op} {f} AS c FROM {COLLECTION} ORDER BY _id")  # $expr
        out.append(f"SELECT COUNT(*) AS c FROM {COLLECTION} WHERE NOT ({f} {op} {lit}) OR _id = 1")
    for lit, f in itertools.product(LITERALS, ("t", "n")):
        out.append(f"SELECT _id, {f} @> {lit} AS c FROM {COLLECTION} ORDER BY _id")
        out.append(f"SELECT _id, {lit} <@ {f} AS c FROM {COLLECTION} ORDER BY _id")
        out.append(f"SELECT _id FROM {COLLECTION} WHERE {lit} && {f} ORDER BY _id")
    return out


def test_a_quoted_literal_beside_an_array_is_an_array_literal(
    arrays_db: tuple[PgDatabase, Database[Any]],
) -> None:
    pg, db = arrays_db
    assert_all_agree(pg, db, cases())


@pytest.mark.parametrize(
    ("text", "expected"),
    [("{}", []), (" {} ", []), ("{vip}", ["vip"]), ('{ a , "b c" ,NULL, "NULL"}', ["a", "b c", None, "NULL"]),
     ('{"x\\"y"}', ['x"y']), ("{a b}", ["a b"])],
)  # fmt: skip
def test_array_literal_syntax(text: str, expected: list[str | None]) -> None:
    assert parse_array(text) == expected


@pytest.mark.parametrize("text", ["vip", "{a,,b}", '{a"b}', '{"a"b}', "{a", "{a}b}", "{,}"])
def test_malformed_array_literals(text: str) -> None:
    with pytest.raises(Unreadable, match="malformed array literal"):
        parse_array(text)


@pytest.mark.parametrize("literal", ["'{{a},{b}}'", "'[1:1]={a}'", "'{a\\,b}'"])
def test_array_literals_not_read_exactly_are_refused_with_their_position(literal: str) -> None:
    for sql in (
        f"SELECT COUNT(*) FROM users WHERE tags = {literal}",
        f"SELECT tags <> {literal} AS c FROM users",
    ):
        with pytest.raises(LeafSQLError, match=r"array literal.*not supported.*line 1"):
            compile_sql(sql)
    with pytest.raises(UnsupportedArray):
        parse_array(literal.strip("'"))


def test_containment_of_two_quoted_literals_is_refused() -> None:
    with pytest.raises(LeafSQLError, match="could not determine polymorphic type"):
        compile_sql("SELECT '{a}' @> '{a}' AS c FROM users")

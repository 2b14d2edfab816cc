"""Issue 11's JSON on PostgreSQL 15 (a jsonb column) and on MongoDB (the same values as embedded
documents and arrays): ->, ->>, #>, #>>, JSON_AGG/JSONB_AGG with ORDER BY, JSON_OBJECT_AGG,
JSONB_BUILD_ARRAY and TO_JSONB(row), with JSON nulls, missing members, non-documents and no rows.

The shared loader maps documents to composite types, where these operators do not apply, so this
module loads its own collection and table (``j`` is jsonb there)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from bson import Decimal128, Int64
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.sql import LeafSQLError, compile_sql, run_sql
from leaf_dagster.sql.runner import SqlRuntimeError
from tests.sql.harness import Query, Result, diff
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import run_pg

DOCS: list[dict[str, Any]] = [
    {
        "_id": 1,
        "g": "x",
        "k": "one",
        "v": 10,
        "j": {
            "a": 1,
            "s": "hello",
            "i": 42,
            "b": True,
            "dec": Decimal128("1.50"),
            "arr": [10, 20, 30],
            "nested": {"x": "deep", "y": [1, 2]},
        },
    },
    {
        "_id": 2,
        "g": "x",
        "k": "two",
        "v": None,
        "j": {"a": {"b": 2}, "s": "", "i": -7, "b": False, "n": None, "arr": [], "nested": {"x": None}},
    },
    {
        "_id": 3,
        "g": "y",
        "k": "three",
        "v": 30,
        "j": {"arr": ["x", None, {"k": 1}], "nested": "flat", "i": Int64(2**62)},
    },
    {"_id": 4, "g": "y", "v": 40},
    {"_id": 5, "g": "y", "k": None, "v": 50, "j": None},
    {"_id": 6, "g": "z", "k": "six", "j": [1, 2, 3]},
    {"_id": 7, "g": "z", "k": "seven", "v": 70, "j": "scalar"},
    {"_id": 8, "k": "eight", "v": -8, "j": {"s": "hello", "dec": Decimal128("-0.001"), "a": 2.5}},
]


def _json_text(v: Any) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_json_text(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_json_text(x) for x in v) + "]"
    if isinstance(v, Decimal128):
        return str(v.to_decimal())
    if isinstance(v, float):
        return repr(v)
    return json.dumps(v)


@pytest.fixture(scope="module")
def json_env(
    mongo_client: MongoClient[Document], pg_server: PostgresServer
) -> Iterator[tuple[Database[Document], Any]]:
    name = f"leaf_json_{uuid.uuid4().hex[:10]}"
    db = mongo_client[name]
    db["docs"].insert_many([dict(d) for d in DOCS])
    schema = f"leaf_json_{uuid.uuid4().hex[:10]}"
    with pg_server.connect() as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        conn.execute(f'SET search_path = "{schema}"')
        conn.execute('CREATE TABLE docs ("_id" integer, "g" text, "k" text, "v" integer, "j" jsonb)')
        for d in DOCS:
            j = d.get("j")
            conn.execute(
                "INSERT INTO docs VALUES (%s, %s, %s, %s, %s::jsonb)",
                [d["_id"], d.get("g"), d.get("k"), d.get("v"), None if j is None else _json_text(j)],
            )
        try:
            yield db, conn
        finally:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
            mongo_client.drop_database(name)


def Q(id: str, sql: str) -> Query:
    return Query(id=id, sql=" ".join(sql.split()))


QUERIES = [
    Q(
        "arrow_members",
        "SELECT _id, j -> 'a' AS a, j -> 'arr' AS arr, j -> 'nested' -> 'x' AS x, j -> 'n' AS n, "
        "j -> 'nope' AS nope FROM docs ORDER BY _id",
    ),
    Q(
        "arrow_indexes",
        "SELECT _id, j -> 'arr' -> 0 AS first, j -> 'arr' -> -1 AS last, j -> 'arr' -> 10 AS far, "
        "j -> 1 AS second, j -> 'arr' -> 2 -> 'k' AS k, j -> 'arr' -> '0' AS text_key, "
        "j #> '{arr,0}' AS path_index FROM docs ORDER BY _id",
    ),
    Q(
        "arrow_text",
        "SELECT _id, j ->> 's' AS s, j ->> 'i' AS i, j ->> 'b' AS b, j ->> 'n' AS n, j ->> 'dec' AS d, "
        "j -> 'nested' ->> 'x' AS x, j -> 'arr' ->> 0 AS a0 FROM docs WHERE _id <> 3 ORDER BY _id",
    ),
    Q(
        "path_operators",
        "SELECT _id, j #>> '{nested,x}' AS x, j #>> '{arr,1}' AS a1, j #> '{nested}' AS nd, "
        "j #> '{nested,y,1}' AS y1 FROM docs WHERE _id IN (2, 7) OR _id > 7 ORDER BY _id",
    ),
    Q(
        "arrow_in_where",
        "SELECT _id FROM docs WHERE j ->> 's' = 'hello' AND (j ->> 'i') IS NULL ORDER BY _id",
    ),
    Q(
        "json_agg_ordered",
        "SELECT JSON_AGG(v ORDER BY _id DESC) AS a, JSONB_AGG(k ORDER BY k NULLS FIRST) AS b, "
        "JSON_AGG((j -> 'a') ORDER BY _id) AS c FROM docs",
    ),
    Q(
        "json_agg_grouped",
        "SELECT g, JSON_AGG(v ORDER BY _id) AS a, JSONB_AGG(_id ORDER BY _id DESC) AS b FROM docs GROUP BY g",
    ),
    Q(
        "json_agg_no_rows",
        "SELECT JSON_AGG(v ORDER BY _id) AS a, JSON_OBJECT_AGG(k, v) AS o FROM docs WHERE _id < 0",
    ),
    Q(
        "json_object_agg",
        "SELECT g, JSON_OBJECT_AGG(k, v) AS o, JSONB_OBJECT_AGG(k, (j -> 'i')) AS p FROM docs "
        "WHERE k IS NOT NULL GROUP BY g",
    ),
    Q(
        "jsonb_build_array",
        "SELECT _id, JSONB_BUILD_ARRAY(_id, k, v, NULL, 'x') AS arr FROM docs ORDER BY _id",
    ),
    Q("to_jsonb_row", "SELECT TO_JSONB(d) AS r FROM docs d WHERE _id <> 3"),
]


@pytest.mark.parametrize("query", [pytest.param(q, id=q.id) for q in QUERIES])
def test_same_rows_as_postgresql(json_env: tuple[Database[Document], Any], query: Query) -> None:
    db, conn = json_env
    pg = run_pg(conn, query.sql, set())
    expected = Result(pg.columns, pg.types, pg.rows, oracle="PostgreSQL")
    difference = diff(query, expected, run_sql(db, query.sql))
    assert difference is None, f"{query.id}: {query.sql}\n{difference}"


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT j ->> 'nested' AS t FROM docs WHERE _id = 1",  # jsonb prints objects its own way
        "SELECT j ->> 'a' AS t FROM docs WHERE _id = 8",  # a double
        "SELECT JSON_OBJECT_AGG(k, v) AS o FROM docs",  # a NULL key
    ],
)
def test_what_bson_cannot_say_fails_on_the_server(json_env: tuple[Database[Document], Any], sql: str) -> None:
    db, _ = json_env
    with pytest.raises(SqlRuntimeError, match=r"not supported|must not be null"):
        run_sql(db, sql)


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("SELECT j -> k FROM docs", "constant text or integer"),
        ("SELECT j #> '{a,\"b c\"}' FROM docs", "quoted"),
        ("SELECT LOWER(k) -> 'a' FROM docs", "documents and arrays"),
        ("SELECT JSONB_BUILD_ARRAY(NOW()) FROM docs", "CAST it to TEXT"),
        ("SELECT JSON_AGG(CAST(k AS TIMESTAMP)) FROM docs", "CAST it to TEXT"),
        ("SELECT JSON_OBJECT_AGG(k, CURRENT_DATE) FROM docs", "CAST it to TEXT"),
        ("SELECT JSON_OBJECT_AGG(k, j -> 'i') FROM docs", "in parentheses"),
    ],
)
def test_refusals(sql: str, words: str) -> None:
    with pytest.raises(LeafSQLError, match=words):
        compile_sql(sql)

"""A small differential setup for the text, regex and array tests: one collection ``w`` in MongoDB and
the same rows in PostgreSQL 15, compared with the harness's exact rules."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.sql import run_sql
from tests.sql.duck import ColType
from tests.sql.harness import Query, Result, diff
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import PgDatabase, loaded_pg, run_pg

SCHEMA: dict[str, ColType] = {
    "_id": "INTEGER",
    "s": "VARCHAR",
    "p": "VARCHAR",
    "n": "INTEGER",
    "tags": ["VARCHAR"],
    "nums": ["INTEGER"],
}

TEXTS = [
    "hello world",
    "héllo wörld",
    "ÉCOLE d'été",
    "a,b,,c",
    "",
    " x ",
    "中a文b",
    "ǆemal ßtraße",
    "abc123def",
    "foo_bar-baz9Qux",
    "Ab\nc",
    "ŉ ǅx",
]

ROWS: list[dict[str, Any]] = [
    {"_id": 1, "s": TEXTS[0], "p": ",", "n": 3, "tags": ["x", "y"], "nums": [1, 2, 3]},
    {"_id": 2, "s": TEXTS[1], "p": "ö", "n": -2, "tags": ["y", None], "nums": [2, None]},
    {"_id": 3, "s": TEXTS[2], "p": "", "n": 0, "tags": [], "nums": []},
    {"_id": 4, "s": TEXTS[3], "p": ",", "n": 1, "tags": [None], "nums": [None]},
    {"_id": 5, "s": TEXTS[4], "p": "x", "n": 2, "tags": ["x"], "nums": [3, 3]},
    {"_id": 6, "s": TEXTS[5], "p": None, "n": None, "tags": None, "nums": None},
    {"_id": 7},
    {"_id": 8, "s": TEXTS[6], "p": "a", "n": 12, "tags": ["z", "x", "x"], "nums": [5, 1]},
    {"_id": 9, "s": TEXTS[7], "p": "ß", "n": -1, "tags": ["on"], "nums": [1]},
    {"_id": 10, "s": TEXTS[8], "p": "1", "n": 5, "tags": ["x", "y", "z"], "nums": [0, -1, 2]},
    {"_id": 11, "s": TEXTS[9], "p": "_", "n": -5, "tags": ["Y"], "nums": [4]},
    {"_id": 12, "s": TEXTS[10], "p": "\n", "n": 4, "tags": ["y", "y"], "nums": [2, 2, None]},
    {"_id": 13, "s": TEXTS[11], "p": " ", "n": 20, "tags": ["ǆ"], "nums": [7]},
]


@dataclass
class TextEnv:
    db: Database[Any]
    pg: PgDatabase

    def check(self, sql: str, **kwargs: Any) -> None:
        q = Query(id="text", sql=sql, **kwargs)
        res = run_pg(self.pg.conn, sql, self.pg.documents, params=q.params, now=q.now)
        expected = Result(res.columns, res.types, res.rows, oracle="PostgreSQL")
        got = run_sql(self.db, sql, params=q.params, now=q.now)
        problem = diff(q, expected, got)
        assert problem is None, f"{sql}\n{problem}"

    def pg_rows(self, sql: str) -> list[list[Any]]:
        return run_pg(self.pg.conn, sql, self.pg.documents).rows


def loaded_text_env(mongo_client: MongoClient[Any], pg_server: PostgresServer) -> Iterator[TextEnv]:
    """For a module-scoped fixture: the rows loaded in both servers, dropped afterwards."""
    name = f"leaf_text_{uuid.uuid4().hex[:10]}"
    db = mongo_client[name]
    db.w.insert_many([dict(r) for r in ROWS])
    try:
        with loaded_pg(pg_server, {"w": SCHEMA}, {"w": ROWS}) as pg:
            yield TextEnv(db, pg)
    finally:
        mongo_client.drop_database(name)

"""One loaded data set per test module: the same documents in MongoDB, in a PostgreSQL schema of its
own (the oracle) and in an in-memory DuckDB (the fallback oracle)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from pymongo import MongoClient

from leaf_dagster.connection import Document
from tests.sql import duck
from tests.sql.datagen import datasets
from tests.sql.harness import Env, load_mongo
from tests.sql.pg import PostgresServer
from tests.sql.pgsql import loaded_pg


@pytest.fixture(scope="module")
def sql_env(mongo_client: MongoClient[Document], pg_server: PostgresServer) -> Iterator[Env]:
    data = datasets()
    name = f"leaf_sqldiff_{uuid.uuid4().hex[:12]}"
    db = mongo_client[name]
    load_mongo(db, data)
    con = duck.connect(data)
    try:
        with loaded_pg(pg_server, duck.SCHEMAS, data) as pg:
            yield Env(con, db, pg)
    finally:
        con.close()
        mongo_client.drop_database(name)

"""One loaded data set per test module: the same documents in MongoDB and in an in-memory DuckDB."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from pymongo import MongoClient

from leaf_dagster.connection import Document
from tests.sql import duck
from tests.sql.datagen import datasets
from tests.sql.harness import Env, load_mongo


@pytest.fixture(scope="module")
def sql_env(mongo_client: MongoClient[Document]) -> Iterator[Env]:
    data = datasets()
    name = f"leaf_sqldiff_{uuid.uuid4().hex[:12]}"
    db = mongo_client[name]
    load_mongo(db, data)
    con = duck.connect(data)
    try:
        yield Env(con, db)
    finally:
        con.close()
        mongo_client.drop_database(name)

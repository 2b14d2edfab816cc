"""Shared fixtures: one real server per test session, one fresh database per test.

With ``LEAF_MONGODB_URI`` set, the suite runs against that server and starts nothing; every test
still works in its own database, so a shared real MongoDB is safe to use.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# The sample data (pipelines/datagen.py) is live by default: the last 14 days. The tests assert on
# values seeded from a fixed first day, and the example's partitions start there too.
os.environ.setdefault("LEAF_SAMPLE_START", "2024-09-14")

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import ENV_URI, Document
from leaf_dagster.embedded import EmbeddedServer
from tests.sql.pg import PostgresServer


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get(ENV_URI)
    if external:
        yield external
        return
    server = EmbeddedServer(tmp_path_factory.mktemp("secantus") / "data")
    server.start()
    try:
        yield server.uri
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """PostgreSQL 15, the differential tests' oracle: its own process on a unix socket."""
    with PostgresServer() as server:
        yield server


@pytest.fixture(scope="session")
def mongo_client(mongo_uri: str) -> Iterator[MongoClient[Document]]:
    client: MongoClient[Document] = MongoClient(mongo_uri, serverSelectionTimeoutMS=10000)
    yield client
    client.close()


@pytest.fixture
def db(mongo_client: MongoClient[Document]) -> Iterator[Database[Document]]:
    """A database of this test's own, dropped afterwards."""
    name = f"leaf_test_{uuid.uuid4().hex[:12]}"
    yield mongo_client[name]
    mongo_client.drop_database(name)

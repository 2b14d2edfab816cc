from __future__ import annotations

import pytest
from pymongo import MongoClient

from leaf_dagster.connection import (
    LeafConnectionError,
    connect,
    redact_uri,
    resolve_db_name,
    resolve_uri,
)
from leaf_dagster.embedded import free_port


def test_db_resolution_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEAF_MONGODB_DB", raising=False)
    assert resolve_db_name("mongodb://h:1/") == "leaf"
    assert resolve_db_name("mongodb://h:1/shop") == "shop"
    monkeypatch.setenv("LEAF_MONGODB_DB", "envdb")
    assert resolve_db_name("mongodb://h:1/shop") == "envdb"
    assert resolve_db_name("mongodb://h:1/shop", "explicit") == "explicit"


def test_missing_uri_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEAF_MONGODB_URI", raising=False)
    with pytest.raises(LeafConnectionError, match="LEAF_MONGODB_URI"):
        resolve_uri(None)


def test_password_never_shown() -> None:
    assert redact_uri("mongodb://alice:s3cret@h:1/db") == "mongodb://alice:***@h:1/db"
    with pytest.raises(LeafConnectionError) as info:
        connect("mongodb://alice:s3cret@h:1/db?bogusOption=", timeout_ms=200)
    assert "s3cret" not in str(info.value)


def test_bad_uri_is_a_clear_error() -> None:
    with pytest.raises(LeafConnectionError, match="invalid MongoDB URI"):
        connect("postgres://localhost:5432")


def test_dead_server_is_a_clear_error() -> None:
    uri = f"mongodb://127.0.0.1:{free_port()}/"
    with pytest.raises(LeafConnectionError, match="did not answer"):
        connect(uri, timeout_ms=300)


def test_real_server_round_trip(mongo_client: MongoClient[dict[str, object]], db: object) -> None:
    from pymongo.database import Database

    assert isinstance(db, Database)
    db.things.insert_many([{"n": i} for i in range(5)])
    assert db.things.count_documents({"n": {"$gte": 2}}) == 3

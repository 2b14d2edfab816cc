"""``make demo`` reseeds only a server it started itself (or the one ``LEAF_MONGODB_URI`` names):
a server already answering on its port is reused only when its identity marker matches."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pymongo import MongoClient

from leaf_dagster.connection import ENV_URI
from leaf_dagster.embedded import IDENTITY_COLLECTION, IDENTITY_DB, EmbeddedServer, free_port, ping
from pipelines import demo


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh working directory (the demo's .leaf/ is relative), no URI, a free demo port."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(ENV_URI, raising=False)
    monkeypatch.setenv(demo.PORT_ENV, str(free_port()))
    return tmp_path


def test_reuses_only_its_own_server(checkout: Path) -> None:
    with demo.mongodb() as uri:
        marker = json.loads((checkout / ".leaf" / "server.identity.json").read_text())
        client: MongoClient[dict[str, object]] = MongoClient(uri)
        stored = client[IDENTITY_DB][IDENTITY_COLLECTION].find_one({"_id": "server"})
        client.close()
        assert stored is not None and stored["token"] == marker["token"] and marker["pid"]
        with demo.mongodb() as again:  # its own server answers: reused, not restarted
            assert again == uri
    assert not ping(uri)  # the demo stops the server it started


def test_refuses_a_foreign_server_on_its_port(checkout: Path) -> None:
    port = int(os.environ[demo.PORT_ENV])
    with EmbeddedServer(checkout / "someone-else", port):  # another checkout's server, say
        with (
            pytest.raises(demo.ForeignServerError, match="not this checkout's demo server") as info,
            demo.mongodb(),
        ):
            pass
        assert "LEAF_PORT" in info.value.hint and ENV_URI in info.value.hint
        # And the demo program says it in one line with a hint, exit 2, touching nothing.
        assert demo.main(["--users", "3", "--days", "1"]) == 2
        client: MongoClient[dict[str, object]] = MongoClient(
            f"mongodb://127.0.0.1:{port}/?directConnection=true"
        )
        assert "leaf" not in client.list_database_names()
        client.close()


def test_a_named_uri_is_used_as_given(checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_URI, "mongodb://example.invalid:1/")
    with demo.mongodb() as uri:
        assert uri == "mongodb://example.invalid:1/"
    assert not (checkout / ".leaf").exists()

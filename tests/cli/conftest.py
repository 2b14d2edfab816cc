"""Fixtures of the CLI tests: a server requiring authentication, with one provisioned user."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from leaf_dagster.embedded import EmbeddedServer

USER = "leafadm"
# Distinctive, and full of the characters that break naive redaction: / @ : % and a space.
PASSWORD = "Sc4n/Pw@d:%Zq9 Xy!"


@dataclass(frozen=True)
class AuthServer:
    server: EmbeddedServer
    uri: str  # with the credentials
    anonymous_uri: str  # without: commands other than ping are refused

    def wrong_password_uri(self) -> str:
        return self.server.uri_for(USER, "Wr0ng/Pw@" + PASSWORD[::-1])


@pytest.fixture(scope="session")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthServer]:
    """An embedded server started with ``--auth`` (SCRAM-SHA-256) and the user ``leafadm``."""
    data: Path = tmp_path_factory.mktemp("secantus-auth") / "data"
    server = EmbeddedServer(data)
    server.start()
    try:
        server.create_user(USER, PASSWORD)
        server.restart(auth=True)
        yield AuthServer(server, server.uri_for(USER, PASSWORD), server.uri)
    finally:
        server.stop()

"""Fixtures of the migration tests: a folder of revisions per test, and a private server."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from leaf_dagster.embedded import EmbeddedServer

# A revision whose up() counts how many times it ran on each document: a document migrated twice
# would show touches == 2.
COUNTING_REVISION = '''
"""Counts applications per document."""

id = "{rid}"
collection = "{collection}"
from_version = "1.0.0"
to_version = "2.0.0"
depends_on = []


def up(doc):
    {fail_clause}
    doc["touches"] = doc.get("touches", 0) + 1
    doc["name_upper"] = doc["full_name"].upper()
    return doc


def down(doc):
    doc.pop("name_upper", None)
    if doc.get("touches") == 1:
        doc.pop("touches")
    else:
        doc["touches"] -= 1
    return doc
'''

WriteRevision = Callable[..., Path]


@pytest.fixture
def write_revision(tmp_path: Path) -> WriteRevision:
    """Writes a revision file into ``tmp_path/migrations`` and returns the folder."""
    folder = tmp_path / "migrations"
    folder.mkdir(exist_ok=True)

    def write(name: str, text: str) -> Path:
        (folder / name).write_text(textwrap.dedent(text))
        return folder

    return write


@pytest.fixture
def counting_revision(write_revision: WriteRevision) -> Callable[..., Path]:
    def make(rid: str = "count_v2", collection: str = "users", fail_every: int = 0) -> Path:
        fail_clause = (
            f'if doc["_id"] % {fail_every} == 7:\n        raise ValueError(f"cannot split {{doc[\'_id\']}}")'
            if fail_every
            else "pass"
        )
        text = COUNTING_REVISION.format(rid=rid, collection=collection, fail_clause=fail_clause)
        return write_revision(f"{rid}.py", text)

    return make


@pytest.fixture
def private_server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    """A server of this test's own (port, data dir), for stopping and restarting it."""
    server = EmbeddedServer(tmp_path / "server-data")
    server.start()
    try:
        yield server
    finally:
        server.stop()

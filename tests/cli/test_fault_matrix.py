"""Every command against every fault: one ``error:`` line, one ``hint:`` line, the right exit code,
no traceback and no password, whatever breaks.

The matrix is generated: COMMANDS × FAULTS, minus the pairs where a fault cannot apply (a file fault
for a command without a file). Each cell runs the real command in process against a real server
(the ``--auth`` one of conftest.py), an unreachable port, or a real broken input file.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from leaf_dagster.cli import main
from leaf_dagster.embedded import free_port
from tests.cli.conftest import PASSWORD, USER, AuthServer

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "pipelines" / "schemas" / "users.ddl"
MIGRATIONS = ROOT / "pipelines" / "migrations"


@dataclass(frozen=True)
class Inputs:
    """What a command line is made of; a fault replaces some of it."""

    uri: str
    db: str = "leaf_matrix"
    schema: Path = SCHEMA
    migrations: Path = MIGRATIONS
    collection: str = "users"


@dataclass(frozen=True)
class Command:
    name: str
    args: Callable[[Inputs], list[str]]
    files: bool = True  # takes a DDL file or a migrations folder
    collection: bool = False  # takes a collection name


def _conn(i: Inputs) -> list[str]:
    return ["--uri", i.uri, "--db", i.db]


COMMANDS = [
    Command("migrate status", lambda i: ["migrate", "status", "--path", str(i.migrations), *_conn(i)]),
    Command("migrate plan", lambda i: ["migrate", "plan", "--path", str(i.migrations), *_conn(i)]),
    Command("migrate up", lambda i: ["migrate", "up", "--path", str(i.migrations), *_conn(i)]),
    Command(
        "migrate up --dry-run",
        lambda i: ["migrate", "up", "--dry-run", "--path", str(i.migrations), *_conn(i)],
    ),
    Command(
        "migrate down",
        lambda i: ["migrate", "down", "migration_20240815_v2", "--path", str(i.migrations), *_conn(i)],
    ),
    Command("schema apply", lambda i: ["schema", "apply", str(i.schema), *_conn(i)]),
    Command("schema apply --dry-run", lambda i: ["schema", "apply", str(i.schema), "--dry-run", *_conn(i)]),
    Command(
        "schema stats",
        lambda i: ["schema", "stats", i.collection, "--schema", str(i.schema), *_conn(i)],
        collection=True,
    ),
    Command(
        "validate",
        lambda i: ["validate", i.collection, "--schema", str(i.schema), *_conn(i)],
        collection=True,
    ),
    Command(
        "sql",
        lambda i: ["sql", f'SELECT COUNT(*) AS n FROM "{i.collection}"', *_conn(i)],
        files=False,
        collection=True,
    ),
]


@dataclass(frozen=True)
class Fault:
    name: str
    inputs: Callable[[AuthServer, Path], Inputs]
    needs: str = ""  # "files" or "collection": only commands taking one
    code: int = 2


def _non_utf8(tmp: Path) -> tuple[Path, Path]:
    ddl = tmp / "latin1.ddl"
    ddl.write_bytes(SCHEMA.read_bytes().replace(b"-- ", "-- café ".encode("latin-1"), 1))
    folder = tmp / "migrations"
    shutil.copytree(MIGRATIONS, folder)
    sql = folder / "migrate_users_v2_to_v3.sql"
    sql.write_bytes(sql.read_bytes().replace(b"-- ", "-- déjà ".encode("latin-1"), 1))
    return ddl, folder


def _non_utf8_inputs(server: AuthServer, tmp: Path) -> Inputs:
    ddl, folder = _non_utf8(tmp)
    return Inputs(server.uri, schema=ddl, migrations=folder)


def _unreachable(server: AuthServer, tmp: Path) -> Inputs:
    return Inputs(
        server.server.uri_for(USER, PASSWORD).replace(f":{server.server.port}/", f":{free_port()}/")
    )


FAULTS = [
    Fault("requires authentication", lambda s, t: Inputs(s.anonymous_uri)),
    Fault("wrong password", lambda s, t: Inputs(s.wrong_password_uri())),
    Fault("unreachable host", _unreachable),
    Fault(
        "malformed URI, raw password",
        lambda s, t: Inputs(f"mongodb://{USER}:{PASSWORD}@127.0.0.1:{s.server.port}/?directConnection=true"),
    ),
    Fault("malformed URI, slash in password", lambda s, t: Inputs("mongodb://user:Sl4sh/Pw88@127.0.0.1:1/")),
    Fault(
        "unreadable tlsCertificateKeyFile",
        lambda s, t: Inputs(s.uri + f"&tls=true&tlsCertificateKeyFile={t / 'missing' / 'client.pem'}"),
    ),
    Fault("database name with $ and .", lambda s, t: Inputs(s.uri, db="bad$db.name")),
    Fault("collection name with $", lambda s, t: Inputs(s.uri, collection="bad$coll"), needs="collection"),
    Fault(
        "file not UTF-8",
        _non_utf8_inputs,
        needs="files",
    ),
]


def _applies(command: Command, fault: Fault) -> bool:
    return not fault.needs or getattr(command, fault.needs)


CELLS = [
    pytest.param(command, fault, id=f"{command.name} × {fault.name}")
    for command in COMMANDS
    for fault in FAULTS
    if _applies(command, fault)
]


@pytest.mark.parametrize(("command", "fault"), CELLS)
def test_every_command_every_fault(
    command: Command, fault: Fault, auth_server: AuthServer, tmp_path: Path
) -> None:
    inputs = fault.inputs(auth_server, tmp_path)
    result = CliRunner().invoke(main, command.args(inputs), catch_exceptions=False)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.exit_code == fault.code, output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [n for n, line in enumerate(lines) if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    assert lines[errors[0] + 1].startswith("hint: ") and len(lines[errors[0] + 1]) > len("hint: ") + 10
    for secret in (PASSWORD, "Sl4sh", "Pw88", "Zq9"):
        assert secret not in output


def test_matrix_covers_each_command_and_fault() -> None:
    assert {c.values[0].name for c in CELLS} == {c.name for c in COMMANDS}  # type: ignore[union-attr]
    assert {c.values[1].name for c in CELLS} == {f.name for f in FAULTS}  # type: ignore[union-attr]
    assert len(CELLS) >= 70

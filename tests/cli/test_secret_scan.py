"""The ``--auth`` secret scan: run everything a user runs with a distinctive password in
``LEAF_MONGODB_URI``, then look for it everywhere it could have gone.

Against an embedded server started with ``--auth`` (SCRAM-SHA-256, user provisioned in conftest.py),
as separate processes: ``make demo``'s program, the CLI commands, a ``dagster asset materialize`` of
the code location, and the failure paths (a wrong password, an unreachable host, a malformed URI
holding the raw password) through the demo, the CLI and Dagster. Then every stdout and stderr, and
every file under ``DAGSTER_HOME`` and the working directory (``.leaf/`` included) is scanned: raw
bytes, every value of every SQLite table, and every zlib stream found in any file inflated (Dagster
stores its run and job snapshots zlib-compressed in ``runs.db``).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from leaf_dagster.connection import ENV_URI
from leaf_dagster.embedded import free_port
from tests.cli.conftest import PASSWORD, USER, AuthServer
from tests.dagster_home import dagster_env

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MIGRATIONS = str(ROOT / "pipelines" / "migrations")
USERS_DDL = str(ROOT / "pipelines" / "schemas" / "users.ddl")
FORMS = [
    PASSWORD,
    quote_plus(PASSWORD),
    quote(PASSWORD, safe=""),
    "Sc4n",
    "Zq9 Xy",
    "Zq9+Xy",
    "Zq9%20Xy",
    "Wr0ng",
]
ZLIB_HEADERS = (b"\x78\x9c", b"\x78\x01", b"\x78\xda", b"\x78\x5e")


def _inflate_all(data: bytes) -> Iterator[bytes]:
    """Every zlib stream inside ``data``, inflated (wherever it starts: a BLOB, a WAL page)."""
    for header in ZLIB_HEADERS:
        start = data.find(header)
        while start != -1:
            try:
                inflated = zlib.decompressobj().decompress(data[start:], 50_000_000)
            except zlib.error:
                inflated = b""
            if inflated:
                yield inflated
            start = data.find(header, start + 1)


def _sqlite_values(path: Path) -> Iterator[bytes]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    if isinstance(value, bytes):
                        yield value
                        yield from _inflate_all(value)
                    elif isinstance(value, str):
                        yield value.encode()
    finally:
        connection.close()


def scan(texts: list[str], roots: list[Path]) -> tuple[list[str], int]:
    """(where a password form was found, how many inflated zlib streams mention the URI's EnvVar)."""
    found: list[str] = []
    env_var_mentions = 0

    def check(blob: bytes, where: str) -> None:
        nonlocal found
        text = blob.decode("utf-8", errors="replace")
        found += [f"{where}: {form!r}" for form in FORMS if form in text]

    for n, text in enumerate(texts):
        check(text.encode(), f"output #{n}")
    for root in roots:
        for path in (p for p in root.rglob("*") if p.is_file()):
            data = path.read_bytes()
            check(data, str(path))
            for inflated in _inflate_all(data):
                check(inflated, f"{path} (inflated)")
                env_var_mentions += ENV_URI.encode() in inflated
            if data.startswith(b"SQLite format 3"):
                for value in _sqlite_values(path):
                    check(value, f"{path} (table value)")
    return found, env_var_mentions


def run(
    cmd: list[str], env: dict[str, str], cwd: Path, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
def test_no_password_in_output_logs_or_dagster_storage(auth_server: AuthServer, tmp_path: Path) -> None:
    home, env = dagster_env(tmp_path, "telemetry:\n  enabled: false\n", auth_server.uri, "leaf_scan")
    env = {**env, "PYTHONPATH": str(ROOT), "LEAF_PORT": str(free_port())}
    work = tmp_path / "work"
    work.mkdir()
    outputs: list[str] = []

    def step(cmd: list[str], expect: int | None, uri: str = auth_server.uri) -> None:
        done = run(cmd, {**env, ENV_URI: uri}, work)
        outputs.extend([done.stdout, done.stderr])
        assert "Traceback" not in done.stdout + done.stderr or cmd[0].endswith("dagster"), done.stderr
        if expect is not None:
            assert done.returncode == expect, (cmd, done.stdout[-2000:], done.stderr[-2000:])

    cli = [str(BIN / "leaf-dagster")]
    demo = [sys.executable, "-m", "pipelines.demo", "--users", "12", "--days", "1"]
    materialize = [
        str(BIN / "dagster"), "asset", "materialize", "-m", "pipelines.definitions",
        "--select", "customer_daily_orders", "--partition", "2024-09-14",
    ]  # fmt: skip

    # The happy paths: the demo (seed, migrations, every rollup, the checks), the CLI, Dagster.
    step(demo, 0)
    step([*cli, "migrate", "status", "--path", MIGRATIONS], 0)
    step([*cli, "migrate", "up", "--path", MIGRATIONS], 0)
    step([*cli, "schema", "apply", USERS_DDL, "--dry-run"], None)
    step([*cli, "validate", "users", "--schema", USERS_DDL], 1)  # the dirty sample fails, on purpose
    step([*cli, "sql", "SELECT COUNT(*) AS n FROM users"], 0)
    step(materialize, 0)

    # The failure paths, each through the demo, the CLI and Dagster.
    wrong = auth_server.wrong_password_uri()
    unreachable = auth_server.uri.replace(f":{auth_server.server.port}/", f":{free_port()}/")
    malformed = f"mongodb://{USER}:{PASSWORD}@127.0.0.1:{auth_server.server.port}/?directConnection=true"
    for uri in (wrong, unreachable, malformed):
        step(demo, 2, uri)
        step([*cli, "migrate", "up", "--path", MIGRATIONS], 2, uri)
        step([*cli, "validate", "users", "--schema", USERS_DDL], 2, uri)
        if uri != unreachable:  # there the run retries transient errors for minutes: nothing new to see
            step(materialize, None, uri)

    found, env_var_mentions = scan(outputs, [home, work])
    assert found == []
    # The scan did read Dagster's compressed snapshots: the jobs name the variable, not its value.
    assert env_var_mentions > 0
    assert any("runs.db" in str(p) for p in home.rglob("*.db")) or (home / "history").exists()
    assert os.environ.get(ENV_URI) != auth_server.uri  # the test never leaked it into its own process

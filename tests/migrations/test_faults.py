"""Migrations under faults, through the real CLI: a collection validator that rejects documents (up
and down, client- and server-side), a pipeline the server refuses, a runner killed mid-run
(``migrate status`` must call it stalled) and a server killed mid-run."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from pymongo.database import Database

from leaf_dagster.cli import main
from leaf_dagster.connection import Document
from leaf_dagster.embedded import EmbeddedServer
from leaf_dagster.migrations import MigrationRunner, Revisions, version_distribution
from tests.migrations.helpers import V2, V3_SQL, V21, copy_examples, insert_users
from tests.migrations.test_reliability import migrate_cmd, wait_for_batches

N = 40


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["migrate", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def assert_one_line_error(code: int, expected: int, out: str, err: str) -> str:
    assert code == expected, out + err
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("error: ") and lines[1].startswith("hint: "), err
    return lines[0]


def validate_with(db: Database[Document], validator: Document) -> None:
    db.command("collMod", "users", validator=validator, validationLevel="strict", validationAction="error")


def test_down_under_a_validator_quarantines_instead_of_a_traceback(
    db: Database[Document], mongo_uri: str, tmp_path: Path
) -> None:
    folder = copy_examples(tmp_path / "m", V2, V21, V3_SQL)
    insert_users(db, N)
    MigrationRunner(db, Revisions.load(folder)).up()
    assert version_distribution(db.users) == {"3.0.0": N}
    # The 3.0.0 schema's validator (as schema apply installs it) requires what down removes; ten
    # documents are exempt, so the rollback can restore exactly those.
    validate_with(db, {"$or": [{"detailed_analytics": {"$exists": True}}, {"_id": {"$lt": 10}}]})
    conn = ["--path", str(folder), "--uri", mongo_uri, "--db", db.name, "--batch-size", "7"]
    code, out, err = cli("down", "migrate_users_v2_to_v3", *conn)
    line = assert_one_line_error(code, 1, out, err)
    assert f"{N - 10} document(s) quarantined at 3.0.0" in line and "10 restored to 2.1.0" in line
    assert "validator" in line
    assert version_distribution(db.users) == {"2.1.0": 10, "3.0.0": N - 10}
    code, out, _ = cli("status", *conn[:-2])
    assert code == 0 and "failed" in out and "rejected by the collection's validator" in out
    # With the validator relaxed, the rollback resumes and completes.
    validate_with(db, {})
    code, out, err = cli("down", "migrate_users_v2_to_v3", *conn)
    assert code == 0, err
    assert version_distribution(db.users) == {"2.1.0": N}


@pytest.mark.parametrize("revision", [V2, V3_SQL], ids=["client-side", "server-side"])
def test_up_under_a_validator_quarantines_like_a_failing_transform(
    db: Database[Document], mongo_uri: str, tmp_path: Path, revision: str
) -> None:
    folder = copy_examples(tmp_path / "m", V2, V21, V3_SQL)
    insert_users(db, N)
    runner = MigrationRunner(db, Revisions.load(folder))
    rid = Revisions.load(folder).up_to(None)[[V2, V21, V3_SQL].index(revision)].id
    for pending in runner.plan():
        if pending.id == rid:
            break
        runner.apply(pending.id)
    source = Revisions.load(folder).get(rid).from_version
    # Five documents may not leave the source version.
    validate_with(db, {"$or": [{"_schema.version": source}, {"_id": {"$gte": 5}}]})
    conn = ["--path", str(folder), "--uri", mongo_uri, "--db", db.name, "--to", rid, "--batch-size", "8"]
    code, out, err = cli("up", *conn)
    line = assert_one_line_error(code, 1, out, err)
    assert "failed validation" in line
    assert version_distribution(db.users) == {source: 5, Revisions.load(folder).get(rid).to_version: N - 5}
    code, out, err = cli("up", *conn, "--quarantine", "5")
    assert code == 0, err
    assert version_distribution(db.users)[source] == 5


def test_a_pipeline_the_server_refuses_is_a_revision_error(
    db: Database[Document], mongo_uri: str, write_revision: Callable[..., Path]
) -> None:
    folder = write_revision(
        "bogus.py",
        """
        id = "bogus_v2"
        collection = "users"
        from_version = "1.0.0"
        to_version = "2.0.0"
        depends_on = []
        up_pipeline = [{"$set": {"x": {"$noSuchOperator": 1}}}]
        """,
    )
    insert_users(db, 5)
    code, out, err = cli("up", "--path", str(folder), "--uri", mongo_uri, "--db", db.name)
    line = assert_one_line_error(code, 2, out, err)
    assert "bogus_v2" in line and "rejects its up pipeline" in line
    assert version_distribution(db.users) == {"1.0.0": 5}


@pytest.mark.slow
def test_status_tells_a_dead_runner_from_a_live_one(
    db: Database[Document], mongo_uri: str, counting_revision: Callable[..., Path]
) -> None:
    folder = counting_revision()
    insert_users(db, 600)
    proc = subprocess.Popen(
        migrate_cmd(folder, mongo_uri, db.name, "--batch-delay-ms", "100", "--lease-ttl", "2"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_batches(db, "count_v2", 2, proc)
        _, live, _ = cli("status", "--path", str(folder), "--uri", mongo_uri, "--db", db.name)
        assert "running" in live and "STALLED" not in live
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    time.sleep(2.5)  # the lease (ttl 2 s) expires: no heartbeat renews it any more
    _, dead, _ = cli("status", "--path", str(folder), "--uri", mongo_uri, "--db", db.name)
    assert "STALLED: no live runner" in dead and "ETA" not in dead


@pytest.mark.slow
def test_server_killed_mid_migration_is_a_clear_error_then_resumes(
    private_server: EmbeddedServer, counting_revision: Callable[..., Path]
) -> None:
    from pymongo import MongoClient

    folder = counting_revision()
    client: MongoClient[Document] = MongoClient(private_server.uri)
    db = client["leaf_dies"]
    insert_users(db, 600)
    proc = subprocess.Popen(
        migrate_cmd(folder, private_server.uri, db.name, "--batch-delay-ms", "50"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_batches(db, "count_v2", 3, proc)
    private_server.kill()  # SIGKILL of the server process, mid-run
    out, err = proc.communicate(timeout=120)
    line = assert_one_line_error(proc.returncode, 2, out, err)
    assert "lost the MongoDB server" in line
    private_server.start()
    rerun = subprocess.run(migrate_cmd(folder, private_server.uri, db.name), capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert db.users.count_documents({"_schema.version": "2.0.0", "touches": 1}) == 600
    client.close()

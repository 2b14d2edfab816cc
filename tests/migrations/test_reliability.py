"""Real processes: kill -9 mid-migration then rerun; two runners started together."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.migrations import CHANGELOG_COLLECTION, MigrationOptions, MigrationRunner, Revisions
from tests.migrations.helpers import collection_hashes, insert_users

CLI = str(Path(sys.executable).parent / "leaf-dagster")
N = 2000


def migrate_cmd(folder: Path, uri: str, db: str, *extra: str) -> list[str]:
    return [
        CLI,
        "migrate",
        "up",
        "--path",
        str(folder),
        "--uri",
        uri,
        "--db",
        db,
        "--batch-size",
        "50",
        *extra,
    ]


def reference_hashes(db: Database[Document], folder: Path) -> dict[object, str]:
    """The same data migrated by one uninterrupted run, in a database of its own."""
    ref = db.client[f"{db.name}_ref"]
    try:
        insert_users(ref, N)
        MigrationRunner(ref, Revisions.load(folder), MigrationOptions(batch_size=500)).up()
        return collection_hashes(ref, "users")
    finally:
        db.client.drop_database(ref.name)


def wait_for_batches(db: Database[Document], rid: str, batches: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        record = db[CHANGELOG_COLLECTION].find_one({"_id": rid}) or {}
        if (record.get("counts") or {}).get("batches", 0) >= batches:
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("the migration made no progress")


@pytest.mark.slow
def test_kill_9_mid_migration_then_rerun_migrates_each_document_exactly_once(
    db: Database[Document], mongo_uri: str, counting_revision: Callable[..., Path]
) -> None:
    folder = counting_revision()
    expected = reference_hashes(db, folder)
    insert_users(db, N)
    proc = subprocess.Popen(
        migrate_cmd(folder, mongo_uri, db.name, "--batch-delay-ms", "20"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    wait_for_batches(db, "count_v2", 8, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    migrated = db.users.count_documents({"_schema.version": "2.0.0"})
    assert 0 < migrated < N, "the kill must land mid-run"
    record = db[CHANGELOG_COLLECTION].find_one({"_id": "count_v2"}) or {}
    assert record["status"] == "running" and record["checkpoint"]["pass_complete"] is False

    # The dead runner's lease is live for 60 s more; the rerun takes it over at once (dead pid).
    rerun = subprocess.run(
        migrate_cmd(folder, mongo_uri, db.name), capture_output=True, text=True, timeout=300
    )
    assert rerun.returncode == 0, rerun.stderr
    assert db.users.count_documents({"_schema.version": "2.0.0", "touches": 1}) == N
    assert collection_hashes(db, "users") == expected
    record = db[CHANGELOG_COLLECTION].find_one({"_id": "count_v2"}) or {}
    assert record["status"] == "applied" and record["attempts"] == 2
    # Resumed from the checkpoint: no batch done twice (one fewer if the kill fell between a batch's
    # write and its checkpoint: the rerun then found those documents migrated already).
    assert record["counts"]["batches"] in (N // 50 - 1, N // 50)


@pytest.mark.slow
def test_two_runners_started_together_only_one_migrates(
    db: Database[Document], mongo_uri: str, counting_revision: Callable[..., Path]
) -> None:
    folder = counting_revision()
    insert_users(db, N)
    procs = [
        subprocess.Popen(
            migrate_cmd(folder, mongo_uri, db.name, "--batch-delay-ms", "10"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    codes = sorted(code for code, _, _ in outcomes)
    loser = next((err for code, _, err in outcomes if code != 0), "")
    if codes == [0, 1]:
        assert "is locked by" in loser and "another runner is at work" in loser
    else:  # the second started after the first finished: it found nothing to do
        assert codes == [0, 0] and any("nothing to do" in out for _, out, _ in outcomes)
    assert db.users.count_documents({"_schema.version": "2.0.0", "touches": 1}) == N


@pytest.mark.slow
def test_a_waiting_runner_finds_the_work_done(
    db: Database[Document], mongo_uri: str, counting_revision: Callable[..., Path]
) -> None:
    folder = counting_revision()
    insert_users(db, 1000)
    first = subprocess.Popen(
        migrate_cmd(folder, mongo_uri, db.name, "--batch-delay-ms", "20"), stdout=subprocess.PIPE, text=True
    )
    wait_for_batches(db, "count_v2", 2, first)  # type: ignore[arg-type]
    second = subprocess.run(
        migrate_cmd(folder, mongo_uri, db.name, "--wait", "120"), capture_output=True, text=True, timeout=300
    )
    assert first.wait(timeout=300) == 0
    assert second.returncode == 0, second.stderr
    assert "0 migrated" in second.stdout
    assert db.users.count_documents({"_schema.version": "2.0.0", "touches": 1}) == 1000

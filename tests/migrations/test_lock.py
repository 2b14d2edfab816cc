"""The lease in _leaf_locks: exclusive, waits or fails fast, expires, is taken over from the dead."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.migrations import (
    LOCKS_COLLECTION,
    BatchProgress,
    Lease,
    LeaseLost,
    LockHeld,
    MigrationOptions,
    MigrationRunner,
    Revisions,
)
from tests.migrations.helpers import insert_users


def test_second_runner_fails_fast_with_the_holder_named(db: Database[Document]) -> None:
    with Lease(db, "migrate:users", purpose="m1") as first:
        with pytest.raises(LockHeld, match=rf"locked by {first.owner} \(m1\)"):
            Lease(db, "migrate:users").acquire()
        with Lease(db, "migrate:orders"):  # another key is independent
            pass
    assert db[LOCKS_COLLECTION].count_documents({}) == 0


def test_waiting_runner_gets_the_lease_when_released(db: Database[Document]) -> None:
    first = Lease(db, "k").acquire()
    releaser = threading.Timer(0.5, first.release)
    releaser.start()
    second = Lease(db, "k", wait_s=20, poll_s=0.1).acquire()
    assert (db[LOCKS_COLLECTION].find_one({"_id": "k"}) or {})["token"] == second.token
    second.release()
    releaser.join()


def test_expired_lease_of_another_host_is_taken(db: Database[Document]) -> None:
    past = datetime.now(UTC) - timedelta(seconds=1)
    db[LOCKS_COLLECTION].insert_one(
        {"_id": "k", "token": "t", "owner": "far:1", "host": "far", "pid": 1, "expiresAt": past}
    )
    with Lease(db, "k") as lease:
        assert (db[LOCKS_COLLECTION].find_one({"_id": "k"}) or {})["token"] == lease.token


def test_live_lease_of_a_dead_local_process_is_taken_over(db: Database[Document]) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    future = datetime.now(UTC) + timedelta(hours=1)
    db[LOCKS_COLLECTION].insert_one(
        {
            "_id": "k",
            "token": "t",
            "owner": "x",
            "host": socket.gethostname(),
            "pid": dead.pid,
            "expiresAt": future,
        }
    )
    with Lease(db, "k") as lease:
        held = db[LOCKS_COLLECTION].find_one({"_id": "k"}) or {}
        assert held["token"] == lease.token and held["tookOverFrom"] == "x"


def test_heartbeat_renews_and_detects_a_lost_lease(db: Database[Document]) -> None:
    lease = Lease(db, "k", ttl_s=0.3).acquire()
    first_expiry = (db[LOCKS_COLLECTION].find_one({"_id": "k"}) or {})["expiresAt"]
    time.sleep(0.5)
    assert (db[LOCKS_COLLECTION].find_one({"_id": "k"}) or {})["expiresAt"] > first_expiry
    lease.check()
    db[LOCKS_COLLECTION].update_one({"_id": "k"}, {"$set": {"token": "someone-else"}})
    time.sleep(0.4)
    with pytest.raises(LeaseLost, match="stopped before the next batch"):
        lease.check()
    lease.release()
    assert (db[LOCKS_COLLECTION].find_one({"_id": "k"}) or {})[
        "token"
    ] == "someone-else"  # not ours to delete


def test_runner_stops_before_the_next_batch_when_the_lease_is_lost(
    db: Database[Document], counting_revision: Callable[..., Path]
) -> None:
    insert_users(db, 500)
    runner = MigrationRunner(
        db, Revisions.load(counting_revision()), MigrationOptions(batch_size=100, lease_ttl_s=0.15)
    )

    def steal(p: BatchProgress) -> None:
        if p.batch == 2:
            db[LOCKS_COLLECTION].update_one({}, {"$set": {"token": "thief"}})
            time.sleep(0.3)  # one heartbeat notices

    with pytest.raises(LeaseLost):
        runner.apply("count_v2", steal)
    record = runner.changelog.get("count_v2") or {}
    assert record["counts"]["batches"] == 2 and record["checkpoint"]["last_id"] == 199
    assert db.users.count_documents({"_schema.version": "2.0.0"}) == 200

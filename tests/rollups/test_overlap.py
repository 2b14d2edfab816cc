"""Overlapping runs of one target, in real processes, end exactly like one clean run.

Each trial starts two runs of the same partition (or two incremental runs while a writer inserts
events) in separate processes, at a generated timing offset, and compares the target's documents,
by count and by a content hash without the run metadata, with a single clean run. The zombie tests
pause a run (SIGSTOP) until its lease expires, let a newer run finish, change the source, resume
the zombie and check that none of its late writes landed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from bson import ObjectId, json_util
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.rollups import (
    RollupSpec,
    TimeWindow,
    load_rollup_file,
    run_bucket_rollup,
    run_computed_rollup,
)
from leaf_dagster.rollups.fencing import ENV_TTL, read_epoch
from tests.rollups.conftest import BUCKET_ROLLUP, make_events

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.datetime(2024, 9, 14, tzinfo=dt.UTC)
DAY_WINDOW = TimeWindow(DAY, DAY + dt.timedelta(days=1))
HOUR = dt.datetime(2024, 9, 14, 10, tzinfo=dt.UTC)
HOUR_WINDOW = TimeWindow(HOUR, HOUR + dt.timedelta(hours=1))
SEED = int(os.environ.get("LEAF_OVERLAP_SEED", "20240914"))
# Small: the embedded server's $merge writes ~100-200 documents a second. A race between two runs
# does not need many documents to show, it needs the runs to overlap (two runs of ~1 s each here).
CUSTOMERS = 150
TRIALS = int(os.environ.get("LEAF_OVERLAP_TRIALS", "3"))

DAILY_ORDERS = """/* leaf
target: customer_daily_orders
on: [customerId, day]
partition: daily
time_field: createdAt
time_column: day
*/
SELECT customerId, DATE_TRUNC('day', createdAt) AS day, COUNT(*) AS orders, SUM(total) AS total_spent,
  MAX(total) AS largest_order
FROM orders
GROUP BY customerId, DATE_TRUNC('day', createdAt)
"""

REVIEW_SUMMARY = """/* leaf
target: products
write: update
on: _id
time_field: createdAt
incremental: true
watermark_lag: 1 second
metadata_field: reviews.summary.computation
*/
SELECT productId AS _id, COUNT(*) AS "reviews.summary.count", AVG(rating) AS "reviews.summary.averageRating",
  SUM(CASE WHEN rating = 5 THEN 1 ELSE 0 END) AS "reviews.summary.fives",
  MAX(createdAt) AS "reviews.summary.lastReviewAt"
FROM reviews
GROUP BY productId
"""


def _orders(customers: int, *, day: dt.datetime = DAY, seed: int = 1) -> list[Document]:
    rng = random.Random(seed)
    return [
        {
            "customerId": c,
            "createdAt": day + dt.timedelta(seconds=rng.randrange(86_400)),
            "total": rng.randrange(100, 50_000) / 100,
        }
        for c in range(customers)
        for _ in range(1 + c % 3)
    ]


def snapshot(db: Database[Document], target: str, metadata_field: str) -> tuple[int, str]:
    """The target's document count and a hash of its content, run metadata left out."""
    docs = []
    for doc in db[target].find({}, {metadata_field: 0}):
        if not isinstance(doc.get("_id"), str | int):
            doc.pop("_id")  # a computed rollup not merged on _id: the server picked it
        docs.append(json_util.dumps(doc, sort_keys=True))
    docs.sort()
    return len(docs), hashlib.sha256("\n".join(docs).encode()).hexdigest()[:16]


class Worker:
    """One ``overlap_worker`` process; ``reap`` kills those a failed test left running or paused."""

    live: ClassVar[list[Worker]] = []

    def __init__(
        self,
        mongo_uri: str,
        db: Database[Document],
        rollup: Path,
        env: dict[str, str] | None = None,
        **args: Any,
    ) -> None:
        payload = {"uri": mongo_uri, "db": db.name, "rollup": str(rollup), **args}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.rollups.overlap_worker", json.dumps(payload, default=str)],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        Worker.live.append(self)

    @classmethod
    def reap(cls) -> None:
        for worker in cls.live:
            if worker.proc.poll() is None:
                worker.proc.kill()
                worker.proc.communicate()
        cls.live.clear()

    def wait_for_line(self, text: str, timeout: float = 60) -> None:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if text in line:
                return
            if not line and self.proc.poll() is not None:
                break
        raise AssertionError(
            f"worker never printed {text!r}: {self.proc.stderr.read() if self.proc.stderr else ''}"
        )

    def result(self, timeout: float = 120) -> tuple[int, dict[str, Any]]:
        out, err = self.proc.communicate(timeout=timeout)
        lines = [line for line in out.splitlines() if line.startswith("{")]
        assert lines, f"worker printed no result (exit {self.proc.returncode}): {err[-2000:]}"
        return self.proc.returncode, json.loads(lines[-1])


@pytest.fixture(autouse=True)
def _reap_workers() -> Iterator[None]:
    yield
    Worker.reap()


def _offsets(trials: int, low: float, high: float, seed: int) -> list[float]:
    rng = random.Random(seed)
    return [rng.uniform(low, high) for _ in range(trials)]


@pytest.fixture
def orders_rollup(db: Database[Document], tmp_path: Path) -> Iterator[tuple[RollupSpec, Path]]:
    path = tmp_path / "customer_daily_orders.sql"
    path.write_text(DAILY_ORDERS)
    db.orders.create_index("createdAt")
    db.orders.insert_many(_orders(CUSTOMERS))
    yield load_rollup_file(path), path


@pytest.fixture
def bucket_rollup(db: Database[Document], tmp_path: Path) -> Iterator[tuple[RollupSpec, Path]]:
    path = tmp_path / "buckets.sql"
    path.write_text(BUCKET_ROLLUP.format(max_events=20))
    db.events.create_index("timestamp")
    db.events.insert_many(make_events(1500, users=60, hours=1, start=HOUR))
    yield load_rollup_file(path), path


def _overlap_trials(
    mongo_uri: str,
    db: Database[Document],
    spec: RollupSpec,
    path: Path,
    window: TimeWindow,
    clean: Callable[[], object],
    trials: int,
) -> None:
    clean()
    expected = snapshot(db, spec.target, spec.metadata_field)
    assert expected[0] > 100
    window_args: dict[str, Any] = {"start": window.start.isoformat(), "end": window.end.isoformat()}
    for trial, offset in enumerate(_offsets(trials, 0.0, 0.4, SEED)):
        if trial % 2:  # half the trials start from an empty target, half re-run over the old result
            db[spec.target].drop()
        first = Worker(mongo_uri, db, path, **window_args)
        second = Worker(mongo_uri, db, path, delay_s=offset, **window_args)
        outcomes = [first.result(), second.result()]
        assert [code for code, _ in outcomes] == [0, 0], (trial, offset, outcomes)
        got = snapshot(db, spec.target, spec.metadata_field)
        assert got == expected, f"trial {trial} (offset {offset:.3f}s, seed {SEED}): {got} != {expected}"


@pytest.mark.slow
def test_two_processes_materializing_one_computed_partition_end_like_one_run(
    mongo_uri: str, db: Database[Document], orders_rollup: tuple[RollupSpec, Path]
) -> None:
    spec, path = orders_rollup
    _overlap_trials(
        mongo_uri,
        db,
        spec,
        path,
        DAY_WINDOW,
        lambda: run_computed_rollup(db, spec, window=DAY_WINDOW),
        TRIALS,
    )
    assert db[spec.target].count_documents({}) == CUSTOMERS


@pytest.mark.slow
def test_two_processes_materializing_one_bucket_hour_end_like_one_run(
    mongo_uri: str, db: Database[Document], bucket_rollup: tuple[RollupSpec, Path]
) -> None:
    spec, path = bucket_rollup
    _overlap_trials(
        mongo_uri, db, spec, path, HOUR_WINDOW, lambda: run_bucket_rollup(db, spec, HOUR_WINDOW), TRIALS
    )
    assert sum(d["eventCount"] for d in db[spec.target].find()) == 1500


class ReviewWriter(threading.Thread):
    """Inserts reviews stamped with the current time until stopped, as an application would."""

    def __init__(self, db: Database[Document], products: list[ObjectId], seed: int) -> None:
        super().__init__(daemon=True)
        self.db, self.products, self.rng = db, products, random.Random(seed)
        self.stop = threading.Event()
        self.written = 0

    def run(self) -> None:
        while not self.stop.is_set():
            batch = [
                {
                    "productId": self.rng.choice(self.products),
                    "rating": self.rng.randint(1, 5),
                    "createdAt": dt.datetime.now(dt.UTC),
                }
                for _ in range(2)
            ]
            self.db.reviews.insert_many(batch)
            self.written += len(batch)
            time.sleep(0.02)


@pytest.mark.slow
def test_overlapping_incremental_runs_with_a_writer_end_equal_to_a_full_refresh(
    mongo_uri: str, db: Database[Document], tmp_path: Path
) -> None:
    path = tmp_path / "product_review_summary.sql"
    path.write_text(REVIEW_SUMMARY)
    spec = load_rollup_file(path)
    products = [ObjectId() for _ in range(60)]
    db.products.insert_many([{"_id": p, "name": f"p{i}"} for i, p in enumerate(products)])
    db.reviews.create_index("createdAt")
    rng = random.Random(SEED)
    old = dt.datetime(2024, 9, 1, tzinfo=dt.UTC)
    db.reviews.insert_many(
        [
            {
                "productId": rng.choice(products),
                "rating": rng.randint(1, 5),
                "createdAt": old + dt.timedelta(minutes=i),
            }
            for i in range(500)
        ]
    )
    run_computed_rollup(db, spec)
    writer = ReviewWriter(db, products, SEED)
    writer.start()
    try:
        for trial, offset in enumerate(_offsets(TRIALS + 1, 0.02, 0.06, SEED)):
            # the last trial pits a full refresh against an incremental run
            first = Worker(mongo_uri, db, path, full=trial == TRIALS)
            second = Worker(mongo_uri, db, path, delay_s=offset)
            outcomes = [first.result(), second.result()]
            assert [code for code, _ in outcomes] == [0, 0], (trial, offset, outcomes)
    finally:
        writer.stop.set()
        writer.join()
    time.sleep(spec.watermark_lag.total_seconds() + 0.3)
    run_computed_rollup(db, spec)  # everything written before the writer stopped, now past the lag
    incremental = snapshot(db, "products", spec.metadata_field)
    counted = sum(
        d["reviews"]["summary"]["count"]
        for d in db.products.find({"reviews.summary.count": {"$exists": True}})
    )
    assert counted == db.reviews.count_documents({}) == 500 + writer.written
    run_computed_rollup(db, spec, full_refresh=True)
    assert snapshot(db, "products", spec.metadata_field) == incremental


def _zombie(
    mongo_uri: str,
    db: Database[Document],
    spec: RollupSpec,
    path: Path,
    window: TimeWindow,
    rerun: Callable[[], object],
    change_source: Callable[[], None],
) -> None:
    """A run pauses right after its pre-merge lease check until the lease expires; a retry takes
    over and finishes; the source changes; the paused run resumes. Its late writes must not land."""
    zombie = Worker(
        mongo_uri,
        db,
        path,
        env={ENV_TTL: "3"},
        start=window.start.isoformat(),
        end=window.end.isoformat(),
        stop_after_check=True,
    )
    zombie.wait_for_line("stopping")
    time.sleep(3.6)  # > the zombie's 3 s lease (short, yet long enough for its heartbeat on a busy machine)
    rerun()
    expected = snapshot(db, spec.target, spec.metadata_field)
    epoch = read_epoch(db, spec.target)
    change_source()
    os.kill(zombie.proc.pid, signal.SIGCONT)
    code, outcome = zombie.result()
    assert code == 1 and outcome["error"] == "RollupLeaseLost", outcome
    assert snapshot(db, spec.target, spec.metadata_field) == expected
    assert db[spec.target].count_documents({f"{spec.metadata_field}.fence": {"$ne": epoch}}) == 0


@pytest.mark.slow
def test_a_zombie_computed_run_cannot_land_writes_after_a_retry_took_over(
    mongo_uri: str, db: Database[Document], orders_rollup: tuple[RollupSpec, Path]
) -> None:
    spec, path = orders_rollup

    def change_source() -> None:
        db.orders.update_many({}, {"$inc": {"total": 1}})
        db.orders.insert_many([o for o in _orders(CUSTOMERS + 20, seed=9) if o["customerId"] >= CUSTOMERS])

    _zombie(
        mongo_uri,
        db,
        spec,
        path,
        DAY_WINDOW,
        lambda: run_computed_rollup(db, spec, window=DAY_WINDOW),
        change_source,
    )
    assert db[spec.target].count_documents({}) == CUSTOMERS


@pytest.mark.slow
def test_a_zombie_bucket_run_cannot_land_writes_after_a_retry_took_over(
    mongo_uri: str, db: Database[Document], bucket_rollup: tuple[RollupSpec, Path]
) -> None:
    spec, path = bucket_rollup

    def change_source() -> None:
        db.events.insert_many(make_events(300, users=90, hours=1, start=HOUR, seed=11))

    _zombie(
        mongo_uri,
        db,
        spec,
        path,
        HOUR_WINDOW,
        lambda: run_bucket_rollup(db, spec, HOUR_WINDOW),
        change_source,
    )

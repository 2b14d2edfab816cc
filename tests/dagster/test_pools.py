"""A pool limit caps the aggregations open on a MongoDB server, however many runs are queued.

The pool ``mongodb/mongo`` gets a limit of 1 (``dagster instance concurrency set mongodb/mongo 1``)
and the test takes its one slot. Three runs then start at once, each in a process of its own (a real
``execute_job`` of the rollup's job, as the run launcher starts a run): two hourly partitions of
``user_activity_buckets`` and a day of ``customer_daily_orders``, from a project with ``pool_by:
resource``. The two targets have leases of their own, so only the pool can hold their aggregations.
While the test holds the slot, all three runs wait with no aggregation started; once it lets go, they
run one at a time. A 1,000-partition backfill is the same thing with more runs queued on the pool."""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
import os
import time
import warnings
from pathlib import Path
from typing import Any

import dagster as dg
from pymongo.database import Database

from leaf_dagster.connection import ENV_DB, ENV_URI, Document
from leaf_dagster.dagster import LeafProject
from pipelines import datagen

PIPELINES = Path(__file__).resolve().parents[2] / "pipelines"
POOL = "mongodb/mongo"
SIZE = datagen.SampleSize(users=8, days=1, events_per_user_day=96, products=2, reviews_per_product=1)
RUNS = [
    ("user_activity_buckets", "2024-09-14-07:00"),
    ("user_activity_buckets", "2024-09-14-08:00"),
    ("customer_daily_orders", "2024-09-14"),
]


def _project_job(name: str) -> dg.JobDefinition:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        project = LeafProject(
            rollups=str(PIPELINES / "rollups"),
            schemas=None,
            migrations=None,
            pool_by="resource",
            partitions_start="2024-09-14",
        )
        return project.definitions().resolve_job_def(f"{name}_job")


def buckets_job() -> dg.JobDefinition:
    return _project_job("user_activity_buckets")


def orders_job() -> dg.JobDefinition:
    return _project_job("customer_daily_orders")


JOBS = {"user_activity_buckets": buckets_job, "customer_daily_orders": orders_job}


def _launch(ref: Any, name: str, partition: str, env: dict[str, str], out: Any) -> None:
    """One run in a fresh process (spawned: nothing of the test's memory but its arguments)."""
    os.environ.update(env)
    quiet = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    with dg.DagsterInstance.from_ref(ref) as instance:
        result = dg.execute_job(
            dg.reconstructable(JOBS[name]),
            instance=instance,
            tags={"dagster/partition": partition},
            run_config=quiet,
        )
        out.put((name, partition, result.run_id, result.success))


def _events(instance: dg.DagsterInstance, kind: str) -> list[Any]:
    return [
        e
        for run in instance.get_runs()
        for e in instance.all_logs(run.run_id)
        if e.dagster_event and e.dagster_event.event_type_value == kind
    ]


def test_a_pool_limit_of_one_runs_one_aggregation_at_a_time(
    db: Database[Document], mongo_uri: str, tmp_path: Path
) -> None:
    datagen.seed(db, SIZE)
    env = {ENV_URI: mongo_uri, ENV_DB: db.name}
    spawn = multiprocessing.get_context("spawn")
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        storage = instance.event_log_storage
        storage.set_concurrency_slots(POOL, 1)
        assert storage.claim_concurrency_slot(POOL, "the-test", "holder").is_claimed
        out = spawn.Queue()
        processes = [
            spawn.Process(target=_launch, args=(instance.get_ref(), name, partition, env, out))
            for name, partition in RUNS
        ]
        for process in processes:
            process.start()
        try:
            # every run's rollup step waits on the pool; none has started its aggregation
            deadline = time.monotonic() + 300
            while len({e.run_id for e in _blocked(instance)}) < len(RUNS):
                assert time.monotonic() < deadline, "the runs did not all reach the pool"
                assert all(p.is_alive() for p in processes)
                time.sleep(0.5)
            assert _events(instance, "STEP_START") == []
            assert db.user_activity_buckets.count_documents({}) == 0
            assert db.customer_daily_orders.count_documents({}) == 0
        finally:
            storage.free_concurrency_slot_for_step("the-test", "holder")
        finished = [out.get(timeout=300) for _ in RUNS]
        for process in processes:
            process.join(timeout=60)
        assert all(success for *_, success in finished), finished
        spans = []
        for name, _, run_id, _ in finished:
            kinds = {
                (e.dagster_event.event_type_value, e.step_key): e.timestamp
                for e in instance.all_logs(run_id)
                if e.dagster_event
            }
            spans.append((kinds[("STEP_START", name)], kinds[("STEP_SUCCESS", name)]))
        blocked = [e.dagster_event.message for e in _blocked(instance)]
        assert storage.get_concurrency_info(POOL).active_slot_count == 0

    # after the slot was let go, the rollup steps (one aggregation each) ran one at a time
    ordered = sorted(spans)
    assert all(earlier[1] <= later[0] for earlier, later in itertools.pairwise(ordered)), ordered
    assert all(message.endswith(f"pool {POOL}") for message in blocked), blocked
    assert sorted(db.user_activity_buckets.distinct("bucketDate")) == [
        dt.datetime(2024, 9, 14, 7),
        dt.datetime(2024, 9, 14, 8),
    ]
    assert db.customer_daily_orders.distinct("day") == [dt.datetime(2024, 9, 14)]


def _blocked(instance: dg.DagsterInstance) -> list[Any]:
    return [
        e
        for e in _events(instance, "ENGINE_EVENT")
        if "blocked by limit for pool" in (e.dagster_event.message or "")
    ]

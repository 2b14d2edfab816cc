"""The code location as the UI runs it: ``workspace.yaml`` loaded by the ``dagster`` CLI, a run
launched through the instance's run launcher, and the rollup's documents checked by value."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import dagster as dg
from bson import Decimal128
from pymongo.database import Database

from leaf_dagster.connection import Document
from pipelines import datagen
from tests.dagster_home import dagster_env

ROOT = Path(__file__).resolve().parent.parent
DAGSTER = Path(sys.executable).parent / "dagster"
INSTANCE_YAML = """run_coordinator:
  module: dagster._core.run_coordinator
  class: DefaultRunCoordinator
telemetry:
  enabled: false
"""


def test_launch_a_partitioned_rollup_run_from_workspace_yaml(
    db: Database[Document], mongo_uri: str, tmp_path: Path
) -> None:
    datagen.seed(db, datagen.SampleSize(users=8, days=2, orders_per_user=4))
    home, env = dagster_env(tmp_path, INSTANCE_YAML, mongo_uri, db.name)
    run_id = _launch(env, "customer_daily_orders_job", tags={"dagster/partition": "2024-09-14"})

    with dg.DagsterInstance.from_config(str(home)) as instance:
        run = _finished(instance, run_id, seconds=120)
        assert run is not None and run.status == dg.DagsterRunStatus.SUCCESS, run and run.status
        materializations = instance.fetch_materializations(
            dg.AssetKey("customer_daily_orders"), limit=5
        ).records
        assert [m.partition_key for m in materializations] == ["2024-09-14"]

    day = dt.datetime(2024, 9, 14)
    expected: dict[object, dict[str, Any]] = defaultdict(lambda: {"orders": 0, "total_spent": Decimal(0)})
    for order in db.orders.find({"createdAt": {"$gte": day, "$lt": day + dt.timedelta(days=1)}}):
        row = expected[order["customerId"]]
        row["orders"] += 1
        if order["status"] != "cancelled":
            row["total_spent"] += order["total"].to_decimal()  # money: Decimal128 (DECIMAL(12,2))
    docs = list(db.customer_daily_orders.find())
    assert len(docs) == len(expected) > 0
    for doc in docs:
        assert doc["day"] == day
        assert doc["orders"] == expected[doc["customerId"]]["orders"]
        spent = doc["total_spent"]  # exact: Decimal128, or the integer 0 when every order was cancelled
        spent = spent.to_decimal() if isinstance(spent, Decimal128) else Decimal(spent)
        assert spent == expected[doc["customerId"]]["total_spent"]
        assert doc["computationMetadata"]["window"]["start"] == day


def test_launch_the_raw_collection_checks_job_from_workspace_yaml(
    db: Database[Document], mongo_uri: str, tmp_path: Path
) -> None:
    """Checks on external assets (collections written outside Dagster) run as the UI launches them."""
    datagen.seed(db, datagen.SampleSize(users=10, days=1, events_per_user_day=4, products=5, dirty=True))
    home, env = dagster_env(tmp_path, INSTANCE_YAML, mongo_uri, db.name)
    run_id = _launch(env, "raw_collection_checks_job")

    with dg.DagsterInstance.from_config(str(home)) as instance:
        run = _finished(instance, run_id, seconds=180)
        # the dirty users fail a blocking ERROR check, which fails the run; every check still ran
        assert run is not None and run.status == dg.DagsterRunStatus.FAILURE, run and run.status
        status = {}
        for name in ("users", "products", "notifications"):
            for check in ("schema_compliance", "data_quality"):
                key = dg.AssetCheckKey(dg.AssetKey(name), check)
                records = instance.event_log_storage.get_asset_check_execution_history(key, limit=1)
                assert [r.run_id for r in records] == [run_id]
                status[(name, check)] = records[0].status.value
    assert status == {
        ("users", "schema_compliance"): "FAILED",
        ("users", "data_quality"): "FAILED",
        ("products", "schema_compliance"): "FAILED",
        ("products", "data_quality"): "SUCCEEDED",
        ("notifications", "schema_compliance"): "SUCCEEDED",
        ("notifications", "data_quality"): "SUCCEEDED",
    }
    assert db.users.count_documents({}) == 10  # checks read, never write


def _launch(env: dict[str, str], job: str, *, tags: dict[str, str] | None = None) -> str:
    """``dagster job launch`` of ``job`` from workspace.yaml, as the UI's Launchpad does; the run id."""
    run_id = str(uuid.uuid4())
    command = [str(DAGSTER), "job", "launch", "-w", "workspace.yaml", "-j", job, "--run-id", run_id]
    if tags:
        command += ["--tags", json.dumps(tags)]
    launched = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert launched.returncode == 0, launched.stderr[-3000:]
    return run_id


def _finished(instance: dg.DagsterInstance, run_id: str, *, seconds: float) -> dg.DagsterRun | None:
    """The run once it has finished (or as it is after ``seconds``)."""
    deadline = time.monotonic() + seconds
    run = instance.get_run_by_id(run_id)
    while run is not None and not run.is_finished and time.monotonic() < deadline:
        time.sleep(0.5)
        run = instance.get_run_by_id(run_id)
    return run

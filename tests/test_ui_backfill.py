"""A backfill over a range of partitions, launched as the Dagster UI launches it.

``dagster dev -w workspace.yaml`` (webserver, daemon and code server, as a user starts them) runs
on a free port; the test sends the webserver the ``LaunchPartitionBackfill`` mutation the UI's
"Materialize selected partitions" dialog sends for an asset (``assetSelection`` +
``partitionNames``), waits for the backfill daemon to finish it, then checks by value what it
wrote and, over GraphQL, what the UI shows for the asset.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import dagster as dg
from bson import Decimal128
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.embedded import free_port
from leaf_dagster.rollups import load_rollup_file
from pipelines import datagen
from tests.dagster_home import dagster_env

ROOT = Path(__file__).resolve().parent.parent
DAGSTER = Path(sys.executable).parent / "dagster"
ASSET = "customer_daily_orders"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")  # `dagster dev` logs in colour
# Orders are seeded over 2024-09-14 .. 2024-09-18; the backfill takes the first three days, so
# days with orders lie after the range (and days without any before it).
SEED = datagen.SampleSize(users=6, days=5, orders_per_user=10)
PARTITIONS = ["2024-09-14", "2024-09-15", "2024-09-16"]
OUTSIDE = ["2024-09-13", "2024-09-17", "2024-09-18"]
RANGE_START = dt.datetime(2024, 9, 14)
RANGE_END = dt.datetime(2024, 9, 17)
# `dagster dev`'s queued run coordinator, dequeuing every second instead of every 5 s.
INSTANCE_YAML = """run_coordinator:
  module: dagster._core.run_coordinator
  class: QueuedRunCoordinator
  config:
    dequeue_interval_seconds: 1
telemetry:
  enabled: false
"""
STARTUP_TIMEOUT_S = 240
# The backfill daemon ticks every 30 s (fixed in Dagster): one tick submits the run, a later one
# sees it finished and completes the backfill.
BACKFILL_TIMEOUT_S = 300

# The UI's mutation (ui-core LAUNCH_PARTITION_BACKFILL_MUTATION), with its error fragment.
LAUNCH_PARTITION_BACKFILL = """
mutation LaunchPartitionBackfill($backfillParams: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $backfillParams) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PartitionSetNotFoundError { message }
    ... on PartitionKeysNotFoundError { message }
    ... on InvalidStepError { invalidStepKey }
    ... on InvalidOutputError { stepKey invalidOutputName }
    ... on UnauthorizedError { message }
    ... on PipelineNotFoundError { message }
    ... on RunConflict { message }
    ... on ConflictingExecutionParamsError { message }
    ... on PresetNotFoundError { message }
    ... on RunConfigValidationInvalid { pipelineName errors { message path reason } }
    ... on PythonError { message stack }
  }
}
"""
LOCATION_STATUS = """
query {
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on RepositoryLocation { repositories { name } }
          ... on PythonError { message stack cause { message stack } }
        }
      }
    }
    ... on PythonError { message }
  }
}
"""
BACKFILL_STATUS = """
query BackfillStatus($backfillId: String!) {
  partitionBackfillOrError(backfillId: $backfillId) {
    __typename
    ... on PartitionBackfill {
      id
      status
      isAssetBackfill
      numPartitions
      partitionNames
      assetSelection { path }
      error { message stack }
      assetBackfillData {
        assetBackfillStatuses {
          __typename
          ... on AssetPartitionsStatusCounts {
            assetKey { path }
            numPartitionsTargeted
            numPartitionsInProgress
            numPartitionsMaterialized
            numPartitionsFailed
          }
        }
      }
      runs { runId status tags { key value } }
    }
    ... on BackfillNotFoundError { message }
    ... on PythonError { message stack }
  }
}
"""
METADATA_FIELDS = """
metadataEntries {
  __typename
  label
  ... on IntMetadataEntry { intValue }
  ... on FloatMetadataEntry { floatValue }
  ... on TextMetadataEntry { text }
  ... on JsonMetadataEntry { jsonString }
}
"""
ASSET_AS_THE_UI_SHOWS_IT = f"""
query AssetView($assetKey: AssetKeyInput!, $inRange: [String!], $outside: [String!]) {{
  assetNodeOrError(assetKey: $assetKey) {{
    __typename
    ... on AssetNode {{
      description
      isPartitioned
      partitionStats {{ numMaterialized numPartitions numFailed numMaterializing }}
      assetPartitionStatuses {{
        __typename
        ... on TimePartitionStatuses {{ ranges {{ startKey endKey status }} }}
      }}
      inRange: latestMaterializationByPartition(partitions: $inRange) {{ partition runId }}
      outside: latestMaterializationByPartition(partitions: $outside) {{ partition runId }}
    }}
  }}
  assetOrError(assetKey: $assetKey) {{
    __typename
    ... on Asset {{
      assetMaterializations(limit: 10) {{
        partition
        runId
        {METADATA_FIELDS}
      }}
    }}
  }}
}}
"""


class GraphQLError(AssertionError):
    pass


@dataclass
class DagsterDev:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def graphql(self, query: str, variables: dict[str, Any] | None = None, timeout: float = 60) -> Any:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(
            f"{self.url}/graphql", data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                payload = json.loads(response.read())
        except urllib.error.HTTPError as exc:  # a query the schema rejects: 400 with the errors
            raise GraphQLError(f"HTTP {exc.code}: {exc.read().decode(errors='replace')}") from exc
        if payload.get("errors"):
            raise GraphQLError(json.dumps(payload["errors"], indent=2))
        return payload["data"]

    def log_tail(self, chars: int = 6000) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return ANSI_ESCAPE.sub("", text)[-chars:]

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise AssertionError(f"dagster dev exited with {self.process.returncode}:\n{self.log_tail()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ctrl-C for the whole process group (``dagster dev`` shuts its webserver and daemon down on
    SIGINT, not on SIGTERM), then SIGTERM, then SIGKILL for whatever is left."""
    for sig, wait_s in ((signal.SIGINT, 30.0), (signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=wait_s)
            # the group leader is gone; its children may not be
            with suppress(ProcessLookupError):
                os.killpg(process.pid, 0)
                time.sleep(1)
                os.killpg(process.pid, signal.SIGKILL)
            return


def _wait_until_loaded(server: DagsterDev) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    last: object = None
    while time.monotonic() < deadline:
        server.check_alive()
        try:
            with urllib.request.urlopen(f"{server.url}/server_info", timeout=10) as response:
                response.read()
            data = server.graphql(LOCATION_STATUS, timeout=30)
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last = exc
            time.sleep(1)
            continue
        entries = data["workspaceOrError"].get("locationEntries", [])
        last = entries
        loaded = [e for e in entries if e["loadStatus"] == "LOADED"]
        if entries and len(loaded) == len(entries):
            for entry in entries:
                location = entry["locationOrLoadError"]
                if location["__typename"] != "RepositoryLocation":
                    raise AssertionError(f"code location {entry['name']} failed to load: {location}")
            return
        time.sleep(1)
    raise AssertionError(f"the webserver did not load the code location in {STARTUP_TIMEOUT_S}s: {last}")


@contextmanager
def dagster_dev(env: dict[str, str], home: Path) -> Iterator[DagsterDev]:
    port = free_port()
    log = home / "dagster_dev.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(DAGSTER), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    server = DagsterDev(process, f"http://127.0.0.1:{port}", log)
    try:
        _wait_until_loaded(server)
        yield server
    except BaseException:
        print(f"--- dagster dev output (tail) ---\n{server.log_tail()}")
        raise
    finally:
        _stop(process)


def _wait_for_backfill(server: DagsterDev, backfill_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + BACKFILL_TIMEOUT_S
    backfill: dict[str, Any] = {}
    while time.monotonic() < deadline:
        server.check_alive()
        backfill = server.graphql(BACKFILL_STATUS, {"backfillId": backfill_id})["partitionBackfillOrError"]
        assert backfill["__typename"] == "PartitionBackfill", backfill
        if backfill["status"] not in ("REQUESTED", "CANCELING", "FAILING"):
            return backfill
        time.sleep(2)
    raise AssertionError(f"backfill {backfill_id} not finished in {BACKFILL_TIMEOUT_S}s: {backfill}")


def step_processes(home: Path, run_id: str) -> dict[str, int]:
    """The pid each step of a run ran in, from the run's events; asserts no step had a process of
    its own (the code location's default executor runs a run's steps in the run's process)."""
    with dg.DagsterInstance.from_config(str(home)) as instance:
        events = [e.dagster_event for e in instance.all_logs(run_id) if e.dagster_event]
    workers = [e.step_key for e in events if e.event_type_value.startswith("STEP_WORKER_")]
    assert workers == [], f"steps started in processes of their own: {workers}"
    return {e.step_key: e.pid for e in events if e.event_type_value == "STEP_START" and e.step_key and e.pid}


def _number(value: Any) -> Decimal:
    """A BSON number as an exact Decimal (Decimal128 as its decimal; the SUM of a day whose orders
    are all cancelled is the integer 0)."""
    return value.to_decimal() if isinstance(value, Decimal128) else Decimal(str(value))


def _expected_rows(db: Database[Document]) -> dict[tuple[object, dt.datetime], dict[str, Any]]:
    """The rollup computed from the orders of the range, one row per customer and day."""
    totals: dict[tuple[object, dt.datetime], list[Document]] = defaultdict(list)
    for order in db.orders.find({"createdAt": {"$gte": RANGE_START, "$lt": RANGE_END}}):
        created: dt.datetime = order["createdAt"]
        totals[(order["customerId"], dt.datetime(created.year, created.month, created.day))].append(order)
    return {
        key: {
            "orders": len(orders),
            "total_spent": sum(_number(o["total"]) for o in orders if o["status"] != "cancelled"),
            "cancelled_orders": sum(1 for o in orders if o["status"] == "cancelled"),
            "avg_order_value": sum(_number(o["total"]) for o in orders) / len(orders),
            "largest_order": max(_number(o["total"]) for o in orders),
        }
        for key, orders in totals.items()
    }


def _metadata(entries: list[dict[str, Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for entry in entries:
        kind = entry["__typename"]
        if kind == "JsonMetadataEntry":
            values[entry["label"]] = json.loads(entry["jsonString"])
        else:
            values[entry["label"]] = next(
                (entry[f] for f in ("intValue", "floatValue", "text") if f in entry), kind
            )
    return values


def test_backfill_a_partition_range_from_the_ui(
    db: Database[Document], mongo_uri: str, tmp_path: Path
) -> None:
    datagen.seed(db, SEED)
    days_with_orders = {
        dt.datetime(d.year, d.month, d.day).strftime("%Y-%m-%d") for d in db.orders.distinct("createdAt")
    }
    assert set(PARTITIONS) <= days_with_orders and set(OUTSIDE[1:]) <= days_with_orders
    home, env = dagster_env(tmp_path, INSTANCE_YAML, mongo_uri, db.name)
    asset_key = {"path": [ASSET]}

    with dagster_dev(env, home) as server:
        # What the UI sends from the asset's "Materialize selected partitions" dialog when the
        # asset's job is the implicit asset job: no partition set selector, the asset and the keys.
        launched = server.graphql(
            LAUNCH_PARTITION_BACKFILL,
            {
                "backfillParams": {
                    "tags": [],
                    "assetSelection": [asset_key],
                    "partitionNames": PARTITIONS,
                    "fromFailure": False,
                }
            },
        )["launchPartitionBackfill"]
        assert launched["__typename"] == "LaunchBackfillSuccess", launched
        backfill_id: str = launched["backfillId"]

        backfill = _wait_for_backfill(server, backfill_id)
        assert backfill["status"] == "COMPLETED_SUCCESS", backfill
        assert backfill["isAssetBackfill"] is True
        assert backfill["assetSelection"] == [asset_key]
        assert backfill["numPartitions"] == len(PARTITIONS)
        assert sorted(backfill["partitionNames"]) == PARTITIONS
        [counts] = backfill["assetBackfillData"]["assetBackfillStatuses"]
        assert counts == {
            "__typename": "AssetPartitionsStatusCounts",
            "assetKey": asset_key,
            "numPartitionsTargeted": 3,
            "numPartitionsInProgress": 0,
            "numPartitionsMaterialized": 3,
            "numPartitionsFailed": 0,
        }
        # the asset's BackfillPolicy.multi_run(31): the three days run as one ranged run
        [run] = backfill["runs"]
        assert run["status"] == "SUCCESS", run
        tags = {t["key"]: t["value"] for t in run["tags"]}
        assert tags["dagster/backfill"] == backfill_id
        assert tags["dagster/asset_partition_range_start"] == PARTITIONS[0]
        assert tags["dagster/asset_partition_range_end"] == PARTITIONS[-1]

        view = server.graphql(
            ASSET_AS_THE_UI_SHOWS_IT, {"assetKey": asset_key, "inRange": PARTITIONS, "outside": OUTSIDE}
        )
        node = view["assetNodeOrError"]
        assert node["__typename"] == "AssetNode", node
        spec = load_rollup_file(ROOT / "pipelines" / "rollups" / f"{ASSET}.sql")
        assert f"```sql\n{spec.sql}\n```" in node["description"]
        assert "FROM orders" in node["description"]
        assert node["isPartitioned"] is True
        assert node["partitionStats"]["numMaterialized"] == 3
        assert node["partitionStats"]["numFailed"] == 0
        assert node["assetPartitionStatuses"] == {
            "__typename": "TimePartitionStatuses",
            "ranges": [{"startKey": PARTITIONS[0], "endKey": PARTITIONS[-1], "status": "MATERIALIZED"}],
        }
        assert [m["partition"] for m in node["inRange"]] == PARTITIONS
        assert {m["runId"] for m in node["inRange"]} == {run["runId"]}
        assert node["outside"] == [None] * len(OUTSIDE)
        materializations = view["assetOrError"]["assetMaterializations"]
        assert sorted(m["partition"] for m in materializations) == PARTITIONS
        assert {m["runId"] for m in materializations} == {run["runId"]}
        # what the partition page shows: each partition's own figures
        by_partition = {m["partition"]: _metadata(m["metadataEntries"]) for m in materializations}

    # the run of the rollup ran in one process (the run's), as the location's default executor does
    assert list(step_processes(home, run["runId"])) == [ASSET]

    # the instance's own records agree with what the webserver showed
    with dg.DagsterInstance.from_config(str(home)) as instance:
        records = instance.fetch_materializations(dg.AssetKey(ASSET), limit=100).records
        assert sorted(str(r.partition_key) for r in records) == PARTITIONS
        assert {r.run_id for r in records} == {run["runId"]}

    expected = _expected_rows(db)
    docs = list(db[ASSET].find())
    assert {d["day"].strftime("%Y-%m-%d") for d in docs} == set(PARTITIONS)
    assert len(docs) == len(expected) > len(PARTITIONS)
    for doc in docs:
        row = expected[(doc["customerId"], doc["day"])]
        assert doc["orders"] == row["orders"]
        assert doc["cancelled_orders"] == row["cancelled_orders"]
        # money is Decimal128 (orders.ddl: DECIMAL(12,2)): sums and maxima are exact
        assert _number(doc["total_spent"]) == row["total_spent"]
        assert abs(_number(doc["avg_order_value"]) - row["avg_order_value"]) < Decimal("1e-12")
        assert _number(doc["largest_order"]) == row["largest_order"]
        window = doc["computationMetadata"]["window"]  # its own day's, as a one-day run stamps it
        assert (window["start"], window["end"]) == (doc["day"], doc["day"] + dt.timedelta(days=1))

    # the metadata a UI user reads on each partition's materialization: its own documents and day
    for partition, metadata in by_partition.items():
        day = dt.datetime.strptime(partition, "%Y-%m-%d")
        assert metadata["documents_written"] == sum(d["day"] == day for d in docs) > 0
        assert metadata["range_documents_written"] == len(docs)
        assert metadata["target"] == ASSET
        window = metadata["partition_window"]
        assert dt.datetime.fromisoformat(window["start"]) == day.replace(tzinfo=dt.UTC)
        assert dt.datetime.fromisoformat(window["end"]) == (day + dt.timedelta(days=1)).replace(tzinfo=dt.UTC)
        range_window = metadata["range_window"]
        assert dt.datetime.fromisoformat(range_window["start"]) == RANGE_START.replace(tzinfo=dt.UTC)
        assert dt.datetime.fromisoformat(range_window["end"]) == RANGE_END.replace(tzinfo=dt.UTC)
        assert "$merge" in json.dumps(metadata["pipeline"])

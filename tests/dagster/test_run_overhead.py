"""What a scheduled partition pays besides its aggregation: Great Expectations (and pandas) are
imported only when a GX check runs, without SciPy's stats and Altair until something reads them,
and a re-run builds no index again.

The imports are checked in a fresh interpreter (``sys.modules`` of a subprocess): the test process
itself has long imported both."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient, monitoring
from pymongo.database import Database

from leaf_dagster.connection import ENV_DB, ENV_URI, Document
from leaf_dagster.rollups import TimeWindow, load_rollup_file, run_bucket_rollup, run_computed_rollup
from pipelines import datagen

ROOT = Path(__file__).resolve().parents[2]
SIZE = datagen.SampleSize(users=5, days=1, events_per_user_day=48, products=2, reviews_per_product=1)
HOUR = "2024-09-14-05:00"
EMPTY_HOUR = "2024-09-15-05:00"  # after the sample's one day

# Loads the code location, then runs the bucket rollup with its server-side check (data_quality:
# aggregations only), then the job (both checks) on an hour without events, then the job on an hour
# with events (the GX check validates documents); prints which modules were loaded when.
PROBE = textwrap.dedent(
    """
    import json, sys, warnings
    warnings.simplefilter("ignore")
    import dagster as dg
    from pipelines.definitions import defs

    def loaded():
        return {name: name in sys.modules for name in ("great_expectations", "pandas")}

    seen = {"location": loaded()}
    job = defs.resolve_job_def("user_activity_buckets_job")
    key = dg.AssetKey("user_activity_buckets")
    instance = dg.DagsterInstance.ephemeral()
    quiet = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    assets = [a for a in [*defs.assets, *defs.asset_checks] if isinstance(a, dg.AssetsDefinition)]
    server_side = dg.materialize(
        assets,
        selection=dg.AssetSelection.assets(key).without_checks()
        | dg.AssetSelection.checks(dg.AssetCheckKey(key, "data_quality")),
        partition_key=sys.argv[1],
        resources=defs.resources,
        instance=instance,
        run_config=quiet,
    )
    seen["server_side"] = loaded()
    # a partition without documents: both checks pass on nothing, and no GX is needed for that
    empty = job.execute_in_process(partition_key=sys.argv[2], instance=instance, run_config=quiet)
    seen["empty_partition"] = loaded()
    seen["empty_checks"] = {
        e.check_name: [e.passed, e.metadata["documents"].value] for e in empty.get_asset_check_evaluations()
    }
    seen["server_side_checks"] = {
        e.check_name: [e.passed, e.metadata["documents"].value] for e in server_side.get_asset_check_evaluations()
    }
    both = job.execute_in_process(partition_key=sys.argv[1], instance=instance, run_config=quiet)
    seen["with_gx_check"] = loaded()
    seen["checks"] = {
        e.check_name: [e.passed, e.metadata["documents"].value] for e in both.get_asset_check_evaluations()
    }
    # what GX imports only for expectations and charts no schema uses: still stand-ins after the
    # check, the real module once something reads it
    seen["deferred"] = {name: type(sys.modules[name]).__name__ for name in ("scipy.stats", "altair")}
    seen["deferred_bodies_loaded"] = [m for m in ("scipy.stats._stats_py", "altair.vegalite") if m in sys.modules]
    from scipy import stats
    import altair
    seen["on_use"] = [round(float(stats.entropy([0.5, 0.5], [0.9, 0.1])), 4), altair.Chart.__name__]
    seen["after_use"] = {name: type(sys.modules[name]).__name__ for name in ("scipy.stats", "altair")}
    print(json.dumps(seen))
    """
)


def test_gx_and_pandas_are_imported_only_when_a_gx_check_runs(db: Database[Document], mongo_uri: str) -> None:
    datagen.seed(db, SIZE)
    env = {**os.environ, ENV_URI: mongo_uri, ENV_DB: db.name, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, HOUR, EMPTY_HOUR],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["location"] == {"great_expectations": False, "pandas": False}
    assert seen["server_side"] == {"great_expectations": False, "pandas": False}
    buckets = db.user_activity_buckets.count_documents({})
    assert buckets == len(_users_in_hour(db)) > 0  # one bucket per user with events in the hour
    assert seen["server_side_checks"] == {"data_quality": [True, buckets]}
    assert seen["empty_partition"] == {"great_expectations": False, "pandas": True}
    assert seen["empty_checks"] == {"data_quality": [True, 0], "schema_compliance": [True, 0]}
    # the control: the probe does see GX once a GX check ran
    assert seen["with_gx_check"] == {"great_expectations": True, "pandas": True}
    assert seen["checks"] == {"data_quality": [True, buckets], "schema_compliance": [True, buckets]}
    assert seen["deferred"] == {"scipy.stats": "_Deferred", "altair": "_Deferred"}
    assert seen["deferred_bodies_loaded"] == []
    assert seen["on_use"] == [0.5108, "Chart"]  # KL(0.5,0.5 || 0.9,0.1) = ln(5/3)
    assert seen["after_use"] == {"scipy.stats": "module", "altair": "module"}


def _users_in_hour(db: Database[Document]) -> list[Any]:
    start = dt.datetime(2024, 9, 14, 5)
    window = {"$gte": start, "$lt": start + dt.timedelta(hours=1)}
    return db.activity_events.distinct("userId", {"timestamp": window})


class _Commands(monitoring.CommandListener):
    def __init__(self) -> None:
        self.names: list[str] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.names.append(event.command_name)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@pytest.mark.parametrize("rollup", ["user_activity_buckets", "customer_daily_orders"])
def test_a_rerun_builds_no_index(db: Database[Document], mongo_uri: str, rollup: str) -> None:
    """Each run asks the server which indexes exist (``listIndexes``: no per-process cache, so any
    executor, any process) and sends ``createIndexes`` only for a missing one: bucket and computed."""
    datagen.seed(db, SIZE)
    spec = load_rollup_file(ROOT / "pipelines" / "rollups" / f"{rollup}.sql")
    start = dt.datetime(2024, 9, 14, tzinfo=dt.UTC)
    runs: list[list[str]] = []
    written: list[int] = []
    for _ in range(2):  # a fresh client each time: as a new process would connect
        listener = _Commands()
        client: MongoClient[Document] = MongoClient(mongo_uri, event_listeners=[listener])
        try:
            if spec.pattern == "bucket":
                hour = start + dt.timedelta(hours=5)  # the partition HOUR
                result = run_bucket_rollup(
                    client[db.name], spec, TimeWindow(hour, hour + dt.timedelta(hours=1))
                )
            else:
                day = TimeWindow(start, start + dt.timedelta(days=1))
                result = run_computed_rollup(client[db.name], spec, window=day)
        finally:
            client.close()
        written.append(result.documents_written)
        runs.append(listener.names)
    first, second = runs
    assert written[0] == written[1] > 0
    if spec.pattern == "bucket":
        assert written[0] == len(_users_in_hour(db))
    assert first.count("createIndexes") >= 1
    assert second.count("createIndexes") == 0
    assert second.count("listIndexes") >= 1
    keys = [list(ix["key"]) for ix in db[spec.target].list_indexes()]
    assert len(keys) == len({tuple(k) for k in keys})  # no index twice under another name

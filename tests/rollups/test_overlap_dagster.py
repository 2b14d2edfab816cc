"""Two ``dagster asset materialize`` processes of one partition, as a double click or a retry
overlapping its first attempt would start them, end like one clean run (both succeed)."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.rollups import load_rollup_file, run_bucket_rollup, run_computed_rollup
from tests.dagster_home import dagster_env
from tests.rollups.conftest import BUCKET_ROLLUP, make_events
from tests.rollups.test_overlap import (
    CUSTOMERS,
    DAILY_ORDERS,
    DAY_WINDOW,
    HOUR_WINDOW,
    SEED,
    _orders,
    snapshot,
)

DAGSTER = Path(sys.executable).parent / "dagster"
DEFS = """import dagster as dg
from leaf_dagster.dagster import MongoResource, rollup_definitions

defs = dg.Definitions.merge(
    rollup_definitions({folder!r}),
    dg.Definitions(resources={{"mongo": MongoResource(uri=dg.EnvVar("LEAF_MONGODB_URI"), database={db!r})}}),
)
"""


@pytest.mark.slow
def test_two_dagster_materializations_of_one_partition_end_like_one_run(
    db: Database[Document], mongo_uri: str, tmp_path: Path
) -> None:
    folder = tmp_path / "rollups"
    folder.mkdir()
    (folder / "customer_daily_orders.sql").write_text(DAILY_ORDERS)
    (folder / "buckets.sql").write_text(BUCKET_ROLLUP.format(max_events=20))
    (tmp_path / "defs.py").write_text(DEFS.format(folder=str(folder), db=db.name))
    db.orders.insert_many(_orders(CUSTOMERS))
    db.events.insert_many(make_events(1500, users=60, hours=1, start=HOUR_WINDOW.start))
    orders = load_rollup_file(folder / "customer_daily_orders.sql")
    buckets = load_rollup_file(folder / "buckets.sql")
    run_computed_rollup(db, orders, window=DAY_WINDOW)
    run_bucket_rollup(db, buckets, HOUR_WINDOW)
    expected = {spec.target: snapshot(db, spec.target, spec.metadata_field) for spec in (orders, buckets)}
    db.customer_daily_orders.drop()
    home, env = dagster_env(tmp_path, "telemetry:\n  enabled: false\n", mongo_uri, db.name)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        instance.get_runs(limit=1)  # create the sqlite storages once: two CLIs racing to do it collide
    rng = random.Random(SEED)
    for asset, partition in (("customer_daily_orders", "2024-09-14"), ("buckets", "2024-09-14-10:00")):
        command = [str(DAGSTER), "asset", "materialize", "-f", str(tmp_path / "defs.py")]
        command += ["--select", asset, "--partition", partition]
        offset = rng.uniform(0.0, 1.0)
        first = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        second = subprocess.Popen(
            ["sh", "-c", f'sleep {offset:.3f} && exec "$@"', "sh", *command],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        outputs = [proc.communicate(timeout=300)[0] for proc in (first, second)]
        assert [first.returncode, second.returncode] == [0, 0], outputs
        assert all("RUN_SUCCESS" in output for output in outputs)
        spec = orders if asset == "customer_daily_orders" else buckets
        assert snapshot(db, spec.target, spec.metadata_field) == expected[spec.target], (asset, offset)

"""A backfill through Dagster against one hand-written aggregation over the same range.

    python benchmarks/backfill.py           # a day of hourly buckets, a week of daily orders (minutes)
    python benchmarks/backfill.py --full    # a week of hourly buckets (168 partitions, ~100k events)
                                            # and a month of daily orders (long on the embedded server)

Uses ``LEAF_MONGODB_URI`` if set, else a temporary embedded server. The backfill runs as Dagster
runs it under the assets' ``BackfillPolicy``: one ranged run per ``max_partitions_per_run``
partitions (``dg.materialize`` with the range tags a backfill sets). Printed per rollup: the
backfill's wall time, the part of it spent in the engine (the runs' ``duration_s``: lease,
aggregation, clean-up, bookkeeping), the Dagster part (the rest), the hand-written single pass, and
the ratio backfill / hand-written (target: at most 1.3), and the rollup's own compiled aggregation
run once by hand over the range ("bare": what the backfill costs beyond its aggregation).

``--storage sqlite`` records the runs in an on-disk instance (a temporary ``DAGSTER_HOME`` with
SQLite storage, as ``dagster dev`` has) instead of in memory: Dagster then writes two events per
partition (planned, materialized), each its own SQLite commit, which is most of the Dagster part
of a long range.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import dagster as dg
from bson import json_util
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import ENV_URI, Document
from leaf_dagster.dagster import MongoResource, rollup_assets
from leaf_dagster.embedded import EmbeddedServer
from leaf_dagster.rollups import RollupSpec, load_rollup_file

ROLLUPS = Path(__file__).resolve().parent.parent / "pipelines" / "rollups"
START = dt.datetime(2024, 9, 2, tzinfo=dt.UTC)
TYPES = ("page_view", "click", "api_call", "error")

warnings.simplefilter("ignore", dg.BetaWarning)


def seed(db: Database[Document], hours: int, events: int, days: int, orders: int) -> None:
    rng = random.Random(14)
    db.activity_events.create_index("timestamp")
    db.orders.create_index("createdAt")
    batch: list[Document] = []
    for _ in range(events):
        kind = rng.choice(TYPES)
        doc: Document = {
            "userId": rng.randrange(300),
            "timestamp": START + dt.timedelta(seconds=rng.randrange(hours * 3600)),
            "eventType": kind,
            "page": f"/page/{rng.randrange(40)}",
            "sessionId": f"s{rng.randrange(1000)}",
        }
        if kind in ("page_view", "api_call"):
            doc["responseTime"] = rng.randrange(20, 3000)
        batch.append(doc)
    db.activity_events.insert_many(batch, ordered=False)
    db.orders.insert_many(
        [
            {
                "customerId": rng.randrange(400),
                "createdAt": START + dt.timedelta(seconds=rng.randrange(days * 86400)),
                "status": rng.choice(("paid", "paid", "shipped", "cancelled")),
                "total": rng.randrange(100, 50_000) / 100,
            }
            for _ in range(orders)
        ],
        ordered=False,
    )


def backfill(
    spec: RollupSpec,
    asset: dg.AssetsDefinition,
    keys: list[str],
    resources: dict[str, Any],
    instance: dg.DagsterInstance,
) -> tuple[float, float, int, list[Document]]:
    """Wall time, engine time, runs and the last run's pipeline of a backfill of ``keys``, split
    into runs as the backfill policy splits it."""
    policy = asset.backfill_policy
    per_run = (policy.max_partitions_per_run if policy else None) or len(keys)
    wall, engine, runs = 0.0, 0.0, 0
    pipeline: list[Document] = []
    for first in range(0, len(keys), per_run):
        chunk = keys[first : first + per_run]
        started = time.perf_counter()
        result = dg.materialize(
            [asset],
            resources=resources,
            instance=instance,
            tags={
                "dagster/asset_partition_range_start": chunk[0],
                "dagster/asset_partition_range_end": chunk[-1],
            },
        )
        wall += time.perf_counter() - started
        assert result.success, spec.name
        metadata = result.get_asset_materialization_events()[0].materialization.metadata
        engine += float(metadata["duration_s"].value)  # type: ignore[arg-type]
        runs += 1
        pipeline = json_util.loads(json.dumps(metadata["pipeline"].value))
    return wall, engine, runs, pipeline


def bare_pass(db: Database[Document], spec: RollupSpec, pipeline: list[Document]) -> float:
    """The rollup's own compiled aggregation, run once by hand into a scratch collection."""
    pipeline[-1]["$merge"] = {**pipeline[-1]["$merge"], "into": "bare_pass", "whenMatched": "replace"}
    db.drop_collection("bare_pass")
    if spec.pattern == "computed" and spec.on != ("_id",):
        db.bare_pass.create_index([(name, 1) for name in spec.on], unique=True)
    started = time.perf_counter()
    db[spec.sources[0]].aggregate(pipeline).close()
    return time.perf_counter() - started


def handwritten_buckets(db: Database[Document], end: dt.datetime) -> float:
    """A simpler pass than the rollup's: events per user and hour, with no summary and no overflow buckets."""
    db.drop_collection("handwritten_buckets")
    started = time.perf_counter()
    db.activity_events.aggregate(
        [
            {"$match": {"timestamp": {"$gte": START, "$lt": end}}},
            {"$sort": {"timestamp": 1, "_id": 1}},
            {
                "$group": {
                    "_id": {
                        "userId": "$userId",
                        "hour": {"$dateTrunc": {"date": "$timestamp", "unit": "hour"}},
                    },
                    "events": {"$push": {"t": "$timestamp", "type": "$eventType", "page": "$page"}},
                    "count": {"$sum": 1},
                }
            },
            # a string _id, as the rollup's: a document-valued _id makes the embedded server's $merge slow
            {"$set": {"_id": {"$concat": [{"$toString": "$_id.userId"}, "|", {"$toString": "$_id.hour"}]}}},
            {"$merge": {"into": "handwritten_buckets", "whenMatched": "replace"}},
        ]
    ).close()
    return time.perf_counter() - started


def handwritten_orders(db: Database[Document], end: dt.datetime) -> float:
    db.drop_collection("handwritten_orders")
    db.handwritten_orders.create_index([("customerId", 1), ("day", 1)], unique=True)
    started = time.perf_counter()
    db.orders.aggregate(
        [
            {"$match": {"createdAt": {"$gte": START, "$lt": end}}},
            {
                "$group": {
                    "_id": {
                        "customerId": "$customerId",
                        "day": {"$dateTrunc": {"date": "$createdAt", "unit": "day"}},
                    },
                    "orders": {"$sum": 1},
                    "total_spent": {"$sum": {"$cond": [{"$ne": ["$status", "cancelled"]}, "$total", 0]}},
                    "cancelled_orders": {"$sum": {"$cond": [{"$eq": ["$status", "cancelled"]}, 1, 0]}},
                    "avg_order_value": {"$avg": "$total"},
                    "largest_order": {"$max": "$total"},
                }
            },
            # the rollup's target shape: one document per customer and day, merged on both
            {"$set": {"customerId": "$_id.customerId", "day": "$_id.day"}},
            {"$unset": "_id"},
            {"$merge": {"into": "handwritten_orders", "on": ["customerId", "day"], "whenMatched": "replace"}},
        ]
    ).close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="168 hourly partitions and 30 daily ones")
    parser.add_argument(
        "--storage", choices=("memory", "sqlite"), default="memory", help="the Dagster instance's storage"
    )
    args = parser.parse_args()
    hours, events, days, orders = (168, 100_000, 30, 30_000) if args.full else (24, 6_000, 7, 3_000)
    uri = os.environ.get(ENV_URI)
    server = None
    if not uri:
        server = EmbeddedServer(Path(tempfile.mkdtemp(prefix="leaf-backfill-")) / "data")
        server.start()
        uri = server.uri
    instances = contextlib.ExitStack()
    try:
        if args.storage == "sqlite":
            home = instances.enter_context(tempfile.TemporaryDirectory(prefix="leaf-backfill-home-"))
            instance = instances.enter_context(dg.instance_for_test(temp_dir=home))
        else:
            instance = dg.DagsterInstance.ephemeral()
        client: MongoClient[Document] = MongoClient(uri)
        db = client["leaf_bench_backfill"]
        client.drop_database(db.name)
        seed(db, hours, events, days, orders)
        resources = {"mongo": MongoResource(uri=uri, database=db.name)}
        specs = {
            name: load_rollup_file(ROLLUPS / f"{name}.sql")
            for name in ("user_activity_buckets", "customer_daily_orders")
        }
        assets = {a.key.to_user_string(): a for a in rollup_assets(list(specs.values()))}
        cases = [
            ("user_activity_buckets", hours, "%Y-%m-%d-%H:%M", dt.timedelta(hours=1), handwritten_buckets),
            ("customer_daily_orders", days, "%Y-%m-%d", dt.timedelta(days=1), handwritten_orders),
        ]
        print(
            f"{'rollup':<24}{'partitions':>11}{'runs':>6}{'backfill s':>12}{'engine s':>10}{'dagster s':>11}"
            f"{'hand s':>9}{'ratio':>8}{'bare s':>9}{'ratio':>8}"
        )
        for name, count, fmt, period, handwritten in cases:
            keys = [(START + period * i).strftime(fmt) for i in range(count)]
            wall, engine, runs, pipeline = backfill(specs[name], assets[name], keys, resources, instance)
            hand = handwritten(db, START + period * count)
            bare = bare_pass(db, specs[name], pipeline) if runs == 1 else float("nan")
            print(
                f"{name:<24}{count:>11}{runs:>6}{wall:>12.2f}{engine:>10.2f}{wall - engine:>11.2f}"
                f"{hand:>9.2f}{wall / hand:>8.2f}{bare:>9.2f}{wall / bare:>8.2f}"
            )
        client.drop_database(db.name)
        client.close()
    finally:
        instances.close()
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()

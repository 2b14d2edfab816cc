"""In a ranged run each partition's materialization carries its own figures: read back from the
Dagster instance (what the asset's partition page shows), equal to those of one-partition runs; and
the range is one pass: as many aggregations writing the target as a one-partition run sends."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from pymongo import MongoClient, monitoring
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.dagster import MongoResource, rollup_assets
from leaf_dagster.rollups import load_rollup_file

ROLLUPS = Path(__file__).resolve().parents[2] / "pipelines" / "rollups"
DAY = dt.datetime(2024, 9, 14, tzinfo=dt.UTC)
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


class _Merges(monitoring.CommandListener):
    """The aggregations that write (end in ``$merge``), by target collection."""

    def __init__(self) -> None:
        self.targets: list[str] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "aggregate":
            last = (event.command.get("pipeline") or [{}])[-1]
            if "$merge" in last:
                into = last["$merge"]["into"]
                self.targets.append(into if isinstance(into, str) else into["coll"])

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


MERGES = _Merges()
_counting_clients: dict[str, MongoClient[Document]] = {}


class CountingMongo(MongoResource):
    """The resource, its client reporting every command to :data:`MERGES` (in-process runs only)."""

    def get_client(self) -> MongoClient[Document]:
        if self.uri not in _counting_clients:
            _counting_clients[self.uri] = MongoClient(self.uri, event_listeners=[MERGES])
        return _counting_clients[self.uri]


def _seed(db: Database[Document]) -> None:
    """Two days of orders and two hours of events, each partition with its own number of keys."""
    rng = random.Random(13)
    db.orders.insert_many(
        [
            {
                "customerId": customer,
                "createdAt": DAY + dt.timedelta(days=day, minutes=rng.randrange(24 * 60)),
                "status": rng.choice(("paid", "cancelled")),
                "total": rng.randrange(100, 9_000) / 100,
            }
            for day, customers in ((0, 5), (1, 7))
            for customer in range(customers)
            for _ in range(2)
        ]
    )
    db.activity_events.insert_many(
        [
            {
                "userId": user,
                "timestamp": DAY + dt.timedelta(hours=hour, minutes=rng.randrange(60)),
                "eventType": "click",
                "page": "/p",
            }
            for hour, users in ((0, 3), (1, 4))
            for user in range(users)
        ]
    )


def _figures(instance: dg.DagsterInstance, key: str, partition: str) -> dict[str, Any]:
    """The latest materialization of one partition, as stored."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey(key), asset_partitions=[partition]), limit=1
    ).records
    [record] = records
    materialization = record.asset_materialization
    assert materialization is not None and materialization.partition == partition
    return {name: value.value for name, value in materialization.metadata.items()}


@pytest.mark.parametrize(
    ("rollup", "partitions"),
    [
        ("customer_daily_orders", ["2024-09-14", "2024-09-15"]),
        ("user_activity_buckets", ["2024-09-14-00:00", "2024-09-14-01:00"]),
    ],
)
def test_each_partition_of_a_ranged_run_has_its_own_figures(
    db: Database[Document], mongo_uri: str, tmp_path: Path, rollup: str, partitions: list[str]
) -> None:
    _seed(db)
    assets = rollup_assets([load_rollup_file(ROLLUPS / f"{rollup}.sql")])
    resources = {"mongo": CountingMongo(uri=mongo_uri, database=db.name)}
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        single = {}
        merges_per_partition = []
        for partition in partitions:
            MERGES.targets.clear()
            result = dg.materialize(
                assets, partition_key=partition, resources=resources, instance=instance, run_config=QUIET
            )
            assert result.success
            single[partition] = _figures(instance, rollup, partition)
            merges_per_partition.append(MERGES.targets.count(rollup))
        assert merges_per_partition[0] == merges_per_partition[1] > 0

        def documents() -> dict[Any, Any]:  # each document's fields, but for which run wrote it
            # (watermark: the source's newest time the run read, its range's in a ranged run)
            run_fields = ("runId", "computedAt", "fence", "watermark")
            return {
                (
                    d.get("customerId"),
                    d.get("day"),
                    d.get("_id") if rollup == "user_activity_buckets" else None,
                ): {
                    **d,
                    "_id": None,
                    "computationMetadata": {
                        k: v for k, v in d["computationMetadata"].items() if k not in run_fields
                    },
                }
                for d in db[rollup].find()
            }

        written_one_by_one = documents()
        MERGES.targets.clear()
        ranged = dg.materialize(
            assets,
            resources=resources,
            instance=instance,
            run_config=QUIET,
            tags={
                "dagster/asset_partition_range_start": partitions[0],
                "dagster/asset_partition_range_end": partitions[-1],
            },
        )
        assert ranged.success
        assert MERGES.targets.count(rollup) == merges_per_partition[0]  # one pass over both partitions
        run_id = ranged.run_id
        # the documents are those of one-partition runs, each stamped with its own partition's window
        assert documents() == written_one_by_one
        counts = [single[p]["documents_written"] for p in partitions]
        assert counts[0] != counts[1] and min(counts) > 0  # the partitions are told apart
        for partition in partitions:
            figures = _figures(instance, rollup, partition)
            assert (
                instance.fetch_materializations(
                    dg.AssetRecordsFilter(asset_key=dg.AssetKey(rollup), asset_partitions=[partition]),
                    limit=1,
                )
                .records[0]
                .run_id
                == run_id
            )
            assert figures["documents_written"] == single[partition]["documents_written"]
            assert figures["partition_window"] == single[partition]["partition_window"]
            # what describes the whole range says so
            assert figures["range_documents_written"] == sum(counts)
            assert figures["partitions_in_run"] == 2
            assert "partitions" not in figures

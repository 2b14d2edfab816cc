"""Rollup files as Dagster assets: lineage, partitions, schedules, metadata, failures and retries."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import dagster as dg
import pytest
from pymongo.database import Database
from pymongo.errors import AutoReconnect

from leaf_dagster.connection import Document
from leaf_dagster.dagster import (
    MongoResource,
    rollup_asset,
    rollup_assets,
    rollup_definitions,
    rollup_source_assets,
)
from leaf_dagster.rollups import TimeWindow, load_rollup_file, run_bucket_rollup
from tests.rollups.conftest import BUCKET_ROLLUP, T0, make_events

warnings.simplefilter("ignore", dg.BetaWarning)

ENGAGEMENT = """/* leaf
target: engagement
on: [userId, day]
partition: daily
time_field: bucketDate
time_column: day
owners: [team:analytics]
tags: {domain: activity}
group: engagement
*/
SELECT userId, DATE_TRUNC('day', bucketDate) AS day, SUM(summary.clicks) AS clicks, SUM(eventCount) AS events
FROM buckets GROUP BY userId, DATE_TRUNC('day', bucketDate)
"""


@pytest.fixture
def rollups_dir(tmp_path: Path, rollup_file: Callable[[str, str], Path]) -> Path:
    rollup_file("buckets", BUCKET_ROLLUP.format(max_events=1000))
    rollup_file("engagement", ENGAGEMENT)
    return tmp_path


def _resources(mongo_uri: str, db: Database[Document]) -> dict[str, Any]:
    return {"mongo": MongoResource(uri=mongo_uri, database=db.name)}


def test_factory_builds_lineage_partitions_and_descriptions(rollups_dir: Path) -> None:
    assets = {a.key.to_user_string(): a for a in rollup_assets(rollups_dir)}
    assert set(assets) == {"buckets", "engagement"}
    buckets, engagement = assets["buckets"], assets["engagement"]
    assert {dep.asset_key for dep in engagement.specs_by_key[engagement.key].deps} == {dg.AssetKey("buckets")}
    assert {dep.asset_key for dep in buckets.specs_by_key[buckets.key].deps} == {dg.AssetKey("events")}
    assert [spec.key for spec in rollup_source_assets(rollups_dir)] == [dg.AssetKey("events")]
    assert isinstance(buckets.partitions_def, dg.HourlyPartitionsDefinition)
    assert isinstance(engagement.partitions_def, dg.DailyPartitionsDefinition)
    spec = engagement.specs_by_key[engagement.key]
    assert "SELECT userId, DATE_TRUNC('day', bucketDate)" in (spec.description or "")
    assert spec.kinds == {"mongodb"}
    assert spec.owners == ["team:analytics"]
    assert spec.tags["domain"] == "activity"
    assert spec.group_name == "engagement"
    assert spec.metadata["target"] == "engagement"

    single = rollup_asset(rollups_dir / "engagement.sql", key_prefix=["mongo"])
    assert single.key == dg.AssetKey(["mongo", "engagement"])
    assert {dep.asset_key for dep in single.specs_by_key[single.key].deps} == {
        dg.AssetKey(["mongo", "buckets"])
    }


def test_schedules_rerun_the_previous_hour_and_run_daily_at_the_configured_hour(rollups_dir: Path) -> None:
    defs = rollup_definitions(rollups_dir, daily_hour=5)
    merged = dg.Definitions.merge(defs, dg.Definitions(resources={"mongo": MongoResource(uri="mongodb://x")}))
    repo = merged.get_repository_def()
    hourly = repo.get_schedule_def("buckets_schedule")
    assert hourly.cron_schedule == "10 * * * *"
    context = dg.build_schedule_context(
        scheduled_execution_time=dt.datetime(2024, 9, 14, 11, 10, tzinfo=dt.UTC), repository_def=repo
    )
    requests = list(hourly.evaluate_tick(context).run_requests or [])
    assert [r.partition_key for r in requests] == ["2024-09-14-10:00", "2024-09-14-09:00"]
    daily = repo.get_schedule_def("engagement_schedule")
    assert daily.cron_schedule == "0 5 * * *"
    assert repo.get_job("buckets_job").partitions_def is not None


def test_materialize_hourly_partitions_and_a_daily_one(
    rollups_dir: Path, db: Database[Document], mongo_uri: str
) -> None:
    db.events.create_index("timestamp")
    db.events.insert_many(make_events(240, users=3, hours=3))
    assets: list[Any] = [*rollup_assets(rollups_dir), *rollup_source_assets(rollups_dir)]
    resources = _resources(mongo_uri, db)
    instance = dg.DagsterInstance.ephemeral()
    written = []
    for hour in range(3):
        key = (T0 + dt.timedelta(hours=hour)).strftime("%Y-%m-%d-%H:%M")
        result = dg.materialize(
            assets, selection=["buckets"], partition_key=key, resources=resources, instance=instance
        )
        assert result.success
        [event] = result.get_asset_materialization_events()
        metadata: dict[str, Any] = {k: v.value for k, v in event.materialization.metadata.items()}
        assert event.partition == key
        written.append(metadata["documents_written"])
        window = metadata["partition_window"]
        assert window == {
            "start": (T0 + dt.timedelta(hours=hour)).isoformat(),
            "end": (T0 + dt.timedelta(hours=hour + 1)).isoformat(),
        }
        pipeline = metadata["pipeline"]
        assert isinstance(pipeline, list) and "$merge" in pipeline[-1]
        assert metadata["watermark"] >= (T0 + dt.timedelta(hours=hour)).timestamp()
        assert metadata["duration_s"] > 0
    assert written == [3, 3, 3] and db.buckets.count_documents({}) == 9

    daily = dg.materialize(
        assets, selection=["engagement"], partition_key="2024-09-14", resources=resources, instance=instance
    )
    assert daily.success
    for doc in db.engagement.find():
        assert doc["events"] == db.events.count_documents({"userId": doc["userId"]})
    status = instance.get_status_by_partition(
        dg.AssetKey("buckets"),
        ["2024-09-14-10:00", "2024-09-14-11:00"],
        assets[0].partitions_def,
    )
    assert status is not None and set(status.values()) == {dg.AssetPartitionStatus.MATERIALIZED}


def test_a_partition_range_runs_as_one_backfill_run(
    rollups_dir: Path, db: Database[Document], mongo_uri: str
) -> None:
    db.events.create_index("timestamp")
    db.events.insert_many(make_events(150, users=2, hours=3))
    result = dg.materialize(
        rollup_assets(rollups_dir),
        selection=["buckets"],
        resources=_resources(mongo_uri, db),
        tags={
            "dagster/asset_partition_range_start": "2024-09-14-10:00",
            "dagster/asset_partition_range_end": "2024-09-14-12:00",
        },
    )
    assert result.success
    events = result.get_asset_materialization_events()
    assert sorted(str(e.partition) for e in events) == [
        "2024-09-14-10:00",
        "2024-09-14-11:00",
        "2024-09-14-12:00",
    ]
    assert db.buckets.count_documents({}) == 6
    assert sum(d["eventCount"] for d in db.buckets.find()) == 150
    # one aggregation for the range, but each partition's own figures (equal to a one-hour run's)
    figures = {str(e.partition): {k: v.value for k, v in e.materialization.metadata.items()} for e in events}
    assert {key: f["documents_written"] for key, f in figures.items()} == {
        "2024-09-14-10:00": 2,
        "2024-09-14-11:00": 2,
        "2024-09-14-12:00": 2,
    }
    assert figures["2024-09-14-11:00"]["partition_window"] == {
        "start": "2024-09-14T11:00:00+00:00",
        "end": "2024-09-14T12:00:00+00:00",
    }
    assert {f["range_documents_written"] for f in figures.values()} == {6}
    for key, figure in figures.items():
        hour = dt.datetime.strptime(key, "%Y-%m-%d-%H:%M").replace(tzinfo=dt.UTC)
        single = run_bucket_rollup(
            db, load_rollup_file(rollups_dir / "buckets.sql"), TimeWindow(hour, hour + dt.timedelta(hours=1))
        )
        assert single.documents_written == figure["documents_written"]
    assert db.buckets.count_documents({}) == 6


def test_logic_errors_fail_at_once_with_the_sql_and_the_pipeline(
    rollups_dir: Path, db: Database[Document], mongo_uri: str
) -> None:
    events = make_events(20, hours=1)
    # a user id that is a document: building the bucket's string _id fails on the server ($toString
    # of an object). (A target validator the buckets violate is no test here: the embedded server's
    # $merge skips validation, see the README's gaps table.)
    events[0]["userId"] = {"nested": 1}
    db.events.insert_many(events)
    result = dg.materialize(
        rollup_assets(rollups_dir),
        selection=["buckets"],
        partition_key="2024-09-14-10:00",
        resources=_resources(mongo_uri, db),
        raise_on_error=False,
    )
    assert not result.success
    kinds = [event.event_type_value for event in result.all_events]
    assert "STEP_UP_FOR_RETRY" not in kinds
    [failure] = result.get_step_failure_events()
    user_failure = failure.step_failure_data.user_failure_data
    assert user_failure is not None
    assert "rollup buckets failed" in (user_failure.description or "")
    assert "conversion from object to string" in (user_failure.description or "").lower()
    failure_metadata: dict[str, Any] = {k: v.value for k, v in user_failure.metadata.items()}
    assert "SELECT userId, timestamp" in failure_metadata["sql"]
    assert "$merge" in failure_metadata["pipeline"][-1]


class FlakyMongo(MongoResource):
    calls: ClassVar[list[int]] = []

    def get_database(self) -> Database[Document]:
        FlakyMongo.calls.append(1)
        if len(FlakyMongo.calls) == 1:
            raise AutoReconnect("connection reset (simulated)")
        return super().get_database()


def test_transient_errors_are_retried(rollups_dir: Path, db: Database[Document], mongo_uri: str) -> None:
    db.events.insert_many(make_events(20, hours=1))
    FlakyMongo.calls.clear()
    result = dg.materialize(
        rollup_assets(rollups_dir),
        selection=["buckets"],
        partition_key="2024-09-14-10:00",
        resources={"mongo": FlakyMongo(uri=mongo_uri, database=db.name)},
    )
    assert result.success
    assert len(FlakyMongo.calls) >= 2  # the failed attempt, then the retry (which also counts rows)
    assert "STEP_UP_FOR_RETRY" in [event.event_type_value for event in result.all_events]


def test_rollups_declare_a_concurrency_pool_per_resource_or_per_target(rollups_dir: Path) -> None:
    per_server = {a.op.pool for a in rollup_assets(rollups_dir, resource_key="warehouse")}
    assert per_server == {"mongodb/warehouse"}
    pools = {
        a.key.to_user_string(): a.op.pool
        for a in rollup_assets(rollups_dir, resource_key="warehouse", pool_by="target")
    }
    assert pools == {"buckets": "mongodb/warehouse/buckets", "engagement": "mongodb/warehouse/engagement"}
    defs = dg.Definitions.merge(
        rollup_definitions(rollups_dir),
        dg.Definitions(resources={"mongo": MongoResource(uri="mongodb://127.0.0.1:1", database="x")}),
    )
    assert defs.resolve_job_def("engagement_job").tags["leaf/mongodb"] == "mongo"

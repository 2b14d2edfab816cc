"""A ranged run records one check result per partition (never "Skipped" for a checked one); raw
collections are observed (document count, newest event) and checked for freshness."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from pymongo.database import Database

from leaf_dagster.connection import ENV_DB, ENV_URI, Document
from leaf_dagster.dagster import COMPLIANCE_CHECK, QUALITY_CHECK
from leaf_dagster.dagster.component_sources import newest_value
from pipelines import datagen

PIPELINES = Path(__file__).resolve().parents[2] / "pipelines"
SIZE = datagen.SampleSize(
    users=6, days=1, events_per_user_day=10, products=3, reviews_per_product=2, dirty=True
)
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@pytest.fixture
def location(db: Database[Document], mongo_uri: str, monkeypatch: pytest.MonkeyPatch) -> dg.Definitions:
    monkeypatch.setenv(ENV_URI, mongo_uri)
    monkeypatch.setenv(ENV_DB, db.name)
    return dg.load_from_defs_folder(path_within_project=PIPELINES)


def test_a_ranged_run_records_each_partitions_check_results(
    db: Database[Document], location: dg.Definitions, tmp_path: Path
) -> None:
    datagen.seed(db, SIZE)
    scroll = db.activity_events.find_one({"eventType": "scroll"})  # the dirty sample's bad event
    assert scroll is not None
    bad_hour = scroll["timestamp"].strftime("%Y-%m-%d-%H:00")
    start = scroll["timestamp"].replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
    hours = [(start + dt.timedelta(hours=h)).strftime("%Y-%m-%d-%H:%M") for h in range(3)]
    assert bad_hour == hours[1]
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        result = location.resolve_job_def("user_activity_buckets_job").execute_in_process(
            run_config=QUIET,
            instance=instance,
            tags={
                "dagster/asset_partition_range_start": hours[0],
                "dagster/asset_partition_range_end": hours[-1],
            },
            raise_on_error=False,
        )
        assert result.success
        evaluations = {(e.check_name, e.partition): e for e in result.get_asset_check_evaluations()}
        assert set(evaluations) == {(c, h) for c in (COMPLIANCE_CHECK, QUALITY_CHECK) for h in hours}
        failed = {key for key, e in evaluations.items() if not e.passed}
        assert failed == {(COMPLIANCE_CHECK, bad_hour)}
        for hour in hours:  # each result counts only its own hour's buckets
            window = dt.datetime.strptime(hour, "%Y-%m-%d-%H:%M")
            count = db.user_activity_buckets.count_documents(
                {"bucketDate": {"$gte": window, "$lt": window + dt.timedelta(hours=1)}}
            )
            assert evaluations[(COMPLIANCE_CHECK, hour)].metadata["documents"].value == count

        # what the Checks tab reads: per partition, the status of the latest execution
        key = dg.AssetCheckKey(dg.AssetKey("user_activity_buckets"), COMPLIANCE_CHECK)
        records = instance.event_log_storage.get_asset_check_execution_history(key, limit=20)
        statuses: dict[Any, set[str]] = {}
        for record in records:
            statuses.setdefault(record.partition, set()).add(record.status.value)
        assert statuses == {
            hours[0]: {"SUCCEEDED"},
            hours[1]: {"FAILED"},
            hours[2]: {"SUCCEEDED"},
        }  # no result without a partition, no partition "Skipped"


def test_sources_are_observed_and_checked_for_freshness(
    db: Database[Document], location: dg.Definitions, tmp_path: Path
) -> None:
    counts = datagen.seed(db, SIZE)
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        result = location.resolve_job_def("observe_sources_job").execute_in_process(
            run_config=QUIET, instance=instance, raise_on_error=False
        )
        assert result.success
        observed: dict[str, dict[str, Any]] = {}
        for event in result.all_events:
            if event.event_type == dg.DagsterEventType.ASSET_OBSERVATION:
                observation = event.asset_observation_data.asset_observation
                observed[observation.asset_key.to_user_string()] = {
                    k: v.value for k, v in observation.metadata.items()
                }
        assert set(observed) == {"activity_events", "notifications", "orders", "products", "reviews", "users"}
        for name, count in counts.items():
            assert observed[name]["dagster/row_count"] == count, name
        newest = max(e["timestamp"] for e in db.activity_events.find())
        assert observed["activity_events"]["newest_event"] == pytest.approx(
            newest.replace(tzinfo=dt.UTC).timestamp()
        )
        assert observed["activity_events"]["time_field"] == "timestamp"
        assert "newest_event" not in observed["users"]  # no rollup windows on a users time field
        # the sample ends in September 2024: every windowed source is stale
        freshness = {e.asset_key.to_user_string(): e for e in result.get_asset_check_evaluations()}
        assert set(freshness) == {"activity_events", "orders", "reviews"}
        assert not any(e.passed for e in freshness.values())
        assert all(e.severity == dg.AssetCheckSeverity.WARN for e in freshness.values())
        assert "days old" in (freshness["orders"].description or "")

        # the UI shows the latest observation instead of "Never materialized"
        records = instance.fetch_observations(dg.AssetKey("users"), limit=1).records
        assert [r.asset_observation.metadata["dagster/row_count"].value for r in records] == [counts["users"]]


def test_the_newest_value_reads_one_index_entry(db: Database[Document]) -> None:
    db.events.create_index("at")
    base = dt.datetime(2026, 1, 1)
    db.events.insert_many([{"at": base + dt.timedelta(minutes=i)} for i in range(50)] + [{"other": 1}])
    assert newest_value(db.events, "at") == (base + dt.timedelta(minutes=49)).replace(tzinfo=dt.UTC)
    plan = db.events.find({}, {"at": 1, "_id": 0}).sort("at", -1).limit(1).explain()
    assert "IXSCAN" in str(plan) and "COLLSCAN" not in str(plan)

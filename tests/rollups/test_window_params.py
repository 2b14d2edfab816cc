"""Rollups whose SQL filters on the partition window itself (``:partition_start``/``:partition_end``):
the seed's engagement query as the example code location runs it, checked against DuckDB running
the same SQL with the same bound window, re-runs, backfill ranges, config mistakes and lineage."""

from __future__ import annotations

import datetime as dt
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bson
import dagster as dg
import pytest
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.dagster import MongoResource, rollup_assets, rollup_definitions, rollup_source_assets
from leaf_dagster.dagster.rollups import lookback_partition_mapping
from leaf_dagster.rollups import (
    LeafRollupConfigError,
    RollupSpec,
    TimeWindow,
    load_rollup_file,
    parse_rollup,
    run_computed_rollup,
)
from leaf_dagster.rollups.runs import RUNS_COLLECTION
from leaf_dagster.sql import compile_sql, run_sql
from tests.rollups.conftest import BUCKET_ROLLUP, make_events
from tests.sql import duck_multi
from tests.sql.harness import Env, Query, diff, run_duck

warnings.simplefilter("ignore", dg.BetaWarning)

ROLLUPS = Path(__file__).resolve().parents[2] / "pipelines" / "rollups"
ENGAGEMENT_FILE = ROLLUPS / "user_engagement.sql"
UTC = dt.UTC


@pytest.fixture(scope="module")
def seed_env(mongo_client: MongoClient[Document]) -> Iterator[Env]:
    """``tests/sql``'s multi-collection data (240 users, 400 activity buckets) in both engines."""
    with duck_multi.loaded(mongo_client) as env:
        yield env


@pytest.fixture(scope="module")
def engagement() -> RollupSpec:
    return load_rollup_file(ENGAGEMENT_FILE)


def bson_of(pipeline: Any) -> bytes:
    return bson.encode({"pipeline": list(pipeline)})


def _day(value: str) -> TimeWindow:
    start = dt.datetime.fromisoformat(value).replace(tzinfo=UTC)
    return TimeWindow(start, start + dt.timedelta(days=1))


def _query(spec: RollupSpec, window: TimeWindow) -> Query:
    """The rollup's SQL with the window bound as the engine binds it (naive UTC for DuckDB)."""
    params = {
        "partition_start": window.start.replace(tzinfo=None),
        "partition_end": window.end.replace(tzinfo=None),
    }
    return Query(id=spec.name, sql=spec.sql, params=params, unordered={"departments": None})


def _partition_rows(db: Database[Document], spec: RollupSpec, window: TimeWindow) -> list[dict[str, Any]]:
    """The target's documents of one partition as SQL rows (the SELECT's columns, in order)."""
    docs = db[spec.target].find({"day": window.start.replace(tzinfo=None)})
    return [{column: doc.get(column) for column in spec.columns} for doc in docs]


def _contents(db: Database[Document], spec: RollupSpec) -> list[Document]:
    docs = db[spec.target].find({}, {"_id": 0, spec.metadata_field: 0})
    return sorted(docs, key=lambda d: (d["day"], str(d["user_id"])))


def test_the_seed_engagement_partition_equals_duckdb(seed_env: Env, engagement: RollupSpec) -> None:
    db = seed_env.db
    db[engagement.target].drop()
    for day in ("2024-06-14", "2024-05-01"):
        window = _day(day)
        clock = time.perf_counter()
        result = run_computed_rollup(db, engagement, window=window)
        seconds = time.perf_counter() - clock
        assert result.mode == "partition" and result.params == {
            "partition_start": window.start,
            "partition_end": window.end,
        }
        # no $match prepended to the base collection: the pipeline starts with the SQL's own stages
        compiled = compile_sql(engagement.sql, params=result.params)
        assert compiled.collection == "users"
        # compared as BSON: the pipeline holds NaN constants (a double's text), and NaN != NaN
        ours = list(result.pipeline[: len(compiled.pipeline)])
        if "$project" in ours[-1]:  # the run's stamps are more fields of the SQL's last $project
            fields = ours[-1]["$project"]
            ours[-1] = {
                "$project": {k: v for k, v in fields.items() if not k.startswith("computationMetadata.")}
            }
        assert bson_of(ours) == bson_of(compiled.pipeline)
        query = _query(engagement, window)
        expected = run_duck(seed_env.duck, query)
        got = _partition_rows(db, engagement, window)
        assert diff(query, expected, got) is None, (day, diff(query, expected, got))
        # and what the rollup wrote is what the same SQL returns through run_sql
        assert diff(query, expected, run_sql(db, engagement.sql, params=query.params)) is None
        assert result.documents_written == len(got) == len(expected.rows) >= 50, (day, seconds)
        segments = {row["engagement_segment"] for row in got}
        assert len(segments) >= 3 and len({row["account_type"] for row in got}) >= 2
        assert any(row["total_page_views"] for row in got)  # the 30 days of buckets are found
        for doc in db[engagement.target].find({"day": window.start.replace(tzinfo=None)}):
            meta = doc["computationMetadata"]
            assert meta["window"] == {
                "start": window.start.replace(tzinfo=None),
                "end": window.end.replace(tzinfo=None),
            }
            assert meta["sources"] == ["users", "user_activity_buckets"]
    assert db[engagement.target].count_documents({}) == sum(
        len(_partition_rows(db, engagement, _day(d))) for d in ("2024-06-14", "2024-05-01")
    )


def test_rerunning_a_partition_is_idempotent(seed_env: Env, engagement: RollupSpec) -> None:
    db = seed_env.db
    target = db[engagement.target]
    target.drop()
    june, may = _day("2024-06-14"), _day("2024-05-01")
    first = run_computed_rollup(db, engagement, window=june)
    run_computed_rollup(db, engagement, window=may)
    before = _contents(db, engagement)
    again = run_computed_rollup(db, engagement, window=june)
    assert again.documents_written == first.documents_written and again.documents_removed == 0
    assert again.run_id != first.run_id
    assert _contents(db, engagement) == before  # same documents, no duplicates
    keys = [(d["user_id"], d["day"]) for d in before]
    assert len(keys) == len(set(keys))
    assert {d["computationMetadata"]["runId"] for d in target.find({"day": june.start})} == {again.run_id}

    # a user who is no longer active leaves the re-run partition only
    user = target.find_one({"day": june.start})
    assert user is not None
    db.users.update_one({"_id": user["user_id"]}, {"$set": {"account.status": "closed"}})
    try:
        third = run_computed_rollup(db, engagement, window=june)
    finally:
        db.users.update_one({"_id": user["user_id"]}, {"$set": {"account.status": "active"}})
    assert third.documents_removed == 1 and third.documents_written == first.documents_written - 1
    assert target.count_documents({"user_id": user["user_id"], "day": june.start}) == 0
    assert target.count_documents({"user_id": user["user_id"], "day": may.start}) == 1


def test_a_backfill_range_runs_the_sql_once_per_partition(seed_env: Env, engagement: RollupSpec) -> None:
    db = seed_env.db
    db[engagement.target].drop()
    start = dt.datetime(2024, 6, 12, tzinfo=UTC)
    result = run_computed_rollup(db, engagement, window=TimeWindow(start, start + dt.timedelta(days=3)))
    assert result.mode == "partitions" and result.extra["partitions_run"] == 3
    # one run of the engine per partition, each in the run log with its own window
    records = list(db[RUNS_COLLECTION].find({"_id": {"$in": result.extra["leaf_run_ids"].split(", ")}}))
    assert sorted(r["window"]["start"] for r in records) == [dt.datetime(2024, 6, d) for d in (12, 13, 14)]
    days = [_day(f"2024-06-{d}") for d in (12, 13, 14)]
    per_day = {w.start: _partition_rows(db, engagement, w) for w in days}
    assert result.documents_written == sum(len(rows) for rows in per_day.values())
    for window in days:
        query = _query(engagement, window)
        assert diff(query, run_duck(seed_env.duck, query), per_day[window.start]) is None


# ------------------------------------------------------------------------------------ config errors

SEED_LIKE = """/* leaf
target: engagement
on: [user_id, day]
partition: daily
time_column: day
upstream_lookback: 30 days
*/
SELECT u._id AS user_id, :partition_start AS day, SUM(b.summary.clicks) AS clicks
FROM users u
LEFT JOIN user_activity_buckets b ON u._id = b.userId
  AND b.bucketDate >= :partition_end - INTERVAL '30 days' AND b.bucketDate < :partition_end
GROUP BY u._id
"""


def _error(text: str) -> LeafRollupConfigError:
    with pytest.raises(LeafRollupConfigError) as info:
        parse_rollup(text, name="engagement", source="engagement.sql")
    return info.value


def test_window_params_parse() -> None:
    spec = parse_rollup(SEED_LIKE, name="engagement")
    assert spec.window_params == ("partition_start", "partition_end") and spec.binds_window
    assert spec.time_field is None and spec.output_time_column == "day"
    assert spec.upstream_lookback == dt.timedelta(days=30)
    assert spec.sources == ("users", "user_activity_buckets")


def test_a_time_field_on_a_joined_collection_is_a_clear_error() -> None:
    """The old configuration: time_field bucketDate, but the base collection is users."""
    text = (
        SEED_LIKE.replace(
            "time_column: day\nupstream_lookback: 30 days", "time_field: bucketDate\ntime_column: day"
        )
        .replace(":partition_start AS day", "DATE_TRUNC('day', b.bucketDate) AS day")
        .replace(
            "AND b.bucketDate >= :partition_end - INTERVAL '30 days' AND b.bucketDate < :partition_end", ""
        )
        .replace("GROUP BY u._id", "GROUP BY u._id, DATE_TRUNC('day', b.bucketDate)")
    )
    error = _error(text)
    assert str(error).startswith(
        "engagement.sql:5: time_field 'bucketDate' is a field of user_activity_buckets"
    )
    assert "not of the base collection 'users'" in str(error)
    assert ":partition_start / :partition_end" in str(error)


def test_a_partitioned_rollup_needs_a_window() -> None:
    text = (
        SEED_LIKE.replace("upstream_lookback: 30 days\n", "")
        .replace(
            "AND b.bucketDate >= :partition_end - INTERVAL '30 days' AND b.bucketDate < :partition_end", ""
        )
        .replace(":partition_start AS day", "MAX(b.bucketDate) AS day")
    )
    error = _error(text)
    assert str(error).startswith("engagement.sql:4: partition: daily needs a window: time_field")
    assert "base collection 'users'" in str(error) and ":partition_start / :partition_end" in str(error)


def test_window_param_mistakes_name_their_line() -> None:
    unpartitioned = _error(
        SEED_LIKE.replace("partition: daily\n", "").replace("upstream_lookback: 30 days\n", "")
    )
    assert str(unpartitioned).startswith("engagement.sql:6: the SQL uses :partition_start")
    assert "add partition: daily" in str(unpartitioned)

    both = _error(SEED_LIKE.replace("time_column: day", "time_field: bucketDate\ntime_column: day"))
    assert str(both).startswith("engagement.sql:5: time_field 'bucketDate' and the SQL's")

    no_column = _error(SEED_LIKE.replace("time_column: day\n", "").replace("[user_id, day]", "user_id"))
    assert str(no_column).startswith("engagement.sql:4:") and "needs time_column" in str(no_column)

    typo = _error(SEED_LIKE.replace("< :partition_end", "< :partition_ends"))
    assert str(typo).startswith("engagement.sql:11: SQL does not compile: missing parameter :partition_ends")

    lookback = _error(SEED_LIKE.replace("30 days", "a month"))
    assert str(lookback).startswith("engagement.sql:6: upstream_lookback must be a duration")
    text = """/* leaf
on: [customerId, day]
partition: daily
time_field: createdAt
time_column: day
upstream_lookback: 2 days
*/
SELECT customerId, DATE_TRUNC('day', createdAt) AS day, COUNT(*) AS orders FROM orders
GROUP BY customerId, DATE_TRUNC('day', createdAt)
"""
    assert str(_error(text)).startswith("engagement.sql:6: upstream_lookback is for rollups whose SQL")


# ------------------------------------------------------------------------------------------ Dagster


def test_lineage_and_the_lookback_partition_mapping() -> None:
    defs = dg.Definitions.merge(
        rollup_definitions(ROLLUPS), dg.Definitions(resources={"mongo": MongoResource(uri="mongodb://x")})
    )
    graph = defs.get_repository_def().asset_graph
    key, buckets = dg.AssetKey("user_engagement"), dg.AssetKey("user_activity_buckets")
    assert graph.get(key).parent_keys == {dg.AssetKey("users"), buckets}
    node = graph.get(key)
    assert "LEFT JOIN UNNEST(u.attributes)" in (node.description or "")
    assert node.metadata["window"] == "SQL parameters :partition_start, :partition_end"
    assert node.metadata["time_column"] == "day" and node.metadata["upstream_lookback"] == "30 days"

    mapping = graph.get_partition_mapping(key, buckets)
    assert isinstance(mapping, dg.TimeWindowPartitionMapping)
    assert (mapping.start_offset, mapping.end_offset) == (-29, 0)
    assert mapping.allow_nonexistent_upstream_partitions
    daily, hourly = graph.get(key).partitions_def, graph.get(buckets).partitions_def
    assert isinstance(daily, dg.DailyPartitionsDefinition)
    assert isinstance(hourly, dg.HourlyPartitionsDefinition)
    now = dt.datetime(2024, 12, 1, tzinfo=UTC)

    def upstream(day: str) -> list[str]:
        result = mapping.get_upstream_mapped_partitions_result_for_partitions(
            daily.subset_with_partition_keys([day]), daily, hourly, current_time=now
        )
        return list(result.partitions_subset.get_partition_keys())

    # 2024-10-15 reads the buckets of [2024-09-16, 2024-10-16): 30 days of hourly partitions
    keys = upstream("2024-10-15")
    assert len(keys) == 30 * 24 and keys[0] == "2024-09-16-00:00" and keys[-1] == "2024-10-15-23:00"
    # near the start date only the partitions that exist, no error
    assert upstream("2024-09-02")[0] == "2024-09-01-00:00" and len(upstream("2024-09-02")) == 48
    # a re-run hourly partition makes the 30 daily partitions that read it stale
    downstream = mapping.get_downstream_partitions_for_partitions(
        hourly.subset_with_partition_keys(["2024-09-20-05:00"]), hourly, daily, current_time=now
    )
    days = sorted(downstream.get_partition_keys())
    assert len(days) == 30 and days[0] == "2024-09-20" and days[-1] == "2024-10-19"
    # the other rollups keep Dagster's default mapping (no lookback declared)
    spec = load_rollup_file(ROLLUPS / "customer_daily_orders.sql")
    assert lookback_partition_mapping(spec) is None


ENGAGEMENT_FROM_BUCKETS = """/* leaf
target: engagement
on: [userId, day]
partition: daily
time_column: day
upstream_lookback: 2 days
*/
SELECT userId, :partition_start AS day, SUM(summary.clicks) AS clicks, SUM(eventCount) AS events
FROM buckets
WHERE bucketDate >= :partition_end - INTERVAL '2 days' AND bucketDate < :partition_end
GROUP BY userId
"""


def test_materialize_a_daily_partition_reading_two_days_of_hourly_buckets(
    tmp_path: Path, db: Database[Document], mongo_uri: str
) -> None:
    (tmp_path / "buckets.sql").write_text(BUCKET_ROLLUP.format(max_events=1000))
    (tmp_path / "engagement.sql").write_text(ENGAGEMENT_FROM_BUCKETS)
    start = dt.datetime(2024, 9, 13, 22, tzinfo=UTC)
    db.events.insert_many(make_events(300, users=3, hours=4, start=start))  # 22:00 on the 13th to 02:00
    assets: list[Any] = [*rollup_assets(tmp_path), *rollup_source_assets(tmp_path)]
    resources = {"mongo": MongoResource(uri=mongo_uri, database=db.name)}
    instance = dg.DagsterInstance.ephemeral()
    assert dg.materialize(
        assets,
        selection=["buckets"],
        resources=resources,
        instance=instance,
        tags={
            "dagster/asset_partition_range_start": "2024-09-13-22:00",
            "dagster/asset_partition_range_end": "2024-09-14-01:00",
        },
    ).success
    result = dg.materialize(
        assets, selection=["engagement"], partition_key="2024-09-14", resources=resources, instance=instance
    )
    assert result.success
    [event] = result.get_asset_materialization_events()
    metadata = {k: v.value for k, v in event.materialization.metadata.items()}
    assert metadata["window_params"] == {
        "partition_start": "2024-09-14T00:00:00+00:00",
        "partition_end": "2024-09-15T00:00:00+00:00",
    }
    assert metadata["partition_window"] == {
        "start": "2024-09-14T00:00:00+00:00",
        "end": "2024-09-15T00:00:00+00:00",
    }
    assert metadata["mode"] == "partition" and metadata["documents_written"] == 3
    # both days of buckets are read: every event, the 13th's included
    events = {d["userId"]: d["events"] for d in db.engagement.find()}
    expected: dict[Any, int] = {}
    for e in db.events.find():
        expected[e["userId"]] = expected.get(e["userId"], 0) + 1
    assert events == expected
    assert {d["day"] for d in db.engagement.find()} == {dt.datetime(2024, 9, 14)}

    # a two-day range in one run (the backfill policy's multi-run): one SQL run per day
    ranged = dg.materialize(
        assets,
        selection=["engagement"],
        resources=resources,
        instance=instance,
        tags={
            "dagster/asset_partition_range_start": "2024-09-14",
            "dagster/asset_partition_range_end": "2024-09-15",
        },
    )
    assert ranged.success
    per_day = {
        str(e.partition): {k: v.value for k, v in e.materialization.metadata.items()}
        for e in ranged.get_asset_materialization_events()
    }
    assert sorted(per_day) == ["2024-09-14", "2024-09-15"]
    range_metadata = per_day["2024-09-14"]
    assert range_metadata["mode"] == "partitions" and range_metadata["partitions_run"] == "2"
    assert per_day["2024-09-15"]["partition_window"] == {
        "start": "2024-09-15T00:00:00+00:00",
        "end": "2024-09-16T00:00:00+00:00",
    }
    by_day = {(d["userId"], d["day"]): d["events"] for d in db.engagement.find()}
    on_15th = {u: n for (u, day), n in by_day.items() if day == dt.datetime(2024, 9, 15)}
    after_midnight = {}
    for e in db.events.find({"timestamp": {"$gte": dt.datetime(2024, 9, 14)}}):
        after_midnight[e["userId"]] = after_midnight.get(e["userId"], 0) + 1
    assert on_15th == after_midnight  # the 15th reads the 14th and 15th: no events of the 13th
    assert per_day["2024-09-15"]["documents_written"] == len(on_15th)

    # the run log says how each ranged run ran, in the words of the README's cost table
    said = " ".join(entry.user_message for entry in instance.all_logs(ranged.run_id) if entry.user_message)
    once_each = "its SQL reads :partition_start/:partition_end, so it ran once per partition"
    assert f"engagement: 2 partitions, {once_each}" in said
    assert f"`{once_each}`" in (Path(__file__).resolve().parents[2] / "README.md").read_text()
    bucket_range = dg.materialize(
        assets,
        selection=["buckets"],
        resources=resources,
        instance=instance,
        tags={
            "dagster/asset_partition_range_start": "2024-09-13-22:00",
            "dagster/asset_partition_range_end": "2024-09-14-01:00",
        },
    )
    said = " ".join(
        entry.user_message for entry in instance.all_logs(bucket_range.run_id) if entry.user_message
    )
    assert "buckets: 4 partitions, in one aggregation over the whole range" in said

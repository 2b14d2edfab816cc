"""``make demo`` twice gives the same rollup contents; the sample data is deterministic. The demo
migrates the users to the schema's version first; its dirty sample fails the checks it should, and
the demo still succeeds, without printing a traceback for the check failure it expects."""

from __future__ import annotations

import datetime as dt
import io
import random
import warnings
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from pymongo.database import Database
from rich.console import Console

from leaf_dagster.cli.sql_cmd import load_catalog
from leaf_dagster.connection import ENV_URI, Document
from leaf_dagster.dagster import MongoResource
from leaf_dagster.rollups import load_rollup_file
from leaf_dagster.sql import run_sql
from leaf_dagster.sql.runner import python_value
from pipelines import datagen
from pipelines.demo import (
    APPLIED,
    DEMO_LOGGERS,
    SKIPPED,
    DemoResult,
    migrations_table,
    print_failed_checks,
    raw_checks_table,
    run_demo,
    run_job,
    run_migrations,
    succeeded,
    summary_table,
)
from tests.migrations.helpers import collection_hashes

SIZE = datagen.SampleSize(
    users=6, days=1, events_per_user_day=10, products=4, reviews_per_product=5, dirty=True
)
ROLLUPS = Path(__file__).resolve().parents[2] / "pipelines" / "rollups"
TARGETS = ("user_activity_buckets", "user_engagement", "customer_daily_orders", "products")


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in ("computationMetadata", "computation")}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _contents(db: Database[Document]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for name in TARGETS:
        docs = [_strip(doc) for doc in db[name].find()]
        if name in ("user_engagement", "customer_daily_orders"):
            docs = [{k: v for k, v in doc.items() if k != "_id"} for doc in docs]  # generated on insert
        out[name] = sorted(docs, key=repr)
    return out


def test_demo_twice_gives_the_same_rollups(
    db: Database[Document], mongo_uri: str, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(ENV_URI, mongo_uri)
    console = Console(file=io.StringIO(), width=140)
    instance = dg.DagsterInstance.ephemeral()
    first = run_demo(mongo_uri, db.name, SIZE, instance=instance, console=console)
    first_contents = _contents(db)
    second = run_demo(mongo_uri, db.name, SIZE, instance=instance, console=console)
    assert first.success and second.success  # failed checks are what the demo shows, not a failure
    assert _contents(db) == first_contents
    assert _outcomes(first) == _outcomes(second)
    # the blocking users check failed in both runs, and no traceback of it reached the console
    stderr = capfd.readouterr().err
    assert "DagsterAssetCheckFailedError" not in stderr and "STEP_FAILURE" not in stderr
    _assert_migrated_then_idempotent(db, mongo_uri, instance, first, second)

    first_rows = first.rows
    assert {row.asset for row in first_rows} == {
        "user_activity_buckets", "user_engagement", "customer_daily_orders", "product_review_summary",
    }  # fmt: skip
    # two single hours, then the rest of the day as one range run
    assert [row.partition for row in first_rows if row.asset == "user_activity_buckets"] == [
        "2024-09-14-00:00", "2024-09-14-01:00", "2024-09-14-02:00…2024-09-14-23:00",
    ]  # fmt: skip
    assert sum(d["eventCount"] for d in db.user_activity_buckets.find()) == 6 * 10
    assert all(p["reviews"]["summary"]["count"] == 5 for p in db.products.find())
    _assert_engagement_is_the_seed_query(db)

    console.print(migrations_table(first.migrations))
    console.print(summary_table(first_rows))
    console.print(raw_checks_table(first.raw_checks))
    print_failed_checks(console, first)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert "user_activity_buckets" in output and "migrate_users_v2_to_v3" in output
    assert "users.schema_compliance (ERROR, blocking" in output
    _assert_checks_pass_and_fail_as_seeded(db, first)


def _assert_engagement_is_the_seed_query(db: Database[Document]) -> None:
    """user_engagement (the seed's query) for 2024-09-14: the active users, 30 days of buckets."""
    spec = load_rollup_file(ROLLUPS / "user_engagement.sql")
    day = dt.datetime(2024, 9, 14)
    docs = {d["user_id"]: d for d in db.user_engagement.find()}
    assert {d["day"] for d in docs.values()} == {day}
    assert set(docs) == {u["_id"] for u in db.users.find({"account.status": "active"})}
    params = {"partition_start": day, "partition_end": day + dt.timedelta(days=1)}
    # With the code location's catalog, as the rollup compiles it (AVG of a DECIMAL field is numeric).
    catalog = load_catalog(str(ROLLUPS.parent / "schemas"))
    for row in run_sql(db, spec.sql, params=params, catalog=catalog):
        doc = docs[row["user_id"]]
        # The target stores numeric as Decimal128; run_sql returns it as decimal.Decimal.
        assert {k: python_value(doc[k]) for k in row if k != "departments"} == {
            k: v for k, v in row.items() if k != "departments"
        }
    hours: dict[Any, set[int]] = {}
    page_views: dict[Any, int] = {}
    for event in db.activity_events.find():
        hours.setdefault(event["userId"], set()).add(event["timestamp"].hour)
        page_views[event["userId"]] = page_views.get(event["userId"], 0) + (event["eventType"] == "page_view")
    for user_id, doc in docs.items():
        assert doc["active_days"] == len(hours[user_id])  # distinct hourly buckets
        # each bucket counts once (the seed's attribute fan-out is not reproduced: see the SQL)
        assert doc["total_page_views"] == page_views[user_id]
        user = db.users.find_one({"_id": user_id})
        assert user is not None
        assert doc["departments"] == [a["value"] for a in user["attributes"] if a["key"] == "department"]


def _assert_migrated_then_idempotent(
    db: Database[Document], uri: str, instance: dg.DagsterInstance, first: DemoResult, second: DemoResult
) -> None:
    """Each demo ran pending_migrations on freshly seeded users (user 5 of 6 at 1.0.0, the others at
    2.1.0; the seed also clears their migration records), so both migrated the same documents; the
    users' checks then ran at 3.0.0. Run again on the same data, every revision is skipped."""
    migrated = [(m.revision, m.versions, m.status, m.migrated, m.quarantined) for m in first.migrations]
    assert migrated == [
        ("migration_20240815_v2", "1.0.0 → 2.0.0", APPLIED, 1, 0),
        ("migration_20240914_v21", "2.0.0 → 2.1.0", APPLIED, 1, 0),
        ("migrate_users_v2_to_v3", "2.1.0 → 3.0.0", APPLIED, 6, 0),
    ]
    assert [
        (m.revision, m.versions, m.status, m.migrated, m.quarantined) for m in second.migrations
    ] == migrated
    assert all(m.seconds > 0 for m in first.migrations)
    assert db.users.distinct("_schema.version") == ["3.0.0"]
    legacy = db.users.find_one({"username": "kenji_johnson5"})
    assert legacy is not None and legacy["_deprecated"]["full_name"] == "Kenji Johnson"
    assert legacy["profile"] == {"firstName": "Kenji", "lastName": "Johnson"}
    assert legacy["detailed_analytics"]["preferences"]["communicationChannels"] == ["email"]

    before = collection_hashes(db, "users")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pipelines.definitions import defs

        ran, again = run_migrations(defs, {"mongo": MongoResource(uri=uri, database=db.name)}, instance)
    assert ran and [(m.status, m.migrated, m.quarantined) for m in again] == [(SKIPPED, 0, 0)] * 3
    assert collection_hashes(db, "users") == before


def _outcomes(result: DemoResult) -> dict[tuple[str, str, str], str]:
    checks = [*(c for row in result.rows for c in row.check_results), *result.raw_checks]
    return {(c.asset, c.partition, c.check): "pass" if c.passed else c.severity for c in checks}


def _assert_checks_pass_and_fail_as_seeded(db: Database[Document], result: DemoResult) -> None:
    assert result.success
    rows = {row.asset: row for row in result.rows}
    assert rows["user_engagement"].checks == rows["customer_daily_orders"].checks == "—"  # no schema
    scroll = db.activity_events.find_one({"eventType": "scroll"})
    assert scroll is not None and scroll["timestamp"].hour >= 2  # in the range run, not a single hour
    outcomes = _outcomes(result)
    # one result per hourly partition, the range run's too: only the scroll event's hour fails (WARN)
    scroll_hour = scroll["timestamp"].strftime("%Y-%m-%d-%H:00")
    hours = [f"2024-09-14-{h:02d}:00" for h in range(24)]
    assert {key: value for key, value in outcomes.items() if key[0] == "user_activity_buckets"} == {
        **{("user_activity_buckets", hour, "schema_compliance"): "pass" for hour in hours},
        **{("user_activity_buckets", hour, "data_quality"): "pass" for hour in hours},
        ("user_activity_buckets", scroll_hour, "schema_compliance"): "WARN",
    }
    assert {
        (asset, check): value
        for (asset, _, check), value in outcomes.items()
        if asset != "user_activity_buckets"
    } == {
        ("users", "schema_compliance"): "ERROR",
        ("users", "data_quality"): "WARN",
        ("activity_events", "schema_compliance"): "WARN",
        ("activity_events", "data_quality"): "pass",
        ("orders", "schema_compliance"): "WARN",
        ("orders", "data_quality"): "pass",
        ("products", "schema_compliance"): "WARN",
        ("products", "data_quality"): "pass",
        ("notifications", "schema_compliance"): "pass",
        ("notifications", "data_quality"): "pass",
    }
    range_row = result.rows[[row.asset for row in result.rows].index("user_activity_buckets") + 2]
    assert (
        range_row.checks == "schema_compliance ✗ (WARN, 1 of 22 partitions) / data_quality ✓ (22 partitions)"
    )
    failed = {(c.asset, c.check): c.reason for c in result.failed_checks}
    assert failed[("users", "schema_compliance")] == (
        "email:not_null: 1 unexpected (16.7%), e.g. 64a1b2c30001000000000003 (+2 more failed)"
    )
    assert failed[("products", "schema_compliance")].startswith(
        "sku:check: 1 unexpected (25.0%), e.g. 64a1b2c30004000000000002"
    )
    assert failed[("users", "data_quality")] == "1 document(s) miss required field 'email'"


def test_datagen_is_deterministic_and_dirty_on_request() -> None:
    size = datagen.SampleSize(users=5, days=1, events_per_user_day=4)

    def generate(size: datagen.SampleSize) -> list[Document]:
        rng = random.Random(size.seed)
        return [*datagen.users(size, rng), *datagen.activity_events(size, rng)]

    assert generate(size) == generate(size)
    events = [doc for doc in generate(size) if "eventType" in doc]
    assert len(events) == 5 * 4 and all(e["timestamp"].tzinfo is not None for e in events)
    dirty = generate(datagen.SampleSize(users=5, days=1, events_per_user_day=4, dirty=True))
    assert any("email" not in doc for doc in dirty if "username" in doc)
    assert any(doc.get("eventType") == "scroll" for doc in dirty)


def test_the_demo_logger_leaves_out_only_the_failures_of_blocking_checks(
    capfd: pytest.CaptureFixture[str],
) -> None:
    @dg.asset
    def sample() -> int:
        return 1

    @dg.asset_check(asset=sample, blocking=True)
    def always_fails() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.ERROR)

    config = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    instance = dg.DagsterInstance.ephemeral()
    plain = dg.materialize([sample, always_fails], run_config=config, instance=instance, raise_on_error=False)
    assert not plain.success and "DagsterAssetCheckFailedError" in capfd.readouterr().err  # Dagster's logger

    result = run_job(
        dg.Definitions(assets=[sample, always_fails], jobs=[dg.define_asset_job("sample_job")]),
        "sample_job",
        run_config=config,
        resources={},
        instance=instance,
        tags={},
    )
    assert not result.success and succeeded(result)  # failed only by the blocking check
    assert [e.passed for e in result.get_asset_check_evaluations()] == [False]
    assert capfd.readouterr().err == ""

    @dg.op
    def boom() -> None:
        raise ValueError("a real error")

    @dg.job(logger_defs=DEMO_LOGGERS)
    def broken() -> None:
        boom()

    assert not broken.execute_in_process(run_config=config, instance=instance, raise_on_error=False).success
    err = capfd.readouterr().err
    assert "STEP_FAILURE" in err and "ValueError: a real error" in err and "RUN_FAILURE" in err

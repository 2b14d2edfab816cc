"""``make demo`` twice gives the same rollup contents; the sample data is deterministic. The demo's
dirty sample fails the checks it should, and the demo still succeeds."""

from __future__ import annotations

import io
import random
from typing import Any

import dagster as dg
import pytest
from pymongo.database import Database
from rich.console import Console

from leaf_dagster.connection import ENV_URI, Document
from pipelines import datagen
from pipelines.demo import DemoResult, print_failed_checks, raw_checks_table, run_demo, summary_table

SIZE = datagen.SampleSize(
    users=6, days=1, events_per_user_day=10, products=4, reviews_per_product=5, dirty=True
)
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
    db: Database[Document], mongo_uri: str, monkeypatch: pytest.MonkeyPatch
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
    engagement = {d["userId"]: d["total_events"] for d in db.user_engagement.find()}
    assert engagement == {u["_id"]: 10 for u in db.users.find()}

    console.print(summary_table(first_rows))
    console.print(raw_checks_table(first.raw_checks))
    print_failed_checks(console, first)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert "user_activity_buckets" in output
    assert "users.schema_compliance (ERROR, blocking" in output
    _assert_checks_pass_and_fail_as_seeded(db, first)


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
    assert {key: value for key, value in outcomes.items() if key[0] == "user_activity_buckets"} == {
        ("user_activity_buckets", "2024-09-14-00:00", "schema_compliance"): "pass",
        ("user_activity_buckets", "2024-09-14-00:00", "data_quality"): "pass",
        ("user_activity_buckets", "2024-09-14-01:00", "schema_compliance"): "pass",
        ("user_activity_buckets", "2024-09-14-01:00", "data_quality"): "pass",
        ("user_activity_buckets", "2024-09-14-02:00…2024-09-14-23:00", "schema_compliance"): "WARN",
        ("user_activity_buckets", "2024-09-14-02:00…2024-09-14-23:00", "data_quality"): "pass",
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
    assert range_row.checks == "schema_compliance ✗ (WARN) / data_quality ✓"
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

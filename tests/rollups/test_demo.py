"""``make demo`` twice gives the same rollup contents; the sample data is deterministic."""

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
from pipelines.demo import run_demo, summary_table

SIZE = datagen.SampleSize(users=6, days=1, events_per_user_day=10, products=4, reviews_per_product=5)
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
    first_rows = run_demo(mongo_uri, db.name, SIZE, instance=instance, console=console)
    first = _contents(db)
    second_rows = run_demo(mongo_uri, db.name, SIZE, instance=instance, console=console)
    assert all(row.success for row in first_rows + second_rows)
    assert _contents(db) == first

    assert {row.asset for row in first_rows} == {
        "user_activity_buckets", "user_engagement", "customer_daily_orders", "product_review_summary",
    }  # fmt: skip
    assert sum(1 for row in first_rows if row.asset == "user_activity_buckets") == 7  # 6 hours + the range
    assert sum(d["eventCount"] for d in db.user_activity_buckets.find()) == 6 * 10
    assert all(p["reviews"]["summary"]["count"] == 5 for p in db.products.find())
    engagement = {d["userId"]: d["total_events"] for d in db.user_engagement.find()}
    assert engagement == {u["_id"]: 10 for u in db.users.find()}
    console.print(summary_table(first_rows))
    assert "user_activity_buckets" in console.file.getvalue()  # type: ignore[attr-defined]


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

"""The computed pattern on the real server, checked against DuckDB running the same SQL."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

import duckdb
import pandas as pd
import pytest
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.rollups import RollupSpec, TimeWindow, parse_rollup, run_computed_rollup
from leaf_dagster.rollups import computed as computed_module
from leaf_dagster.rollups.errors import LeafRollupConfigError

T0 = dt.datetime(2024, 9, 14, tzinfo=dt.UTC)

TOTALS_SQL = """SELECT customerId, COUNT(*) AS orders, SUM(total) AS total_spent, MIN(total) AS smallest,
  MAX(total) AS largest, AVG(total) AS avg_total, SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled
FROM orders WHERE status <> 'pending' GROUP BY customerId"""

DAILY_SQL = """SELECT customerId, DATE_TRUNC('day', createdAt) AS day, COUNT(*) AS orders, SUM(total) AS total_spent,
  AVG(total) AS avg_total FROM orders GROUP BY customerId, DATE_TRUNC('day', createdAt)"""


def _spec(sql: str, header: str, name: str = "totals") -> RollupSpec:
    return parse_rollup(f"/* leaf\n{header}\n*/\n{sql}\n", name=name)


def _orders(n: int, *, start: dt.datetime, seed: int, span_h: int = 48) -> list[Document]:
    rng = random.Random(seed)
    docs = []
    for _ in range(n):
        docs.append(
            {
                "customerId": rng.randrange(6),
                "status": rng.choice(["paid", "paid", "shipped", "cancelled", "pending"]),
                "total": None if rng.random() < 0.05 else round(rng.uniform(1, 300), 2),
                "createdAt": start + dt.timedelta(seconds=rng.randrange(span_h * 3600)),
            }
        )
    return docs


def _duck(db: Database[Document], sql: str) -> dict[Any, Document]:
    rows = list(db.orders.find({}, {"_id": 0}))
    frame = pd.DataFrame(rows)
    frame["createdAt"] = pd.to_datetime(frame["createdAt"])
    con = duckdb.connect()
    con.register("orders", frame)
    out = con.execute(sql).df().to_dict("records")
    return {_key(r): r for r in out}


def _key(row: Document) -> Any:
    day = row.get("day")
    if day is None:
        return row["customerId"]
    return (row["customerId"], pd.Timestamp(day).to_pydatetime().replace(tzinfo=None))


def _target(db: Database[Document], name: str) -> dict[Any, Document]:
    return {_key(d): d for d in db[name].find({}, {"_id": 0, "computationMetadata": 0})}


def _same(left: dict[Any, Document], right: dict[Any, Document], columns: list[str]) -> None:
    assert left.keys() == right.keys()
    for key, row in left.items():
        for column in columns:
            a, b = row[column], right[key][column]
            if a is None or (isinstance(a, float) and math.isnan(a)):
                assert b is None or (isinstance(b, float) and math.isnan(b)), (key, column, a, b)
            else:
                assert b == pytest.approx(a), (key, column, a, b)


COLUMNS = ["orders", "total_spent", "smallest", "largest", "avg_total", "cancelled"]


def test_incremental_equals_full_refresh_equals_duckdb(db: Database[Document]) -> None:
    db.orders.create_index("createdAt")
    incremental = _spec(
        TOTALS_SQL, "target: totals\non: customerId\ntime_field: createdAt\nincremental: true"
    )
    full = _spec(TOTALS_SQL, "target: totals_full\non: customerId\ntime_field: createdAt", name="totals_full")
    modes = []
    for batch in range(3):
        db.orders.insert_many(_orders(80, start=T0 + dt.timedelta(days=3 * batch), seed=batch))
        result = run_computed_rollup(db, incremental)
        modes.append(result.mode)
        assert result.watermark is not None
        assert result.watermark == max(d["createdAt"] for d in db.orders.find()).replace(tzinfo=dt.UTC)
    assert modes == ["full_refresh", "incremental", "incremental"]
    run_computed_rollup(db, full)
    expected = _duck(db, TOTALS_SQL)
    _same(expected, _target(db, "totals"), COLUMNS)
    _same(expected, _target(db, "totals_full"), COLUMNS)
    state = db["_leaf_watermarks"].find_one({"_id": "totals"})
    assert state is not None and "pending" not in state

    nothing = run_computed_rollup(db, incremental)
    assert nothing.documents_written == 0 and nothing.extra


def test_a_crashed_incremental_run_is_replayed_without_double_counting(
    db: Database[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    db.orders.create_index("createdAt")
    spec = _spec(TOTALS_SQL, "target: totals\non: customerId\ntime_field: createdAt\nincremental: true")
    db.orders.insert_many(_orders(60, start=T0, seed=1))
    run_computed_rollup(db, spec)
    db.orders.insert_many(_orders(60, start=T0 + dt.timedelta(days=5), seed=2))

    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("crash after the merge, before the watermark commit")

    monkeypatch.setattr(computed_module, "commit_watermark", crash)
    with pytest.raises(RuntimeError):
        run_computed_rollup(db, spec)
    monkeypatch.undo()
    db.orders.insert_many(_orders(30, start=T0 + dt.timedelta(days=9), seed=3))
    replay = run_computed_rollup(db, spec)  # replays the pending range only
    assert replay.mode == "incremental"
    run_computed_rollup(db, spec)  # then picks up the newer documents
    _same(_duck(db, TOTALS_SQL), _target(db, "totals"), COLUMNS)


def test_full_refresh_removes_keys_that_disappeared(db: Database[Document]) -> None:
    db.orders.create_index("createdAt")
    spec = _spec(TOTALS_SQL, "target: totals\non: customerId\ntime_field: createdAt")
    db.orders.insert_many(_orders(100, start=T0, seed=4))
    run_computed_rollup(db, spec)
    db.orders.delete_many({"customerId": 3})
    result = run_computed_rollup(db, spec)
    assert result.documents_removed == 1
    assert db.totals.count_documents({"customerId": 3}) == 0
    _same(_duck(db, TOTALS_SQL), _target(db, "totals"), COLUMNS)
    assert db.totals.index_information()["customerId_1"]["unique"] is True


def test_daily_partitions_replace_their_window_and_match_duckdb(db: Database[Document]) -> None:
    db.orders.create_index("createdAt")
    spec = _spec(
        DAILY_SQL,
        "target: daily\non: [customerId, day]\npartition: daily\ntime_field: createdAt\ntime_column: day",
        name="daily",
    )
    db.orders.insert_many(_orders(150, start=T0, seed=5, span_h=72))
    for day in range(3):
        window = TimeWindow(T0 + dt.timedelta(days=day), T0 + dt.timedelta(days=day + 1))
        result = run_computed_rollup(db, spec, window=window)
        assert result.mode == "partition" and result.window == window
    first_day = TimeWindow(T0, T0 + dt.timedelta(days=1))
    rerun = run_computed_rollup(db, spec, window=first_day)
    assert rerun.documents_removed == 0
    _same(_duck(db, DAILY_SQL), _target(db, "daily"), ["orders", "total_spent", "avg_total"])

    db.orders.delete_many({"customerId": 2, "createdAt": {"$lt": T0 + dt.timedelta(days=1)}})
    again = run_computed_rollup(db, spec, window=first_day)
    assert again.documents_removed == 1
    _same(_duck(db, DAILY_SQL), _target(db, "daily"), ["orders", "total_spent", "avg_total"])


REVIEWS_SQL = """SELECT productId AS _id, COUNT(*) AS "reviews.summary.count", AVG(rating) AS "reviews.summary.averageRating",
  SUM(CASE WHEN rating = 5 THEN 1 ELSE 0 END) AS "reviews.summary.ratingDistribution.5"
FROM reviews GROUP BY productId"""


def test_update_mode_sets_only_its_fields(db: Database[Document]) -> None:
    db.reviews.create_index("createdAt")
    db.products.insert_many(
        [{"_id": p, "name": f"p{p}", "reviews": {"recent": [{"rating": 5}]}} for p in range(4)]
    )
    rng = random.Random(3)
    reviews: list[dict[str, Any]] = [
        {
            "productId": rng.randrange(3),
            "rating": rng.randrange(1, 6),
            "createdAt": T0 + dt.timedelta(hours=i),
        }
        for i in range(40)
    ]
    db.reviews.insert_many(reviews[:25])
    header = (
        "target: products\non: _id\nwrite: update\ntime_field: createdAt\nincremental: true\n"
        "metadata_field: reviews.summary.computation"
    )
    spec = _spec(REVIEWS_SQL, header, name="product_review_summary")
    run_computed_rollup(db, spec)
    db.reviews.insert_many(reviews[25:])
    assert run_computed_rollup(db, spec).mode == "incremental"
    db.reviews.insert_one(
        {"productId": 99, "rating": 5, "createdAt": T0 + dt.timedelta(days=9)}
    )  # no product
    run_computed_rollup(db, spec)

    for p in range(3):
        product = db.products.find_one({"_id": p})
        assert product is not None
        mine: list[int] = [r["rating"] for r in reviews if r["productId"] == p]
        summary = product["reviews"]["summary"]
        assert product["name"] == f"p{p}" and product["reviews"]["recent"] == [{"rating": 5}]
        assert summary["count"] == len(mine)
        assert summary["averageRating"] == pytest.approx(sum(mine) / len(mine))
        assert summary["ratingDistribution"]["5"] == mine.count(5)
        assert summary["computation"]["sources"] == ["reviews"]
    assert "summary" not in db.products.find_one({"_id": 3})["reviews"]  # type: ignore[index]
    assert db.products.count_documents({}) == 4

    db.reviews.delete_many({"productId": 0})
    result = run_computed_rollup(db, spec, full_refresh=True)
    assert result.documents_removed == 1
    product = db.products.find_one({"_id": 0})
    assert product is not None and product["reviews"]["recent"] == [{"rating": 5}]
    # the rollup's leaf fields are unset (empty parent documents stay)
    assert product["reviews"]["summary"] == {"ratingDistribution": {}}


def test_a_unique_index_left_by_an_earlier_merge_key_is_named_in_the_error(db: Database[Document]) -> None:
    spec = _spec(TOTALS_SQL, "target: totals\non: customerId")
    db.orders.insert_many(_orders(20, start=T0, seed=5))
    db.totals.create_index([("userId", 1)], unique=True)  # as if the rollup's `on:` used to be userId
    with pytest.raises(
        LeafRollupConfigError, match=r"totals has unique index\(es\) userId_1 besides the merge key"
    ):
        run_computed_rollup(db, spec)
    db.totals.drop_index("userId_1")
    run_computed_rollup(db, spec)
    _same(_duck(db, TOTALS_SQL), _target(db, "totals"), COLUMNS)


DAILY_HEADER = (
    "target: daily\non: [customerId, day]\npartition: daily\ntime_field: createdAt\ntime_column: day"
)


def _documents(db: Database[Document], name: str) -> list[Document]:
    docs = []
    for doc in db[name].find({}, {"_id": 0}).sort([("customerId", 1), ("day", 1)]):
        meta = doc["computationMetadata"]
        for per_run in ("runId", "computedAt", "fence", "watermark"):
            meta.pop(per_run)
        docs.append(doc)
    return docs


def test_a_ranged_run_writes_what_one_day_runs_write_through_one_index(db: Database[Document]) -> None:
    """Three days in one run: the same documents, each stamped with its own day's window (from its
    DATE_TRUNC'd day, no per-document truncation), as three one-day runs; the merge key's unique
    index leads with the time column and serves the clean-up and counts, so the target has no other."""
    db.orders.create_index("createdAt")
    db.orders.insert_many(_orders(200, start=T0, seed=8, span_h=72))
    spec = _spec(DAILY_SQL, DAILY_HEADER, name="daily")
    ranged = run_computed_rollup(db, spec, window=TimeWindow(T0, T0 + dt.timedelta(days=3)))
    # the stamps are fields of the SQL's last $project (one stage less per document): "$day" reads
    # as the expression the day column is computed from there
    (stage,) = [
        s["$project"] for s in ranged.pipeline if "computationMetadata.window" in s.get("$project", {})
    ]
    day = stage["day"]
    assert stage["computationMetadata.window"] == {
        "start": day,
        "end": {"$dateAdd": {"startDate": day, "unit": "day", "amount": 1}},
    }
    assert not any("$set" in s for s in ranged.pipeline)
    keys = {tuple(ix["key"]): ix.get("unique", False) for ix in db.daily.list_indexes()}
    assert keys == {("_id",): False, ("day", "customerId"): True}
    assert [n for _, n in ranged.partitions] == [
        db.daily.count_documents({"day": T0 + dt.timedelta(days=d)}) for d in range(3)
    ]
    ranged_docs = _documents(db, "daily")
    db.drop_collection("daily")
    for day in range(3):
        run_computed_rollup(
            db, spec, window=TimeWindow(T0 + dt.timedelta(days=day), T0 + dt.timedelta(days=day + 1))
        )
    assert _documents(db, "daily") == ranged_docs
    assert {d["computationMetadata"]["window"]["start"] for d in ranged_docs} == {
        T0.replace(tzinfo=None) + dt.timedelta(days=d) for d in range(3)
    }


def test_a_target_indexed_in_the_merge_keys_order_keeps_its_indexes(db: Database[Document]) -> None:
    """A target built before the time column led the merge index: its unique (customerId, day)
    index satisfies $merge (MongoDB accepts the on fields in any order) and its day index the
    clean-up, so nothing is added and nothing is refused as a stale unique index."""
    db.orders.create_index("createdAt")
    db.orders.insert_many(_orders(100, start=T0, seed=9, span_h=48))
    db.daily.create_index([("customerId", 1), ("day", 1)], unique=True)
    db.daily.create_index([("day", 1)])
    spec = _spec(DAILY_SQL, DAILY_HEADER, name="daily")
    run_computed_rollup(db, spec, window=TimeWindow(T0, T0 + dt.timedelta(days=2)))
    keys = {tuple(ix["key"]) for ix in db.daily.list_indexes()}
    assert keys == {("_id",), ("customerId", "day"), ("day",)}
    _same(_duck(db, DAILY_SQL), _target(db, "daily"), ["orders", "total_spent", "avg_total"])

"""The bucket pattern on the real server: shape, values, overflow, exact re-runs."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.rollups import RollupSpec, TimeWindow, parse_rollup, run_bucket_rollup
from tests.rollups.conftest import BUCKET_ROLLUP, T0, make_events, user

HOUR = TimeWindow(T0, T0 + dt.timedelta(hours=1))


def _spec(max_events: int = 1000) -> RollupSpec:
    return parse_rollup(BUCKET_ROLLUP.format(max_events=max_events), name="buckets")


def _load(db: Database[Document], events: list[Document]) -> None:
    db.events.create_index("timestamp")
    db.events.insert_many(events)


def _content(db: Database[Document]) -> list[Document]:
    return [
        {k: v for k, v in doc.items() if k != "computationMetadata"} for doc in db.buckets.find().sort("_id")
    ]


def test_buckets_hold_the_window_events_with_their_summary(db: Database[Document]) -> None:
    events = make_events(300)
    _load(db, events)
    result = run_bucket_rollup(db, _spec(), HOUR)

    in_hour = [e for e in events if HOUR.start <= e["timestamp"] < HOUR.end]
    by_user: dict[Any, list[Document]] = defaultdict(list)
    for event in in_hour:
        by_user[event["userId"]].append(event)
    assert result.documents_written == len(by_user) == db.buckets.count_documents({})
    assert result.watermark == max(e["timestamp"] for e in in_hour)
    assert result.pipeline[0] == {"$match": {"timestamp": {"$gte": HOUR.start, "$lt": HOUR.end}}}

    for user_id, mine in by_user.items():
        doc = db.buckets.find_one({"userId": user_id})
        assert doc is not None
        assert doc["_id"] == f"{user_id}|2024-09-14T10:00:00Z|0"
        assert doc["bucketDate"] == HOUR.start.replace(tzinfo=None)
        assert (doc["bucketType"], doc["bucketSize"], doc["bucketSeq"]) == ("hourly", "hourly", 0)
        assert doc["eventCount"] == len(mine) == len(doc["events"])
        times = [e["timestamp"] for e in doc["events"]]
        assert times == sorted(times)
        assert "userId" not in doc["events"][0]
        counts = Counter(e["eventType"] for e in mine)
        rts = [e["responseTime"] for e in mine if "responseTime" in e]
        assert doc["summary"]["pageViews"] == counts["page_view"]
        assert doc["summary"]["clicks"] == counts["click"]
        assert doc["summary"]["apiCalls"] == counts["api_call"]
        assert doc["summary"]["errors"] == counts["error"]
        assert doc["summary"]["totalResponseTime"] == sum(rts)
        assert doc["summary"]["countResponseTime"] == len(rts)
        assert doc["summary"]["minResponseTime"] == min(rts)
        assert doc["summary"]["maxResponseTime"] == max(rts)
        assert abs(doc["summary"]["avgResponseTime"] - sum(rts) / len(rts)) < 1e-9
        assert doc["summary"]["uniquePages"] == len({e["page"] for e in mine})
        assert doc["bucketMetadata"] == {
            "isFull": False,
            "maxEvents": 1000,
            "firstEventAt": min(e["timestamp"] for e in mine).replace(tzinfo=None),
            "lastEventAt": max(e["timestamp"] for e in mine).replace(tzinfo=None),
            "nextBucketId": None,
        }
        assert doc["computationMetadata"]["runId"] == result.run_id
        assert doc["computationMetadata"]["sources"] == ["events"]
        # the run's duration lives in its run record, not rewritten into every document
        assert "durationMs" not in doc["computationMetadata"]
    run = db["_leaf_rollup_runs"].find_one({"_id": result.run_id})
    assert run is not None and run["documentsWritten"] == result.documents_written
    assert isinstance(run["durationMs"], int)


def test_overflow_continues_in_numbered_buckets(db: Database[Document]) -> None:
    events = [
        {
            "userId": user(1),
            "timestamp": T0 + dt.timedelta(minutes=i),
            "eventType": "click",
            "page": f"/p{i % 2}",
        }
        for i in range(7)
    ]
    _load(db, events)
    run_bucket_rollup(db, _spec(max_events=3), HOUR)
    docs = list(db.buckets.find().sort("bucketSeq"))
    assert [d["bucketSeq"] for d in docs] == [0, 1, 2]
    assert [d["eventCount"] for d in docs] == [3, 3, 1]
    assert [d["bucketMetadata"]["isFull"] for d in docs] == [True, True, False]
    assert [d["bucketMetadata"]["nextBucketId"] for d in docs] == [docs[1]["_id"], docs[2]["_id"], None]
    assert [e["timestamp"].minute for d in docs for e in d["events"]] == list(range(7))
    assert sum(d["summary"]["clicks"] for d in docs) == 7
    assert [d["summary"]["uniquePages"] for d in docs] == [2, 2, 1]


def test_rerun_replaces_the_partition_exactly(db: Database[Document]) -> None:
    events = make_events(200, users=2)
    _load(db, events)
    spec = _spec(max_events=10)
    first = run_bucket_rollup(db, spec, HOUR)
    before = _content(db)
    second = run_bucket_rollup(db, spec, HOUR)
    assert _content(db) == before
    assert second.documents_written == first.documents_written and second.documents_removed == 0
    assert db.buckets.count_documents({"computationMetadata.runId": {"$ne": second.run_id}}) == 0

    # fewer events: the overflow buckets that are no longer produced go away
    db.events.delete_many({"userId": user(0), "timestamp": {"$gte": T0 + dt.timedelta(minutes=20)}})
    third = run_bucket_rollup(db, spec, HOUR)
    assert third.documents_removed > 0
    remaining = db.events.count_documents({"userId": user(0), **HOUR.match("timestamp")})
    docs = list(db.buckets.find({"userId": user(0)}).sort("bucketSeq"))
    assert sum(d["eventCount"] for d in docs) == remaining
    assert [d["bucketSeq"] for d in docs] == list(range(len(docs)))
    assert docs[-1]["bucketMetadata"]["nextBucketId"] is None


def test_late_events_and_other_partitions(db: Database[Document]) -> None:
    events = make_events(120, hours=2)
    _load(db, events)
    spec = _spec()
    next_hour = TimeWindow(HOUR.end, HOUR.end + dt.timedelta(hours=1))
    run_bucket_rollup(db, spec, HOUR)
    run_bucket_rollup(db, spec, next_hour)
    later = [d for d in _content(db) if d["bucketDate"] == next_hour.start.replace(tzinfo=None)]

    db.events.insert_one(
        {"userId": user(9), "timestamp": T0 + dt.timedelta(minutes=59), "eventType": "error"}
    )
    run_bucket_rollup(db, spec, HOUR)  # the late event's partition is re-run
    late = db.buckets.find_one({"userId": user(9)})
    assert late is not None and late["eventCount"] == 1 and late["summary"]["errors"] == 1
    assert [d for d in _content(db) if d["bucketDate"] == next_hour.start.replace(tzinfo=None)] == later
    total = sum(d["eventCount"] for d in db.buckets.find())
    assert total == db.events.count_documents({"timestamp": {"$gte": HOUR.start, "$lt": next_hour.end}})

"""Bucket rollup of one hour of events: cost as history grows 10x, and against the pandas way.

    python benchmarks/rollups.py            # 10k then 100k events of history (about a minute)
    python benchmarks/rollups.py --full     # 100k then 1M events of history (several minutes:
                                            # the embedded server inserts ~4k indexed docs/s here)

Uses ``LEAF_MONGODB_URI`` if set, else a temporary embedded server. Prints, for each history
size, the time of one partition (our single aggregation, the ``user_activity_buckets`` rollup of
the example code location), the examined/returned ratio of its ``$match`` from ``explain``, and
the same hourly rollup done the pandas way (``find`` the window, group in pandas, ``bulk_write``
the buckets back), with the client-side peak memory (tracemalloc) of both, and the server's
floor for the same partition: the bare indexed ``$match`` of the window, counted (what any rollup of
the hour must read at minimum), so the gap between the rollup and that minimum is visible.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
from pymongo import MongoClient, ReplaceOne
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.embedded import server_uri as server
from leaf_dagster.rollups import RollupSpec, TimeWindow, load_rollup_file, run_bucket_rollup

ROLLUP = Path(__file__).resolve().parent.parent / "pipelines" / "rollups" / "user_activity_buckets.sql"
HOUR = TimeWindow(dt.datetime(2024, 9, 14, 10, tzinfo=dt.UTC), dt.datetime(2024, 9, 14, 11, tzinfo=dt.UTC))
USERS = 200
EVENTS_IN_HOUR = 5000
TYPES = ("page_view", "click", "api_call", "error")


def _events(n: int, start: dt.datetime, seconds: int, seed: int) -> Iterator[Document]:
    rng = random.Random(seed)
    for _ in range(n):
        event_type = rng.choice(TYPES)
        doc: Document = {
            "userId": rng.randrange(USERS),
            "timestamp": start + dt.timedelta(seconds=rng.randrange(seconds)),
            "eventType": event_type,
            "page": f"/page/{rng.randrange(40)}",
            "sessionId": f"s{rng.randrange(1000)}",
        }
        if event_type in ("page_view", "api_call"):
            doc["responseTime"] = rng.randrange(20, 3000)
        yield doc


def _insert(db: Database[Document], docs: Iterator[Document], batch: int = 10_000) -> None:
    chunk: list[Document] = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) == batch:
            db.activity_events.insert_many(chunk, ordered=False)
            chunk = []
    if chunk:
        db.activity_events.insert_many(chunk, ordered=False)


def grow_history(db: Database[Document], total: int, seed: int) -> None:
    """History before the benchmarked hour, up to ``total`` events outside it."""
    have = db.activity_events.count_documents({"timestamp": {"$lt": HOUR.start}})
    missing = total - have
    if missing > 0:
        # one event every ~36 s going back from the hour: 100k events ≈ 6 weeks of history
        span = max(3600, missing * 36)
        _insert(db, _events(missing, HOUR.start - dt.timedelta(seconds=span), span, seed))


def explain_ratio(db: Database[Document]) -> tuple[int | None, int | None, int | None, str]:
    explain = db.command(
        "explain",
        {"aggregate": "activity_events", "pipeline": [{"$match": HOUR.match("timestamp")}], "cursor": {}},
        verbosity="executionStats",
    )
    stats = explain.get("executionStats") or {}
    if not stats:
        for stage in explain.get("stages", []):
            stats = stage.get("$cursor", {}).get("executionStats") or stats
    plan = str(
        (explain.get("queryPlanner") or {}).get("winningPlan", {}).get("inputStage", {}).get("stage", "?")
    )
    return stats.get("totalKeysExamined"), stats.get("totalDocsExamined"), stats.get("nReturned"), plan


def floor_count(db: Database[Document]) -> int:
    """The least any rollup of the hour costs the server: its indexed ``$match``, counted."""
    rows = list(db.activity_events.aggregate([{"$match": HOUR.match("timestamp")}, {"$count": "n"}]))
    return int(rows[0]["n"]) if rows else 0


def pandas_rollup(db: Database[Document], max_events: int = 1000) -> int:
    """The way a pandas user would do it: pull the window, group, write the buckets back."""
    rows = list(db.activity_events.find(HOUR.match("timestamp")).sort([("timestamp", 1), ("_id", 1)]))
    frame = pd.DataFrame(rows)
    operations = []
    for user_id, group in frame.groupby("userId", sort=False):
        for seq, first in enumerate(range(0, len(group), max_events)):
            chunk = group.iloc[first : first + max_events]
            events = [
                {k: v for k, v in record.items() if k not in ("_id", "userId") and not pd.isna(v)}
                for record in chunk.to_dict("records")
            ]
            times = chunk["responseTime"].dropna()
            summary = {
                "pageViews": int((chunk["eventType"] == "page_view").sum()),
                "clicks": int((chunk["eventType"] == "click").sum()),
                "apiCalls": int((chunk["eventType"] == "api_call").sum()),
                "errors": int((chunk["eventType"] == "error").sum()),
                "totalResponseTime": float(times.sum()),
                "avgResponseTime": float(times.mean()) if len(times) else None,
                "minResponseTime": float(times.min()) if len(times) else None,
                "maxResponseTime": float(times.max()) if len(times) else None,
                "uniquePages": int(chunk["page"].nunique()),
            }
            key = f"{user_id}|{HOUR.start:%Y-%m-%dT%H:%M:%SZ}|{seq}"
            doc = {"_id": key, "userId": user_id, "bucketDate": HOUR.start, "bucketSeq": seq}
            doc.update(eventCount=len(events), events=events, summary=summary)
            operations.append(ReplaceOne({"_id": key}, doc, upsert=True))
    db.pandas_buckets.bulk_write(operations, ordered=False)
    return len(operations)


def measure(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Median seconds and peak client memory (MiB) over ``repeat`` runs, and the last result."""
    times, peaks = [], []
    result: Any = None
    for _ in range(repeat):
        tracemalloc.start()
        clock = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - clock)
        peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
    return statistics.median(times), max(peaks), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="100k and 1M events of history (slow to insert)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = (100_000, 1_000_000) if args.full else (10_000, 100_000)
    spec: RollupSpec = load_rollup_file(ROLLUP)
    with server() as uri:
        client: MongoClient[Document] = MongoClient(uri)
        db = client[f"leaf_bench_{os.getpid()}"]
        try:
            db.activity_events.create_index("timestamp")
            _insert(db, _events(EVENTS_IN_HOUR, HOUR.start, 3600, seed=1))
            print(
                f"{EVENTS_IN_HOUR} events in the hour {HOUR.start:%Y-%m-%d %H:%M}, {USERS} users; repeat={args.repeat}"
            )
            ours_by_size: dict[int, float] = {}
            for size in sizes:
                clock = time.perf_counter()
                grow_history(db, size, seed=size)
                inserted = time.perf_counter() - clock
                keys, docs, returned, plan = explain_ratio(db)
                ours, ours_mem, result = measure(lambda: run_bucket_rollup(db, spec, HOUR), args.repeat)
                theirs, theirs_mem, written = measure(lambda: pandas_rollup(db), args.repeat)
                floor, _, matched = measure(lambda: floor_count(db), args.repeat)
                ours_by_size[size] = ours
                ratio = f"{docs / returned:.2f}" if docs is not None and returned else "n/a"
                print(
                    f"\nhistory {size:>9,} events (inserted in {inserted:.0f}s)\n"
                    f"  $match plan {plan}: keys examined {keys}, docs examined {docs}, returned {returned}"
                    f" -> examined/returned {ratio}\n"
                    f"  ours   (one aggregation + $merge): {ours * 1000:8.1f} ms, {result.documents_written} buckets,"
                    f" client peak {ours_mem:6.2f} MiB\n"
                    f"  pandas (find + groupby + bulk_write): {theirs * 1000:6.1f} ms, {written} buckets,"
                    f" client peak {theirs_mem:6.2f} MiB\n"
                    f"  pandas / ours: time x{theirs / ours:.2f}, memory x{theirs_mem / max(ours_mem, 1e-6):.0f}\n"
                    f"  floor  (the window's indexed $match, counted): {floor * 1000:6.1f} ms, {matched} events"
                    f" -> ours / floor x{ours / floor:.2f}, pandas / floor x{theirs / floor:.2f}"
                )
            small, large = sizes
            print(
                f"\npartition cost as history grows {large // small}x: "
                f"{ours_by_size[large] / ours_by_size[small]:.2f}x (flat is 1.0)"
            )
        finally:
            client.drop_database(db.name)
            client.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

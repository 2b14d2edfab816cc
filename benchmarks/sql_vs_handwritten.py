"""Compiled SQL vs hand-written pipelines on 200k documents, measured side by side in one run.

For three rollup-shaped queries, prints time(compiled) / time(hand-written): the median of
interleaved repetitions (target <= 1.10). Also prints whether ``explain`` shows an index scan
(IXSCAN) for a WHERE on an indexed time range.

Uses ``LEAF_MONGODB_URI`` when set, else starts an embedded server.
Usage: .venv/bin/python benchmarks/sql_vs_handwritten.py [--docs 200000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import statistics
import time
from collections.abc import Iterator
from typing import Any

from pymongo import ASCENDING, MongoClient
from pymongo.database import Database

from leaf_dagster.connection import ENV_URI
from leaf_dagster.embedded import EmbeddedServer
from leaf_dagster.sql import compile_sql

START = dt.datetime(2024, 1, 1)
SINCE = dt.datetime(2024, 3, 1)

QUERIES: list[tuple[str, str, list[dict[str, Any]]]] = [
    (
        "daily totals since a date",
        "SELECT DATE_TRUNC('day', ts) AS day, COUNT(*) AS n, SUM(amount) AS total, AVG(amount) AS mean "
        "FROM events WHERE ts >= :since GROUP BY 1",
        [
            {"$match": {"ts": {"$gte": SINCE}}},
            {
                "$group": {
                    "_id": {"$dateTrunc": {"date": "$ts", "unit": "day"}},
                    "n": {"$sum": 1},
                    "total": {"$sum": "$amount"},
                    "mean": {"$avg": "$amount"},
                }
            },
            {"$project": {"_id": 0, "day": "$_id", "n": 1, "total": 1, "mean": 1}},
        ],
    ),
    (
        "per-user activity rollup",
        "SELECT userId, SUM(pageViews) AS views, MAX(pageViews) AS peak, MAX(ts) AS last_seen, COUNT(*) AS n "
        "FROM events GROUP BY userId",
        [
            {
                "$group": {
                    "_id": "$userId",
                    "views": {"$sum": "$pageViews"},
                    "peak": {"$max": "$pageViews"},
                    "last_seen": {"$max": "$ts"},
                    "n": {"$sum": 1},
                }
            },
            {"$project": {"_id": 0, "userId": "$_id", "views": 1, "peak": 1, "last_seen": 1, "n": 1}},
        ],
    ),
    (
        "category x status with HAVING and ORDER BY",
        "SELECT category, status, COUNT(*) AS n, MIN(amount) AS lo, MAX(amount) AS hi FROM events "
        "WHERE amount > 10 GROUP BY category, status HAVING COUNT(*) > 100 ORDER BY n DESC",
        [
            {"$match": {"amount": {"$gt": 10}}},
            {
                "$group": {
                    "_id": {"category": "$category", "status": "$status"},
                    "n": {"$sum": 1},
                    "lo": {"$min": "$amount"},
                    "hi": {"$max": "$amount"},
                }
            },
            {"$match": {"n": {"$gt": 100}}},
            {"$sort": {"n": -1}},
            {
                "$project": {
                    "_id": 0,
                    "category": "$_id.category",
                    "status": "$_id.status",
                    "n": 1,
                    "lo": 1,
                    "hi": 1,
                }
            },
        ],
    ),
]


@contextlib.contextmanager
def server() -> Iterator[str]:
    uri = os.environ.get(ENV_URI)
    if uri:
        yield uri
        return
    embedded = EmbeddedServer()
    embedded.start()
    try:
        yield embedded.uri
    finally:
        embedded.stop()


def load(db: Database[Any], count: int) -> None:
    rng = random.Random(7)
    categories = [f"cat{i}" for i in range(12)]
    statuses = ["new", "paid", "shipped", "returned"]
    db.events.drop()
    batch: list[dict[str, Any]] = []
    for i in range(count):
        doc: dict[str, Any] = {
            "_id": i,
            "userId": rng.randrange(2000),
            "ts": START + dt.timedelta(seconds=rng.randrange(180 * 86400)),
            "amount": round(rng.uniform(0, 500), 2) if rng.random() > 0.05 else None,
            "pageViews": rng.randrange(50),
            "category": rng.choice(categories),
            "status": rng.choice(statuses),
        }
        batch.append(doc)
        if len(batch) == 10_000:
            db.events.insert_many(batch, ordered=False)
            batch = []
    if batch:
        db.events.insert_many(batch, ordered=False)
    db.events.create_index([("ts", ASCENDING)])


def timed(db: Database[Any], pipeline: list[dict[str, Any]]) -> tuple[float, int]:
    start = time.perf_counter()
    rows = list(db.events.aggregate(pipeline, allowDiskUse=True))
    return time.perf_counter() - start, len(rows)


def uses_index(db: Database[Any], pipeline: list[dict[str, Any]]) -> bool:
    plan = db.command(
        "explain", {"aggregate": "events", "pipeline": pipeline, "cursor": {}}, verbosity="queryPlanner"
    )
    return "IXSCAN" in json.dumps(plan, default=str)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with server() as uri:
        client: MongoClient[dict[str, Any]] = MongoClient(uri)
        db = client["leaf_bench_sql"]
        started = time.perf_counter()
        load(db, args.docs)
        print(f"loaded {args.docs} documents in {time.perf_counter() - started:.1f} s")
        worst = 0.0
        for title, sql, hand in QUERIES:
            compiled = compile_sql(sql, params={"since": SINCE}).pipeline
            ratios: list[float] = []
            compiled_times: list[float] = []
            hand_times: list[float] = []
            for r in range(args.rounds):
                order = [(compiled, compiled_times), (hand, hand_times)]
                if r % 2:
                    order.reverse()
                counts = []
                for pipeline, sink in order:
                    seconds, n = timed(db, pipeline)
                    sink.append(seconds)
                    counts.append(n)
                assert counts[0] == counts[1], f"{title}: row counts differ {counts}"
                ratios.append(compiled_times[-1] / hand_times[-1])
            ratio = statistics.median(ratios)
            worst = max(worst, ratio)
            print(
                f"{title}: compiled {statistics.median(compiled_times) * 1000:.0f} ms, "
                f"hand-written {statistics.median(hand_times) * 1000:.0f} ms, ratio {ratio:.3f} (target <= 1.10)"
            )
        for range_sql in (
            "SELECT COUNT(*) AS n FROM events WHERE ts >= :since AND ts < :until",
            "SELECT COUNT(*) AS n FROM events WHERE ts BETWEEN '2024-03-01' AND '2024-03-08'",
        ):
            params = {"since": SINCE, "until": SINCE + dt.timedelta(days=7)}
            pipeline = compile_sql(range_sql, params=params).pipeline
            found = "IXSCAN" if uses_index(db, pipeline) else "NO IXSCAN"
            print(f"index scan for a WHERE on an indexed time range: {found} ({range_sql})")
        print(f"worst ratio {worst:.3f}: {'PASS' if worst <= 1.10 else 'FAIL'}")
        client.drop_database("leaf_bench_sql")
        client.close()


if __name__ == "__main__":
    main()

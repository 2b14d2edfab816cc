"""Compiled SQL vs hand-written pipelines on 200k documents, measured side by side in one run.

For three rollup-shaped queries, prints time(compiled) / time(hand-written): the median of
interleaved repetitions (target <= 1.10), compiled without and with a catalog of the fields' types
(``EVENTS_CATALOG``). Also prints whether ``explain`` shows an index scan
(IXSCAN) for a WHERE on an indexed time range.

Issue 3 adds, on ``orders`` (``--join-docs``, 20k, ``customerId`` indexed) and ``users`` (2k),
three queries, each against the pipeline an expert would write by hand (target <= 1.15):
- a join with a rollup (orders joined to users, grouped by account type). The compiler groups the
  orders by customer before the join (``leaf_dagster/sql/eager.py``), so it runs one ``$lookup`` per
  customer instead of one per order; the hand-written baseline is the straightforward
  ``$lookup`` + ``$unwind`` + ``$group``;
- the same join where an aggregate reads the joined side, so no aggregation can move before the
  join: the compiled plan is the hand-written one plus a ``$match`` guarding the key (SQL's ``=``
  never pairs NULL or array keys, ``$lookup`` does) and SUM's NULL check;
- a window rank query (``RANK() OVER (PARTITION BY ... ORDER BY ...)``).
A row the compiler cannot translate yet prints
"n/a (compiler: <error>)". It also states how many documents ``$lookup`` examines per input
document with the join key indexed: from the ``$lookup`` stage's ``totalDocsExamined`` in
``explain`` (executionStats) when the server reports it, else estimated from how the time per
input document grows with the size of the joined collection (see ``lookup_examined``).

Uses ``LEAF_MONGODB_URI`` when set, else starts an embedded server.
Usage: .venv/bin/python benchmarks/sql_vs_handwritten.py [--docs 200000] [--rounds 7] [--join-docs 20000]
       [--skip-rollups]

Issue 14 adds a nested-subquery row (``NESTED_SUBQUERY``) after the issue-3 rows.

Issue 11 adds a ``GROUP BY ROLLUP`` row (``ROLLUP_SQL``) against a hand-written ``$facet`` pipeline
(target <= 1.15), and times the other one-pipeline form (``$unwind`` once per grouping set, one
``$group``) against that ``$facet``: the measurement behind the compiler's choice of ``$facet``.
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


# The declared types of ``events`` (``load``): with them, SUM/AVG of a double need no per-row type
# test (without, each row's BSON type decides: a bigint's SUM is numeric), and SUM of an ``integer``
# (int32) field is a plain $sum.
EVENTS_CATALOG = {
    "events": {
        "userId": "integer",
        "ts": "timestamp",
        "amount": "double precision",
        "pageViews": "integer",
        "category": "text",
        "status": "text",
    }
}

# Issue 3: (title, SQL, collection, hand-written pipeline). The data has no NULL join keys or totals,
# so the natural hand-written pipelines are exact here.
ACCOUNT_TYPES = ["free", "premium", "enterprise"]
JOIN_QUERIES: list[tuple[str, str, str, list[dict[str, Any]]]] = [
    (
        "join + rollup: orders x users by account type",
        "SELECT u.account.type AS account_type, COUNT(*) AS n, SUM(o.total) AS spent "
        "FROM orders o JOIN users u ON o.customerId = u._id GROUP BY u.account.type",
        "orders",
        [
            {"$lookup": {"from": "users", "localField": "customerId", "foreignField": "_id", "as": "u"}},
            {"$unwind": "$u"},
            {"$group": {"_id": "$u.account.type", "n": {"$sum": 1}, "spent": {"$sum": "$total"}}},
            {"$project": {"_id": 0, "account_type": "$_id", "n": 1, "spent": 1}},
        ],
    ),
    (
        "join + rollup, plain plan (an aggregate reads the joined side)",
        "SELECT o.status, COUNT(*) AS n, MAX(u.account.type) AS top "
        "FROM orders o JOIN users u ON o.customerId = u._id GROUP BY o.status",
        "orders",
        [
            {"$lookup": {"from": "users", "localField": "customerId", "foreignField": "_id", "as": "u"}},
            {"$unwind": "$u"},
            {"$group": {"_id": "$status", "n": {"$sum": 1}, "top": {"$max": "$u.account.type"}}},
            {"$project": {"_id": 0, "status": "$_id", "n": 1, "top": 1}},
        ],
    ),
    (
        "window rank: RANK() OVER (PARTITION BY customerId ORDER BY total DESC)",
        "SELECT _id, customerId, total, RANK() OVER (PARTITION BY customerId ORDER BY total DESC) AS r "
        "FROM orders",
        "orders",
        [
            {
                "$setWindowFields": {
                    "partitionBy": "$customerId",
                    "sortBy": {"total": -1},
                    "output": {"r": {"$rank": {}}},
                }
            },
            {"$project": {"_id": 1, "customerId": 1, "total": 1, "r": 1}},
        ],
    ),
]
USERS_N = 2000
# Issue 14: nested uncorrelated subqueries run once per query. The hand-written plan computes the
# average once, then the customers above it, from one document of ``users`` (same collection).
NESTED_SUBQUERY = (
    "nested subquery: users IN (orders above the average total)",
    "SELECT _id FROM users WHERE _id IN "
    "(SELECT customerId FROM orders WHERE total > (SELECT AVG(total) FROM orders))",
    "users",
    [
        {"$limit": 1},
        {
            "$lookup": {
                "from": "orders",
                "pipeline": [{"$group": {"_id": None, "avg": {"$avg": "$total"}}}],
                "as": "a",
            }
        },
        {
            "$lookup": {
                "from": "orders",
                "let": {"cut": {"$let": {"vars": {"r": {"$arrayElemAt": ["$a", 0]}}, "in": "$$r.avg"}}},
                "pipeline": [
                    {"$match": {"$expr": {"$gt": ["$total", "$$cut"]}}},
                    {"$group": {"_id": "$customerId"}},  # every customerId is a user here
                ],
                "as": "rows",
            }
        },
        {"$unwind": "$rows"},
        {"$replaceWith": "$rows"},
    ],
)


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


def load_join(db: Database[Any], orders: int) -> None:
    """``users`` (USERS_N, nested account) and ``orders`` referencing them, ``customerId`` indexed."""
    rng = random.Random(11)
    db.users.drop()
    db.orders.drop()
    db.users.insert_many(
        [
            {"_id": i, "account": {"type": rng.choice(ACCOUNT_TYPES), "status": "active"}}
            for i in range(USERS_N)
        ]
    )
    docs = [
        {
            "_id": i,
            "customerId": rng.randrange(USERS_N),
            "total": round(rng.uniform(1, 900), 2),
            "status": rng.choice(["new", "paid", "shipped"]),
        }
        for i in range(orders)
    ]
    for k in range(0, len(docs), 10_000):
        db.orders.insert_many(docs[k : k + 10_000], ordered=False)
    db.orders.create_index([("customerId", ASCENDING)])


def timed(db: Database[Any], pipeline: list[dict[str, Any]], collection: str = "events") -> tuple[float, int]:
    start = time.perf_counter()
    rows = list(db[collection].aggregate(pipeline, allowDiskUse=True))
    return time.perf_counter() - start, len(rows)


def compare(
    db: Database[Any],
    compiled: list[dict[str, Any]],
    hand: list[dict[str, Any]],
    rounds: int,
    collection: str,
) -> tuple[float, float, float]:
    """Interleaved repetitions (alternating which runs first): medians of compiled, hand, ratio."""
    ratios: list[float] = []
    compiled_times: list[float] = []
    hand_times: list[float] = []
    for r in range(rounds):
        order = [(compiled, compiled_times), (hand, hand_times)]
        if r % 2:
            order.reverse()
        counts = []
        for pipeline, sink in order:
            seconds, n = timed(db, pipeline, collection)
            sink.append(seconds)
            counts.append(n)
        assert counts[0] == counts[1], f"row counts differ {counts}"
        ratios.append(compiled_times[-1] / hand_times[-1])
    return statistics.median(compiled_times), statistics.median(hand_times), statistics.median(ratios)


def _lookup_stats(plan: Any) -> dict[str, Any] | None:
    """The first ``$lookup`` stage of an explain output that carries execution counters."""
    if isinstance(plan, dict):
        if "$lookup" in plan and any(k in plan for k in ("totalDocsExamined", "totalKeysExamined")):
            return plan
        children: list[Any] = list(plan.values())
    elif isinstance(plan, list):
        children = plan
    else:
        return None
    for child in children:
        found = _lookup_stats(child)
        if found is not None:
            return found
    return None


def _per_input_seconds(
    db: Database[Any], pipeline: list[dict[str, Any]], collection: str, inputs: int
) -> float:
    times = [timed(db, pipeline, collection)[0] for _ in range(5)]
    return statistics.median(times) / inputs


def _probe_data(db: Database[Any], small: int, large: int, inputs: int, scan_inputs: int) -> None:
    rng = random.Random(5)
    for name, n in (("probe_users_small", small), ("probe_users_large", large)):
        db[name].drop()
        docs = [{"_id": i, "key": i, "pad": "x" * 20} for i in range(n)]
        for k in range(0, n, 10_000):
            db[name].insert_many(docs[k : k + 10_000])
        db[name].create_index([("key", ASCENDING)])
    for name, count in (("probe_orders", inputs), ("probe_orders_few", scan_inputs)):
        db[name].drop()
        db[name].insert_many([{"_id": i, "k": rng.randrange(small)} for i in range(count)])


def lookup_examined(db: Database[Any]) -> str:
    """How many joined documents ``$lookup`` examines per input document, join key indexed.

    Prefers the server's own counters (explain executionStats of the ``$lookup`` stage). Without them
    (SecantusDB reports only the ``$cursor`` stage, and ``$indexStats`` access counters stay at 0),
    it times the compiled join (``probe_orders.k = probe_users_*.key``, ``key`` indexed, every input
    matching exactly one document) against a joined collection of SMALL and of LARGE (100x) documents.
    The yardstick is a ``$lookup`` whose pipeline only has ``$expr``, which examines every joined
    document: its growth per joined document gives the cost of examining one. The compiled join's
    growth divided by that cost estimates the extra documents it examines per input document (0 for an
    index probe; LARGE - SMALL for a scan).
    """
    small, large, inputs, scan_inputs = 300, 30_000, 300, 10
    _probe_data(db, small, large, inputs, scan_inputs)
    sql = "SELECT COUNT(*) AS n FROM probe_orders o JOIN {} u ON o.k = u.key"
    try:
        pipelines = {
            n: compile_sql(sql.format(n)).pipeline for n in ("probe_users_small", "probe_users_large")
        }
    except Exception as exc:  # the compiler may not support joins yet
        return f"n/a (compiler: {exc})"
    plan = db.command(
        "explain",
        {"aggregate": "probe_orders", "pipeline": pipelines["probe_users_large"], "cursor": {}},
        verbosity="executionStats",
    )
    stats = _lookup_stats(plan)
    if stats is not None:
        docs = stats.get("totalDocsExamined", 0)
        keys = stats.get("totalKeysExamined", 0)
        return (
            f"{docs / inputs:.2f} documents and {keys / inputs:.2f} index keys examined per input document "
            f"(explain executionStats of the $lookup stage, {large} joined documents)"
        )
    scan_small, scan_large = (
        _per_input_seconds(
            db,
            [
                {
                    "$lookup": {
                        "from": name,
                        "let": {"v": "$k"},
                        "pipeline": [{"$match": {"$expr": {"$eq": ["$$v", "$key"]}}}],
                        "as": "u",
                    }
                }
            ],
            "probe_orders_few",
            scan_inputs,
        )
        for name in ("probe_users_small", "probe_users_large")
    )
    compiled_small = _per_input_seconds(db, pipelines["probe_users_small"], "probe_orders", inputs)
    compiled_large = _per_input_seconds(db, pipelines["probe_users_large"], "probe_orders", inputs)
    per_doc = (scan_large - scan_small) / (large - small)
    extra = (compiled_large - compiled_small) / per_doc if per_doc > 0 else float("nan")
    return (
        f"an index probe, not a scan: for {large // small}x the joined documents ({small} -> {large}) the "
        f"compiled join's time per input document grows x{compiled_large / compiled_small:.2f} "
        f"({compiled_small * 1e6:.0f} -> {compiled_large * 1e6:.0f} us), an $expr-only $lookup's (a scan) "
        f"x{scan_large / scan_small:.0f} ({scan_small * 1e6:.0f} -> {scan_large * 1e6:.0f} us). By timing, "
        f"that is 1 matching document + {max(extra, 0.0):.1f} (noise level) examined per input document, "
        f"against +{large - small} for a scan. Explain gives no $lookup counters on this server, so this "
        "is measured by timing."
    )


def uses_index(db: Database[Any], pipeline: list[dict[str, Any]]) -> bool:
    plan = db.command(
        "explain", {"aggregate": "events", "pipeline": pipeline, "cursor": {}}, verbosity="queryPlanner"
    )
    return "IXSCAN" in json.dumps(plan, default=str)


def run_rollups(db: Database[Any], docs: int, rounds: int) -> None:
    started = time.perf_counter()
    load(db, docs)
    print(f"loaded {docs} documents in {time.perf_counter() - started:.1f} s")
    worst = 0.0
    for title, sql, hand in QUERIES:
        for catalog, note in ((None, ""), (EVENTS_CATALOG, ", with a catalog")):
            compiled = compile_sql(sql, params={"since": SINCE}, catalog=catalog).pipeline
            ratios: list[float] = []
            compiled_times: list[float] = []
            hand_times: list[float] = []
            for r in range(rounds):
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
                f"{title}{note}: compiled {statistics.median(compiled_times) * 1000:.0f} ms, "
                f"hand-written {statistics.median(hand_times) * 1000:.0f} ms, ratio {ratio:.3f} (target <= 1.10)"
            )
    quoted = "SELECT COUNT(*) AS n FROM events WHERE ts BETWEEN '2024-03-01' AND '2024-03-08'"
    for range_sql, catalog, note in (
        ("SELECT COUNT(*) AS n FROM events WHERE ts >= :since AND ts < :until", None, ""),
        (quoted, {"events": {"ts": "timestamp"}}, ", with a catalog"),
        # Without one, a quoted literal is read per BSON type: an $or, which this server never
        # serves from an index (MongoDB plans each branch on it).
        (quoted, None, ", without a catalog"),
    ):
        params = {"since": SINCE, "until": SINCE + dt.timedelta(days=7)}
        pipeline = compile_sql(range_sql, params=params, catalog=catalog).pipeline
        found = "IXSCAN" if uses_index(db, pipeline) else "NO IXSCAN"
        print(f"index scan for a WHERE on an indexed time range{note}: {found} ({range_sql})")
    print(f"worst ratio {worst:.3f}: {'PASS' if worst <= 1.10 else 'FAIL'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--join-docs", type=int, default=20_000)
    parser.add_argument("--skip-rollups", action="store_true", help="only the issue-3 join and window rows")
    args = parser.parse_args()
    with server() as uri:
        client: MongoClient[dict[str, Any]] = MongoClient(uri)
        db = client["leaf_bench_sql"]
        if not args.skip_rollups:
            run_rollups(db, args.docs, args.rounds)
            run_numeric(db, args.rounds)
            run_grouping_sets(db, args.rounds)
        run_issue3(db, args.join_docs, args.rounds)
        client.drop_database("leaf_bench_sql")
        client.close()


def run_issue3(db: Database[Any], orders: int, rounds: int) -> None:
    started = time.perf_counter()
    load_join(db, orders)
    print(f"loaded {orders} orders and {USERS_N} users in {time.perf_counter() - started:.1f} s")
    worst = 0.0
    for title, sql, collection, hand in JOIN_QUERIES:
        try:
            compiled = compile_sql(sql).pipeline
        except Exception as exc:  # the compiler may not support the construct yet
            print(f"{title}: n/a (compiler: {exc})")
            continue
        compiled_s, hand_s, ratio = compare(db, compiled, hand, rounds, collection)
        worst = max(worst, ratio)
        print(
            f"{title}: compiled {compiled_s * 1000:.0f} ms, hand-written {hand_s * 1000:.0f} ms, "
            f"ratio {ratio:.3f} (target <= 1.15)"
        )
    print(f"issue 3 worst ratio {worst:.3f}: {'PASS' if worst <= 1.15 else 'FAIL'}")
    title, sql, collection, hand = NESTED_SUBQUERY
    compiled_s, hand_s, ratio = compare(db, compile_sql(sql).pipeline, hand, rounds, collection)
    print(
        f"{title}: compiled {compiled_s * 1000:.0f} ms, hand-written {hand_s * 1000:.0f} ms, "
        f"ratio {ratio:.3f} (each subquery runs once; before issue 14 the inner AVG ran per order per user)"
    )
    print(f"$lookup with an indexed join key: {lookup_examined(db)}")


# Issue 10: a numeric-heavy rollup computed exactly (Decimal128 score, numeric AVG of integers, SUM
# of doubles decided per value) against the hand-written pipeline that does it all in doubles.
NUMERIC_ROLLUP = (
    "SELECT userId, SUM(pageViews) * 0.1 + COUNT(*) * 0.6 AS score, AVG(pageViews) AS mean_views, "
    "SUM(amount) AS total FROM events GROUP BY userId"
)
NUMERIC_HAND: list[dict[str, Any]] = [
    {
        "$group": {
            "_id": "$userId",
            "views": {"$sum": "$pageViews"},
            "n": {"$sum": 1},
            "mean_views": {"$avg": "$pageViews"},
            "total": {"$sum": "$amount"},
        }
    },
    {
        "$project": {
            "_id": 0,
            "userId": "$_id",
            "score": {"$add": [{"$multiply": ["$views", 0.1]}, {"$multiply": ["$n", 0.6]}]},
            "mean_views": 1,
            "total": 1,
        }
    },
]


def run_numeric(db: Database[Any], rounds: int) -> None:
    """The exact-numeric row (on the ``events`` loaded by ``run_rollups``): the cost of exactness."""
    compiled_s, hand_s, ratio = compare(
        db, compile_sql(NUMERIC_ROLLUP).pipeline, NUMERIC_HAND, rounds, "events"
    )
    print(
        f"exact numeric rollup (Decimal128 score, numeric AVG): compiled {compiled_s * 1000:.0f} ms, "
        f"hand-written in doubles {hand_s * 1000:.0f} ms, ratio {ratio:.3f} (the cost of exact NUMERIC)"
    )


# Issue 11: the subtotals of ROLLUP (category, status) in one pipeline.
ROLLUP_SQL = (
    "SELECT category, status, COUNT(*) AS n, MAX(amount) AS hi FROM events GROUP BY ROLLUP (category, status)"
)
_ROLLUP_SETS = [[0, "$category", "$status"], [1, "$category", None], [2, None, None]]
_ROLLUP_ACCS = {"n": {"$sum": 1}, "hi": {"$max": "$amount"}}
_ROLLUP_OUT = {
    "$project": {
        "_id": 0,
        "category": {"$arrayElemAt": ["$_id", 1]},
        "status": {"$arrayElemAt": ["$_id", 2]},
        "n": 1,
        "hi": 1,
    }
}
ROLLUP_FACET: list[dict[str, Any]] = [
    {"$facet": {f"s{i}": [{"$group": {"_id": key, **_ROLLUP_ACCS}}] for i, key in enumerate(_ROLLUP_SETS)}},
    {"$project": {"rows": {"$concatArrays": [f"$s{i}" for i in range(len(_ROLLUP_SETS))]}}},
    {"$unwind": "$rows"},
    {"$replaceWith": "$rows"},
    _ROLLUP_OUT,
]
ROLLUP_UNWIND: list[dict[str, Any]] = [
    {"$set": {"sets": _ROLLUP_SETS}},
    {"$unwind": "$sets"},
    {"$group": {"_id": "$sets", **_ROLLUP_ACCS}},
    _ROLLUP_OUT,
]


def run_grouping_sets(db: Database[Any], rounds: int) -> None:
    """The ROLLUP row (on the ``events`` loaded by ``run_rollups``), and $unwind vs $facet."""
    compiled_s, hand_s, ratio = compare(db, compile_sql(ROLLUP_SQL).pipeline, ROLLUP_FACET, rounds, "events")
    print(
        f"GROUP BY ROLLUP (category, status): compiled {compiled_s * 1000:.0f} ms, hand-written $facet "
        f"{hand_s * 1000:.0f} ms, ratio {ratio:.3f} (target <= 1.15)"
    )
    unwind_s, facet_s, form_ratio = compare(db, ROLLUP_UNWIND, ROLLUP_FACET, rounds, "events")
    print(
        f"grouping sets in one pipeline: $unwind once per set + one $group {unwind_s * 1000:.0f} ms, "
        f"$facet with a $group per set {facet_s * 1000:.0f} ms, ratio {form_ratio:.3f} (> 1: $facet is faster)"
    )


if __name__ == "__main__":
    main()

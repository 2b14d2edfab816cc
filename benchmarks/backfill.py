"""A backfill through Dagster against one hand-written aggregation writing the same documents.

    python benchmarks/backfill.py             # a day of hourly buckets, a week of daily orders (minutes)
    python benchmarks/backfill.py --full      # a week of hourly buckets (168 partitions, ~100k events)
                                              # and a month of daily orders (long on the embedded server)
    python benchmarks/backfill.py --repeat 3  # each measurement 3 times, side by side, the order of
                                              # backfill and hand-written pass alternated: min and median
    python benchmarks/backfill.py --only orders --money double   # the orders rollup alone, totals as
                                              # doubles (default: Decimal128, as pipelines/datagen.py)
    python benchmarks/backfill.py --journal-ab 3  # the bucket aggregation 3 times with j=True and 3
                                              # times with the default write concern, alternated

Uses ``LEAF_MONGODB_URI`` if set, else a temporary embedded server. The data follows the example's
schemas (``pipelines/schemas``: ObjectId keys, the declared fields), and the rollups get the code
location's catalog of declared types, as ``LeafProject`` gives it to them.

The backfill runs as Dagster runs it under the assets' ``BackfillPolicy``: one ranged run per
``max_partitions_per_run`` partitions (``dg.materialize`` with the range tags a backfill sets).
The hand-written pass is what a developer who knows MongoDB writes for the *same* target documents:
for the buckets, the same ``_id``s, events, overflow buckets, ``summary`` and ``bucketMetadata``;
for the orders the same columns and BSON types; both with the same ``computationMetadata``
(``runId``, ``computedAt``, ``sources``, ``window``, ``fence``; ``watermark`` for computed
rollups), merged with ``$merge`` on the same key into a target with the indexes its schema declares.
Before any ratio is printed, the benchmark asserts that both targets hold the same documents
(BSON types compared; ``_id`` of computed documents and the per-run ``runId``/``computedAt``/
``fence`` values aside).

Printed per rollup and repetition, then as min / median over the repetitions:

- ``dagster``: launch, step and event bookkeeping (the backfill's wall time minus the engine's);
- ``engine``: the rollup engine beyond its aggregation (lease, indexes, clean-up of older
  documents, counting each partition's documents, run log: ``_leaf_rollup_runs.timingsMs``);
- ``agg``: the rollup's aggregation (compiled SQL, bucketing, fenced ``$merge``);
- ``hand``: the hand-written pass;
- ``agg/hand`` (target: at most 1.3) and ``all/hand``, the whole backfill against the hand-written pass;
- per line, wall seconds, then the server's CPU seconds (``CPU``), then the seconds the server's
  busiest thread waited runnable for a core (``waiting``): wall is CPU plus that wait on a loaded
  machine, so the CPU ratios are the ones to read.

``--storage sqlite`` records the runs in an on-disk instance (a temporary ``DAGSTER_HOME`` with
SQLite storage, as ``dagster dev`` has) instead of in memory: Dagster then writes two events per
partition (planned, materialized), each its own SQLite commit, which is most of the Dagster part
of a long range.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import functools
import os
import random
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import dagster as dg
from bson import Decimal128, ObjectId
from pymongo import MongoClient, monitoring
from pymongo.database import Database
from pymongo.write_concern import WriteConcern

from leaf_dagster.connection import ENV_URI, Document
from leaf_dagster.dagster import MongoResource, rollup_assets
from leaf_dagster.embedded import EmbeddedServer
from leaf_dagster.rollups import RollupSpec, TimeWindow, load_rollup_file, run_bucket_rollup
from leaf_dagster.rollups.bucket import ensure_bucket_indexes
from leaf_dagster.rollups.runs import RUNS_COLLECTION
from leaf_dagster.schema import load_ddl, sql_catalog
from pipelines.datagen import money

ROOT = Path(__file__).resolve().parent.parent
ROLLUPS = ROOT / "pipelines" / "rollups"
SCHEMAS = ROOT / "pipelines" / "schemas"
START = dt.datetime(2024, 9, 2, tzinfo=dt.UTC)
TYPES = ("page_view", "click", "api_call", "error")
META = "computationMetadata"
BURST = 1_200  # events of one user in the first hour: a full bucket (1000) and an overflow bucket
# values that differ from run to run by nature: compared for presence only
PER_RUN = ("runId", "computedAt", "fence")

warnings.simplefilter("ignore", dg.BetaWarning)


def oid(kind: int, n: int) -> ObjectId:
    return ObjectId(f"{kind:08x}{n:016x}")


def seed(
    db: Database[Document], hours: int, events: int, days: int, orders: int, *, doubles: bool = False
) -> None:
    """Events and orders shaped as ``activity_events.ddl`` and ``orders.ddl`` declare them (totals
    as ``DECIMAL(12,2)``: Decimal128, as ``pipelines/datagen.py`` writes them), with the indexes the
    DDL declares. The
    first ``BURST`` events are one user's burst in the first hour: its bucket overflows into a
    numbered follow-on bucket (compared like the others)."""
    rng = random.Random(14)
    db.activity_events.create_index([("userId", 1), ("timestamp", 1)])
    db.activity_events.create_index("timestamp")
    db.orders.create_index([("customerId", 1), ("createdAt", -1)])
    db.orders.create_index("createdAt")
    batch: list[Document] = []
    for n in range(events):
        kind = rng.choice(TYPES)
        burst = n < BURST
        seconds = rng.randrange(3600 if burst else hours * 3600)
        doc: Document = {
            "_id": oid(2, n),
            "userId": oid(1, 0 if burst else rng.randrange(300)),
            "timestamp": START + dt.timedelta(seconds=seconds, milliseconds=rng.randrange(1000)),
            "eventType": kind,
            "page": f"/page/{rng.randrange(40)}",
            "sessionId": f"s{rng.randrange(1000)}",
        }
        if kind == "click":
            doc["element"] = rng.choice(("export_button", "nav_link", "save"))
        if kind in ("page_view", "api_call"):
            doc["responseTime"] = rng.randrange(20, 3000)
        if kind in ("api_call", "error"):
            doc["statusCode"] = 200 if kind == "api_call" else rng.choice((400, 404, 500))
        batch.append(doc)
    if batch:
        db.activity_events.insert_many(batch, ordered=False)
    order_docs: list[Document] = [
        {
            "_id": oid(5, n),
            "customerId": oid(1, rng.randrange(400)),
            "createdAt": START + dt.timedelta(seconds=rng.randrange(days * 86400)),
            "status": rng.choice(("paid", "paid", "shipped", "delivered", "cancelled")),
            "total": _total(rng.randrange(100, 50_000), doubles),
            "currency": "USD",
        }
        for n in range(orders)
    ]
    if order_docs:
        db.orders.insert_many(order_docs, ordered=False)


def _total(cents: int, doubles: bool) -> float | Decimal128:
    return cents / 100 if doubles else money(Decimal(cents) / 100)


@dataclasses.dataclass
class Backfill:
    wall: float = 0.0  # launch to the last run's end
    engine: float = 0.0  # the runs' duration_s
    aggregate: float = 0.0  # the aggregations inside them
    runs: int = 0


def backfill(
    db: Database[Document],
    asset: dg.AssetsDefinition,
    keys: list[str],
    resources: dict[str, Any],
    instance: dg.DagsterInstance,
) -> Backfill:
    """A backfill of ``keys``, split into runs as the asset's backfill policy splits it."""
    policy = asset.backfill_policy
    per_run = (policy.max_partitions_per_run if policy else None) or len(keys)
    out = Backfill()
    for first in range(0, len(keys), per_run):
        chunk = keys[first : first + per_run]
        started = time.perf_counter()
        result = dg.materialize(
            [asset],
            resources=resources,
            instance=instance,
            tags={
                "dagster/asset_partition_range_start": chunk[0],
                "dagster/asset_partition_range_end": chunk[-1],
            },
            raise_on_error=True,
        )
        out.wall += time.perf_counter() - started
        metadata = result.get_asset_materialization_events()[0].materialization.metadata
        out.engine += float(metadata["duration_s"].value)  # type: ignore[arg-type]
        record = db[RUNS_COLLECTION].find_one({"_id": metadata["leaf_run_id"].value})
        assert record is not None
        out.aggregate += record["timingsMs"]["aggregate"] / 1000
        out.runs += 1
    return out


def _stamp(sources: list[str], window_start: Any, unit: str, extra: Document) -> Document:
    return {
        "runId": {"$literal": "handwritten"},
        "computedAt": {"$literal": dt.datetime.now(dt.UTC)},
        "sources": {"$literal": sources},
        "window": {
            "start": window_start,
            "end": {"$dateAdd": {"startDate": window_start, "unit": unit, "amount": 1}},
        },
        "fence": {"$literal": 0},
        **extra,
    }


def handwritten_buckets(db: Database[Document], end: dt.datetime) -> float:
    """One pass: events per user and hour, at most 1000 per document (numbered overflow buckets),
    with the summary and bucket metadata the rollup writes."""
    fields = ("timestamp", "eventType", "page", "element", "sessionId", "responseTime", "statusCode")

    def values(name: str) -> Document:
        return {"$map": {"input": "$chunks", "as": "e", "in": f"$$e.{name}"}}

    def bucket_id(seq: Any) -> Document:
        return {
            "$concat": [
                {"$toString": "$_id.userId"},
                "|",
                {"$dateToString": {"date": "$_id.hour", "format": "%Y-%m-%dT%H:%M:%SZ"}},
                "|",
                {"$toString": seq},
            ]
        }

    # each field's values listed once
    responses, pages, sessions = "$$responses", "$$pages", "$$sessions"
    counts = {"page_view": "pageViews", "click": "clicks", "api_call": "apiCalls", "error": "errors"}
    summary: Document = {
        name: {
            "$size": {"$filter": {"input": "$chunks", "as": "e", "cond": {"$eq": ["$$e.eventType", kind]}}}
        }
        for kind, name in counts.items()
    }
    summary.update(
        {
            "totalResponseTime": {"$sum": responses},
            "countResponseTime": {
                "$size": {"$filter": {"input": responses, "cond": {"$isNumber": "$$this"}}}
            },
            "avgResponseTime": {"$avg": responses},
            "minResponseTime": {"$min": responses},
            "maxResponseTime": {"$max": responses},
            "uniquePages": {
                "$size": {"$setUnion": [{"$filter": {"input": pages, "cond": {"$gt": ["$$this", None]}}}]}
            },
            "sessions": {
                "$size": {"$setUnion": [{"$filter": {"input": sessions, "cond": {"$gt": ["$$this", None]}}}]}
            },
        }
    )
    db.drop_collection("hand_buckets")
    db.hand_buckets.create_index([("userId", 1), ("bucketType", 1), ("bucketDate", 1)])  # the DDL's
    started = time.perf_counter()
    db.activity_events.aggregate(
        [
            {"$match": {"timestamp": {"$gte": START, "$lt": end}, "userId": {"$ne": None}}},
            {"$sort": {"timestamp": 1, "_id": 1}},
            {
                "$group": {
                    "_id": {
                        "userId": "$userId",
                        "hour": {"$dateTrunc": {"date": "$timestamp", "unit": "hour"}},
                    },
                    "events": {"$push": {name: f"${name}" for name in fields}},
                }
            },
            {
                "$project": {
                    "n": {"$size": "$events"},
                    "chunks": {
                        "$map": {
                            "input": {"$range": [0, {"$size": "$events"}, 1000]},
                            "in": {"$slice": ["$events", "$$this", 1000]},
                        }
                    },
                }
            },
            {"$unwind": {"path": "$chunks", "includeArrayIndex": "seq"}},
            {
                "$replaceWith": {
                    "$let": {
                        "vars": {"seq": {"$toInt": "$seq"}},
                        "in": {
                            "_id": bucket_id("$$seq"),
                            "userId": "$_id.userId",
                            "bucketDate": "$_id.hour",
                            "bucketType": "hourly",
                            "bucketSize": "hourly",
                            "bucketSeq": "$$seq",
                            "eventCount": {"$size": "$chunks"},
                            "events": "$chunks",
                            "summary": {
                                "$let": {
                                    "vars": {
                                        "responses": values("responseTime"),
                                        "pages": values("page"),
                                        "sessions": values("sessionId"),
                                    },
                                    "in": summary,
                                }
                            },
                            "bucketMetadata": {
                                "isFull": {"$eq": [{"$size": "$chunks"}, 1000]},
                                "maxEvents": 1000,
                                "firstEventAt": {
                                    "$let": {"vars": {"e": {"$first": "$chunks"}}, "in": "$$e.timestamp"}
                                },
                                "lastEventAt": {
                                    "$let": {"vars": {"e": {"$last": "$chunks"}}, "in": "$$e.timestamp"}
                                },
                                "nextBucketId": {
                                    "$cond": [
                                        {"$lt": [{"$multiply": [{"$add": ["$$seq", 1]}, 1000]}, "$n"]},
                                        bucket_id({"$add": ["$$seq", 1]}),
                                        None,
                                    ]
                                },
                            },
                            META: _stamp(["activity_events"], "$_id.hour", "hour", {}),
                        },
                    }
                }
            },
            {
                "$merge": {
                    "into": "hand_buckets",
                    "on": "_id",
                    "whenMatched": "replace",
                    "whenNotMatched": "insert",
                }
            },
        ]
    ).close()
    return time.perf_counter() - started


def handwritten_orders(db: Database[Document], end: dt.datetime, doubles: bool = False) -> float:
    """One pass: orders per customer and day, the SQL's columns with its BSON types (counts as
    64-bit integers), merged on ``[customerId, day]``."""
    db.drop_collection("hand_orders")
    db.hand_orders.create_index([("customerId", 1), ("day", 1)], unique=True)
    window = {"createdAt": {"$gte": START, "$lt": end}}
    started = time.perf_counter()
    newest = db.orders.find_one(window, {"createdAt": 1}, sort=[("createdAt", -1)])
    watermark = newest["createdAt"] if newest else None
    cancelled = {"$eq": ["$status", "cancelled"]}
    average = {"$divide": ["$total", "$orders"]}
    # The catalog reads the DDL's DECIMAL total as numeric: a double as its 15-digit decimal.
    as_numeric = [{"$set": {"total": {"$toDecimal": "$total"}}}] if doubles else []
    db.orders.aggregate(
        [
            {"$match": window},
            *as_numeric,
            {
                "$group": {
                    "_id": {
                        "customerId": "$customerId",
                        "day": {"$dateTrunc": {"date": "$createdAt", "unit": "day"}},
                    },
                    "orders": {"$sum": 1},
                    "total_spent": {"$sum": {"$cond": [cancelled, 0, "$total"]}},
                    "cancelled_orders": {"$sum": {"$cond": [cancelled, 1, 0]}},
                    "total": {"$sum": "$total"},
                    "largest_order": {"$max": "$total"},
                }
            },
            {
                "$project": {
                    "_id": 0,
                    "customerId": "$_id.customerId",
                    "day": "$_id.day",
                    "orders": {"$toLong": "$orders"},
                    # every order of the day cancelled: the SQL's SUM of zeros, numeric (the catalog
                    # reads the DDL's DECIMAL total as numeric, so the CASE is numeric)
                    "total_spent": {
                        "$cond": [
                            {"$eq": [{"$type": "$total_spent"}, "int"]},
                            Decimal128("0"),
                            "$total_spent",
                        ]
                    },
                    "cancelled_orders": {"$toLong": "$cancelled_orders"},
                    # AVG of numeric, as PostgreSQL rounds it: 16 decimals for an average between 1
                    # and 9999 (select_div_scale), which every average of these totals is
                    "avg_order_value": {"$round": [average, 16]},
                    "largest_order": 1,
                    META: _stamp(["orders"], "$_id.day", "day", {"watermark": {"$literal": watermark}}),
                }
            },
            {"$merge": {"into": "hand_orders", "on": ["customerId", "day"], "whenMatched": "replace"}},
        ]
    ).close()
    return time.perf_counter() - started


def typed(value: Any) -> Any:
    """``value`` with the BSON type of every scalar made part of it (``1`` and ``1.0`` differ)."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    if isinstance(value, Decimal128):
        # numerics compare by value: PostgreSQL's AVG keeps 16 decimals (25.0000000000000000), the
        # hand-written $round of the same quotient may drop trailing zeros (25.00)
        return ("Decimal128", value.to_decimal())
    return (type(value).__name__, value)


def comparable(doc: Document, drop_id: bool) -> Document:
    doc = dict(doc)
    if drop_id:
        doc.pop("_id")
    meta = dict(doc[META])
    for name in PER_RUN:
        meta[name] = name in meta
    doc[META] = meta
    return typed(doc)


def assert_same(db: Database[Document], target: str, hand: str, key: list[str], drop_id: bool) -> int:
    """Both collections hold the same documents, field for field and type for type."""
    ours = [comparable(d, drop_id) for d in db[target].find().sort(key)]
    theirs = [comparable(d, drop_id) for d in db[hand].find().sort(key)]
    assert len(ours) == len(theirs), f"{target}: {len(ours)} documents, hand-written {len(theirs)}"
    for mine, other in zip(ours, theirs, strict=True):
        assert mine == other, f"{target} differs from the hand-written pass:\n{mine}\n{other}"
    return len(ours)


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    partitions: int
    key_format: str
    period: dt.timedelta
    handwritten: Callable[[Database[Document], dt.datetime], float]
    hand: str
    sort: list[str]
    computed: bool


class ServerClock(monitoring.CommandListener):
    """The CPU time the embedded server's process spent while each command ran (``/proc``): unlike
    wall time, it does not count the time other processes of a shared machine hold the cores.
    Attributed per command (commands overlapping it, such as a lease's heartbeat, included).

    Also the time the server's busiest thread during the command waited, runnable, for a core
    (``/proc/<pid>/task/*/schedstat``, the scheduler's run-queue wait): wall time minus CPU time is
    mostly this on a loaded machine, which tells an overloaded machine from a server that waits on
    disk or locks."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.tick = os.sysconf("SC_CLK_TCK")
        self.pending: dict[int, tuple[float, dict[str, tuple[int, int]], str | None]] = {}
        # ($merge target or None, CPU seconds, run-queue wait seconds)
        self.spent: list[tuple[str | None, float, float]] = []

    def cpu(self) -> float:
        with open(f"/proc/{self.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.tick

    def threads(self) -> dict[str, tuple[int, int]]:
        """Per thread of the server: (ns on a CPU, ns runnable waiting for one)."""
        out: dict[str, tuple[int, int]] = {}
        for path in Path(f"/proc/{self.pid}/task").glob("*/schedstat"):
            with contextlib.suppress(OSError, ValueError):
                on_cpu, waited, _ = path.read_text().split()
                out[path.parent.name] = (int(on_cpu), int(waited))
        return out

    def reset(self) -> None:
        self.spent = []

    def total(self, into: str | None = None) -> float:
        """CPU seconds of the commands merging into ``into`` (of all commands if None)."""
        return sum(seconds for target, seconds, _ in self.spent if into is None or target == into)

    def waited(self, into: str | None = None) -> float:
        """Run-queue seconds of the commands merging into ``into`` (of all commands if None)."""
        return sum(wait for target, _, wait in self.spent if into is None or target == into)

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        into = None
        if event.command_name == "aggregate":
            last = (event.command.get("pipeline") or [{}])[-1]
            into = last.get("$merge", {}).get("into") if isinstance(last, dict) else None
        self.pending[event.request_id] = (self.cpu(), self.threads(), into)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        start, threads, into = self.pending.pop(event.request_id, (None, {}, None))
        if start is None:
            return
        deltas = [
            (on_cpu - threads[tid][0], waited - threads[tid][1])
            for tid, (on_cpu, waited) in self.threads().items()
            if tid in threads
        ]
        busiest = max(deltas, default=(0, 0))
        self.spent.append((into, self.cpu() - start, busiest[1] / 1e9))

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self.pending.pop(event.request_id, None)


@dataclasses.dataclass(frozen=True)
class Figures:
    dagster: float
    engine: float
    agg: float
    hand: float
    # CPU seconds: the server's for the rollup's aggregation, its other commands, the hand-written
    # pass; the benchmark process's during the backfill (Dagster and the engine's Python)
    cpu_agg: float = float("nan")
    cpu_engine: float = float("nan")
    cpu_hand: float = float("nan")
    cpu_client: float = float("nan")
    # run-queue seconds: the server waiting for a core during the aggregation, the hand-written pass
    wait_agg: float = float("nan")
    wait_hand: float = float("nan")

    @property
    def total(self) -> float:
        return self.dagster + self.engine + self.agg

    @property
    def cpu_total(self) -> float:
        return self.cpu_agg + self.cpu_engine + self.cpu_client


def measure(
    db: Database[Document],
    case: Case,
    asset: dg.AssetsDefinition,
    resources: dict[str, Any],
    instance: dg.DagsterInstance,
    *,
    hand_first: bool,
    clock: ServerClock | None,
) -> tuple[Figures, int, int]:
    """One backfill and one hand-written pass, in the order asked (alternated over repetitions, so
    that a change of the machine's load does not always fall on the same side)."""
    db.drop_collection(case.name)
    keys = [(START + case.period * i).strftime(case.key_format) for i in range(case.partitions)]
    end = START + case.period * case.partitions
    cpu: dict[str, float] = {}

    def handwritten() -> float:
        if clock:
            clock.reset()
        seconds = case.handwritten(db, end)
        cpu["hand"] = clock.total() if clock else float("nan")
        cpu["wait_hand"] = clock.waited() if clock else float("nan")
        return seconds

    hand = handwritten() if hand_first else 0.0
    if clock:
        clock.reset()
    client_started = time.process_time()
    run = backfill(db, asset, keys, resources, instance)
    cpu["client"] = time.process_time() - client_started
    if clock:
        cpu["agg"] = clock.total(case.name)
        cpu["engine"] = clock.total() - cpu["agg"]
        cpu["wait_agg"] = clock.waited(case.name)
    hand = hand if hand_first else handwritten()
    documents = assert_same(db, case.name, case.hand, case.sort, case.computed)
    figures = Figures(
        run.wall - run.engine,
        run.engine - run.aggregate,
        run.aggregate,
        hand,
        cpu.get("agg", float("nan")),
        cpu.get("engine", float("nan")),
        cpu["hand"],
        cpu["client"],
        cpu.get("wait_agg", float("nan")),
        cpu["wait_hand"],
    )
    return figures, run.runs, documents


def _row(label: str, f: Figures) -> str:
    return (
        f"  {label:<14}{f.dagster:>9.2f}{f.engine:>9.2f}{f.agg:>9.2f}{f.hand:>9.2f}"
        f"{f.agg / f.hand:>10.2f}{f.total / f.hand:>10.2f}\n"
        f"  {label + ' CPU':<14}{f.cpu_client:>9.2f}{f.cpu_engine:>9.2f}{f.cpu_agg:>9.2f}{f.cpu_hand:>9.2f}"
        f"{f.cpu_agg / f.cpu_hand:>10.2f}{f.cpu_total / f.cpu_hand:>10.2f}\n"
        f"  {label + ' waiting':<14}{'':>18}{f.wait_agg:>9.2f}{f.wait_hand:>9.2f}"
        "   (server runnable, waiting for a core)"
    )


def journal_ab(db: Database[Document], spec: RollupSpec, hours: int, clock: ServerClock, repeat: int) -> None:
    """The bucket rollup's own aggregation over the whole range, its ``$merge`` under the engine's
    ``j=True`` and under the default write concern, alternated: wall time, server CPU and the
    server's run-queue wait of each."""
    window = TimeWindow(START, START + dt.timedelta(hours=hours))
    captured: list[list[Document]] = []
    run_bucket_rollup(db, spec, window, on_pipeline=captured.append)
    pipeline = captured[0]
    rows: dict[bool, list[tuple[float, float, float]]] = {True: [], False: []}
    print(f"j=True vs the default write concern on the bucket rollup's $merge ({hours} hours):")
    for rep in range(repeat):
        for journal in (True, False) if rep % 2 == 0 else (False, True):
            db.drop_collection(spec.target)
            ensure_bucket_indexes(db, spec)
            concern = WriteConcern(w=1, j=True) if journal else WriteConcern()
            clock.reset()
            started = time.perf_counter()
            db.get_collection(spec.sources[0], write_concern=concern).aggregate(
                pipeline, allowDiskUse=True
            ).close()
            wall = time.perf_counter() - started
            row = (wall, clock.total(spec.target), clock.waited(spec.target))
            rows[journal].append(row)
            print(
                f"  j={journal!s:<5} wall {row[0]:7.2f}  server CPU {row[1]:7.2f}  waiting for a core {row[2]:7.2f}"
            )
    for journal, measured in rows.items():
        wall, cpu, wait = (statistics.median(r[i] for r in measured) for i in range(3))
        print(
            f"  median j={journal!s:<5} wall {wall:7.2f}  server CPU {cpu:7.2f}  waiting {wait:7.2f}  "
            f"off-CPU not waiting for a core {wall - cpu - wait:7.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="168 hourly partitions and 30 daily ones")
    parser.add_argument("--repeat", type=int, default=1, help="measure each rollup this many times")
    parser.add_argument(
        "--storage", choices=("memory", "sqlite"), default="memory", help="the Dagster instance's storage"
    )
    parser.add_argument(
        "--journal-ab",
        type=int,
        default=0,
        metavar="N",
        help="instead: the bucket aggregation N times with j=True and N times without, alternated",
    )
    parser.add_argument(
        "--money",
        choices=("decimal", "double"),
        default="decimal",
        help="orders' totals as Decimal128 (DECIMAL(12,2), as pipelines/datagen.py writes them) or doubles",
    )
    parser.add_argument("--only", choices=("buckets", "orders"), help="measure one of the two rollups")
    args = parser.parse_args()
    hours, events, days, orders = (168, 100_000, 30, 30_000) if args.full else (24, 6_000, 7, 3_000)
    if args.only == "orders":
        events = 0
    elif args.only == "buckets":
        orders = 0
    instances = contextlib.ExitStack()
    with instances:
        uri = os.environ.get(ENV_URI)
        clock = None
        if not uri:
            server = instances.enter_context(EmbeddedServer())
            uri = server.uri
            assert server.process is not None
            clock = ServerClock(server.process.pid)
            monitoring.register(clock)
        if args.storage == "sqlite":
            home = instances.enter_context(tempfile.TemporaryDirectory(prefix="leaf-backfill-home-"))
            instance = instances.enter_context(dg.instance_for_test(temp_dir=home))
        else:
            instance = dg.DagsterInstance.ephemeral()
        client: MongoClient[Document] = MongoClient(uri)
        db = client["leaf_bench_backfill"]
        client.drop_database(db.name)
        seed(db, hours, events, days, orders, doubles=args.money == "double")
        resources = {"mongo": MongoResource(uri=uri, database=db.name)}
        schemas = [
            s for path in sorted(SCHEMAS.glob("*.ddl")) for s in load_ddl(path).merged().schemas.values()
        ]
        catalog = sql_catalog(schemas)
        specs: list[RollupSpec] = [
            dataclasses.replace(load_rollup_file(ROLLUPS / f"{name}.sql"), catalog=catalog)
            for name in ("user_activity_buckets", "customer_daily_orders")
        ]
        if args.journal_ab:
            assert clock is not None, "--journal-ab reads the embedded server's CPU time"
            journal_ab(db, specs[0], hours, clock, args.journal_ab)
            return
        assets = {a.key.to_user_string(): a for a in rollup_assets(specs)}
        cases = [
            Case("user_activity_buckets", hours, "%Y-%m-%d-%H:%M", dt.timedelta(hours=1), handwritten_buckets,
                 "hand_buckets", ["_id"], computed=False),
            Case("customer_daily_orders", days, "%Y-%m-%d", dt.timedelta(days=1),
                 functools.partial(handwritten_orders, doubles=args.money == "double"),
                 "hand_orders", ["customerId", "day"], computed=True),
        ]  # fmt: skip
        print(f"{events:,} events over {hours} hours, {orders:,} orders over {days} days; seconds:")
        header = f"  {'':<14}{'dagster':>9}{'engine':>9}{'agg':>9}{'hand':>9}{'agg/hand':>10}{'all/hand':>10}"
        results: dict[str, list[Figures]] = {case.name: [] for case in cases}
        for rep in range(args.repeat):
            for case in cases:
                if args.only and (args.only == "orders") != case.computed:
                    continue
                figures, runs, documents = measure(
                    db, case, assets[case.name], resources, instance, hand_first=rep % 2 == 1, clock=clock
                )
                results[case.name].append(figures)
                overflow = (
                    ""
                    if case.computed
                    else f", {db[case.name].count_documents({'bucketSeq': {'$gt': 0}})} overflow"
                )
                print(f"{case.name} ({case.partitions} partitions, {runs} run(s), {documents:,} documents{overflow}, "
                      f"same as hand-written), repetition {rep + 1}:")  # fmt: skip
                print(header)
                print(_row("", figures), flush=True)
        print("\nover", args.repeat, "repetition(s):")
        for name, runs_of in ((n, r) for n, r in results.items() if r):
            print(name)
            print(header)
            for label, pick in (("min", min), ("median", statistics.median)):
                print(
                    _row(
                        label,
                        Figures(
                            *(
                                pick(getattr(f, field.name) for f in runs_of)
                                for field in dataclasses.fields(Figures)
                            )
                        ),
                    )
                )
            ratios = [f.agg / f.hand for f in runs_of]
            totals = [f.total / f.hand for f in runs_of]
            cpu_ratios = [f.cpu_agg / f.cpu_hand for f in runs_of]
            cpu_totals = [f.cpu_total / f.cpu_hand for f in runs_of]
            print(
                f"  agg/hand min {min(ratios):.2f} median {statistics.median(ratios):.2f}; "
                f"all/hand min {min(totals):.2f} median {statistics.median(totals):.2f}\n"
                f"  server CPU: agg/hand {min(cpu_ratios):.2f}-{max(cpu_ratios):.2f} median "
                f"{statistics.median(cpu_ratios):.2f}; all/hand {min(cpu_totals):.2f}-{max(cpu_totals):.2f} "
                f"median {statistics.median(cpu_totals):.2f}"
            )
        client.drop_database(db.name)
        client.close()


if __name__ == "__main__":
    main()

"""The bucket pattern: one partition's events rolled into bucket documents, server-side.

One aggregation per partition: an index-backed ``$match`` on the window, ``$sort`` by time, the
rollup's SELECT (filters, projections), ``$group`` per entity key and bucket start, slicing the
events into chunks of at most ``max_events``, ``$unwind`` into numbered buckets (``bucketSeq`` 0,
1, 2...) and ``$merge`` on a deterministic ``_id`` (``<key>|<bucketDate>|<seq>``). Afterwards
the window's buckets this run did not produce are deleted, so re-running a partition replaces
its buckets exactly, overflow buckets included.

``summary`` describes the events of its own bucket document: counts, sums and event counts add
up across a window's buckets; ``avg*`` and distinct counts (``uniquePages``) are per document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.rollups import sqlbridge
from leaf_dagster.rollups.fencing import (
    DURABLE,
    LeaseSettings,
    RollupLeaseLost,
    TargetLease,
    newer_fence,
    stale_than,
)
from leaf_dagster.rollups.runs import (
    PARTITION_UNITS,
    RollupResult,
    Stopwatch,
    TimeWindow,
    check_shard_key,
    count_written,
    ensure_index,
    new_run_id,
    record_run,
    utc_now,
    window_stamp,
)
from leaf_dagster.rollups.spec import RollupSpec


def _cap(name: str) -> str:
    return name[:1].upper() + name[1:]


def _values(field_name: str) -> Document:
    # "$chunk.field" through an array is not portable; $map over the events is.
    return {"$map": {"input": "$chunk", "as": "e", "in": f"$$e.{field_name}"}}


def summary_expression(spec: RollupSpec) -> Document:
    """The summary of the events in ``$chunk``; each field's values are listed once (``$let``)."""
    assert spec.bucket is not None
    listed = [
        *spec.bucket.measures,
        *(f for f in spec.bucket.distinct.values() if f not in spec.bucket.measures),
    ]
    names = {field_name: f"v{i}" for i, field_name in enumerate(listed)}
    summary: Document = {}
    for field_name, by_value in spec.bucket.count_by.items():
        for value, summary_name in by_value.items():
            summary[summary_name] = {
                "$size": {
                    "$filter": {
                        "input": "$chunk",
                        "as": "e",
                        "cond": {"$eq": [f"$$e.{field_name}", {"$literal": value}]},
                    }
                }
            }
    for measure in spec.bucket.measures:
        values = f"$${names[measure]}"
        summary[f"total{_cap(measure)}"] = {"$sum": values}
        summary[f"count{_cap(measure)}"] = {
            "$size": {"$filter": {"input": values, "as": "v", "cond": {"$isNumber": "$$v"}}}
        }
        summary[f"avg{_cap(measure)}"] = {"$avg": values}
        summary[f"min{_cap(measure)}"] = {"$min": values}
        summary[f"max{_cap(measure)}"] = {"$max": values}
    for summary_name, field_name in spec.bucket.distinct.items():
        values = f"$${names[field_name]}"
        present = {"$filter": {"input": values, "as": "v", "cond": {"$gt": ["$$v", None]}}}
        summary[summary_name] = {"$size": {"$setUnion": [present, []]}}
    if not names:
        return summary
    return {
        "$let": {"vars": {name: _values(field_name) for field_name, name in names.items()}, "in": summary}
    }


def _bucket_id(spec: RollupSpec, seq: Any) -> Document:
    parts: list[Any] = []
    for key in spec.on:
        parts += [{"$ifNull": [{"$toString": f"$key.{key}"}, "null"]}, "|"]
    parts += [
        {"$dateToString": {"date": "$bucketDate", "format": "%Y-%m-%dT%H:%M:%SZ", "timezone": "UTC"}},
        "|",
        {"$toString": seq},
    ]
    return {"$concat": parts}


def bucket_pipeline(
    spec: RollupSpec,
    compiled: sqlbridge.CompiledRollupSQL,
    window: TimeWindow,
    *,
    run_id: str,
    computed_at: dt.datetime,
    fence: int = 0,
) -> list[Document]:
    """The whole aggregation for one partition, ending in ``$merge``."""
    assert spec.bucket is not None and spec.time_field is not None and spec.partition is not None
    time_field = spec.time_field
    size = spec.bucket.size or spec.partition
    max_events = spec.bucket.max_events
    event = {column: f"${column}" for column in spec.columns if column not in spec.on}
    # after $unwind: "$chunk" holds one bucket's events, "$bucketSeq" its number (a long), "$n" the
    # number of events of its key and bucket date
    seq = "$bucketSeq"
    event_at = {"$let": {"vars": {"e": {"$arrayElemAt": ["$chunk", 0]}}, "in": f"$$e.{time_field}"}}
    last_at = {"$let": {"vars": {"e": {"$arrayElemAt": ["$chunk", -1]}}, "in": f"$$e.{time_field}"}}
    # a bucket of the partition's size is one partition: its window is its own date and the next one
    stamped_window = window_stamp(spec, window, "bucketDate", aligned=size == spec.partition)
    bucket_doc: Document = {
        "_id": _bucket_id(spec, seq),
        **{key: f"$key.{key}" for key in spec.on},
        "bucketDate": "$bucketDate",
        "bucketType": {"$literal": size},
        "bucketSize": {"$literal": size},
        "bucketSeq": {"$toInt": seq},
        "eventCount": {"$size": "$chunk"},
        "events": "$chunk",
        "summary": summary_expression(spec),
        "bucketMetadata": {
            "isFull": {"$eq": [{"$size": "$chunk"}, max_events]},
            "maxEvents": {"$literal": max_events},
            "firstEventAt": event_at,
            "lastEventAt": last_at,
            "nextBucketId": {
                "$cond": [
                    {"$lt": [{"$multiply": [{"$add": [seq, 1]}, max_events]}, "$n"]},
                    _bucket_id(spec, {"$add": [seq, 1]}),
                    None,
                ]
            },
        },
        spec.metadata_field: {
            "runId": {"$literal": run_id},
            "computedAt": {"$literal": computed_at},
            "sources": {"$literal": list(spec.sources)},
            "window": stamped_window,
            "fence": {"$literal": fence},
        },
    }
    # "replace", unless a newer run (higher fencing epoch) wrote the bucket: a zombie's late merge
    when_matched = [{"$replaceWith": {"$cond": [newer_fence(spec.metadata_field), "$$ROOT", "$$new"]}}]
    return [
        *compiled.with_input([{"$match": window.match(time_field)}, {"$sort": {time_field: 1, "_id": 1}}]),
        {
            "$group": {
                "_id": {
                    "key": {key: f"${key}" for key in spec.on},
                    "date": {
                        "$dateTrunc": {
                            "date": f"${time_field}",
                            "unit": PARTITION_UNITS[size],
                            "timezone": "UTC",
                        }
                    },
                },
                "events": {"$push": event},
            }
        },
        {
            "$project": {
                "_id": 0,
                "key": "$_id.key",
                "bucketDate": "$_id.date",
                "n": {"$size": "$events"},
                "chunk": {
                    "$map": {
                        "input": {"$range": [0, {"$size": "$events"}, max_events]},
                        "as": "start",
                        "in": {"$slice": ["$events", "$$start", max_events]},
                    }
                },
            }
        },
        {"$unwind": {"path": "$chunk", "includeArrayIndex": "bucketSeq"}},
        {"$replaceWith": bucket_doc},
        {
            "$merge": {
                "into": spec.target,
                "on": "_id",
                "whenMatched": when_matched,
                "whenNotMatched": "insert",
            }
        },
    ]


def ensure_bucket_indexes(db: Database[Document], spec: RollupSpec) -> None:
    target = db[spec.target]
    ensure_index(target, [*((key, 1) for key in spec.on), ("bucketType", 1), ("bucketDate", 1)])
    ensure_index(target, [("bucketDate", 1)])


def run_bucket_rollup(
    db: Database[Document],
    spec: RollupSpec,
    window: TimeWindow,
    *,
    run_id: str | None = None,
    on_pipeline: Callable[[list[Document]], None] | None = None,
    lease: LeaseSettings | None = None,
) -> RollupResult:
    """Rebuild the buckets of one window: same input, same buckets, however often it runs.

    Under the target's lease, fenced by its epoch (:mod:`leaf_dagster.rollups.fencing`).
    """
    if spec.pattern != "bucket":
        raise ValueError(f"rollup {spec.name!r} is a {spec.pattern} rollup, not a bucket rollup")
    run_id = run_id or new_run_id()
    what = f"window {window.start:%Y-%m-%dT%H:%M}/{window.end:%Y-%m-%dT%H:%M}"
    with TargetLease(
        db, spec.target, purpose=f"rollup {spec.name}, {what}, run {run_id}", settings=lease
    ) as held:
        return _run_bucket(db, spec, window, held, run_id=run_id, on_pipeline=on_pipeline)


def _run_bucket(
    db: Database[Document],
    spec: RollupSpec,
    window: TimeWindow,
    held: TargetLease,
    *,
    run_id: str,
    on_pipeline: Callable[[list[Document]], None] | None,
) -> RollupResult:
    started_at = utc_now()
    clock = Stopwatch()
    meta = spec.metadata_field
    compiled = sqlbridge.compile_rollup_sql(spec.sql, now=started_at, catalog=spec.catalog)
    pipeline = bucket_pipeline(
        spec, compiled, window, run_id=run_id, computed_at=started_at, fence=held.epoch
    )
    result = RollupResult(
        rollup=spec.name,
        target=spec.target,
        run_id=run_id,
        mode="partition",
        pipeline=pipeline,
        window=window,
        sources=spec.sources,
        extra={"fence": held.epoch},
    )
    if on_pipeline is not None:
        on_pipeline(pipeline)
    check_shard_key(db, spec.target, ("_id",))
    ensure_bucket_indexes(db, spec)
    held.verify()
    clock.lap("prepare")
    db.get_collection(compiled.collection, write_concern=DURABLE).aggregate(
        pipeline, allowDiskUse=True
    ).close()
    clock.lap("aggregate")
    target = db.get_collection(spec.target, write_concern=DURABLE)
    in_window = window.match("bucketDate")
    try:
        held.verify()  # the commit step: only the lease holder clears what it did not write
    except RollupLeaseLost:
        target.delete_many({**in_window, f"{meta}.fence": held.epoch})
        raise
    removed = target.delete_many({**in_window, **stale_than(f"{meta}.fence", held.epoch)})
    clock.lap("cleanup")
    written = count_written(
        target,
        spec,
        run_id,
        scope=in_window,
        window=window,
        time_column="bucketDate",
        latest_of="bucketMetadata.lastEventAt",
    )
    result.documents_written = written.total
    result.documents_removed = removed.deleted_count
    result.partitions = written.partitions
    result.watermark = written.latest
    clock.lap("count")
    result.timings = clock.laps
    result.duration_s = clock.elapsed
    record_run(db, result, started_at)
    return result

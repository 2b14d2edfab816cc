"""The computed pattern: a SELECT run as one aggregation that ends in ``$merge`` into the target.

Nothing is pulled into Python. Each output document gets ``<metadata_field>`` (default
``computationMetadata``): ``runId``, ``computedAt``, ``sources``, ``watermark`` (the source time
field's high-water mark the run covered), ``window`` for partitions, and ``durationMs``, which is
only known after the merge and is set by one follow-up ``update_many`` on this run's documents
(its ``matchedCount`` is also the number of documents written).

Modes:

- **full refresh**: every source document up to the current high-water mark; afterwards the
  target's documents not produced by this run (their key disappeared) are deleted
  (``write: replace``), or the rollup's columns are unset on them (``write: update``).
- **partition**: one time window; afterwards the window's documents not produced by this run
  are deleted, so a re-run replaces the partition exactly. The window reaches the SQL one of two
  ways: a ``$match`` on ``time_field`` prepended to the base collection, or, when the SQL uses
  ``:partition_start`` / ``:partition_end`` (``RollupSpec.window_params``), those parameters bound
  to the window and no ``$match``. Such SQL computes one partition per run of its query, so a
  window of several partitions (a backfill range) runs it once per partition, oldest first.
- **incremental**: only source documents past the stored watermark, combined into the stored
  documents with a ``whenMatched`` pipeline (see :mod:`leaf_dagster.rollups.incremental`). The
  range is recorded as pending before the merge and the watermark committed after it
  (``j=True``); a crashed run is replayed over the same range and already-merged documents
  are recognised by their own watermark, so nothing is counted twice.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.rollups import sqlbridge
from leaf_dagster.rollups.errors import LeafRollupConfigError
from leaf_dagster.rollups.incremental import IncrementalPlan, average_stages, combine_stage, plan_incremental
from leaf_dagster.rollups.runs import (
    RollupResult,
    TimeWindow,
    aware,
    commit_watermark,
    ensure_index,
    ensure_merge_index,
    new_run_id,
    read_watermark,
    record_run,
    source_high_water_mark,
    stale_unique_indexes,
    utc_now,
    write_pending,
)
from leaf_dagster.rollups.spec import PARTITION_PERIOD, RollupSpec


def _metadata_stage(
    spec: RollupSpec,
    *,
    run_id: str,
    computed_at: dt.datetime,
    watermark: dt.datetime | None,
    window: TimeWindow | None,
) -> Document:
    meta = spec.metadata_field
    values: dict[str, Any] = {
        "runId": run_id,
        "computedAt": computed_at,
        "sources": list(spec.sources),
        "watermark": watermark,
    }
    if window is not None:
        values["window"] = {"start": window.start, "end": window.end}
    return {"$set": {f"{meta}.{key}": {"$literal": value} for key, value in values.items()}}


def _when_matched(spec: RollupSpec, plan: IncrementalPlan | None, incremental: bool) -> Any:
    if incremental:
        assert plan is not None
        return [combine_stage(plan, spec.on, spec.metadata_field)]
    if spec.write == "replace":
        return "replace"
    meta = spec.metadata_field
    produced = [column for column in spec.columns if column not in spec.on]
    if plan is not None:
        produced += [f"{meta}.partials"]
    fields = {column: f"$$new.{column}" for column in produced}
    fields.update(
        {f"{meta}.{key}": f"$$new.{meta}.{key}" for key in ("runId", "computedAt", "sources", "watermark")}
    )
    return [{"$set": fields}]


def computed_pipeline(
    spec: RollupSpec,
    select_stages: list[Document],
    *,
    run_id: str,
    computed_at: dt.datetime,
    source_filter: Document | None,
    watermark: dt.datetime | None,
    window: TimeWindow | None = None,
    plan: IncrementalPlan | None = None,
    incremental: bool = False,
) -> list[Document]:
    stages: list[Document] = []
    if source_filter:
        stages.append({"$match": source_filter})
    stages += select_stages
    if plan is not None:
        stages += average_stages(plan, spec.metadata_field)
    if "_id" not in spec.on:
        # Without _id in the results, a matched document keeps its own _id on replace.
        stages.append({"$unset": "_id"})
    stages.append(
        _metadata_stage(spec, run_id=run_id, computed_at=computed_at, watermark=watermark, window=window)
    )
    stages.append(
        {
            "$merge": {
                "into": spec.target,
                "on": list(spec.on) if len(spec.on) > 1 else spec.on[0],
                "whenMatched": _when_matched(spec, plan, incremental),
                "whenNotMatched": "insert" if spec.write == "replace" else "discard",
            }
        }
    )
    return stages


def partition_windows(spec: RollupSpec, window: TimeWindow) -> list[TimeWindow]:
    """``window`` cut into the rollup's partitions (one window when it is a single partition)."""
    assert spec.partition is not None
    period = PARTITION_PERIOD[spec.partition]
    out: list[TimeWindow] = []
    start = window.start
    while start < window.end:
        end = min(start + period, window.end)
        out.append(TimeWindow(start, end))
        start = end
    return out


def window_param_values(window: TimeWindow) -> dict[str, dt.datetime]:
    """What ``:partition_start`` and ``:partition_end`` are bound to for one partition."""
    return {"partition_start": window.start, "partition_end": window.end}


def _sql_for(spec: RollupSpec) -> tuple[str, IncrementalPlan | None]:
    if not spec.incremental:
        return spec.sql, None
    plan = plan_incremental(spec.sql)
    return plan.sql, plan


def run_computed_rollup(
    db: Database[Document],
    spec: RollupSpec,
    *,
    window: TimeWindow | None = None,
    full_refresh: bool = False,
    run_id: str | None = None,
    on_pipeline: Callable[[list[Document]], None] | None = None,
) -> RollupResult:
    """Run one computed rollup; ``window`` is required exactly when the rollup is partitioned."""
    if spec.pattern != "computed":
        raise ValueError(f"rollup {spec.name!r} is a {spec.pattern} rollup, not a computed rollup")
    if (window is None) != (spec.partition is None):
        raise ValueError(f"rollup {spec.name!r}: a window is needed exactly when the rollup is partitioned")
    if window is not None and spec.binds_window:
        windows = partition_windows(spec, window)
        if len(windows) > 1:
            return _run_partitions(db, spec, window, windows, run_id=run_id, on_pipeline=on_pipeline)
    run_id = run_id or new_run_id()
    started_at = utc_now()
    clock = time.perf_counter()
    sql, plan = _sql_for(spec)
    params = window_param_values(window) if window is not None and spec.binds_window else None
    compiled = sqlbridge.compile_rollup_sql(sql, now=started_at, params=params)
    source = db[compiled.collection]
    meta = spec.metadata_field
    time_field = spec.time_field
    state = read_watermark(db, spec.name) if time_field else {}
    pending = state.get("pending")
    previous = aware(state.get("watermark"))

    source_filter: Document | None = None
    incremental = False
    if window is not None:
        mode = "partition"
        watermark = None
        if time_field is not None:  # else the SQL filters on its bound window parameters
            source_filter = window.match(time_field)
            watermark = source_high_water_mark(source, time_field, source_filter)
    else:
        mode = "full_refresh"
        if pending is not None and not pending.get("full"):
            # replay the range of an incremental run that did not finish
            incremental, mode = True, "incremental"
            lower, watermark = aware(pending.get("from")), aware(pending.get("to"))
        elif spec.incremental and not full_refresh and pending is None and "watermark" in state:
            incremental, mode = True, "incremental"
            lower = previous
            watermark = source_high_water_mark(source, time_field) if time_field else None
            if watermark is None or (lower is not None and watermark <= lower):
                return _nothing_new(db, spec, run_id, started_at, clock, previous)
        else:
            lower = None
            watermark = source_high_water_mark(source, time_field) if time_field else None
        if time_field and watermark is not None:
            bounds: Document = {"$lte": watermark}
            if incremental and lower is not None:
                bounds["$gt"] = lower
            source_filter = {time_field: bounds}
        if time_field and watermark is not None:
            write_pending(db, spec.name, lower, watermark, full=not incremental)

    pipeline = computed_pipeline(
        spec,
        compiled.pipeline,
        run_id=run_id,
        computed_at=started_at,
        source_filter=source_filter,
        watermark=watermark,
        window=window,
        plan=plan,
        incremental=incremental,
    )
    result = RollupResult(
        rollup=spec.name,
        target=spec.target,
        run_id=run_id,
        mode=mode,
        pipeline=pipeline,
        window=window,
        watermark=watermark,
        previous_watermark=previous,
        sources=spec.sources,
    )
    if params is not None:
        result.params = params
    if on_pipeline is not None:
        on_pipeline(pipeline)
    target = db[spec.target]
    ensure_merge_index(target, spec.on)
    ensure_index(target, [(f"{meta}.runId", 1)])
    if window is not None and spec.output_time_column:
        ensure_index(target, [(spec.output_time_column, 1)])
    if spec.write == "replace":
        # The rollup owns its target: another unique index (left by an earlier `on:`) would make the
        # $merge fail on documents lacking its fields (or, on some servers, drop them silently).
        stale = stale_unique_indexes(target, spec.on)
        if stale:
            raise LeafRollupConfigError(
                f"target {spec.target} has unique index(es) {', '.join(stale)} besides the merge key "
                f"{list(spec.on)}; if the rollup's `on:` changed, drop them (or the collection) and rerun",
                source=spec.path,
            )
    source.aggregate(pipeline, allowDiskUse=True).close()

    not_mine: Document = {f"{meta}.runId": {"$exists": True, "$ne": run_id}}
    if window is not None and spec.output_time_column:
        not_mine.update(window.match(spec.output_time_column))
    if mode != "incremental":
        if spec.write == "replace":
            result.documents_removed = target.delete_many(not_mine).deleted_count
        else:
            unset = {column: "" for column in spec.columns if column not in spec.on}
            unset[meta] = ""
            result.documents_removed = target.update_many(not_mine, {"$unset": unset}).modified_count
    duration_ms = round((time.perf_counter() - clock) * 1000)
    written = target.update_many({f"{meta}.runId": run_id}, {"$set": {f"{meta}.durationMs": duration_ms}})
    result.documents_written = written.matched_count
    if window is None and time_field and watermark is not None:
        commit_watermark(db, spec.name, watermark, run_id)
    result.duration_s = time.perf_counter() - clock
    record_run(db, result, started_at)
    return result


def _run_partitions(
    db: Database[Document],
    spec: RollupSpec,
    window: TimeWindow,
    windows: list[TimeWindow],
    *,
    run_id: str | None,
    on_pipeline: Callable[[list[Document]], None] | None,
) -> RollupResult:
    """A window of several partitions, for SQL bound to one partition's window: one run each."""
    clock = time.perf_counter()
    parts = [run_computed_rollup(db, spec, window=part, on_pipeline=on_pipeline) for part in windows]
    last = parts[-1]
    result = RollupResult(
        rollup=spec.name,
        target=spec.target,
        run_id=run_id or new_run_id(),
        mode="partitions",
        pipeline=last.pipeline,
        window=window,
        documents_written=sum(part.documents_written for part in parts),
        documents_removed=sum(part.documents_removed for part in parts),
        sources=spec.sources,
        params=last.params,
        extra={"partitions_run": len(parts), "leaf_run_ids": ", ".join(part.run_id for part in parts)},
    )
    result.duration_s = time.perf_counter() - clock
    return result


def _nothing_new(
    db: Database[Document],
    spec: RollupSpec,
    run_id: str,
    started_at: dt.datetime,
    clock: float,
    previous: dt.datetime | None,
) -> RollupResult:
    result = RollupResult(
        rollup=spec.name,
        target=spec.target,
        run_id=run_id,
        mode="incremental",
        pipeline=[],
        watermark=previous,
        previous_watermark=previous,
        sources=spec.sources,
        extra={"skipped": "no source documents past the watermark"},
    )
    result.duration_s = time.perf_counter() - clock
    record_run(db, result, started_at)
    return result

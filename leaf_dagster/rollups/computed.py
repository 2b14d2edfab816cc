"""The computed pattern: a SELECT run as one aggregation that ends in ``$merge`` into the target.

Nothing is pulled into Python. Each output document gets ``<metadata_field>`` (default
``computationMetadata``): ``runId``, ``computedAt``, ``sources``, ``watermark`` (the source time
field's high-water mark the run covered), ``window`` for partitions, and ``fence``. The run's
duration is in its record in ``_leaf_rollup_runs`` (``_id`` = ``runId``): writing it into every
document after the merge cost as much as the merge. One ``$group`` over the run's documents
(found through the time column's index in a partition run, else through ``runId``'s) counts them,
per partition for a run over several partitions.

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

from pymongo.collection import Collection
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.rollups import sqlbridge
from leaf_dagster.rollups.errors import LeafRollupConfigError
from leaf_dagster.rollups.fencing import (
    DURABLE,
    LeaseSettings,
    RollupLeaseLost,
    TargetLease,
    newer_fence,
    stale_than,
)
from leaf_dagster.rollups.incremental import IncrementalPlan, average_stages, combine_stage, plan_incremental
from leaf_dagster.rollups.runs import (
    PARTITION_UNITS,
    RollupResult,
    Stopwatch,
    TimeWindow,
    aware,
    check_shard_key,
    commit_watermark,
    count_written,
    ensure_index,
    ensure_merge_index,
    ensure_range_index,
    new_run_id,
    partition_windows,
    read_watermark,
    record_run,
    source_high_water_mark,
    stale_unique_indexes,
    utc_now,
    window_stamp,
    write_pending,
)
from leaf_dagster.rollups.spec import RollupSpec


def _metadata_stage(
    spec: RollupSpec,
    *,
    run_id: str,
    computed_at: dt.datetime,
    watermark: dt.datetime | None,
    window: TimeWindow | None,
    fence: int,
) -> Document:
    meta = spec.metadata_field
    values: dict[str, Any] = {
        "runId": run_id,
        "computedAt": computed_at,
        "sources": list(spec.sources),
        "watermark": watermark,
        "fence": fence,
    }
    stamps: Document = {f"{meta}.{key}": {"$literal": value} for key, value in values.items()}
    if window is not None:
        aligned = spec.time_field is not None and spec.partition is not None
        aligned = aligned and sqlbridge.truncation_unit(
            spec.sql, spec.output_time_column, spec.time_field
        ) == PARTITION_UNITS.get(spec.partition or "")
        stamps[f"{meta}.window"] = window_stamp(spec, window, spec.output_time_column, aligned=aligned)
    return {"$set": stamps}


def _when_matched(spec: RollupSpec, plan: IncrementalPlan | None, incremental: bool) -> Any:
    meta = spec.metadata_field
    if incremental:
        assert plan is not None
        return [combine_stage(plan, spec.on, meta)]
    newer = newer_fence(meta)
    if spec.write == "replace":
        # "replace", unless a newer run wrote the document; _id is kept (the results may have none)
        return [{"$replaceWith": {"$cond": [newer, "$$ROOT", {"$mergeObjects": ["$$new", {"_id": "$_id"}]}]}}]
    produced = [column for column in spec.columns if column not in spec.on]
    if plan is not None:
        produced += [f"{meta}.partials"]
    fields = {column: f"$$new.{column}" for column in produced}
    fields.update(
        {
            f"{meta}.{key}": f"$$new.{meta}.{key}"
            for key in ("runId", "computedAt", "sources", "watermark", "fence")
        }
    )
    return [{"$set": {name: {"$cond": [newer, f"${name}", value]} for name, value in fields.items()}}]


def computed_pipeline(
    spec: RollupSpec,
    compiled: sqlbridge.CompiledRollupSQL,
    *,
    run_id: str,
    computed_at: dt.datetime,
    source_filter: Document | None,
    watermark: dt.datetime | None,
    window: TimeWindow | None = None,
    plan: IncrementalPlan | None = None,
    incremental: bool = False,
    fence: int = 0,
) -> list[Document]:
    stages = compiled.with_input([{"$match": source_filter}] if source_filter else [])
    if plan is not None:
        stages += average_stages(plan, spec.metadata_field)
    key_stages, merge_on = sqlbridge.merge_stages(spec.sql, spec.on)
    if key_stages == [{"$unset": "_id"}] and stages and _drops_id(stages[-1]):
        key_stages = []  # the SQL's last $project already leaves _id out: one stage less per document
    stages += key_stages
    stamps = _metadata_stage(
        spec, run_id=run_id, computed_at=computed_at, watermark=watermark, window=window, fence=fence
    )
    folded = _folded_into_project(stages[-1], stamps["$set"], spec.metadata_field) if stages else None
    if folded is not None:
        stages[-1] = folded  # one stage less per document
    else:
        stages.append(stamps)
    stages.append(
        {
            "$merge": {
                "into": spec.target,
                "on": merge_on,
                "whenMatched": _when_matched(spec, plan, incremental),
                "whenNotMatched": "insert" if spec.write == "replace" else "discard",
            }
        }
    )
    return stages


def _folded_into_project(stage: Document, stamps: Document, meta: str) -> Document | None:
    """The SQL's last ``$project`` with the metadata stamps as more of its fields, or None when
    that would change them: a stamp reads the ``$project``'s output (``$day``), so each reference
    becomes the expression the column is computed from, when that is a field path or an array
    element of one (anything costlier would be computed twice)."""
    project = stage.get("$project") if len(stage) == 1 else None
    if not isinstance(project, dict) or all(value in (0, False) for value in project.values()):
        return None
    if any(key == meta or key.startswith(f"{meta}.") for key in project):
        return None
    try:
        fields = {key: _read_through(value, project) for key, value in stamps.items()}
    except _Unfoldable:
        return None
    return {"$project": {**project, **fields}}


class _Unfoldable(Exception):
    pass


def _read_through(expr: Any, project: Document) -> Any:
    """``expr``, to be computed after ``project``, computed beside it instead."""
    if isinstance(expr, str) and expr.startswith("$$"):
        if expr.split(".")[0] in ("$$ROOT", "$$CURRENT"):
            raise _Unfoldable
        return expr
    if isinstance(expr, str) and expr.startswith("$"):
        column = expr[1:]
        source = project.get(column)
        if source in (1, True):
            return expr
        if "." not in column and _cheap(source):
            return source
        raise _Unfoldable
    if isinstance(expr, dict):
        if "$literal" in expr:
            return expr
        return {key: _read_through(value, project) for key, value in expr.items()}
    if isinstance(expr, list):
        return [_read_through(value, project) for value in expr]
    return expr


def _cheap(source: Any) -> bool:
    def path(x: Any) -> bool:
        return isinstance(x, str) and x.startswith("$") and not x.startswith("$$")

    if path(source):
        return True
    element = source.get("$arrayElemAt") if isinstance(source, dict) and len(source) == 1 else None
    return (
        isinstance(element, list) and len(element) == 2 and path(element[0]) and isinstance(element[1], int)
    )


def _drops_id(stage: Document) -> bool:
    project = stage.get("$project")
    return isinstance(project, dict) and project.get("_id") in (0, False)


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
    lease: LeaseSettings | None = None,
) -> RollupResult:
    """Run one computed rollup; ``window`` is required exactly when the rollup is partitioned.

    The run holds the target's lease throughout, and fences its writes with its epoch
    (:mod:`leaf_dagster.rollups.fencing`).
    """
    if spec.pattern != "computed":
        raise ValueError(f"rollup {spec.name!r} is a {spec.pattern} rollup, not a computed rollup")
    if (window is None) != (spec.partition is None):
        raise ValueError(f"rollup {spec.name!r}: a window is needed exactly when the rollup is partitioned")
    if window is not None and spec.binds_window:
        windows = partition_windows(spec, window)
        if len(windows) > 1:
            return _run_partitions(
                db, spec, window, windows, run_id=run_id, on_pipeline=on_pipeline, lease=lease
            )
    run_id = run_id or new_run_id()
    what = f"window {window.start:%Y-%m-%dT%H:%M}/{window.end:%Y-%m-%dT%H:%M}" if window else "whole target"
    with TargetLease(
        db, spec.target, purpose=f"rollup {spec.name}, {what}, run {run_id}", settings=lease
    ) as held:
        return _run_computed(
            db, spec, held, window=window, full_refresh=full_refresh, run_id=run_id, on_pipeline=on_pipeline
        )


def incremental_watermark(
    source: Collection[Document], spec: RollupSpec, started_at: dt.datetime
) -> dt.datetime | None:
    """The watermark rule: the latest source time at or before ``started_at - watermark_lag``.

    A run merges the half-open range ``(previous watermark, this watermark]``; events stamped
    later than the bound (still being written, or written late) wait for the next run.
    """
    assert spec.time_field is not None
    bound = started_at - spec.watermark_lag
    return source_high_water_mark(source, spec.time_field, {spec.time_field: {"$lte": bound}})


def _run_computed(
    db: Database[Document],
    spec: RollupSpec,
    held: TargetLease,
    *,
    window: TimeWindow | None,
    full_refresh: bool,
    run_id: str,
    on_pipeline: Callable[[list[Document]], None] | None,
) -> RollupResult:
    started_at = utc_now()
    clock = Stopwatch()
    epoch = held.epoch
    sql, plan = _sql_for(spec)
    params = window_param_values(window) if window is not None and spec.binds_window else None
    compiled = sqlbridge.compile_rollup_sql(sql, now=started_at, params=params, catalog=spec.catalog)
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
            watermark = incremental_watermark(source, spec, started_at)
            if watermark is None or (lower is not None and watermark <= lower):
                return _nothing_new(db, spec, run_id, started_at, clock.started, previous)
        else:
            lower = None
            if time_field is None:
                watermark = None
            elif spec.incremental:
                watermark = incremental_watermark(source, spec, started_at)
            else:
                watermark = source_high_water_mark(source, time_field)
        if time_field and watermark is not None:
            bounds: Document = {"$lte": watermark}
            if incremental and lower is not None:
                bounds["$gt"] = lower
            source_filter = {time_field: bounds}
        elif time_field and spec.incremental:
            source_filter = {time_field: {"$lte": started_at - spec.watermark_lag}}
        fenced_out = (
            time_field
            and watermark is not None
            and not write_pending(db, spec.name, lower, watermark, full=not incremental, fence=epoch)
        )
        if fenced_out:
            raise held.lost_error()

    pipeline = computed_pipeline(
        spec,
        compiled,
        run_id=run_id,
        computed_at=started_at,
        source_filter=source_filter,
        watermark=watermark,
        window=window,
        plan=plan,
        incremental=incremental,
        fence=epoch,
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
        extra={"fence": epoch},
    )
    if params is not None:
        result.params = params
    if on_pipeline is not None:
        on_pipeline(pipeline)
    check_shard_key(db, spec.target, spec.on)  # before the unique index a sharded target would refuse
    target = db.get_collection(spec.target, write_concern=DURABLE)
    # A partition run finds its documents (clean-up, counts) through the time column's index, any
    # other run through runId's: one index each, as every index costs each document the $merge writes.
    # When the time column is part of the merge key, the merge key's unique index leads with it and
    # serves both.
    in_scope: Document = {}
    if window is not None and spec.output_time_column:
        in_scope = window.match(spec.output_time_column)
        ensure_merge_index(target, spec.on, lead=spec.output_time_column)
        ensure_range_index(target, spec.output_time_column)
    else:
        ensure_merge_index(target, spec.on)
        ensure_index(target, [(f"{meta}.runId", 1)])
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
    held.verify()
    clock.lap("prepare")
    source.with_options(write_concern=DURABLE).aggregate(pipeline, allowDiskUse=True).close()
    clock.lap("aggregate")

    if mode != "incremental":
        try:
            held.verify()  # the commit step: only the lease holder clears what it did not write
        except RollupLeaseLost:
            _withdraw(target, spec, {**in_scope, f"{meta}.fence": epoch})
            raise
        older: Document = {
            f"{meta}.runId": {"$exists": True},
            **stale_than(f"{meta}.fence", epoch),
            **in_scope,
        }
        if spec.write == "replace":
            result.documents_removed = target.delete_many(older).deleted_count
        else:
            unset = {column: "" for column in spec.columns if column not in spec.on}
            unset[meta] = ""
            result.documents_removed = target.update_many(older, {"$unset": unset}).modified_count
        clock.lap("cleanup")
    written = count_written(
        target, spec, run_id, scope=in_scope, window=window, time_column=spec.output_time_column
    )
    result.documents_written = written.total
    result.partitions = written.partitions
    clock.lap("count")
    moves_watermark = window is None and time_field and watermark is not None
    if moves_watermark and not commit_watermark(db, spec.name, watermark, run_id, fence=epoch):
        raise held.lost_error()
    result.timings = clock.laps
    result.duration_s = clock.elapsed
    record_run(db, result, started_at)
    return result


def _withdraw(target: Collection[Document], spec: RollupSpec, mine: Document) -> None:
    """A zombie's late writes: delete (or, for ``write: update``, unset) what it wrote."""
    if spec.write == "replace":
        target.delete_many(mine)
    else:
        unset = {column: "" for column in spec.columns if column not in spec.on}
        unset[spec.metadata_field] = ""
        target.update_many(mine, {"$unset": unset})


def _run_partitions(
    db: Database[Document],
    spec: RollupSpec,
    window: TimeWindow,
    windows: list[TimeWindow],
    *,
    run_id: str | None,
    on_pipeline: Callable[[list[Document]], None] | None,
    lease: LeaseSettings | None,
) -> RollupResult:
    """A window of several partitions, for SQL bound to one partition's window: one run each."""
    clock = time.perf_counter()
    parts = [
        run_computed_rollup(db, spec, window=part, on_pipeline=on_pipeline, lease=lease) for part in windows
    ]
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
        partitions=[(part.window, part.documents_written) for part in parts if part.window is not None],
    )
    for part in parts:
        for step, seconds in part.timings.items():
            result.timings[step] = result.timings.get(step, 0.0) + seconds
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

"""Rollup files → Dagster assets, jobs and schedules, in the spirit of ``dagster-dbt``.

Asset keys: a rollup's key is ``[*key_prefix, name]`` (``name`` defaults to the file stem, which
by convention is the target collection); a collection the rollups read but none produces becomes
an external ``dg.AssetSpec`` keyed ``[*key_prefix, collection]``. A rollup depends on the rollup
producing each collection in its FROM/JOIN, else on that collection's external asset, so the
lineage graph is right without wiring. :func:`collection_asset_key` gives the same keys to
other code (asset checks, migrations).

Partition mapping: a partitioned rollup reading a partitioned rollup gets Dagster's default
time-window mapping (the upstream partitions overlapping its own window: a daily partition reads
the 24 hourly partitions of its day), unless its SQL reads further back through the window
parameters: ``upstream_lookback: 30 days`` declares that partition ``D`` reads the upstream
partitions of ``[D_end - 30 days, D_end)``, so Dagster marks every downstream partition that read
a re-run upstream partition as stale, and a backfill of both assets runs the upstream range first.
Upstream partitions before the upstream's start date are allowed (and simply absent).

Concurrency: each rollup asset is in the Dagster concurrency pool :func:`rollup_pool` names, one per
MongoDB resource by default (``mongodb/<resource key>``: a limit caps the aggregations open on that
server) or one per target (``pool_by="target"``: ``mongodb/<resource key>/<target>``). With a pool
limit (``concurrency: pools: default_limit: 1`` in ``dagster.yaml``, or ``dagster instance concurrency set <pool> <n>``), backfills
and schedules queue in Dagster instead of waiting on the target's lease in the engine (which still
serializes them if no limit is set, see :mod:`leaf_dagster.rollups.fencing`). The rollup jobs also
carry the run tag ``leaf/mongodb: <resource key>``, for a run-level cap per server
(``concurrency: runs: tag_concurrency_limits``).
"""

# No ``from __future__ import annotations``: Dagster reads the asset function's annotations at
# definition time to find its config class.
import datetime as dt
import hashlib
import warnings
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import dagster as dg
from dagster._core.definitions.partitions.partitioned_schedule import (
    UnresolvedPartitionedAssetScheduleDefinition,
)
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition
from pydantic import Field

from leaf_dagster.connection import Document
from leaf_dagster.dagster.executors import in_process_or_multiprocess_executor
from leaf_dagster.dagster.partitions import late_event_schedule, partitions_for, window_of
from leaf_dagster.dagster.resources import MongoResource
from leaf_dagster.dagster.retries import TRANSIENT_RETRY_POLICY, fail_fast_unless_transient
from leaf_dagster.rollups import (
    PARTITION_PERIOD,
    LeafRollupConfigError,
    RollupResult,
    RollupSpec,
    load_rollup_file,
    load_rollup_folder,
    run_bucket_rollup,
    run_computed_rollup,
)

ASSET_KIND = "mongodb"
# build_schedule_from_partitioned_job returns this until the job is resolved by Definitions.
Schedule = dg.ScheduleDefinition | UnresolvedPartitionedAssetScheduleDefinition
# A ranged run filtered by ``time_field`` (bucket, computed) is one aggregation over its range, so a
# backfill runs at most a month of data per run: one pass, bounded in memory, lease time and what a
# failed run re-does. SQL reading the window parameters runs once per partition in any case.
BACKFILL_PARTITIONS_PER_RUN = {"hourly": 31 * 24, "daily": 31}
_WINDOW_PARAM_PARTITIONS_PER_RUN = {"hourly": 24, "daily": 7}
PoolBy = Literal["target", "resource"]
MONGODB_TAG = "leaf/mongodb"


def rollup_pool(spec: RollupSpec, resource_key: str = "mongo", pool_by: PoolBy = "resource") -> str:
    """The Dagster concurrency pool of a rollup asset: per target, or per MongoDB resource."""
    if pool_by == "resource":
        return f"mongodb/{resource_key}"
    return f"mongodb/{resource_key}/{spec.target}"


def collection_asset_key(collection: str, key_prefix: Sequence[str] = ()) -> dg.AssetKey:
    return dg.AssetKey([*key_prefix, collection])


class RollupRunConfig(dg.Config):
    full_refresh: bool = Field(
        default=False,
        description="Incremental rollups only: rebuild the target from all source documents.",
    )


def _description(spec: RollupSpec) -> str:
    head = spec.description or f"{spec.pattern.capitalize()}-pattern rollup into `{spec.target}`."
    return f"{head}\n\n```sql\n{spec.sql}\n```"


def _code_version(spec: RollupSpec) -> str:
    return hashlib.sha256(repr(spec).encode()).hexdigest()[:16]


def backfill_policy(spec: RollupSpec) -> dg.BackfillPolicy | None:
    """A partitioned rollup's backfill: ranged runs of up to a month of data (one aggregation each),
    or, when the SQL reads ``:partition_start``/``:partition_end``, a day (hourly) or a week (daily)
    of partitions per run, each run executing the SQL once per partition."""
    if spec.partition is None:
        return None
    per_run = _WINDOW_PARAM_PARTITIONS_PER_RUN if spec.binds_window else BACKFILL_PARTITIONS_PER_RUN
    return dg.BackfillPolicy.multi_run(per_run[spec.partition])


def partition_metadata(spec: RollupSpec, result: RollupResult) -> dict[str, dict[str, Any]]:
    """Each partition of a ranged run: its own documents written and window, by partition key."""
    partitions = partitions_for(spec)
    if partitions is None:
        return {}
    return {
        partitions.get_partition_key_for_timestamp(window.start.timestamp()): {
            "documents_written": written,
            "partition_window": dg.MetadataValue.json(window.as_dict()),
        }
        for window, written in result.partitions
    }


def _result_metadata(result: RollupResult) -> dict[str, Any]:
    """The run's metadata. In a ranged run, what describes the whole range is named ``range_*``;
    each partition's own ``documents_written`` and ``partition_window`` are added per partition."""
    ranged = len(result.partitions) > 1
    metadata: dict[str, Any] = {
        "range_documents_written" if ranged else "documents_written": result.documents_written,
        "range_documents_removed" if ranged else "documents_removed": result.documents_removed,
        "duration_s": round(result.duration_s, 3),
        "mode": result.mode,
        "target": result.target,
        "leaf_run_id": result.run_id,
        "pipeline": dg.MetadataValue.json(result.pipeline_json()),
        "watermark": dg.MetadataValue.timestamp(result.watermark) if result.watermark else "none",
    }
    if result.previous_watermark is not None:
        metadata["previous_watermark"] = dg.MetadataValue.timestamp(result.previous_watermark)
    if result.window is not None:
        window = dg.MetadataValue.json(result.window.as_dict())
        metadata["range_window" if ranged else "partition_window"] = window
    if ranged:
        metadata["partitions_in_run"] = len(result.partitions)
    if result.params:
        metadata["window_params"] = dg.MetadataValue.json(
            {name: value.isoformat() for name, value in result.params.items()}
        )
    if result.extra:
        metadata.update({key: str(value) for key, value in result.extra.items()})
    return metadata


def _run(
    spec: RollupSpec, mongo: MongoResource, context: dg.AssetExecutionContext, config: RollupRunConfig
) -> RollupResult:
    window = window_of(context) if spec.partition else None
    failure: dict[str, Any] = {
        "sql": dg.MetadataValue.md(f"```sql\n{spec.sql}\n```"),
        "target": spec.target,
        "mongodb": mongo.redacted_uri,
    }
    if window is not None:
        failure["partition_window"] = dg.MetadataValue.json(window.as_dict())

    def keep_pipeline(pipeline: list[Document]) -> None:
        failure["pipeline"] = dg.MetadataValue.json(RollupResult("", "", "", "", pipeline).pipeline_json())

    with fail_fast_unless_transient(f"rollup {spec.name}", failure):
        db = mongo.get_database()
        if spec.pattern == "bucket":
            assert window is not None
            return run_bucket_rollup(db, spec, window, on_pipeline=keep_pipeline)
        return run_computed_rollup(
            db, spec, window=window, full_refresh=config.full_refresh, on_pipeline=keep_pipeline
        )


def _duration(value: dt.timedelta) -> str:
    hours = round(value.total_seconds()) // 3600
    amount, unit = (hours // 24, "day") if hours % 24 == 0 else (hours, "hour")
    return f"{amount} {unit}{'s' if amount != 1 else ''}"


def lookback_partition_mapping(spec: RollupSpec) -> dg.TimeWindowPartitionMapping | None:
    """The mapping to a partitioned upstream for SQL reading ``upstream_lookback`` before
    ``:partition_end``: ``start_offset`` counts this rollup's partitions back (30 days → -29)."""
    if spec.partition is None or spec.upstream_lookback is None:
        return None
    period = PARTITION_PERIOD[spec.partition]
    partitions = -(-spec.upstream_lookback // period)  # ceil
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)  # allow_nonexistent_upstream_partitions
        return dg.TimeWindowPartitionMapping(
            start_offset=-(partitions - 1), end_offset=0, allow_nonexistent_upstream_partitions=True
        )


def _deps(
    spec: RollupSpec,
    key_prefix: Sequence[str],
    upstream: Mapping[str, dg.AssetKey],
    partitioned_upstream: Collection[str],
) -> list[dg.AssetDep]:
    mapping = lookback_partition_mapping(spec)
    deps = []
    for source in spec.sources:
        key = upstream.get(source, collection_asset_key(source, key_prefix))
        if mapping is not None and source in partitioned_upstream:
            deps.append(dg.AssetDep(key, partition_mapping=mapping))
        else:
            deps.append(dg.AssetDep(key))
    return deps


def rollup_asset(
    spec_or_file: RollupSpec | str | Path,
    *,
    resource_key: str = "mongo",
    key_prefix: Sequence[str] = (),
    group_name: str | None = "rollups",
    upstream: Mapping[str, dg.AssetKey] | None = None,
    partitioned_upstream: Collection[str] = (),
    pool_by: PoolBy = "resource",
) -> dg.AssetsDefinition:
    """One rollup as an asset. ``upstream`` maps a source collection to the asset producing it;
    ``partitioned_upstream`` names the source collections whose asset is time-partitioned (they
    get the ``upstream_lookback`` partition mapping, if the rollup declares one); ``pool_by``
    chooses its concurrency pool (:func:`rollup_pool`)."""
    spec = spec_or_file if isinstance(spec_or_file, RollupSpec) else load_rollup_file(spec_or_file)
    upstream = upstream or {}
    deps = _deps(spec, key_prefix, upstream, partitioned_upstream)
    partitions = partitions_for(spec)
    definition_metadata: dict[str, Any] = {
        "target": spec.target,
        "pattern": spec.pattern,
        "merge_key": ", ".join(spec.on),
        "write": spec.write,
        "partition": spec.partition or "none",
        "incremental": spec.incremental,
    }
    if spec.time_field:
        definition_metadata["time_field"] = spec.time_field
    if spec.window_params:
        definition_metadata["window"] = "SQL parameters " + ", ".join(f":{p}" for p in spec.window_params)
    elif spec.time_field and spec.partition:
        definition_metadata["window"] = f"$match on {spec.time_field}"
    if spec.output_time_column and spec.partition:
        definition_metadata["time_column"] = spec.output_time_column
    if spec.upstream_lookback is not None:
        definition_metadata["upstream_lookback"] = _duration(spec.upstream_lookback)
    if spec.path:
        definition_metadata["source_file"] = dg.MetadataValue.path(spec.path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", dg.BetaWarning)  # backfill_policy is beta in 1.13

            @dg.asset(
                key=dg.AssetKey([*key_prefix, spec.name]),
                deps=deps,
                description=_description(spec),
                group_name=spec.group or group_name,
                owners=list(spec.owners) or None,
                tags=spec.tags or None,
                kinds={ASSET_KIND},
                metadata=definition_metadata,
                partitions_def=partitions,
                backfill_policy=backfill_policy(spec),
                retry_policy=TRANSIENT_RETRY_POLICY,
                pool=rollup_pool(spec, resource_key, pool_by),
                required_resource_keys={resource_key},
                code_version=_code_version(spec),
            )
            def _rollup(context: dg.AssetExecutionContext, config: RollupRunConfig) -> dg.MaterializeResult:
                mongo: MongoResource = getattr(context.resources, resource_key)
                result = _run(spec, mongo, context, config)
                context.log.info(
                    f"{spec.name}: {result.documents_written} documents written to {spec.target}, "
                    f"{result.documents_removed} removed, in {result.duration_s:.2f}s ({result.mode})"
                )
                per_partition = partition_metadata(spec, result) if len(result.partitions) > 1 else {}
                if per_partition:
                    how = (
                        "its SQL reads :partition_start/:partition_end, so it ran once per partition"
                        if spec.binds_window
                        else "in one aggregation over the whole range"
                    )
                    figures = ", ".join(
                        f"{key}: {f['documents_written']}" for key, f in per_partition.items()
                    )
                    context.log.info(
                        f"{spec.name}: {len(per_partition)} partitions, {how}; documents per partition: {figures}"
                    )
                # Each partition's materialization gets its own figures (partition-scoped metadata
                # overrides the run's; dagster-io/dagster#18123, solved by add_asset_metadata).
                for key, figures_of_key in per_partition.items():
                    context.add_asset_metadata(figures_of_key, partition_key=key)
                metadata = _result_metadata(result)
                # the target's documents after the run, for the catalog (the metadata count: no scan)
                metadata["dagster/row_count"] = mongo.get_database()[spec.target].estimated_document_count()
                return dg.MaterializeResult(metadata=metadata)

    except dg.DagsterInvalidDefinitionError as exc:
        raise LeafRollupConfigError(
            f"not a valid Dagster asset: {exc}", source=spec.path or spec.name
        ) from exc
    return _rollup


def _producers(specs: Sequence[RollupSpec], key_prefix: Sequence[str]) -> dict[str, dg.AssetKey]:
    """Collection → the rollup asset that owns it (``write: update`` rollups only add fields)."""
    return {spec.target: dg.AssetKey([*key_prefix, spec.name]) for spec in specs if spec.write == "replace"}


def _specs(path_or_specs: str | Path | Sequence[RollupSpec]) -> list[RollupSpec]:
    if isinstance(path_or_specs, str | Path):
        return load_rollup_folder(path_or_specs)
    return list(path_or_specs)


def rollup_assets(
    path: str | Path | Sequence[RollupSpec],
    *,
    resource_key: str = "mongo",
    key_prefix: Sequence[str] = (),
    group_name: str | None = "rollups",
    pool_by: PoolBy = "resource",
) -> list[dg.AssetsDefinition]:
    """Every rollup file in a folder as an asset, wired to the rollups and collections it reads."""
    specs = _specs(path)
    producers = _producers(specs, key_prefix)
    partitioned = {spec.target for spec in specs if spec.write == "replace" and spec.partition}
    return [
        rollup_asset(
            spec,
            resource_key=resource_key,
            key_prefix=key_prefix,
            group_name=group_name,
            upstream=producers,
            partitioned_upstream=partitioned,
            pool_by=pool_by,
        )
        for spec in specs
    ]


def rollup_source_assets(
    path: str | Path | Sequence[RollupSpec],
    *,
    key_prefix: Sequence[str] = (),
    group_name: str | None = "sources",
) -> list[dg.AssetSpec]:
    """External assets for the collections the rollups read but no rollup produces."""
    specs = _specs(path)
    producers = _producers(specs, key_prefix)
    sources = sorted({source for spec in specs for source in spec.sources if source not in producers})
    return [
        dg.AssetSpec(
            key=collection_asset_key(source, key_prefix),
            description=f"MongoDB collection `{source}`, written outside Dagster.",
            group_name=group_name,
            kinds={ASSET_KIND},
        )
        for source in sources
    ]


def rollup_job_and_schedule(
    spec: RollupSpec,
    asset_key: dg.AssetKey,
    *,
    daily_hour: int = 6,
    daily_minute: int = 0,
    hourly_minute: int = 10,
    default_status: dg.DefaultScheduleStatus = dg.DefaultScheduleStatus.STOPPED,
    resource_key: str = "mongo",
) -> tuple[UnresolvedAssetJobDefinition, Schedule]:
    """A job materializing one rollup and the schedule running it.

    Hourly rollups re-run the previous partition too (late events); daily rollups run at
    ``daily_hour``:``daily_minute`` UTC; a rollup's own ``schedule`` cron overrides the default.
    """
    partitions = partitions_for(spec)
    job = dg.define_asset_job(
        name=f"{spec.name}_job",
        selection=dg.AssetSelection.assets(asset_key),
        partitions_def=partitions,
        description=f"Materialize the {spec.name} rollup.",
        tags={MONGODB_TAG: resource_key},
        # one asset and its checks: steps in the run's own process, no process start and imports per step
        executor_def=in_process_or_multiprocess_executor,
    )
    daily_cron = f"{daily_minute} {daily_hour} * * *"
    schedule: Schedule
    if partitions is None:
        schedule = dg.ScheduleDefinition(
            name=f"{spec.name}_schedule",
            job=job,
            cron_schedule=spec.schedule or daily_cron,
            execution_timezone="UTC",
            default_status=default_status,
        )
    elif spec.partition == "daily" and spec.schedule is None and spec.lookback_partitions == 0:
        schedule = dg.build_schedule_from_partitioned_job(
            job,
            name=f"{spec.name}_schedule",
            hour_of_day=daily_hour,
            minute_of_hour=daily_minute,
            default_status=default_status,
        )
    else:
        default_cron = f"{hourly_minute} * * * *" if spec.partition == "hourly" else daily_cron
        schedule = late_event_schedule(spec, job, partitions, spec.schedule or default_cron, default_status)
    return job, schedule


def rollup_definitions(
    path: str | Path | Sequence[RollupSpec],
    *,
    resource_key: str = "mongo",
    key_prefix: Sequence[str] = (),
    group_name: str | None = "rollups",
    daily_hour: int = 6,
    daily_minute: int = 0,
    hourly_minute: int = 10,
    source_assets: bool = True,
    pool_by: PoolBy = "resource",
) -> dg.Definitions:
    """Assets, external source assets, one job and one schedule per rollup (no resources).

    ``source_assets=False`` leaves out the external assets of the source collections, for a code
    location that defines assets with those keys elsewhere.

    Merge with the resource and anything else: ``dg.Definitions.merge(rollup_definitions(...),
    dg.Definitions(resources={"mongo": MongoResource(...)}))``.
    """
    specs = _specs(path)
    assets = rollup_assets(
        specs, resource_key=resource_key, key_prefix=key_prefix, group_name=group_name, pool_by=pool_by
    )
    jobs: list[UnresolvedAssetJobDefinition] = []
    schedules: list[Schedule] = []
    for spec, asset in zip(specs, assets, strict=True):
        job, schedule = rollup_job_and_schedule(
            spec,
            asset.key,
            daily_hour=daily_hour,
            daily_minute=daily_minute,
            hourly_minute=hourly_minute,
            resource_key=resource_key,
        )
        jobs.append(job)
        schedules.append(schedule)
    return dg.Definitions(
        assets=[*assets, *(rollup_source_assets(specs, key_prefix=key_prefix) if source_assets else [])],
        jobs=jobs,
        schedules=schedules,
    )

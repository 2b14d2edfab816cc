"""Time partitions and schedules for rollups: UTC hourly/daily windows from a fixed start date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import cache

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from leaf_dagster.rollups import RollupSpec, TimeWindow

_PERIOD_S = {"hourly": 3600, "daily": 86400}


@cache
def time_partitions(grain: str, start: str) -> dg.TimeWindowPartitionsDefinition:
    """One shared definition per (grain, start), so rollups with equal partitions can share jobs."""
    start_dt = dt.datetime.strptime(start, "%Y-%m-%d-%H:%M" if len(start) > 10 else "%Y-%m-%d")
    if grain == "hourly":
        return dg.HourlyPartitionsDefinition(start_date=start_dt, timezone="UTC")
    if grain == "daily":
        return dg.DailyPartitionsDefinition(start_date=start_dt, timezone="UTC")
    raise ValueError(f"unknown partition grain {grain!r}")


def partitions_for(spec: RollupSpec) -> dg.TimeWindowPartitionsDefinition | None:
    return time_partitions(spec.partition, spec.start) if spec.partition else None


def window_of(context: dg.AssetExecutionContext) -> TimeWindow:
    """The run's time window (one partition, or a range of them in a multi-partition backfill run)."""
    window = context.partition_time_window
    return TimeWindow(window.start.astimezone(dt.UTC), window.end.astimezone(dt.UTC))


def completed_partition_keys(
    partitions: dg.TimeWindowPartitionsDefinition, grain: str, at: dt.datetime, count: int
) -> list[str]:
    """The ``count`` latest partitions that had ended by ``at``, newest first."""
    first = partitions.start.timestamp()
    keys: list[str] = []
    for back in range(1, count + 1):
        timestamp = at.timestamp() - back * _PERIOD_S[grain]
        if timestamp >= first:
            keys.append(partitions.get_partition_key_for_timestamp(timestamp))
    return keys


def late_event_schedule(
    spec: RollupSpec,
    job: UnresolvedAssetJobDefinition,
    partitions: dg.TimeWindowPartitionsDefinition,
    cron: str,
    default_status: dg.DefaultScheduleStatus = dg.DefaultScheduleStatus.STOPPED,
) -> dg.ScheduleDefinition:
    """Each tick runs the partition that just ended and re-runs ``lookback_partitions`` before it.

    Events arriving late land in an already-processed window; re-running it picks them up (a
    partition run replaces its documents, so the re-run is exact).
    """
    assert spec.partition is not None
    grain = spec.partition
    count = 1 + spec.lookback_partitions

    @dg.schedule(
        name=f"{spec.name}_schedule",
        cron_schedule=cron,
        job=job,
        execution_timezone="UTC",
        default_status=default_status,
        description=f"{spec.name}: the latest {grain} partition, plus {spec.lookback_partitions} earlier for late events",
    )
    def _schedule(context: dg.ScheduleEvaluationContext) -> Iterator[dg.RunRequest]:
        at = context.scheduled_execution_time or dt.datetime.now(dt.UTC)
        for key in completed_partition_keys(partitions, grain, at, count):
            yield dg.RunRequest(run_key=f"{key}@{at.isoformat()}", partition_key=key)

    return _schedule

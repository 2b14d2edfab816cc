"""What a rollup is: the parsed, validated form of one rollup file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

Pattern = Literal["computed", "bucket"]
Partitioning = Literal["hourly", "daily"]
WriteMode = Literal["replace", "update"]

DEFAULT_MAX_EVENTS = 1000
# The SQL parameters a partitioned computed rollup may use instead of ``time_field``: the
# partition's half-open window ``[partition_start, partition_end)``, bound by the engine.
WINDOW_PARAMS = ("partition_start", "partition_end")
PARTITION_PERIOD = {"hourly": dt.timedelta(hours=1), "daily": dt.timedelta(days=1)}
DEFAULT_START = "2024-09-01"
METADATA_FIELD = "computationMetadata"
# An incremental run merges source documents stamped at most this long before it started: events
# still being written (or written late, by a writer whose clock or commit lags) wait for the next run.
DEFAULT_WATERMARK_LAG = dt.timedelta(seconds=30)


@dataclass(frozen=True)
class BucketOptions:
    """How events roll into bucket documents.

    ``count_by`` maps an event field to ``{value: summary field}`` (``eventType: {click: clicks}``),
    ``measures`` are numeric event fields summarised as total/avg/min/max, ``distinct`` maps a
    summary field to the event field whose distinct values it counts (``uniquePages: page``).
    """

    max_events: int = DEFAULT_MAX_EVENTS
    size: Partitioning | None = None
    measures: tuple[str, ...] = ()
    count_by: dict[str, dict[Any, str]] = field(default_factory=dict)
    distinct: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RollupSpec:
    """One rollup: a SELECT and where and how its result is written.

    ``time_field`` is the field of the base collection (the FROM) a partition window (or the
    incremental watermark) filters on with a ``$match`` before the SQL runs; ``time_column`` is the
    output column holding the partition's time (defaults to ``time_field``), used to replace
    exactly one partition's documents.

    A partitioned computed rollup may instead filter in its SQL: ``window_params`` are the
    :data:`WINDOW_PARAMS` its SQL references (``:partition_start``, ``:partition_end``); the engine
    binds them to each partition's window and prepends no ``$match``. ``upstream_lookback`` is how far
    before ``partition_end`` such SQL reads its partitioned upstream rollups (``30 days``): the
    asset's partition mapping to them (see :mod:`leaf_dagster.dagster.rollups`).

    ``watermark_lag`` (incremental rollups): a run covers source times up to its start minus the
    lag; see :func:`leaf_dagster.rollups.computed.incremental_watermark`.
    """

    name: str
    sql: str
    target: str
    on: tuple[str, ...]
    pattern: Pattern = "computed"
    write: WriteMode = "replace"
    partition: Partitioning | None = None
    time_field: str | None = None
    time_column: str | None = None
    start: str = DEFAULT_START
    schedule: str | None = None
    late_partitions: int | None = None
    incremental: bool = False
    owners: tuple[str, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)
    group: str | None = None
    description: str | None = None
    metadata_field: str = METADATA_FIELD
    bucket: BucketOptions | None = None
    sources: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    path: str | None = None
    window_params: tuple[str, ...] = ()
    upstream_lookback: dt.timedelta | None = None
    watermark_lag: dt.timedelta = DEFAULT_WATERMARK_LAG
    # the file line of ``target:`` (or of the config block, when the target is the file name)
    target_line: int | None = field(default=None, compare=False, repr=False)

    @property
    def output_time_column(self) -> str | None:
        return self.time_column or self.time_field

    @property
    def binds_window(self) -> bool:
        """The SQL filters on the partition window itself (``:partition_start``/``:partition_end``)."""
        return bool(self.window_params)

    @property
    def lookback_partitions(self) -> int:
        """How many partitions before the latest one a scheduled tick re-runs (late events)."""
        if self.late_partitions is not None:
            return self.late_partitions
        return 1 if self.partition == "hourly" else 0

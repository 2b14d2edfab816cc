"""What a rollup is: the parsed, validated form of one rollup file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Pattern = Literal["computed", "bucket"]
Partitioning = Literal["hourly", "daily"]
WriteMode = Literal["replace", "update"]

DEFAULT_MAX_EVENTS = 1000
DEFAULT_START = "2024-09-01"
METADATA_FIELD = "computationMetadata"


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

    ``time_field`` is the source field a partition window (or the incremental watermark) filters
    on; ``time_column`` is the output column holding the partition's time (defaults to
    ``time_field``), used to replace exactly one partition's documents.
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

    @property
    def output_time_column(self) -> str | None:
        return self.time_column or self.time_field

    @property
    def lookback_partitions(self) -> int:
        """How many partitions before the latest one a scheduled tick re-runs (late events)."""
        if self.late_partitions is not None:
            return self.late_partitions
        return 1 if self.partition == "hourly" else 0

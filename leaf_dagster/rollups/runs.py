"""What every rollup run shares: windows, results, the run log, watermarks and target indexes.

Run-level records live in two small collections next to the data:

- ``_leaf_rollup_runs``: one document per run (rollup, window, documents written/removed,
  duration, watermark), written with ``j=True`` when the run finishes;
- ``_leaf_watermarks``: per rollup, the source time up to which an incremental rollup has merged
  (``watermark``) and, while a run is in flight, the range it is merging (``pending``).
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from bson import json_util
from pymongo import DESCENDING
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError, PyMongoError
from pymongo.write_concern import WriteConcern

from leaf_dagster.connection import Document
from leaf_dagster.rollups.errors import LeafRollupConfigError
from leaf_dagster.rollups.spec import PARTITION_PERIOD, RollupSpec

RUNS_COLLECTION = "_leaf_rollup_runs"
WATERMARKS_COLLECTION = "_leaf_watermarks"
_DURABLE = WriteConcern(w=1, j=True)


@dataclass(frozen=True)
class TimeWindow:
    """A half-open UTC time window ``[start, end)``: one partition."""

    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("TimeWindow needs timezone-aware datetimes (UTC)")
        if self.end <= self.start:
            raise ValueError(f"empty time window {self.start} .. {self.end}")

    def match(self, field_name: str) -> Document:
        return {field_name: {"$gte": self.start, "$lt": self.end}}

    def as_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass
class RollupResult:
    """What one run did; the Dagster layer turns it into materialization metadata."""

    rollup: str
    target: str
    run_id: str
    mode: str
    pipeline: list[Document]
    window: TimeWindow | None = None
    documents_written: int = 0
    documents_removed: int = 0
    duration_s: float = 0.0
    watermark: dt.datetime | None = None
    previous_watermark: dt.datetime | None = None
    sources: tuple[str, ...] = ()
    # the SQL parameters bound for the run (``partition_start``/``partition_end``), if any
    params: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    # a run over several partitions (a backfill range): each partition's window and documents written
    partitions: list[tuple[TimeWindow, int]] = field(default_factory=list)
    # seconds per step of the run (``prepare``, ``aggregate``, ``cleanup``, ``count``), see :class:`Stopwatch`
    timings: dict[str, float] = field(default_factory=dict)

    def pipeline_json(self) -> list[Any]:
        """The pipeline as plain JSON (dates and ObjectIds in extended-JSON form)."""
        return json.loads(json_util.dumps(self.pipeline, json_options=json_util.RELAXED_JSON_OPTIONS))


class Stopwatch:
    """Where a run's time goes: ``lap(name)`` adds the time since the previous lap to ``laps[name]``."""

    def __init__(self) -> None:
        self.started = self._last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + now - self._last
        self._last = now

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started


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


PARTITION_UNITS = {"hourly": "hour", "daily": "day"}


@dataclass(frozen=True)
class WrittenDocuments:
    """What one aggregation over a run's own documents found after its ``$merge``."""

    total: int
    # a run over several partitions: each partition's window and documents (else empty)
    partitions: list[tuple[TimeWindow, int]]
    # the latest value of the field asked for (a bucket rollup's watermark), if any
    latest: dt.datetime | None = None


def count_written(
    target: Collection[Document],
    spec: RollupSpec,
    run_id: str,
    *,
    scope: Document,
    window: TimeWindow | None = None,
    time_column: str | None = None,
    latest_of: str | None = None,
) -> WrittenDocuments:
    """How many documents the run wrote, per partition of ``window`` when it spans several, and
    the latest ``latest_of``: one ``$group`` over the run's documents (``scope`` narrows the
    match to an indexed range), instead of a write to each of them.

    Documents are assigned to the partition their ``time_column`` falls in (``$dateTrunc`` to the
    partition's unit, in UTC, as the partitions are cut)."""
    windows = partition_windows(spec, window) if window is not None and spec.partition else []
    by_partition = len(windows) > 1 and time_column is not None
    group: Document = {"_id": None, "n": {"$sum": 1}}
    if by_partition:
        assert spec.partition is not None and time_column is not None
        column = f"${time_column}"
        unit = PARTITION_UNITS[spec.partition]
        group["_id"] = {
            "$cond": [
                {"$eq": [{"$type": column}, "date"]},
                {"$dateTrunc": {"date": column, "unit": unit, "timezone": "UTC"}},
                None,
            ]
        }
    if latest_of is not None:
        group["latest"] = {"$max": f"${latest_of}"}
    rows = list(
        target.aggregate([{"$match": {**scope, f"{spec.metadata_field}.runId": run_id}}, {"$group": group}])
    )
    total = sum(int(row["n"]) for row in rows)
    latest = max((value for row in rows if (value := aware(row.get("latest"))) is not None), default=None)
    if not by_partition:
        return WrittenDocuments(total, [], latest)
    counts = {aware(row["_id"]): int(row["n"]) for row in rows}
    return WrittenDocuments(total, [(part, counts.get(part.start, 0)) for part in windows], latest)


def window_stamp(
    spec: RollupSpec, window: TimeWindow, time_column: str | None, *, aligned: bool = False
) -> Any:
    """The ``window`` a run stamps on each document it writes: its partition's, as a one-partition
    run would stamp it, computed from the document's ``time_column`` when the run spans several
    partitions (the run's window for a document whose time is not a date).

    ``aligned``: the time column is known to hold the start of its partition, a date (a bucket's
    date, or ``DATE_TRUNC('<partition unit>', time_field)`` of a field the run's ``$match`` keeps to
    dates), so the window is that date and the next, with no type test or truncation per document."""
    whole = {"$literal": {"start": window.start, "end": window.end}}
    if time_column is None or spec.partition is None or len(partition_windows(spec, window)) < 2:
        return whole
    unit = PARTITION_UNITS[spec.partition]
    column = f"${time_column}"
    if aligned:
        return {"start": column, "end": {"$dateAdd": {"startDate": column, "unit": unit, "amount": 1}}}
    start = {"$dateTrunc": {"date": column, "unit": unit, "timezone": "UTC"}}
    return {
        "$cond": [
            {"$eq": [{"$type": column}, "date"]},
            {
                "$let": {
                    "vars": {"s": start},
                    "in": {
                        "start": "$$s",
                        "end": {"$dateAdd": {"startDate": "$$s", "unit": unit, "amount": 1}},
                    },
                }
            },
            whole,
        ]
    }


def new_run_id() -> str:
    return uuid.uuid4().hex


def utc_now() -> dt.datetime:
    # BSON dates have millisecond precision: truncate so what we store is what we report.
    now = dt.datetime.now(dt.UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def ensure_index(
    collection: Collection[Document], keys: list[tuple[str, int]], *, unique: bool = False
) -> None:
    """Create the index unless an index with the same keys exists (whatever its name)."""
    wanted = [(name, int(direction)) for name, direction in keys]
    for info in collection.list_indexes():
        if [(name, int(direction)) for name, direction in info["key"].items()] == wanted:
            return
    collection.create_index(keys, unique=unique)


def ensure_merge_index(
    collection: Collection[Document], on: tuple[str, ...], *, lead: str | None = None
) -> None:
    """``$merge`` needs a unique index on its ``on`` fields (``_id`` always has one).

    MongoDB accepts a unique index on the same set of fields in any order, so an existing one is
    kept whatever its order. A new one puts ``lead`` (a partition's time column) first: the same
    index then finds a partition's documents by a range on that column, and the target needs no
    index of its own for it (each index costs every document a ``$merge`` writes)."""
    if on == ("_id",):
        return
    for info in collection.list_indexes():
        if info.get("unique") and "partialFilterExpression" not in info and set(info["key"]) == set(on):
            return
    keys = [lead, *(name for name in on if name != lead)] if lead in on else list(on)
    collection.create_index([(name, 1) for name in keys], unique=True)


def ensure_range_index(collection: Collection[Document], field_name: str) -> None:
    """An index that serves a range on ``field_name``: any index whose first key it is, else a new one."""
    for info in collection.list_indexes():
        if next(iter(info["key"]), None) == field_name and "partialFilterExpression" not in info:
            return
    collection.create_index([(field_name, 1)])


def stale_unique_indexes(collection: Collection[Document], on: tuple[str, ...]) -> list[str]:
    """Unique indexes of a rollup's target other than ``_id`` and the merge key's (e.g. left by an
    earlier ``on:``): a ``$merge`` whose documents lack their fields fails on them as duplicates."""
    return [
        info["name"]
        for info in collection.list_indexes()
        if info.get("unique") and info["name"] != "_id_" and set(info["key"]) != set(on)
    ]


def source_high_water_mark(
    collection: Collection[Document], time_field: str, extra_filter: Document | None = None
) -> dt.datetime | None:
    """The latest ``time_field`` value, read through the field's index (one document).

    ``extra_filter`` bounds ``time_field`` by dates: a comparison only matches values of its own
    BSON type, so the bounded query needs no ``$type`` test (which kept some servers off the index)."""
    query: Document = extra_filter or {time_field: {"$type": "date"}}
    doc = collection.find_one(query, {time_field: 1}, sort=[(time_field, DESCENDING)])
    if doc is None:
        return None
    value = doc.get(time_field)
    return _aware(value) if isinstance(value, dt.datetime) else None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def read_watermark(db: Database[Document], rollup: str) -> Document:
    return db[WATERMARKS_COLLECTION].find_one({"_id": rollup}) or {"_id": rollup}


def _fenced_watermark_update(db: Database[Document], rollup: str, update: Document, fence: int) -> bool:
    """Apply ``update`` unless a newer run (a higher fencing epoch) already wrote the state."""
    try:
        db[WATERMARKS_COLLECTION].with_options(write_concern=_DURABLE).update_one(
            {"_id": rollup, "fence": {"$not": {"$gt": fence}}},
            {**update, "$max": {"fence": fence}},
            upsert=True,
        )
    except DuplicateKeyError:  # the document exists with a newer epoch: the upsert collided
        return False
    return True


def write_pending(
    db: Database[Document],
    rollup: str,
    lower: dt.datetime | None,
    upper: dt.datetime,
    *,
    full: bool,
    fence: int = 0,
) -> bool:
    """Record the range a run is about to merge, before it merges anything; False if fenced out.

    A full refresh is pending too: until it commits, an incremental run must not combine into
    documents it may already have replaced.
    """
    pending = {"from": lower, "to": upper, "full": full, "at": utc_now()}
    return _fenced_watermark_update(db, rollup, {"$set": {"pending": pending}}, fence)


def commit_watermark(
    db: Database[Document], rollup: str, watermark: dt.datetime | None, run_id: str, *, fence: int = 0
) -> bool:
    """After the merge succeeded: the new watermark becomes durable and the pending range goes.

    False (nothing written) when a newer run owns the state: a zombie never moves it back.
    """
    return _fenced_watermark_update(
        db,
        rollup,
        {
            "$set": {"watermark": watermark, "runId": run_id, "updatedAt": utc_now()},
            "$unset": {"pending": ""},
        },
        fence,
    )


def record_run(db: Database[Document], result: RollupResult, started_at: dt.datetime) -> None:
    db[RUNS_COLLECTION].with_options(write_concern=_DURABLE).insert_one(
        {
            "_id": result.run_id,
            "rollup": result.rollup,
            "target": result.target,
            "mode": result.mode,
            "window": {"start": result.window.start, "end": result.window.end} if result.window else None,
            "documentsWritten": result.documents_written,
            "documentsRemoved": result.documents_removed,
            "durationMs": round(result.duration_s * 1000),
            "timingsMs": {step: round(seconds * 1000) for step, seconds in result.timings.items()},
            "watermark": result.watermark,
            "sources": list(result.sources),
            "startedAt": started_at,
            "finishedAt": utc_now(),
        }
    )


def aware(value: Any) -> dt.datetime | None:
    """A BSON date read back from pymongo (naive UTC) as an aware datetime."""
    return _aware(value) if isinstance(value, dt.datetime) else None


def shard_key(db: Database[Document], collection: str) -> Document | None:
    """The shard key of ``db.collection`` as the cluster reports it (``config.collections``), or None
    when it is not sharded, or the server has no sharding catalog or does not let us read it."""
    try:
        doc = db.client["config"]["collections"].find_one({"_id": f"{db.name}.{collection}"})
    except PyMongoError:
        return None
    if not doc or doc.get("dropped") or not isinstance(doc.get("key"), dict):
        return None
    return dict(doc["key"])


def check_shard_key(db: Database[Document], target: str, on: tuple[str, ...]) -> None:
    """Before writing: a ``$merge`` into a sharded target needs the shard key among its ``on`` fields."""
    key = shard_key(db, target)
    if key is None:
        return
    missing = [name for name in key if name not in on]
    if missing:
        raise LeafRollupConfigError(
            f"target {db.name}.{target} is sharded on {key}, but the rollup merges on {list(on)}, which "
            f"lacks the shard key field(s) {missing}: a $merge into a sharded collection needs `on:` to "
            "include the whole shard key (with a unique index on those fields). Add them to `on:` and to "
            "the SELECT, or write to an unsharded target"
        )

"""The seed's ``DOCUMENT_SCHEMA_STATS``: a data-quality report computed server-side in ONE aggregation.

One ``$project`` reduces every document to a handful of numbers and flags, then a ``$facet`` counts
them three ways: overall totals, documents per ``_schema.version``, and a ``$bsonSize`` histogram.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.schema.conditions import bson_value
from leaf_dagster.schema.model import DocumentSchema, DocumentType, Field, VariantType

MAX_BSON_BYTES = 16 * 1024 * 1024
NEAR_LIMIT_RATIO = 0.8
NEAR_LIMIT_BYTES = int(MAX_BSON_BYTES * NEAR_LIMIT_RATIO)
SIZE_BOUNDARIES: tuple[int, ...] = (
    0,
    1024,
    4 * 1024,
    16 * 1024,
    64 * 1024,
    256 * 1024,
    1024 * 1024,
    4 * 1024 * 1024,
    NEAR_LIMIT_BYTES,
    MAX_BSON_BYTES + 1,
)
VERSION_PATH = "_schema.version"
LOCK_FLAG = "_migrationLock"
LEAF_LOCK_FIELD = "_leaf_lock"


@dataclass(frozen=True)
class SizeBucket:
    """Documents whose BSON size is in ``[lower, upper)`` bytes."""

    lower: int
    upper: int
    count: int

    @property
    def label(self) -> str:
        return f"{_human(self.lower)}–{_human(self.upper)}"


@dataclass(frozen=True)
class SchemaStats:
    """The data-quality report of one collection against its schema."""

    collection: str
    document_count: int
    current_version: str | None
    missing_required: dict[str, int]
    version_counts: dict[str | None, int]
    outdated: int | None
    migration_locks: int
    avg_size_bytes: float
    max_size_bytes: int
    size_histogram: tuple[SizeBucket, ...]
    near_size_limit: int
    array_limits: dict[str, int]
    arrays_over_limit: dict[str, int] = field(default_factory=dict)

    def problems(self) -> list[str]:
        """One sentence per finding that needs attention; empty when the collection is clean."""
        found = [
            f"{n} document(s) miss required field {path!r}" for path, n in self.missing_required.items() if n
        ]
        if self.outdated:
            found.append(f"{self.outdated} document(s) are not at schema version {self.current_version}")
        if self.migration_locks:
            found.append(f"{self.migration_locks} document(s) hold a migration lock")
        if self.near_size_limit:
            found.append(f"{self.near_size_limit} document(s) are over 80% of the 16 MB limit")
        found.extend(
            f"{n} document(s) have more than {self.array_limits[path]} items in {path!r}"
            for path, n in self.arrays_over_limit.items()
            if n
        )
        return found

    def to_dict(self) -> dict[str, Any]:
        return {
            "collection": self.collection,
            "documentCount": self.document_count,
            "currentVersion": self.current_version,
            "missingRequired": dict(self.missing_required),
            "versions": [{"version": v, "count": n} for v, n in self.version_counts.items()],
            "outdated": self.outdated,
            "migrationLocks": self.migration_locks,
            "avgSizeBytes": self.avg_size_bytes,
            "maxSizeBytes": self.max_size_bytes,
            "sizeHistogram": [
                {"lower": b.lower, "upper": b.upper, "label": b.label, "count": b.count}
                for b in self.size_histogram
            ],
            "nearSizeLimit": self.near_size_limit,
            "arrayLimits": dict(self.array_limits),
            "arraysOverLimit": dict(self.arrays_over_limit),
            "problems": self.problems(),
        }


def schema_stats(
    db: Database[Document],
    schema: DocumentSchema,
    *,
    current_version: str | None = None,
    match: Document | None = None,
) -> SchemaStats:
    """The report for ``schema.collection`` (only documents matching ``match`` when given).

    ``current_version`` defaults to the schema's version; without either, ``outdated`` is None.
    """
    version = current_version if current_version is not None else schema.version
    required = _required_conditions(schema)
    limits = {path: limit for path, limit in schema.array_limits() if not _in_array(schema, path)}
    pipeline = stats_pipeline(required, limits, match)
    (result,) = list(db[schema.collection].aggregate(pipeline, allowDiskUse=True))
    totals: Document = result["totals"][0] if result["totals"] else {}
    versions = {row["_id"]: int(row["count"]) for row in result["versions"]}
    sizes = {row["_id"]: int(row["count"]) for row in result["sizes"]}
    histogram = tuple(SizeBucket(low, high, sizes.get(low, 0)) for low, high in pairwise(SIZE_BOUNDARIES))
    return SchemaStats(
        collection=schema.collection,
        document_count=int(totals.get("count", 0)),
        current_version=version,
        missing_required={path: int(totals.get(f"missing_{i}", 0)) for i, path in enumerate(required)},
        version_counts=versions,
        outdated=None if version is None else sum(n for v, n in versions.items() if v != version),
        migration_locks=int(totals.get("locks", 0)),
        avg_size_bytes=float(totals.get("avgSize") or 0.0),
        max_size_bytes=int(totals.get("maxSize") or 0),
        size_histogram=histogram,
        near_size_limit=int(totals.get("nearLimit", 0)),
        array_limits=limits,
        arrays_over_limit={path: int(totals.get(f"over_{i}", 0)) for i, path in enumerate(limits)},
    )


def stats_pipeline(
    required: dict[str, Any], limits: dict[str, int], match: Document | None = None
) -> list[Document]:
    """The aggregation: ``required`` maps path → "is missing" expression; ``limits`` path → max."""
    flags: Document = {
        "size": {"$bsonSize": "$$ROOT"},
        "version": {"$ifNull": [f"${VERSION_PATH}", None]},
        "locked": {
            "$or": [
                {"$eq": [f"${LOCK_FLAG}", True]},
                {"$ne": [{"$type": f"${LEAF_LOCK_FIELD}"}, "missing"]},
            ]
        },
    }
    totals: Document = {
        "_id": None,
        "count": {"$sum": 1},
        "avgSize": {"$avg": "$size"},
        "maxSize": {"$max": "$size"},
        "nearLimit": {"$sum": {"$cond": [{"$gt": ["$size", NEAR_LIMIT_BYTES]}, 1, 0]}},
        "locks": {"$sum": {"$cond": ["$locked", 1, 0]}},
    }
    for i, missing in enumerate(required.values()):
        flags[f"missing_{i}"] = {"$cond": [missing, 1, 0]}
        totals[f"missing_{i}"] = {"$sum": f"$missing_{i}"}
    for i, (path, limit) in enumerate(limits.items()):
        length = {"$size": {"$cond": [{"$isArray": f"${path}"}, f"${path}", []]}}
        flags[f"over_{i}"] = {"$cond": [{"$gt": [length, limit]}, 1, 0]}
        totals[f"over_{i}"] = {"$sum": f"$over_{i}"}
    stages: list[Document] = [{"$match": match}] if match else []
    stages += [
        {"$project": {"_id": 0, **flags}},
        {
            "$facet": {
                "totals": [{"$group": totals}],
                "versions": [{"$group": {"_id": "$version", "count": {"$sum": 1}}}, {"$sort": {"_id": 1}}],
                "sizes": [
                    {
                        "$bucket": {
                            "groupBy": "$size",
                            "boundaries": list(SIZE_BOUNDARIES),
                            "default": "other",
                            "output": {"count": {"$sum": 1}},
                        }
                    }
                ],
            }
        },
    ]
    return stages


def _missing(path: str) -> Document:
    return {"$in": [{"$type": f"${path}"}, ["missing", "null"]]}


def _required_conditions(schema: DocumentSchema) -> dict[str, Any]:
    """Required fields outside arrays → the expression "this document lacks it where it should have it".

    A required field of an optional sub-document counts only where that sub-document is present; one
    of a VARIANT case only where the discriminator selects that case.
    """
    found: dict[str, Any] = {}

    def visit(fields: tuple[Field, ...], guards: list[Document]) -> None:
        for f in fields:
            if f.required:
                condition = _missing(f.path)
                here = {"$and": [*guards, condition]} if guards else condition
                # VARIANT cases may share a path (``notificationData.to``): either case counts.
                found[f.path] = {"$or": [found[f.path], here]} if f.path in found else here
            if isinstance(f.type, DocumentType) and f.type.fields:
                inner = guards if f.required else [*guards, {"$eq": [{"$type": f"${f.path}"}, "object"]}]
                visit(f.type.fields, inner)
            elif isinstance(f.type, VariantType):
                for case in f.type.cases:
                    if case.document.fields:
                        selected = {"$eq": [f"${f.type.discriminator_path}", bson_value(case.value)]}
                        is_object = {"$eq": [{"$type": f"${f.path}"}, "object"]}
                        visit(case.document.fields, [*guards, selected, is_object])

    visit(schema.fields, [])
    return found


def _in_array(schema: DocumentSchema, path: str) -> bool:
    return any(w.path == path and w.in_array for w in schema.walk_fields())


def _human(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} B"

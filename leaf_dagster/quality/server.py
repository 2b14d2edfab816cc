"""UNIQUE and REFERENCES, answered by the server so that the totals are exact over the collection.

A batch cannot tell whether its values repeat elsewhere, nor whether another collection holds
them. So:

- UNIQUE: when the whole collection is validated, one ``$group`` aggregation lists the duplicated
  values up front (memory: the duplicates only); when a filter or a sample restricts the run, the
  batch's values are counted over the whole collection with chunked ``$in`` queries (a partition
  value that repeats in another partition is still a duplicate).
- REFERENCES: the batch's distinct values are looked up in the referenced collection with chunked
  ``$in`` queries; values found are remembered (up to a bound) so later batches skip them.

``$in`` lists are chunked because some servers match large lists slowly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.quality.frames import get_path
from leaf_dagster.quality.suite import Derived

IN_CHUNK = 200
REFERENCE_CACHE = 100_000


class ServerLookups:
    """Computes the ``#unique`` and ``#ref`` columns of each batch for one validation run."""

    def __init__(self, db: Database[Document], collection: str, *, whole_collection: bool) -> None:
        self.db = db
        self.collection = collection
        self.whole_collection = whole_collection
        self._duplicates: dict[str, set[Any]] = {}
        self._existing: dict[str, set[Any]] = {}

    def column(self, derived: Derived, source: list[Any]) -> list[bool | None]:
        if derived.view == "unique":
            duplicates = self._duplicates_for(derived, source)
            return [_flag(v, duplicates, present=False) for v in source]
        existing = self._references_for(derived, source)
        return [_flag(v, existing, present=True) for v in source]

    def _duplicates_for(self, derived: Derived, source: list[Any]) -> set[Any]:
        if self.whole_collection:
            if derived.name not in self._duplicates:
                self._duplicates[derived.name] = self._group(derived, None)
            return self._duplicates[derived.name]
        found: set[Any] = set()
        for chunk in _chunks(hashable_values(source)):
            found |= self._group(derived, chunk)
        return found

    def _group(self, derived: Derived, values: list[Any] | None) -> set[Any]:
        """Values of ``derived.source`` occurring more than once (among ``values`` if given)."""
        condition: dict[str, Any] = {"$in": values} if values is not None else {"$ne": None}
        match = {"$match": {derived.source: condition}}
        pipeline: list[dict[str, Any]] = [match]
        if derived.array_paths:
            pipeline += [{"$unwind": f"${a}"} for a in derived.array_paths]
            pipeline.append(match)
        pipeline += [
            {"$group": {"_id": f"${derived.source}", "n": {"$sum": 1}}},
            {"$match": {"n": {"$gt": 1}}},
        ]
        return {row["_id"] for row in self.db[self.collection].aggregate(pipeline, allowDiskUse=True)}

    def _references_for(self, derived: Derived, source: list[Any]) -> set[Any]:
        ref = derived.reference
        assert ref is not None
        known = self._existing.setdefault(derived.name, set())
        missing = [v for v in hashable_values(source) if v not in known]
        if len(known) + len(missing) > REFERENCE_CACHE:
            known.clear()
        for chunk in _chunks(missing):
            for doc in self.db[ref.collection].find({ref.field: {"$in": chunk}}, {ref.field: 1}):
                value = get_path(doc, ref.field)
                for v in value if isinstance(value, list) else [value]:
                    if _hashable(v):
                        known.add(v)
        return known


def hashable_values(source: list[Any]) -> list[Any]:
    """The distinct values worth looking up: not null, not bool, not a document or array."""
    return list(dict.fromkeys(v for v in source if _hashable(v)))


def _hashable(value: Any) -> bool:
    if value is None or isinstance(value, bool | dict | list):
        return False
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


def _flag(value: Any, values: set[Any], *, present: bool) -> bool | None:
    """Whether ``value`` passes: in ``values`` if ``present`` else not in them; None if unchecked."""
    if not _hashable(value):
        return None
    return (value in values) == present

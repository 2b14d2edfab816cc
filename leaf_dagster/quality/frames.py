"""Reading a collection as pandas frames, one batch at a time.

A batch of documents becomes a *root* frame (one row per document, dotted column names) and one
*child* frame per exploded array path (one row per array element, with the root document's ``_id``,
the element's ``_index`` and the ``_parent`` row in the enclosing frame). Only one batch is alive
at a time, so memory is bounded by ``batch_size`` and not by the collection.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd
from bson import Binary, Code, Decimal128, Int64, MaxKey, MinKey, ObjectId, Regex, Timestamp
from pymongo.collection import Collection

from leaf_dagster.connection import Document

ROOT = ""
"""The frame path of the root frame (one row per document)."""

ID = "_id"
INDEX = "_index"
PARENT = "_parent"


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""What :func:`get_path` returns when the path does not exist (distinct from an explicit null)."""


def get_path(value: Any, path: str) -> Any:
    """The value at a dotted ``path`` inside nested documents, or :data:`MISSING`.

    Arrays are not traversed: a path through an array is read from an exploded child frame.
    """
    if path == ROOT:
        return value
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return MISSING
        value = value[part]
    return value


def bson_type(value: Any) -> str | None:
    """The ``$type`` alias MongoDB reports for a decoded BSON value (None for null or missing)."""
    if value is None or value is MISSING:
        return None
    # bool before int (bool is an int); Int64 before int (Int64 is an int).
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, Int64):
        return "long"
    if isinstance(value, int):
        return "int" if -(2**31) <= value < 2**31 else "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, ObjectId):
        return "objectId"
    if isinstance(value, datetime.datetime):
        return "date"
    if isinstance(value, Decimal128 | Decimal):
        return "decimal"
    if isinstance(value, Binary | bytes | uuid.UUID):
        return "binData"
    if isinstance(value, Timestamp):
        return "timestamp"
    if isinstance(value, Regex | re.Pattern):
        return "regex"
    if isinstance(value, Code):
        return "javascript"
    if isinstance(value, MinKey):
        return "minKey"
    if isinstance(value, MaxKey):
        return "maxKey"
    return type(value).__name__


@dataclass(frozen=True)
class FrameSpec:
    """One frame to build from each batch.

    ``path`` is ``ROOT`` or the full dotted path of an array; ``parent`` the frame it is exploded
    from (its innermost enclosing array, or ``ROOT``). ``columns`` are full dotted paths read
    relative to the row (the document, or the array element); the array's own path names the
    element itself (arrays of scalars).
    """

    path: str = ROOT
    parent: str | None = None
    columns: tuple[str, ...] = ()
    inherited: tuple[str, ...] = ()
    """Columns copied from the parent frame's row (a VARIANT discriminator outside the array)."""

    def relative(self, column: str) -> str:
        if self.path == ROOT:
            return column
        if column == self.path:
            return ROOT
        return column[len(self.path) + 1 :]


@dataclass
class Frames:
    """The frames of one batch: ``frames[ROOT]`` is the root frame."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    documents: int = 0

    @property
    def root(self) -> pd.DataFrame:
        return self.frames[ROOT]

    def __getitem__(self, path: str) -> pd.DataFrame:
        return self.frames[path]


def projection_for(paths: Iterable[str]) -> dict[str, int]:
    """A find projection of ``paths`` plus ``_id``, without paths that collide with an ancestor."""
    kept: list[str] = []
    for path in sorted(set(paths) - {ROOT}, key=lambda p: (p.count("."), p)):
        if not any(path == k or path.startswith(k + ".") for k in kept):
            kept.append(path)
    return {ID: 1, **{p: 1 for p in kept if p != ID}}


def iter_documents(
    collection: Collection[Document],
    *,
    projection: Mapping[str, int] | None = None,
    batch_size: int = 5000,
    sample: int | None = None,
    filter: Mapping[str, Any] | None = None,
) -> Iterator[list[Document]]:
    """Batches of at most ``batch_size`` documents: every matching document, or a ``$sample``."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    cursor: Iterable[Document]
    if sample is not None:
        if sample < 1:
            raise ValueError("sample must be at least 1")
        pipeline: list[dict[str, Any]] = []
        if filter:
            pipeline.append({"$match": dict(filter)})
        pipeline.append({"$sample": {"size": sample}})
        if projection:
            pipeline.append({"$project": dict(projection)})
        cursor = collection.aggregate(pipeline, batchSize=batch_size)
    else:
        cursor = collection.find(
            dict(filter or {}), dict(projection) if projection else None, batch_size=batch_size
        )
    batch: list[Document] = []
    for doc in cursor:
        batch.append(doc)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def flatten(docs: Sequence[Document], specs: Sequence[FrameSpec]) -> Frames:
    """Build every frame of ``specs`` (parents before children) from one batch of documents.

    Every requested column exists, holding None where the path is missing or null, with object
    dtype so that BSON values (ObjectId, Int64, Decimal128, datetime) stay exactly as decoded.
    """
    rows_by_frame: dict[str, list[Any]] = {ROOT: list(docs)}
    ids_by_frame: dict[str, list[Any]] = {ROOT: [d.get(ID) for d in docs]}
    out = Frames(documents=len(docs))
    for spec in _ordered(specs):
        if spec.path == ROOT:
            contexts, ids = rows_by_frame[ROOT], ids_by_frame[ROOT]
            extra: dict[str, list[Any]] = {}
        else:
            parent = spec.parent or ROOT
            parent_spec_rel = FrameSpec(parent).relative(spec.path)
            contexts, ids, parents, indexes = [], [], [], []
            for row, (ctx, root_id) in enumerate(
                zip(rows_by_frame[parent], ids_by_frame[parent], strict=True)
            ):
                arr = get_path(ctx, parent_spec_rel)
                if isinstance(arr, list):
                    for i, element in enumerate(arr):
                        contexts.append(element)
                        ids.append(root_id)
                        parents.append(row)
                        indexes.append(i)
            rows_by_frame[spec.path] = contexts
            ids_by_frame[spec.path] = ids
            extra = {PARENT: parents, INDEX: indexes}
        data: dict[str, pd.Series[Any]] = {ID: pd.Series(ids, dtype=object)}
        for name, values in extra.items():
            data[name] = pd.Series(values, dtype="int64")
        for column in spec.columns:
            rel = spec.relative(column)
            values = [get_path(ctx, rel) for ctx in contexts]
            data[column] = pd.Series([None if v is MISSING else v for v in values], dtype=object)
        if spec.path != ROOT:
            parent_frame = out.frames[spec.parent or ROOT]
            for column in spec.inherited:
                data[column] = pd.Series(parent_frame[column].to_numpy()[extra[PARENT]], dtype=object)
        out.frames[spec.path] = pd.DataFrame(data, index=pd.RangeIndex(len(contexts)))
    return out


def _ordered(specs: Sequence[FrameSpec]) -> list[FrameSpec]:
    """Parents before children: a frame's depth is its number of array ancestors."""
    by_path = {s.path: s for s in specs}

    def depth(spec: FrameSpec) -> int:
        d = 0
        while spec.parent is not None and spec.path != ROOT:
            d += 1
            spec = by_path.get(spec.parent, FrameSpec(ROOT))
        return d

    ordered = sorted(specs, key=depth)
    if not ordered or ordered[0].path != ROOT:
        ordered.insert(0, FrameSpec(ROOT))
    return ordered


def read_frames(
    collection: Collection[Document],
    specs: Sequence[FrameSpec],
    *,
    batch_size: int = 5000,
    sample: int | None = None,
    filter: Mapping[str, Any] | None = None,
) -> Iterator[Frames]:
    """Stream ``collection`` as :class:`Frames`, projecting only the columns the specs need."""
    needed = [c for s in specs for c in s.columns] + [s.path for s in specs if s.path != ROOT]
    projection = projection_for(needed)
    for docs in iter_documents(
        collection, projection=projection, batch_size=batch_size, sample=sample, filter=filter
    ):
        yield flatten(docs, specs)


def flatten_all(docs: Sequence[Document], array_paths: Sequence[str] = ()) -> Frames:
    """Every leaf of every document as a dotted column; ``array_paths`` exploded into child frames.

    Exploratory helper (the runner builds only the columns a suite needs).
    """
    arrays = sorted(set(array_paths), key=lambda p: p.count("."))
    specs: list[FrameSpec] = []
    for path in [ROOT, *arrays]:
        parent = next((a for a in reversed(arrays) if path != a and path.startswith(a + ".")), ROOT)
        spec = FrameSpec(path, None if path == ROOT else parent)
        columns: dict[str, None] = {}
        rows = [d for d in docs]
        if path != ROOT:
            rows = [e for d in docs for e in _elements(d, path, arrays)]
        for row in rows:
            for leaf in _leaves(row, "" if path == ROOT else path, arrays):
                columns[leaf] = None
        specs.append(FrameSpec(spec.path, spec.parent, tuple(columns)))
    return flatten(docs, specs)


def _elements(doc: Any, path: str, arrays: Sequence[str]) -> Iterator[Any]:
    """Every element of the array at ``path``, through enclosing exploded arrays."""
    outer = next((a for a in reversed(arrays) if path != a and path.startswith(a + ".")), None)
    contexts = [doc] if outer is None else list(_elements(doc, outer, arrays))
    rel = path if outer is None else path[len(outer) + 1 :]
    for ctx in contexts:
        value = get_path(ctx, rel)
        if isinstance(value, list):
            yield from value


def _leaves(value: Any, prefix: str, arrays: Sequence[str]) -> Iterator[str]:
    if isinstance(value, Mapping):
        for key, sub in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if path in arrays:
                continue
            if isinstance(sub, Mapping) and sub:
                yield from _leaves(sub, path, arrays)
            else:
                yield path
    elif prefix:
        yield prefix

"""Batches of a migration pass: selected by version in ``_id`` order, each written once, idempotently.

One cursor per run (sorted by ``_id`` from the checkpoint, read ``batch_size`` documents at a time)
rather than one sorted ``limit`` query per batch: with the ``{_schema.version: 1, _id: 1}`` index the
sort is free in MongoDB, and servers that sort in memory do it once per run instead of per batch.

Client-side mode computes the transform per document and sends one unordered ``bulk_write`` whose
updates are filtered on ``{_id, _schema.version: <source version>}``: re-applying a batch after a crash
matches nothing. Server-side mode sends one ``update_many`` with the revision's pipeline over the
batch's ``_id`` range, filtered on the version too.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pymongo import ReplaceOne, UpdateOne, WriteConcern
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError, WriteError

from leaf_dagster.connection import Document
from leaf_dagster.migrations.revision import VERSION_FIELD, Pipeline, Transform

DURABLE = WriteConcern(j=True)
MAX_ERROR_CHARS = 500
DOCUMENT_VALIDATION_FAILURE = 121


@dataclass
class BatchResult:
    size: int
    last_id: Any
    migrated: int
    failures: list[Document] = field(default_factory=list)


def with_version(doc: Document, version: str) -> Document:
    schema = doc.get("_schema")
    doc["_schema"] = {**(schema if isinstance(schema, dict) else {}), "version": version}
    return doc


def transform_document(doc: Document, transform: Transform, version: str) -> Document:
    """``transform`` applied to a copy, stamped with ``version``; raises what the transform raises."""
    new = transform(copy.deepcopy(doc))
    if not isinstance(new, dict):
        raise TypeError(f"transform returned {type(new).__name__}, not a document")
    if new.get("_id") != doc["_id"]:
        raise ValueError("transform changed or dropped _id")
    return with_version(new, version)


def update_for(old: Document, new: Document, source_version: str) -> UpdateOne | ReplaceOne:
    """The smallest write turning ``old`` into ``new``: top-level ``$set``/``$unset``, so fields the
    transform did not touch are not overwritten by a stale copy."""
    flt = {"_id": old["_id"], VERSION_FIELD: source_version}
    sets = {k: v for k, v in new.items() if k != "_id" and (k not in old or old[k] != v)}
    unsets = [k for k in old if k not in new]
    if any("." in k or k.startswith("$") for k in (*sets, *unsets)):
        return ReplaceOne(flt, new)
    update: dict[str, Any] = {}
    if sets:
        update["$set"] = sets
    if unsets:
        update["$unset"] = dict.fromkeys(unsets, "")
    return UpdateOne(flt, update)


def batch_filter(source_version: str, after_id: Any) -> Document:
    flt: Document = {VERSION_FIELD: source_version}
    if after_id is not None:
        flt["_id"] = {"$gt": after_id}
    return flt


def _error_text(exc: BaseException | str) -> str:
    text = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
    return text[:MAX_ERROR_CHARS]


def select_batches(
    coll: Collection[Document], source_version: str, after_id: Any, batch_size: int, ids_only: bool = False
) -> Iterator[list[Document]]:
    """Lists of up to ``batch_size`` documents at ``source_version`` after ``after_id``, in ``_id`` order."""
    cursor = coll.find(batch_filter(source_version, after_id), {"_id": 1} if ids_only else None)
    cursor = cursor.sort("_id", 1).batch_size(batch_size)
    with cursor:
        while batch := list(itertools.islice(cursor, batch_size)):
            yield batch


def run_client_batch(
    coll: Collection[Document],
    docs: list[Document],
    transform: Transform,
    source_version: str,
    target_version: str,
    write_concern: WriteConcern = DURABLE,
) -> BatchResult:
    ops: list[UpdateOne | ReplaceOne] = []
    op_ids: list[Any] = []
    failures: list[Document] = []
    for doc in docs:
        try:
            new = transform_document(doc, transform, target_version)
        except Exception as exc:
            failures.append({"_id": doc["_id"], "error": _error_text(exc)})
            continue
        ops.append(update_for(doc, new, source_version))
        op_ids.append(doc["_id"])
    migrated = 0
    if ops:
        try:
            result = coll.with_options(write_concern=write_concern).bulk_write(ops, ordered=False)
            migrated = result.matched_count
        except BulkWriteError as exc:
            # Per-document rejections (e.g. a $jsonSchema validator): those documents stay behind.
            details = exc.details
            if details.get("writeConcernErrors"):
                raise
            migrated = int(details.get("nMatched", 0))
            for err in details.get("writeErrors", []):
                failures.append({"_id": op_ids[err["index"]], "error": _error_text(str(err.get("errmsg")))})
    return BatchResult(size=len(docs), last_id=docs[-1]["_id"], migrated=migrated, failures=failures)


def run_server_batch(
    coll: Collection[Document],
    docs: list[Document],
    pipeline: Pipeline,
    source_version: str,
    target_version: str,
    write_concern: WriteConcern = DURABLE,
) -> BatchResult:
    ids = [d["_id"] for d in docs]
    target = coll.with_options(write_concern=write_concern)
    update = [*pipeline, {"$set": {VERSION_FIELD: target_version}}]
    try:
        result = target.update_many(
            {VERSION_FIELD: source_version, "_id": {"$gte": ids[0], "$lte": ids[-1]}}, update
        )
    except WriteError as exc:
        if exc.code != DOCUMENT_VALIDATION_FAILURE:
            raise
        # The collection's validator rejected a document, and update_many stopped somewhere in the
        # range: redo it one document at a time (each filtered on the source version, so documents
        # already migrated match nothing) and quarantine the rejected ones, as a failing transform.
        return _server_batch_per_document(target, ids, update, source_version)
    return BatchResult(size=len(ids), last_id=ids[-1], migrated=result.modified_count)


def _server_batch_per_document(
    coll: Collection[Document], ids: list[Any], update: Pipeline, source_version: str
) -> BatchResult:
    migrated = 0
    failures: list[Document] = []
    for _id in ids:
        try:
            migrated += coll.update_one({"_id": _id, VERSION_FIELD: source_version}, update).modified_count
        except WriteError as exc:
            if exc.code != DOCUMENT_VALIDATION_FAILURE:
                raise
            failures.append(
                {
                    "_id": _id,
                    "error": _error_text(
                        f"rejected by the collection's validator: {(exc.details and exc.details.get('errmsg')) or exc}"
                    ),
                }
            )
    # Documents migrated by the interrupted update_many matched nothing above; count them too.
    left = coll.count_documents({"_id": {"$in": ids}, VERSION_FIELD: source_version})
    done_before = len(ids) - migrated - left
    return BatchResult(
        size=len(ids), last_id=ids[-1], migrated=migrated + max(done_before, 0), failures=failures
    )

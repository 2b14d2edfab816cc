"""Dry-run: what ``up`` would do, computed with reads only.

Nothing is written: not the documents, not the changelog, not the lock, not even an index.

The pending revisions of a collection are chained as ``up`` would run them: one scan reads the
documents at any of their source versions, a batch at a time, and passes each batch through the
revisions in plan order, in memory. A revision sees the documents as the revisions before it would
leave them (a document a revision fails on stays at its version, as a quarantined one would).
Client-side transforms run here; a server-side revision's pipeline runs on the server as an
aggregation over the batch's in-memory documents (a ``$documents`` stage), which reads and writes
no collection. A server-side revision that no later revision of the chain follows runs its
pipeline only on its sample documents and counts the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import bson
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import OperationFailure

from leaf_dagster.connection import Document
from leaf_dagster.migrations.batches import MAX_ERROR_CHARS, transform_document
from leaf_dagster.migrations.diff import Change, diff_documents
from leaf_dagster.migrations.revision import VERSION_FIELD, Pipeline, Revision

# Documents per aggregation of a server-side pipeline: below the 16 MiB command limit.
MAX_AGGREGATE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Preview:
    _id: Any
    before: Document
    after: Document
    changes: list[Change]


@dataclass
class DryRunReport:
    revision_id: str
    collection: str
    from_version: str
    to_version: str
    would_migrate: int = 0
    would_fail: int = 0
    failures: list[Document] = field(default_factory=list)
    samples: list[Preview] = field(default_factory=list)
    mode: str = "client"


def dry_run(
    db: Database[Document],
    revisions: list[Revision],
    *,
    samples: int = 3,
    batch_size: int = 1000,
    max_failures: int = 20,
) -> list[DryRunReport]:
    """Reports for ``revisions`` (the pending plan, in order), chained per collection: a revision
    that follows another pending one on the same collection sees the documents that one would
    migrate, as it would leave them."""
    reports = {
        rev.id: DryRunReport(
            rev.id,
            rev.collection,
            rev.from_version,
            rev.to_version,
            mode="server" if rev.up is None else "client",
        )
        for rev in revisions
    }
    chains: dict[str, list[Revision]] = {}
    for rev in revisions:
        chains.setdefault(rev.collection, []).append(rev)
    for collection, chain in chains.items():
        _ChainRun(db, db[collection], chain, reports, samples, max_failures).run(batch_size)
    return [reports[rev.id] for rev in revisions]


def _version(doc: Document) -> Any:
    schema = doc.get("_schema")
    return schema.get("version") if isinstance(schema, dict) else None


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]


@dataclass
class _ChainRun:
    db: Database[Document]
    coll: Collection[Document]
    chain: list[Revision]
    reports: dict[str, DryRunReport]
    samples: int
    max_failures: int

    def run(self, batch_size: int) -> None:
        sources = sorted({rev.from_version for rev in self.chain})
        cursor = self.coll.find({VERSION_FIELD: {"$in": sources}}).sort("_id", 1).batch_size(batch_size)
        with cursor:
            batch: list[Document] = []
            for doc in cursor:
                batch.append(doc)
                if len(batch) == batch_size:
                    self._batch(batch)
                    batch = []
            if batch:
                self._batch(batch)

    def _batch(self, docs: list[Document]) -> None:
        """``docs`` through the chain, each revision on those at its source version, in place."""
        for position, rev in enumerate(self.chain):
            at = [k for k, doc in enumerate(docs) if _version(doc) == rev.from_version]
            if not at:
                continue
            if rev.up is not None:
                self._client(rev, docs, at)
            else:
                assert rev.up_pipeline is not None
                self._server(rev, rev.up_pipeline, docs, at, followed=position < len(self.chain) - 1)

    def _client(self, rev: Revision, docs: list[Document], at: list[int]) -> None:
        report = self.reports[rev.id]
        assert rev.up is not None
        for k in at:
            try:
                new = transform_document(docs[k], rev.up, rev.to_version)
            except Exception as exc:
                self._fail(report, docs[k]["_id"], _error(exc))
                continue
            self._migrated(report, docs[k], new)
            docs[k] = new

    def _server(
        self, rev: Revision, pipeline: Pipeline, docs: list[Document], at: list[int], followed: bool
    ) -> None:
        report = self.reports[rev.id]
        # Only what is shown, unless a later revision of the chain needs every migrated document.
        run = at if followed else at[: max(self.samples - len(report.samples), 0)]
        try:
            after = dict(self._aggregate([docs[k] for k in run], pipeline, rev.to_version))
        except OperationFailure as exc:
            # update_many would fail on this batch the same way: none of its documents would migrate.
            for k in at:
                self._fail(report, docs[k]["_id"], _error(exc))
            return
        for k in at:
            new = after.get(docs[k]["_id"])
            if new is None:  # not run (counted only), or the pipeline dropped it
                report.would_migrate += 1
                continue
            self._migrated(report, docs[k], new)
            docs[k] = new

    def _aggregate(
        self, docs: list[Document], pipeline: Pipeline, version: str
    ) -> Iterator[tuple[Any, Document]]:
        """The pipeline over in-memory documents: ``$documents`` of literals (a string value such as
        ``"$x"`` stays a string), then the stage that stamps the version, as the runner's update does."""
        for chunk in _chunks(docs):
            stages: list[dict[str, Any]] = [
                {"$documents": [{"doc": {"$literal": doc}} for doc in chunk]},
                {"$replaceWith": "$doc"},
                *pipeline,
                {"$set": {VERSION_FIELD: version}},
            ]
            for new in self.db.aggregate(stages):
                yield new["_id"], new

    def _migrated(self, report: DryRunReport, before: Document, after: Document) -> None:
        report.would_migrate += 1
        if len(report.samples) < self.samples:
            report.samples.append(Preview(before["_id"], before, after, diff_documents(before, after)))

    def _fail(self, report: DryRunReport, _id: Any, error: str) -> None:
        report.would_fail += 1
        if len(report.failures) < self.max_failures:
            report.failures.append({"_id": _id, "error": error})


def _chunks(docs: list[Document]) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    size = 0
    for doc in docs:
        length = len(bson.encode(doc))
        if chunk and size + length > MAX_AGGREGATE_BYTES:
            yield chunk
            chunk, size = [], 0
        chunk.append(doc)
        size += length
    if chunk:
        yield chunk

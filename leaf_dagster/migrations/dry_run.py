"""Dry-run: what ``up`` would do, computed with reads only.

Nothing is written: not the documents, not the changelog, not the lock, not even an index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.migrations.batches import select_batches, transform_document, with_version
from leaf_dagster.migrations.diff import Change, diff_documents
from leaf_dagster.migrations.revision import VERSION_FIELD, Revision


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


def dry_run_revision(
    db: Database[Document], rev: Revision, *, samples: int = 3, batch_size: int = 1000, max_failures: int = 20
) -> DryRunReport:
    coll = db[rev.collection]
    report = DryRunReport(rev.id, rev.collection, rev.from_version, rev.to_version)
    if rev.up is None:
        # Server-side: run the pipeline as an aggregation on a sample; count the rest.
        report.mode = "server"
        assert rev.up_pipeline is not None
        report.would_migrate = coll.count_documents({VERSION_FIELD: rev.from_version})
        before = list(coll.find({VERSION_FIELD: rev.from_version}).sort("_id", 1).limit(samples))
        after = {
            d["_id"]: d
            for d in coll.aggregate(
                [
                    {"$match": {"_id": {"$in": [d["_id"] for d in before]}}},
                    *rev.up_pipeline,
                    {"$set": {VERSION_FIELD: rev.to_version}},
                ]
            )
        }
        for doc in before:
            new = after.get(doc["_id"], with_version(dict(doc), rev.to_version))
            report.samples.append(Preview(doc["_id"], doc, new, diff_documents(doc, new)))
        return report
    for docs in select_batches(coll, rev.from_version, None, batch_size):
        for doc in docs:
            try:
                new = transform_document(doc, rev.up, rev.to_version)
            except Exception as exc:
                report.would_fail += 1
                if len(report.failures) < max_failures:
                    report.failures.append({"_id": doc["_id"], "error": f"{type(exc).__name__}: {exc}"})
                continue
            report.would_migrate += 1
            if len(report.samples) < samples:
                report.samples.append(Preview(doc["_id"], doc, new, diff_documents(doc, new)))
    return report


def dry_run(
    db: Database[Document], revisions: list[Revision], *, samples: int = 3, batch_size: int = 1000
) -> list[DryRunReport]:
    """Reports for ``revisions`` (the pending plan). Each sees the data as it is now: a revision that
    follows another pending one on the same collection finds the documents still at the older version."""
    return [dry_run_revision(db, rev, samples=samples, batch_size=batch_size) for rev in revisions]

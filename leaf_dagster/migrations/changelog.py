"""The ``_leaf_migrations`` changelog: one durable record per revision.

Fields: ``status`` (pending, running, applied, failed, rolled_back), ``phase``, ``checksum``,
``phases.<name>`` timings, ``counts`` (total, migrated, failed, batches), ``checkpoint`` (last ``_id``
processed, direction, whether the pass completed), ``failures`` (first ids and errors, bounded),
``last_error``, ``validation`` and ``cleanup``. Every write is journaled so it survives a crash.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pymongo import WriteConcern
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.migrations.revision import Revision

CHANGELOG_COLLECTION = "_leaf_migrations"
DURABLE = WriteConcern(j=True)


class Status(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    APPLIED = "applied"
    FAILED = "failed"
    ROLLED_BACK = "rolled_back"


def now() -> datetime:
    return datetime.now(UTC)


class Changelog:
    def __init__(self, db: Database[Document]) -> None:
        self.collection = db.get_collection(CHANGELOG_COLLECTION, write_concern=DURABLE)

    def get(self, rid: str) -> Document | None:
        return self.collection.find_one({"_id": rid})

    def all(self) -> dict[str, Document]:
        return {str(doc["_id"]): doc for doc in self.collection.find({})}

    def register(self, rev: Revision, owner: str) -> Document:
        """Create the record if missing; mark it running for ``owner``; return it."""
        moment = now()
        self.collection.update_one(
            {"_id": rev.id},
            {
                "$setOnInsert": {"createdAt": moment, "counts": {}, "failures": [], "phases": {}},
                "$set": {
                    "collection": rev.collection,
                    "from_version": rev.from_version,
                    "to_version": rev.to_version,
                    "checksum": rev.checksum,
                    "mode": "server" if rev.server_side else "client",
                    "path": str(rev.path) if rev.path else None,
                    "status": Status.RUNNING.value,
                    "owner": owner,
                    "updatedAt": moment,
                },
                "$inc": {"attempts": 1},
            },
            upsert=True,
        )
        record = self.get(rev.id)
        assert record is not None
        return record

    def update(self, rid: str, fields: dict[str, Any], unset: tuple[str, ...] = ()) -> None:
        update: dict[str, Any] = {"$set": {**fields, "updatedAt": now()}}
        if unset:
            update["$unset"] = dict.fromkeys(unset, "")
        self.collection.update_one({"_id": rid}, update)

    def start_phase(self, rid: str, phase: str) -> None:
        self.update(
            rid, {"phase": phase, f"phases.{phase}.startedAt": now()}, unset=(f"phases.{phase}.endedAt",)
        )

    def end_phase(self, rid: str, phase: str, seconds: float, extra: dict[str, Any] | None = None) -> None:
        self.update(
            rid,
            {f"phases.{phase}.endedAt": now(), f"phases.{phase}.seconds": round(seconds, 3), **(extra or {})},
        )

    def start_pass(self, rid: str, direction: str, total: int) -> None:
        """Forget the previous pass: a new scan from the first ``_id``."""
        self.update(
            rid,
            {
                "checkpoint": {"direction": direction, "last_id": None, "pass_complete": False},
                "counts": {"total": total, "migrated": 0, "failed": 0, "batches": 0},
                "failures": [],
                "last_error": None,
            },
        )

    def save_batch(
        self,
        rid: str,
        last_id: Any,
        migrated: int,
        failures: list[Document],
        max_failures: int,
        seconds: float,
    ) -> None:
        """The checkpoint after one batch, in one journaled write."""
        update: dict[str, Any] = {
            "$set": {"checkpoint.last_id": last_id, "updatedAt": now()},
            "$inc": {
                "counts.migrated": migrated,
                "counts.failed": len(failures),
                "counts.batches": 1,
                "phases.migrate.busySeconds": round(seconds, 4),
            },
        }
        if failures:
            update["$push"] = {"failures": {"$each": failures, "$slice": max_failures}}
            update["$set"]["last_error"] = f"{failures[-1]['_id']!r}: {failures[-1]['error']}"
        self.collection.update_one({"_id": rid}, update)

"""One writer per rollup target at a time, and a zombie writer's late writes never land.

Every run that writes a target (a partition, a full refresh, an incremental run) first takes the
target's lease: the migration lock's :class:`~leaf_dagster.migrations.lock.Lease` (one document in
``_leaf_locks``, taken atomically, with an expiry renewed by a heartbeat) under the key
``rollup:<target>``. A second run waits for it (``LEAF_ROLLUP_LEASE_WAIT_S``, default 600 s), then
fails naming the holder. Either way it never interleaves with the first.

A lease alone does not stop a *zombie*: a run whose lease expired (its process was paused, or cut
off from the server) and that resumes writing after a retry took over. So every run also draws a
**fencing epoch** from a per-target counter in ``_leaf_fences`` (``$inc``, strictly increasing),
stores it in each document it writes (``<metadata_field>.fence``), and every write is conditioned
on it:

- the ``$merge`` replaces a matched document only if the stored epoch is not newer than its own;
- the clean-up deletes (or unsets) only documents of *older* epochs;
- the watermark of an incremental rollup moves only for an epoch not older than the stored one.

A zombie can therefore neither overwrite nor delete a newer run's documents, nor move the
watermark back. What it may still insert (keys the newer run no longer produces) it deletes again
when its commit step finds the lease gone, and the run fails with :class:`RollupLeaseLost`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from types import TracebackType

from pymongo import ReturnDocument, WriteConcern
from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.migrations.errors import LeaseLost, LockHeld
from leaf_dagster.migrations.lock import Lease

FENCES_COLLECTION = "_leaf_fences"
DURABLE = WriteConcern(w=1, j=True)
ENV_TTL = "LEAF_ROLLUP_LEASE_TTL_S"
ENV_WAIT = "LEAF_ROLLUP_LEASE_WAIT_S"


class RollupBusy(RuntimeError):
    """Another run holds the target's lease and did not finish within the wait."""


class RollupLeaseLost(RuntimeError):
    """This run's lease expired and a newer run took the target; its writes were withdrawn."""


@dataclass(frozen=True)
class LeaseSettings:
    """``ttl_s``: how long a lease lives without a heartbeat (renewed every ttl/3);
    ``wait_s``: how long a second run waits for the holder before failing."""

    ttl_s: float = 60.0
    wait_s: float = 600.0
    poll_s: float = 0.25

    @classmethod
    def from_env(cls) -> LeaseSettings:
        def number(name: str, default: float) -> float:
            raw = os.environ.get(name)
            try:
                return float(raw) if raw else default
            except ValueError:
                return default

        return cls(ttl_s=number(ENV_TTL, cls.ttl_s), wait_s=number(ENV_WAIT, cls.wait_s))


def lease_key(target: str) -> str:
    return f"rollup:{target}"


def stale_than(field_name: str, epoch: int) -> Document:
    """A query: documents written by an older epoch (or before epochs existed)."""
    return {field_name: {"$not": {"$gte": epoch}}}


def newer_fence(metadata_field: str) -> Document:
    """An aggregation expression for ``$merge``'s ``whenMatched``: true when the matched document
    was written by a newer run than ``$$new``'s, which must then leave it alone."""
    return {"$gt": [{"$ifNull": [f"${metadata_field}.fence", 0]}, f"$$new.{metadata_field}.fence"]}


class TargetLease:
    """The lease on one target plus this run's fencing epoch. Use as a context manager."""

    def __init__(
        self, db: Database[Document], target: str, *, purpose: str, settings: LeaseSettings | None = None
    ) -> None:
        self.settings = settings or LeaseSettings.from_env()
        self.db = db
        self.key = lease_key(target)
        self.target = target
        self.lease = Lease(
            db,
            self.key,
            ttl_s=self.settings.ttl_s,
            wait_s=self.settings.wait_s,
            poll_s=self.settings.poll_s,
            purpose=purpose,
        )
        self.epoch = 0

    def __enter__(self) -> TargetLease:
        try:
            self.lease.acquire()
        except LockHeld as exc:
            raise RollupBusy(
                f"target {self.target} is being written by another run: {exc}. "
                f"Waited {self.settings.wait_s:g}s ({ENV_WAIT}); a limit on the rollups' Dagster concurrency "
                "pool (concurrency: pools: default_limit) queues such runs instead"
            ) from exc
        try:
            counter = self.db.get_collection(FENCES_COLLECTION, write_concern=DURABLE).find_one_and_update(
                {"_id": self.key},
                {"$inc": {"epoch": 1}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
            assert counter is not None  # upsert with ReturnDocument.AFTER
            self.epoch = int(counter["epoch"])
            # A lease that expired before the $inc may already belong to a newer run that drew a
            # smaller epoch: only an epoch drawn while still holding the lease is valid.
            self.verify()
        except BaseException:
            self.lease.release()
            raise
        return self

    def verify(self) -> None:
        """Raise :class:`RollupLeaseLost` unless the lease document still carries our token."""
        try:
            self.lease.check()
        except LeaseLost as exc:
            raise self.lost_error() from exc
        held = self.lease.collection.find_one({"_id": self.key, "token": self.lease.token}, {"_id": 1})
        if held is None:
            raise self.lost_error()

    def lost_error(self) -> RollupLeaseLost:
        return RollupLeaseLost(
            f"lost the lease on target {self.target} (fencing epoch {self.epoch}): it expired and a "
            "newer run took over; this run's writes were withdrawn. Rerun if the newer run failed"
        )

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.lease.release()


def read_epoch(db: Database[Document], target: str) -> int:
    doc = db[FENCES_COLLECTION].find_one({"_id": lease_key(target)})
    return int(doc["epoch"]) if doc else 0

"""An atomic lease in ``_leaf_locks`` so that one runner at a time migrates a collection.

The lease is one document per key, taken with a single ``find_one_and_update`` that matches only an
expired lease (or one this process abandoned) and upserts otherwise: when a live lease exists the upsert
collides on ``_id`` and fails atomically. A heartbeat thread renews it; a runner checks :meth:`Lease.check`
before every batch and stops if the lease was lost. A lease whose owner process on this host is dead is
taken over at once instead of waiting for it to expire.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

from pymongo import ReturnDocument, WriteConcern
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError, PyMongoError

from leaf_dagster.connection import Document
from leaf_dagster.migrations.errors import LeaseLost, LockHeld

LOCKS_COLLECTION = "_leaf_locks"
DURABLE = WriteConcern(j=True)

# Tokens of leases this process gave up without managing to delete them (server unreachable at the
# time). The same process may take them back at once: they are certainly not in use.
_abandoned: set[str] = set()
_abandoned_lock = threading.Lock()


def _now() -> datetime:
    return datetime.now(UTC)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Lease:
    """A held (or to-be-held) lease on ``key``. Use as a context manager, or acquire/release."""

    def __init__(
        self,
        db: Database[Document],
        key: str,
        *,
        ttl_s: float = 60.0,
        wait_s: float = 0.0,
        purpose: str = "",
        poll_s: float = 0.5,
    ) -> None:
        self.collection = db.get_collection(LOCKS_COLLECTION, write_concern=DURABLE)
        self.key = key
        self.ttl_s = ttl_s
        self.wait_s = wait_s
        self.purpose = purpose
        self.poll_s = poll_s
        self.token = uuid.uuid4().hex
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.owner = f"{self.host}:{self.pid}"
        self._lost = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.held = False

    def _fields(self, now: datetime) -> dict[str, Any]:
        return {
            "token": self.token,
            "owner": self.owner,
            "host": self.host,
            "pid": self.pid,
            "purpose": self.purpose,
            "heartbeatAt": now,
            "expiresAt": now + timedelta(seconds=self.ttl_s),
        }

    def _try_acquire(self) -> Document | None:
        """None when acquired, else the lease document that blocks us."""
        now = _now()
        with _abandoned_lock:
            abandoned = list(_abandoned)
        try:
            self.collection.find_one_and_update(
                {"_id": self.key, "$or": [{"expiresAt": {"$lt": now}}, {"token": {"$in": abandoned}}]},
                {"$set": {**self._fields(now), "acquiredAt": now}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
            return None
        except DuplicateKeyError:
            pass
        holder = self.collection.find_one({"_id": self.key})
        if holder is None:
            return self._try_acquire()
        if holder.get("host") == self.host and holder.get("pid") != self.pid:
            pid = holder.get("pid")
            if isinstance(pid, int) and not _pid_alive(pid):
                taken = self.collection.find_one_and_update(
                    {"_id": self.key, "token": holder.get("token")},
                    {"$set": {**self._fields(now), "acquiredAt": now, "tookOverFrom": holder.get("owner")}},
                )
                if taken is not None:
                    return None
                return self.collection.find_one({"_id": self.key}) or holder
        return holder

    def acquire(self) -> Lease:
        deadline = time.monotonic() + self.wait_s
        while True:
            holder = self._try_acquire()
            if holder is None:
                break
            if time.monotonic() >= deadline:
                expires = holder.get("expiresAt")
                raise LockHeld(
                    f"{self.key} is locked by {holder.get('owner')} ({holder.get('purpose') or 'migration'}) "
                    f"until {expires:%Y-%m-%d %H:%M:%S} UTC unless renewed; another runner is at work. "
                    "Wait for it, or let the lease expire if that runner died"
                    if isinstance(expires, datetime)
                    else f"{self.key} is locked by {holder.get('owner')}"
                )
            time.sleep(self.poll_s)
        self.held = True
        self._lost.clear()
        self._stop.clear()
        self._thread = threading.Thread(target=self._heartbeat, name=f"lease-{self.key}", daemon=True)
        self._thread.start()
        return self

    def _heartbeat(self) -> None:
        interval = max(self.ttl_s / 3.0, 0.05)
        while not self._stop.wait(interval):
            try:
                result = self.collection.update_one(
                    {"_id": self.key, "token": self.token},
                    {"$set": {"heartbeatAt": _now(), "expiresAt": _now() + timedelta(seconds=self.ttl_s)}},
                )
            except PyMongoError:
                continue  # unreachable server: try again; the runner's own writes fail meanwhile
            if result.matched_count == 0:
                self._lost.set()
                return

    def check(self) -> None:
        """Raise :class:`LeaseLost` if the heartbeat found the lease taken by someone else."""
        if self._lost.is_set():
            raise LeaseLost(
                f"lost the lease on {self.key}: it expired and another runner took it; stopped before the "
                "next batch (the checkpoint is saved, a rerun resumes)"
            )

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if not self.held:
            return
        self.held = False
        try:
            self.collection.delete_one({"_id": self.key, "token": self.token})
        except PyMongoError:
            with _abandoned_lock:
                _abandoned.add(self.token)

    def __enter__(self) -> Lease:
        return self.acquire()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        with contextlib.suppress(Exception):
            self.release()


def read_locks(db: Database[Document]) -> list[Document]:
    return list(db[LOCKS_COLLECTION].find({}))

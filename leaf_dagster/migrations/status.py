"""The seed's ``MIGRATION_STATUS``: per migration its state, phase, progress, rate, ETA and last
error, plus each collection's version distribution and the leases held."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pymongo.database import Database

from leaf_dagster.connection import Document
from leaf_dagster.migrations.changelog import Changelog, Status
from leaf_dagster.migrations.lock import read_locks
from leaf_dagster.migrations.revisions import Revisions
from leaf_dagster.migrations.validation import version_distribution


@dataclass(frozen=True)
class MigrationState:
    id: str
    collection: str
    from_version: str
    to_version: str
    status: str
    phase: str | None = None
    total: int = 0
    migrated: int = 0
    failed: int = 0
    rate: float | None = None
    eta_s: float | None = None
    last_error: str | None = None
    checksum_changed: bool = False
    file_missing: bool = False
    applied_at: datetime | None = None
    cleanup: str | None = None
    # Running by its record, but no runner holds a live lease on it: the runner died (or lost the
    # server) mid-run. A rerun resumes from the checkpoint.
    stalled: bool = False
    lease_expired_at: datetime | None = None

    @property
    def progress(self) -> float:
        if self.status == Status.APPLIED:
            return 1.0
        return (self.migrated + self.failed) / self.total if self.total else 0.0


@dataclass
class StatusReport:
    migrations: list[MigrationState]
    versions: dict[str, dict[str, int]]
    locks: list[Document] = field(default_factory=list)

    def get(self, rid: str) -> MigrationState:
        return next(m for m in self.migrations if m.id == rid)


def _aware(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _live_lease(
    rid: str, collection: str, locks: list[Document], at: datetime
) -> tuple[bool, datetime | None]:
    """Whether a runner holds an unexpired lease on ``rid`` (a lease's key names the collection, its
    purpose the revision), and when the last such lease expires(d)."""
    leases = [
        lock for lock in locks if lock.get("_id") == f"migrate:{collection}" and lock.get("purpose") == rid
    ]
    expiries = [e for lock in leases if (e := _aware(lock.get("expiresAt"))) is not None]
    latest = max(expiries, default=None)
    return latest is not None and latest > at, latest


def _state(
    rid: str,
    where: tuple[str, str, str],
    record: Document | None,
    checksum: str | None,
    locks: list[Document] | None = None,
) -> MigrationState:
    if record is None:
        return MigrationState(rid, *where, status=Status.PENDING.value)
    counts = record.get("counts") or {}
    total, migrated, failed = (int(counts.get(k, 0)) for k in ("total", "migrated", "failed"))
    rate = eta = None
    migrate_phase = (record.get("phases") or {}).get("migrate") or {}
    busy = float(migrate_phase.get("busySeconds") or 0)
    started, updated = _aware(migrate_phase.get("startedAt")), _aware(record.get("updatedAt"))
    if started and updated and updated > started and migrated:
        rate = migrated / max((updated - started).total_seconds(), busy, 1e-6)
    elif busy and migrated:
        rate = migrated / busy
    status = str(record.get("status"))
    stalled, expired_at = False, None
    if status == Status.RUNNING:
        live, expired_at = _live_lease(rid, where[0], locks or [], datetime.now(UTC))
        stalled = not live
    if rate and status == Status.RUNNING and not stalled:
        eta = max(total - migrated - failed, 0) / rate
    return MigrationState(
        rid,
        *where,
        status=status,
        phase=record.get("phase"),
        total=total,
        migrated=migrated,
        failed=failed,
        rate=rate,
        eta_s=eta,
        last_error=record.get("last_error"),
        checksum_changed=checksum is not None and record.get("checksum") != checksum,
        file_missing=checksum is None,
        applied_at=_aware(record.get("appliedAt")),
        cleanup=(record.get("cleanup") or {}).get("state"),
        stalled=stalled,
        lease_expired_at=expired_at if stalled else None,
    )


def migration_status(db: Database[Document], revisions: Revisions) -> StatusReport:
    records = Changelog(db).all()
    locks = read_locks(db)
    states: list[MigrationState] = []
    collections: list[str] = []
    for rev in revisions:
        where = (rev.collection, rev.from_version, rev.to_version)
        states.append(_state(rev.id, where, records.pop(rev.id, None), rev.checksum, locks))
        if rev.collection not in collections:
            collections.append(rev.collection)
    for rid, record in sorted(records.items()):  # in the changelog, no longer in the folder
        where = (
            str(record.get("collection")),
            str(record.get("from_version")),
            str(record.get("to_version")),
        )
        states.append(_state(rid, where, record, None, locks))
    return StatusReport(
        migrations=states,
        versions={c: version_distribution(db[c]) for c in collections},
        locks=locks,
    )

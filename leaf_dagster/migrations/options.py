"""Run options (the seed's ``EXECUTE MIGRATION … WITH OPTIONS``) and the values a run reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pymongo.collection import Collection

from leaf_dagster.connection import Document
from leaf_dagster.migrations.revision import Revision


@dataclass(frozen=True)
class ValidatorResult:
    ok: bool
    summary: str
    details: dict[str, Any] = field(default_factory=dict)


# The validate phase's extra check, e.g. the target schema's quality suite.
Validator = Callable[[Collection[Document], Revision], ValidatorResult]


@dataclass(frozen=True)
class MigrationOptions:
    batch_size: int = 1000
    batch_delay_ms: int = 0
    # Documents allowed to stay behind because their transform raised: a fraction of the documents
    # to migrate when below 1 (0.01 = 1%), else a count. 0 = any failure fails validation.
    quarantine_threshold: float = 0.0
    # Remove ``deprecated_fields`` right after validation; otherwise leave them for a later
    # ``cleanup`` run (they are what makes ``down`` exact).
    cleanup_now: bool = False
    lease_ttl_s: float = 60.0
    # 0 = a second runner fails fast with LockHeld; otherwise it waits this long for the lease.
    wait_for_lock_s: float = 0.0
    validator: Validator | None = None
    max_recorded_failures: int = 100
    # Journal every batch of documents (j=True), so that none is lost if the server crashes. False
    # uses the database's default write concern, e.g. where w="majority" already journals (replica
    # sets); a batch lost then is found at the old version by validation and migrated by the next run.
    # The changelog, checkpoint and lease are always journaled.
    durable_writes: bool = True

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if self.batch_delay_ms < 0 or self.quarantine_threshold < 0 or self.lease_ttl_s <= 0:
            raise ValueError("batch_delay_ms and quarantine_threshold must be >= 0, lease_ttl_s > 0")

    def allowed_failures(self, total: int) -> int:
        if self.quarantine_threshold >= 1:
            return int(self.quarantine_threshold)
        return int(self.quarantine_threshold * total)


@dataclass(frozen=True)
class BatchProgress:
    revision_id: str
    direction: str
    batch: int
    batch_size: int
    migrated: int
    failed: int
    total: int
    elapsed_s: float
    migrated_this_run: int

    @property
    def remaining(self) -> int:
        return max(self.total - self.migrated - self.failed, 0)

    @property
    def rate(self) -> float:
        """Documents per second in this run."""
        return self.migrated_this_run / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        return self.remaining / self.rate if self.rate > 0 else None


ProgressCallback = Callable[[BatchProgress], None]


@dataclass(frozen=True)
class ValidationReport:
    ok: bool
    revision_id: str
    to_version: str
    left_behind: int
    failed: int
    allowed: int
    failures: list[Document]
    versions: dict[str, int]
    validator: ValidatorResult | None
    message: str

    def as_document(self) -> Document:
        return {
            "ok": self.ok,
            "left_behind": self.left_behind,
            "failed": self.failed,
            "allowed": self.allowed,
            "versions": self.versions,
            "validator": None
            if self.validator is None
            else {"ok": self.validator.ok, "summary": self.validator.summary},
            "message": self.message,
        }


@dataclass(frozen=True)
class MigrationResult:
    revision_id: str
    direction: str
    status: str
    migrated: int = 0
    failed: int = 0
    seconds: float = 0.0
    skipped: bool = False
    validation: ValidationReport | None = None
    message: str = ""

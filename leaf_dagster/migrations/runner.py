"""The migration runner: prepare → migrate → validate → cleanup, under a lease, resumable.

Each phase is a method of its own (the Dagster ops call them one by one) and :meth:`apply` runs all
four under one lease. The migrate phase resumes from the changelog's checkpoint unless the previous
pass completed, in which case a new pass starts (re-trying documents left behind).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pymongo import ASCENDING, WriteConcern
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import OperationFailure

from leaf_dagster.connection import AUTH_CODES, Document, is_transient
from leaf_dagster.migrations.batches import run_client_batch, run_server_batch, select_batches
from leaf_dagster.migrations.changelog import Changelog, Status, now
from leaf_dagster.migrations.errors import (
    ChecksumMismatch,
    IrreversibleMigration,
    MigrationError,
    MigrationValidationError,
    RevisionError,
)
from leaf_dagster.migrations.lock import Lease
from leaf_dagster.migrations.options import (
    BatchProgress,
    MigrationOptions,
    MigrationResult,
    ProgressCallback,
    ValidationReport,
)
from leaf_dagster.migrations.revision import VERSION_FIELD, Revision
from leaf_dagster.migrations.revisions import Revisions
from leaf_dagster.migrations.validation import validate_revision

DURABLE = WriteConcern(j=True)
UP, DOWN = "up", "down"
DUPLICATE_KEY = 11000


@dataclass
class _PassState:
    direction: str
    source: str
    target: str
    after: Any = None  # the checkpoint: last _id processed
    total: int = 0
    migrated: int = 0
    failed: int = 0
    batches: int = 0


def _ensure_index(coll: Collection[Document], keys: list[tuple[str, Any]], name: str | None = None) -> None:
    """Create the index unless one on the same keys exists (under any name: the server refuses a
    second index on the same keys, e.g. the ``{_schema.version: 1, _id: 1}`` a loader created)."""
    for index in coll.list_indexes():
        if list(index["key"].items()) == list(keys):
            return
    if name:
        coll.create_index(keys, name=name)
    else:
        coll.create_index(keys)


class MigrationRunner:
    def __init__(
        self, db: Database[Document], revisions: Revisions, options: MigrationOptions | None = None
    ) -> None:
        self.db = db
        self.revisions = revisions
        self.options = options or MigrationOptions()
        self.changelog = Changelog(db)

    # -- planning -----------------------------------------------------------------------------

    def check_checksums(self, revs: list[Revision] | None = None) -> None:
        records = self.changelog.all()
        for rev in revs if revs is not None else list(self.revisions):
            record = records.get(rev.id)
            if record and record.get("status") == Status.APPLIED and record.get("checksum") != rev.checksum:
                raise ChecksumMismatch(
                    f"migration {rev.id} was applied with checksum {str(record.get('checksum'))[:12]}… but "
                    f"{rev.path} now has {rev.checksum[:12]}…: an applied migration must not change, since "
                    "its documents were written by the old code. Restore the file and write a new revision, "
                    f"or roll it back first (leaf-dagster migrate down {rev.id}) and re-apply"
                )

    def plan(self, target: str | None = None) -> list[Revision]:
        """Pending revisions up to ``target``, in dependency order. Refuses changed applied files."""
        revs = self.revisions.up_to(target)
        self.check_checksums(revs)
        records = self.changelog.all()
        return [r for r in revs if (records.get(r.id) or {}).get("status") != Status.APPLIED]

    def is_applied(self, rid: str) -> bool:
        return (self.changelog.get(rid) or {}).get("status") == Status.APPLIED

    # -- whole migrations -----------------------------------------------------------------------

    def up(
        self, target: str | None = None, on_batch: ProgressCallback | None = None
    ) -> list[MigrationResult]:
        return [self.apply(rev.id, on_batch) for rev in self.plan(target)]

    def apply(self, rid: str, on_batch: ProgressCallback | None = None) -> MigrationResult:
        rev = self.revisions.get(rid)
        started = time.monotonic()
        with self.lease(rev) as lease:
            if not self._prepare(rev, lease.owner):
                return MigrationResult(rid, UP, Status.APPLIED.value, skipped=True, message="already applied")
            migrated, failed = self._pass(rev, lease, UP, on_batch)
            report = self._validate(rev)
            self._cleanup(rev, force=False)
        return MigrationResult(
            rid,
            UP,
            Status.APPLIED.value,
            migrated,
            failed,
            time.monotonic() - started,
            validation=report,
            message=report.message,
        )

    def down(self, rid: str, on_batch: ProgressCallback | None = None) -> MigrationResult:
        rev = self.revisions.get(rid)
        record = self.changelog.get(rid)
        if record is None or record.get("status") in (None, Status.PENDING, Status.ROLLED_BACK):
            raise MigrationError(f"migration {rid} is not applied: nothing to roll back")
        self.check_checksums([rev])
        if not rev.reversible:
            raise IrreversibleMigration(f"migration {rid} defines no down(doc) or down_pipeline")
        applied_after = [d.id for d in self.revisions.dependents(rid) if self.is_applied(d.id)]
        if applied_after:
            raise MigrationError(f"roll back {', '.join(applied_after)} first: they depend on {rid}")
        if (record.get("cleanup") or {}).get("state") == "done":
            raise IrreversibleMigration(
                f"migration {rid} cannot be rolled back exactly: its cleanup removed "
                f"{', '.join(rev.deprecated_fields)}, which down needs"
            )
        started = time.monotonic()
        with self.lease(rev) as lease:
            self.changelog.update(rid, {"status": Status.RUNNING.value, "owner": lease.owner})
            migrated, failed = self._pass(rev, lease, DOWN, on_batch)
            if failed:
                self.changelog.update(rid, {"status": Status.FAILED.value, "phase": DOWN})
                failures = (self.changelog.get(rid) or {}).get("failures") or [{}]
                raise MigrationError(
                    f"rollback of {rid} incomplete: {failed} document(s) quarantined at {rev.to_version} "
                    f"(first {failures[0].get('_id')!r}: {failures[0].get('error')}), {migrated} restored to "
                    f"{rev.from_version}; fix them, or relax the collection's validator (schema apply "
                    "--validation-level moderate), and run migrate down again: it resumes"
                )
            self.changelog.update(
                rid, {"status": Status.ROLLED_BACK.value, "phase": None, "rolledBackAt": now()}
            )
        return MigrationResult(
            rid, DOWN, Status.ROLLED_BACK.value, migrated, failed, time.monotonic() - started
        )

    # -- phases, one lease each (what the Dagster ops call) --------------------------------------

    def lease(self, rev: Revision) -> Lease:
        return Lease(
            self.db,
            f"migrate:{rev.collection}",
            ttl_s=self.options.lease_ttl_s,
            wait_s=self.options.wait_for_lock_s,
            purpose=rev.id,
        )

    def prepare(self, rid: str) -> bool:
        """False when the migration is already applied (the later phases then do nothing)."""
        rev = self.revisions.get(rid)
        with self.lease(rev) as lease:
            return self._prepare(rev, lease.owner)

    def migrate(self, rid: str, on_batch: ProgressCallback | None = None) -> tuple[int, int]:
        rev = self.revisions.get(rid)
        if self.is_applied(rid):
            return 0, 0
        with self.lease(rev) as lease:
            return self._pass(rev, lease, UP, on_batch)

    def validate(self, rid: str) -> ValidationReport | None:
        rev = self.revisions.get(rid)
        if self.is_applied(rid):
            return None
        with self.lease(rev):
            return self._validate(rev)

    def cleanup(self, rid: str, force: bool = False) -> int:
        """Remove the revision's deprecated fields (now if ``force`` or ``cleanup_now``); returns count."""
        rev = self.revisions.get(rid)
        with self.lease(rev):
            return self._cleanup(rev, force=force)

    # -- phase bodies --------------------------------------------------------------------------

    def _coll(self, rev: Revision) -> Collection[Document]:
        return self.db.get_collection(rev.collection, write_concern=DURABLE)

    @contextmanager
    def _phase(self, rid: str, phase: str) -> Iterator[None]:
        self.changelog.start_phase(rid, phase)
        started = time.monotonic()
        yield
        self.changelog.end_phase(rid, phase, time.monotonic() - started)

    def _prepare(self, rev: Revision, owner: str) -> bool:
        record = self.changelog.get(rev.id)
        if record and record.get("status") == Status.APPLIED:
            self.check_checksums([rev])
            return False
        missing = [d for d in self.revisions.dependencies(rev.id) if not self.is_applied(d)]
        if missing:
            raise MigrationError(f"migration {rev.id} needs {', '.join(missing)} applied first")
        self.changelog.register(rev, owner)
        with self._phase(rev.id, "prepare"):
            coll = self._coll(rev)
            _ensure_index(
                coll, [(VERSION_FIELD, ASCENDING), ("_id", ASCENDING)], name="leaf_schema_version_id"
            )
            for spec in rev.indexes:
                _ensure_index(coll, list(spec))
        return True

    def _pass(
        self, rev: Revision, lease: Lease, direction: str, on_batch: ProgressCallback | None
    ) -> tuple[int, int]:
        """One resumable scan migrating every document at the source version; (migrated, failed)."""
        state = self._resume_or_start(rev, direction)
        self.changelog.update(rev.id, {"status": Status.RUNNING.value})
        try:
            with self._phase(rev.id, "migrate" if direction == UP else "down"):
                self._run_batches(rev, lease, state, on_batch)
                self.changelog.update(rev.id, {"checkpoint.pass_complete": True})
        except Exception as exc:
            # Best effort: with the server gone this write fails too, and the record stays "running".
            with contextlib.suppress(Exception):
                self.changelog.update(
                    rev.id,
                    {"status": Status.FAILED.value, "last_error": f"{type(exc).__name__}: {exc}"[:500]},
                )
            raise
        return state.migrated, state.failed

    def _resume_or_start(self, rev: Revision, direction: str) -> _PassState:
        """The checkpointed pass in this direction if it did not complete, else a new pass."""
        source, target = (
            (rev.from_version, rev.to_version) if direction == UP else (rev.to_version, rev.from_version)
        )
        record = self.changelog.get(rev.id) or {}
        checkpoint = record.get("checkpoint") or {}
        if checkpoint.get("direction") == direction and not checkpoint.get("pass_complete", True):
            counts = record.get("counts") or {}
            return _PassState(
                direction,
                source,
                target,
                after=checkpoint.get("last_id"),
                total=int(counts.get("total", 0)),
                migrated=int(counts.get("migrated", 0)),
                failed=int(counts.get("failed", 0)),
                batches=int(counts.get("batches", 0)),
            )
        total = self._coll(rev).count_documents({VERSION_FIELD: source})
        self.changelog.start_pass(rev.id, direction, total)
        return _PassState(direction, source, target, total=total)

    def _run_batches(
        self, rev: Revision, lease: Lease, state: _PassState, on_batch: ProgressCallback | None
    ) -> None:
        up = state.direction == UP
        transform, pipeline = (rev.up, rev.up_pipeline) if up else (rev.down, rev.down_pipeline)
        if transform is None and pipeline is None:
            raise IrreversibleMigration(f"migration {rev.id} has no {state.direction} transform")
        coll = self._coll(rev)
        size = self.options.batch_size
        concern = DURABLE if self.options.durable_writes else self.db.write_concern
        started, this_run = time.monotonic(), 0
        for docs in select_batches(coll, state.source, state.after, size, ids_only=transform is None):
            lease.check()
            t0 = time.monotonic()
            if transform is not None:
                result = run_client_batch(coll, docs, transform, state.source, state.target, concern)
            else:
                assert pipeline is not None
                try:
                    result = run_server_batch(coll, docs, pipeline, state.source, state.target, concern)
                except OperationFailure as exc:
                    if is_transient(exc) or exc.code in AUTH_CODES or exc.code == DUPLICATE_KEY:
                        raise
                    # Not a document's fault (validator rejections are quarantined by the batch): the
                    # server refuses the pipeline itself, a bogus operator say.
                    reason = (exc.details or {}).get("errmsg") or str(exc)
                    raise RevisionError(
                        f"migration {rev.id}: the server rejects its {state.direction} pipeline: {reason}"
                    ) from None
            self.changelog.save_batch(
                rev.id,
                result.last_id,
                result.migrated,
                result.failures,
                self.options.max_recorded_failures,
                time.monotonic() - t0,
            )
            state.batches += 1
            state.migrated += result.migrated
            state.failed += len(result.failures)
            this_run += result.migrated
            if on_batch is not None:
                on_batch(
                    BatchProgress(
                        rev.id,
                        state.direction,
                        state.batches,
                        result.size,
                        state.migrated,
                        state.failed,
                        state.total,
                        time.monotonic() - started,
                        this_run,
                    )
                )
            if self.options.batch_delay_ms and result.size == size:
                time.sleep(self.options.batch_delay_ms / 1000.0)

    def _validate(self, rev: Revision) -> ValidationReport:
        with self._phase(rev.id, "validate"):
            record = self.changelog.get(rev.id) or {}
            report = validate_revision(self._coll(rev), rev, record, self.options)
        if not report.ok:
            self.changelog.update(
                rev.id,
                {
                    "status": Status.FAILED.value,
                    "validation": report.as_document(),
                    "last_error": report.message,
                },
            )
            raise MigrationValidationError(f"migration {rev.id} failed validation: {report.message}")
        self.changelog.update(
            rev.id,
            {
                "status": Status.APPLIED.value,
                "validation": report.as_document(),
                "appliedAt": now(),
                "phase": None,
            },
        )
        return report

    def _cleanup(self, rev: Revision, force: bool) -> int:
        if not rev.deprecated_fields:
            return 0
        if ((self.changelog.get(rev.id) or {}).get("cleanup") or {}).get("state") == "done":
            return 0
        if not (force or self.options.cleanup_now):
            self.changelog.update(
                rev.id, {"cleanup": {"state": "scheduled", "fields": list(rev.deprecated_fields)}}
            )
            return 0
        with self._phase(rev.id, "cleanup"):
            result = self._coll(rev).update_many(
                {"$or": [{f: {"$exists": True}} for f in rev.deprecated_fields]},
                {"$unset": dict.fromkeys(rev.deprecated_fields, "")},
            )
        self.changelog.update(
            rev.id,
            {"cleanup": {"state": "done", "at": now(), "documents": result.modified_count}, "phase": None},
        )
        return result.modified_count

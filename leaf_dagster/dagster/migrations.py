"""Migrations as Dagster jobs: per revision, ops prepare → migrate → validate → cleanup.

Every op retries transient failures (lost connection, timeouts, lock contention) with
``TRANSIENT_RETRY_POLICY`` and fails at once on logic errors. A retried or re-launched migrate op
resumes from the changelog's checkpoint. ``pending_migrations`` runs every revision in dependency
order (applied ones are no-ops) and a schedule runs it nightly.
"""

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg

from leaf_dagster.dagster.resources import MongoResource
from leaf_dagster.dagster.retries import TRANSIENT_RETRY_POLICY, fail_fast_unless_transient
from leaf_dagster.migrations import (
    BatchProgress,
    LockError,
    MigrationOptions,
    MigrationRunner,
    Revision,
    Revisions,
    version_distribution,
)

PENDING_JOB = "pending_migrations"
AssetKeyFor = Callable[[str], dg.AssetKey]


def collection_asset_key(collection: str) -> dg.AssetKey:
    return dg.AssetKey([collection])


def op_prefix(rid: str) -> str:
    """The prefix of the op names of revision ``rid`` (``<prefix>__prepare``, ``__migrate``, …)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", rid)


def migration_job_name(rid: str) -> str:
    """The job of revision ``rid``: named after the revision, ``migrate_<id>`` unless the id already
    says so (``migrate_users_v2_to_v3``, ``migration_20240815_v2`` keep their names)."""
    name = op_prefix(rid)
    return name if name.startswith(("migrate_", "migration_")) else f"migrate_{name}"


@contextmanager
def _op_errors(what: str, metadata: Mapping[str, Any] | None = None) -> Iterator[None]:
    """Logic errors fail at once; transient errors and lock contention go to the RetryPolicy."""
    try:
        with fail_fast_unless_transient(what, metadata):
            yield
    except dg.Failure as failure:
        if isinstance(failure.__cause__, LockError):
            raise failure.__cause__ from None
        raise


@dataclass(frozen=True)
class _MigrationOps:
    """The four ops of one revision."""

    prepare: dg.OpDefinition
    migrate: dg.OpDefinition
    validate: dg.OpDefinition
    cleanup: dg.OpDefinition

    def chain(self, after: list[Any] | None = None) -> Any:
        prepared = self.prepare(after=after) if after else self.prepare()
        return self.cleanup(after=self.validate(after=self.migrate(after=prepared)))


def _migration_ops(
    path: Path, rev: Revision, options: MigrationOptions, asset_key: AssetKeyFor
) -> _MigrationOps:
    name = op_prefix(rev.id)
    key = asset_key(rev.collection)
    versions = f"{rev.collection} {rev.from_version} → {rev.to_version}"
    common: dict[str, Any] = {
        "ins": {"after": dg.In(dg.Nothing)},
        "out": dg.Out(dg.Nothing),
        "retry_policy": TRANSIENT_RETRY_POLICY,
        "tags": {"leaf/migration": rev.id, "leaf/collection": rev.collection},
    }

    def runner(mongo: MongoResource) -> MigrationRunner:
        # Loaded at run time: the checksum checked is the file's current one.
        return MigrationRunner(mongo.get_database(), Revisions.load(path), options)

    def meta(mongo: MongoResource) -> dict[str, Any]:
        return {"migration": rev.id, "collection": rev.collection, "uri": mongo.redacted_uri}

    @dg.op(name=f"{name}__prepare", description=f"Indexes and changelog: {versions}", **common)
    def prepare(context: dg.OpExecutionContext, mongo: MongoResource) -> None:
        with _op_errors(f"prepare {rev.id}", meta(mongo)):
            fresh = runner(mongo).prepare(rev.id)
        context.log.info(f"{rev.id}: {'prepared' if fresh else 'already applied, nothing to do'}")

    @dg.op(name=f"{name}__migrate", description=f"Batches, resumable: {versions}", **common)
    def migrate(context: dg.OpExecutionContext, mongo: MongoResource) -> None:
        last: list[BatchProgress] = []

        def on_batch(p: BatchProgress) -> None:
            last[:] = [p]
            context.log.info(
                f"{p.revision_id}: batch {p.batch}: {p.migrated}/{p.total} migrated, {p.failed} failed, "
                f"{p.remaining} remaining, {p.rate:.0f} docs/s"
            )

        with _op_errors(f"migrate {rev.id}", meta(mongo)):
            run = runner(mongo)
            already = run.is_applied(rev.id)
            run.migrate(rev.id, on_batch)
            record = run.changelog.get(rev.id) or {}
        # An applied revision does nothing: its record's counts are those of the run that applied it.
        counts = {} if already else record.get("counts") or {}
        metadata: dict[str, Any] = {
            k: int(counts.get(k, 0)) for k in ("migrated", "failed", "total", "batches")
        }
        metadata["already_applied"] = already
        if last:
            metadata.update({"rate_docs_per_s": round(last[0].rate, 1), "remaining": last[0].remaining})
        context.add_output_metadata(metadata)

    @dg.op(name=f"{name}__validate", description=f"Version counts and validator: {versions}", **common)
    def validate(context: dg.OpExecutionContext, mongo: MongoResource) -> None:
        with _op_errors(f"validate {rev.id}", meta(mongo)):
            report = runner(mongo).validate(rev.id)
        if report is None:
            context.log.info(f"{rev.id}: already applied")
            return
        context.log.info(f"{rev.id}: {report.message}")
        context.add_output_metadata(
            {"left_behind": report.left_behind, "quarantined": report.failed, "versions": report.versions}
        )

    @dg.op(name=f"{name}__cleanup", description=f"Deprecated fields: {versions}", **common)
    def cleanup(context: dg.OpExecutionContext, mongo: MongoResource) -> None:
        with _op_errors(f"cleanup {rev.id}", meta(mongo)):
            run = runner(mongo)
            removed = run.cleanup(rev.id)
            distribution = version_distribution(run.db[rev.collection])
        if removed:
            context.log.info(f"{rev.id}: deprecated fields removed from {removed} document(s)")
        if distribution and not distribution.get(rev.to_version):
            return  # a later migration already moved the collection on: nothing to record for this one
        context.log_event(
            dg.AssetObservation(
                asset_key=key,
                metadata={
                    "schema_version": rev.to_version,
                    "migration": rev.id,
                    "documents_at_version": distribution.get(rev.to_version, 0),
                    "versions": distribution,
                },
            )
        )

    return _MigrationOps(prepare, migrate, validate, cleanup)


def _single(revision_ops: _MigrationOps) -> Callable[[], None]:
    def body() -> None:
        revision_ops.chain()

    return body


def migration_jobs(
    path: Path | str,
    *,
    options: MigrationOptions | None = None,
    asset_key: AssetKeyFor = collection_asset_key,
) -> list[dg.JobDefinition]:
    """One job per revision (:func:`migration_job_name`) and ``pending_migrations`` running them all in order."""
    folder = Path(path)
    revisions = Revisions.load(folder)
    opts = options or MigrationOptions()
    ops = {rev.id: _migration_ops(folder, rev, opts, asset_key) for rev in revisions}
    jobs: list[dg.JobDefinition] = []
    for rev in revisions:
        jobs.append(
            dg.job(
                name=migration_job_name(rev.id),
                description=f"{rev.id}: {rev.collection} {rev.from_version} → {rev.to_version}",
                tags={"leaf/migration": rev.id},
            )(_single(ops[rev.id]))
        )

    def pending() -> None:
        done: dict[str, Any] = {}
        for rev in revisions:
            done[rev.id] = ops[rev.id].chain([done[d] for d in revisions.dependencies(rev.id)])

    jobs.append(
        dg.job(name=PENDING_JOB, description="Every pending migration, in dependency order.")(pending)
    )
    return jobs


def migration_definitions(
    path: Path | str,
    *,
    schedule_cron: str | None = "0 2 * * *",
    execution_timezone: str = "UTC",
    options: MigrationOptions | None = None,
    asset_key: AssetKeyFor = collection_asset_key,
    mongo: MongoResource | None = None,
) -> dg.Definitions:
    """Jobs for the revisions in ``path`` and the nightly ``pending_migrations`` schedule (None: no
    schedule). The jobs need a ``mongo`` resource: pass one here or provide it in the code location."""
    jobs = migration_jobs(path, options=options, asset_key=asset_key)
    schedules = []
    if schedule_cron:
        pending_job = next(j for j in jobs if j.name == PENDING_JOB)
        schedules.append(
            dg.ScheduleDefinition(
                name=f"{PENDING_JOB}_nightly",
                job=pending_job,
                cron_schedule=schedule_cron,
                execution_timezone=execution_timezone,
                default_status=dg.DefaultScheduleStatus.RUNNING,
            )
        )
    return dg.Definitions(jobs=jobs, schedules=schedules, resources={"mongo": mongo} if mongo else None)

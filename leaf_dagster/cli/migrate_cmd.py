"""``leaf-dagster migrate``: status, plan, up (or dry-run), down, cleanup, new."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from leaf_dagster.cli.common import EXIT_BAD_INPUT, EXIT_FAILED, connection_options, fail, open_database
from leaf_dagster.migrations import (
    BatchProgress,
    DryRunReport,
    MigrationOptions,
    MigrationRunner,
    Revisions,
    default_path,
    dry_run,
    migration_status,
    new_revision,
)

console = Console()


def _path_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--path",
        type=click.Path(path_type=Path),
        default=None,
        help="Migrations folder [default: migrations/ or pipelines/migrations/]",
    )(func)


def _load(path: Path | None) -> Revisions:
    return Revisions.load(path or default_path())


@contextmanager
def _progress() -> Iterator[Callable[[BatchProgress], None]]:
    """A progress bar per migration, with its rate, fed by the runner's per-batch callback."""
    tasks: dict[str, TaskID] = {}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>8.0f} docs/s"),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    ) as bar:

        def on_batch(p: BatchProgress) -> None:
            key = f"{p.revision_id}:{p.direction}"
            if key not in tasks:
                tasks[key] = bar.add_task(f"{p.direction} {p.revision_id}", total=p.total, rate=0.0)
            bar.update(tasks[key], completed=p.migrated + p.failed, rate=p.rate)

        yield on_batch


def _options(**kwargs: Any) -> MigrationOptions:
    try:
        return MigrationOptions(**kwargs)
    except ValueError as exc:
        fail(str(exc), EXIT_BAD_INPUT, "see `leaf-dagster migrate up --help` for the options' ranges")


@click.group("migrate")
def migrate() -> None:
    """Crash-safe, resumable schema migrations (revision files in a migrations folder)."""


@migrate.command("status")
@_path_option
@connection_options
def status_cmd(path: Path | None, uri: str | None, db_name: str | None) -> None:
    """Per migration: state, phase, progress, rate, ETA, last error; and version distributions."""
    revisions = _load(path)
    report = migration_status(open_database(uri, db_name), revisions)
    for m in report.migrations:
        stalled = ""
        if m.stalled:
            since = (
                f", its lease expired {m.lease_expired_at:%Y-%m-%d %H:%M:%S} UTC"
                if m.lease_expired_at
                else ""
            )
            stalled = f" but STALLED: no live runner{since}; rerun migrate up to resume"
        status = (
            m.status
            + stalled
            + (" (file changed!)" if m.checksum_changed else "")
            + (" (no file)" if m.file_missing else "")
        )
        parts = [f"[bold]{m.id}[/bold]", f"{m.collection} {m.from_version} → {m.to_version}", status]
        if m.phase:
            parts.append(f"phase {m.phase}")
        if m.total:
            parts.append(f"{m.progress:.0%} ({m.migrated}/{m.total} migrated, {m.failed} failed)")
        if m.rate:
            parts.append(f"{m.rate:.0f} docs/s")
        if m.eta_s is not None:
            parts.append(f"ETA {m.eta_s:.0f}s")
        if m.cleanup:
            parts.append(f"cleanup {m.cleanup}")
        console.print("  ".join(parts))
        if m.last_error:
            console.print(f"    last error: {m.last_error}", markup=False)
    for collection, versions in report.versions.items():
        shown = ", ".join(f"{v}: {n}" for v, n in sorted(versions.items())) or "empty"
        console.print(f"{collection} versions: {shown}")
    for lock in report.locks:
        console.print(f"lease {lock['_id']} held by {lock.get('owner')} until {lock.get('expiresAt')}")


@migrate.command("plan")
@_path_option
@click.option("--to", "target", default=None, help="Stop at this revision id")
@connection_options
def plan_cmd(path: Path | None, target: str | None, uri: str | None, db_name: str | None) -> None:
    """The pending migrations, in the order `up` would apply them."""
    revisions = _load(path)
    pending = MigrationRunner(open_database(uri, db_name), revisions).plan(target)
    if not pending:
        console.print("nothing to do: every migration is applied")
    for rev in pending:
        mode = "server-side pipeline" if rev.server_side else "client-side transform"
        console.print(f"{rev.id}: {rev.collection} {rev.from_version} → {rev.to_version} ({mode})")


@migrate.command("up")
@_path_option
@click.option("--to", "target", default=None, help="Apply up to and including this revision id")
@click.option("--dry-run", "dry_run_only", is_flag=True, help="Show what would change; write nothing at all")
@click.option("--batch-size", default=1000, show_default=True)
@click.option("--batch-delay-ms", default=0, show_default=True)
@click.option(
    "--quarantine", default=0.0, show_default=True, help="Failed documents allowed: fraction < 1, else count"
)
@click.option("--cleanup-now", is_flag=True, help="Remove deprecated fields right after validation")
@click.option(
    "--wait", "wait_s", default=0.0, show_default=True, help="Seconds to wait for another runner's lease"
)
@click.option("--lease-ttl", default=60.0, show_default=True, help="Lease time-to-live in seconds")
@click.option("--samples", default=3, show_default=True, help="Before/after samples shown by --dry-run")
@connection_options
def up_cmd(
    path: Path | None,
    target: str | None,
    dry_run_only: bool,
    batch_size: int,
    batch_delay_ms: int,
    quarantine: float,
    cleanup_now: bool,
    wait_s: float,
    lease_ttl: float,
    samples: int,
    uri: str | None,
    db_name: str | None,
) -> None:
    """Apply pending migrations (prepare → migrate → validate → cleanup), resuming where a run stopped."""
    revisions = _load(path)
    db = open_database(uri, db_name)
    options = _options(
        batch_size=batch_size,
        batch_delay_ms=batch_delay_ms,
        quarantine_threshold=quarantine,
        cleanup_now=cleanup_now,
        wait_for_lock_s=wait_s,
        lease_ttl_s=lease_ttl,
    )
    runner = MigrationRunner(db, revisions, options)
    pending = runner.plan(target)
    if dry_run_only:
        _print_dry_run(dry_run(db, pending, samples=samples, batch_size=batch_size))
        return
    if not pending:
        console.print("nothing to do: every migration is applied")
        return
    with _progress() as on_batch:
        for rev in pending:
            result = runner.apply(rev.id, on_batch)
            console.print(
                f"{rev.id}: {result.status}, {result.migrated} migrated in {result.seconds:.1f}s; "
                f"{result.message}"
            )


def _print_dry_run(reports: list[DryRunReport]) -> None:
    if not reports:
        console.print("nothing to do: every migration is applied")
    for report in reports:
        console.print(
            f"[bold]{report.revision_id}[/bold] ({report.mode}): {report.would_migrate} document(s) of "
            f"{report.collection} would go {report.from_version} → {report.to_version}"
            + (f", {report.would_fail} would fail" if report.would_fail else "")
        )
        for failure in report.failures[:5]:
            console.print(f"  would fail {failure['_id']!r}: {failure['error']}")
        for sample in report.samples:
            console.print(f"  _id {sample._id!r}:")
            for change in sample.changes:
                console.print(f"    {change}", markup=False)
    console.print("dry run: nothing was written")


@migrate.command("down")
@_path_option
@click.argument("revision_id")
@click.option("--batch-size", default=1000, show_default=True)
@click.option("--wait", "wait_s", default=0.0, show_default=True)
@connection_options
def down_cmd(
    path: Path | None, revision_id: str, batch_size: int, wait_s: float, uri: str | None, db_name: str | None
) -> None:
    """Roll back one applied migration, restoring its documents exactly."""
    revisions = _load(path)
    runner = MigrationRunner(
        open_database(uri, db_name), revisions, _options(batch_size=batch_size, wait_for_lock_s=wait_s)
    )
    with _progress() as on_batch:
        result = runner.down(revision_id, on_batch)
    console.print(
        f"{revision_id}: rolled back, {result.migrated} document(s) restored in {result.seconds:.1f}s"
    )


@migrate.command("cleanup")
@_path_option
@click.argument("revision_id")
@connection_options
def cleanup_cmd(path: Path | None, revision_id: str, uri: str | None, db_name: str | None) -> None:
    """Remove an applied migration's deprecated fields (after which it cannot be rolled back)."""
    revisions = _load(path)
    runner = MigrationRunner(open_database(uri, db_name), revisions)
    if not runner.is_applied(revision_id):
        fail(f"migration {revision_id} is not applied", EXIT_FAILED)
    count = runner.cleanup(revision_id, force=True)
    console.print(f"{revision_id}: deprecated fields removed from {count} document(s)")


@migrate.command("new")
@_path_option
@click.argument("name")
@click.option("--collection", required=True)
@click.option("--from", "from_version", default=None, help="[default: the collection's latest to_version]")
@click.option("--to", "to_version", required=True)
def new_cmd(path: Path | None, name: str, collection: str, from_version: str | None, to_version: str) -> None:
    """Scaffold a revision file depending on the collection's latest revision."""
    created = new_revision(
        path or default_path(),
        name,
        collection=collection,
        from_version=from_version,
        to_version=to_version,
    )
    console.print(f"created {created}")

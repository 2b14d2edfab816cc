"""``make demo``: seed the sample data, migrate it, materialize every rollup through Dagster, report.

1. use ``LEAF_MONGODB_URI`` if set, else start the embedded server on ``LEAF_PORT`` (default 27117,
   data in ``.leaf/server``), or reuse the one answering there only if it is this checkout's: its
   identity marker (:meth:`EmbeddedServer.is_ours`: ``.leaf/server.identity.json`` and the same
   token in the server's ``_leaf_identity.server``) must match; any other server is refused;
2. seed the deterministic sample data (:mod:`pipelines.datagen`): users at the older schema
   versions 1.0.0, 2.0.0 and 2.1.0, as in the seed article;
3. run the code location's ``pending_migrations`` job (what its nightly schedule runs) with
   ``execute_in_process``: every revision of ``pipelines/migrations/``, in dependency order, brings
   the users to 3.0.0, the version ``schemas/users.ddl`` describes;
4. materialize every asset of the code location through its named jobs (``<rollup>_job``, with the
   demo's console logger) on the ``DAGSTER_HOME`` instance, so the Jobs page shows their runs: the
   first hourly partitions one run each, the rest in ranged runs of a day each (as a backfill
   runs them), every daily partition, the unpartitioned rollups as a full
   refresh; the asset checks of each rollup run with it (``user_activity_buckets``: partitioned
   checks, one partition or range per run); then ``raw_collection_checks_job``'s selection runs
   the checks of the raw collections (the users against the 3.0.0 schema);
5. print the summary tables (the migrations: per revision migrated and quarantined documents,
   seconds), then every failed check with its worst expectation, count and example ``_id``s;
6. exit 0 (stopping a server it started), failed checks included: showing them is the point. Only a
   run failing for another reason exits 1.

The sample is dirty by default (``--no-dirty`` for a clean one, where every check passes): a few
users miss their e-mail (NOT NULL: a blocking ERROR) or break an enum and a CHECK; events, products
and orders carry WARN-level violations, and so do the buckets of the hours holding a bad event. The
rollups still run. Dagster's console logger is set to WARNING (``--log-level``), so the output is a
progress line per run plus the tables; it leaves out the ERROR records (and their tracebacks) of a
blocking check that failed, which the tables show, and prints every other error.

Running it twice gives the same rollup contents and the same tables: the seed is deterministic and
replaces the users together with the changelog records of their migrations, so the revisions run
again on the new documents; every run replaces what it computes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from leaf_dagster.connection import DEFAULT_DB, ENV_DB, ENV_URI, LeafConnectionError, get_database, redact_uri
from leaf_dagster.dagster import COMPLIANCE_CHECK, MongoResource
from leaf_dagster.dagster.component import RAW_CHECKS_JOB
from leaf_dagster.dagster.migrations import PENDING_JOB, op_prefix
from leaf_dagster.embedded import EmbeddedServer, ping
from leaf_dagster.migrations import Revisions, version_distribution
from leaf_dagster.rollups import RollupSpec, load_rollup_folder
from pipelines import datagen

ROLLUPS_DIR = Path(__file__).parent / "rollups"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SERVER_DIR = Path(".leaf/server")
SERVER_PORT = 27117  # unless LEAF_PORT says otherwise: make server, make demo and make ui agree
PORT_ENV = "LEAF_PORT"
SINGLE_HOURLY_RUNS = 2  # then ranged runs of a day each; each run validates its buckets per partition
HOURS_PER_RANGED_RUN = 24  # what the rollup's backfill policy puts in one run
LOG_LEVEL = "WARNING"
CHECK_FAILED_ERROR = "DagsterAssetCheckFailedError"
APPLIED, SKIPPED = "applied", "skipped (already applied)"


@dataclass(frozen=True)
class CheckOutcome:
    """One asset check evaluation, flattened for the tables."""

    asset: str
    check: str
    partition: str
    passed: bool
    severity: str
    blocking: bool
    documents: int
    description: str
    reason: str  # the worst failed expectation (count, example _ids) or the report's first problem

    @property
    def cell(self) -> str:
        return f"{self.check} ✓" if self.passed else f"{self.check} ✗ ({self.severity})"


@dataclass(frozen=True)
class MigrationRow:
    """What one revision did in the demo's ``pending_migrations`` run."""

    revision: str
    collection: str
    versions: str
    status: str  # applied, skipped (already applied), failed, not run (an earlier revision failed)
    migrated: int
    quarantined: int  # documents left at the old version, within the quarantine threshold
    seconds: float  # the four ops' durations

    @property
    def success(self) -> bool:
        return self.status in (APPLIED, SKIPPED)


@dataclass(frozen=True)
class Step:
    spec: RollupSpec
    label: str
    partition_key: str | None = None
    partition_range: tuple[str, str] | None = None
    full_refresh: bool = False


@dataclass(frozen=True)
class Row:
    asset: str
    partition: str
    mode: str
    written: int
    removed: int
    seconds: float
    checks: str
    success: bool  # the run succeeded, or failed only because a blocking check failed
    check_results: tuple[CheckOutcome, ...] = ()
    run_succeeded: bool = True  # the Dagster run's own status


class ForeignServerError(LeafConnectionError):
    """Something answers on the demo's port but it is not a server this checkout's demo started."""


@contextmanager
def mongodb(uri: str | None = None) -> Iterator[str]:
    """``uri``, else ``LEAF_MONGODB_URI``, else the embedded server on ``LEAF_PORT``: started here, or
    reused only when its identity marker matches this checkout's (never someone else's server)."""
    resolved = uri or os.environ.get(ENV_URI)
    if resolved:
        yield resolved
        return
    server = EmbeddedServer(SERVER_DIR, int(os.environ.get(PORT_ENV) or SERVER_PORT))
    if ping(server.uri):
        if not server.is_ours():
            raise ForeignServerError(
                f"a server already answers on {server.host}:{server.port} and it is not this checkout's demo "
                "server (its identity marker does not match .leaf/server.identity.json); the demo reseeds only "
                f"a server it started or the one {ENV_URI} names",
                hint=f"stop that server, or pick a free port with {PORT_ENV}=…, or set {ENV_URI} to that "
                "server to reseed its database on purpose",
            )
        yield server.uri
        return
    server.start()
    interrupted = False
    try:
        server.mark_as_ours()
        yield server.uri
    except KeyboardInterrupt:  # Ctrl-C, which the server (in this process group) got too
        interrupted = True
        raise
    finally:
        server.stop(interrupted=interrupted)


def in_dependency_order(specs: list[RollupSpec]) -> list[RollupSpec]:
    producers = {spec.target: spec for spec in specs if spec.write == "replace"}
    ordered: list[RollupSpec] = []

    def visit(spec: RollupSpec, path: tuple[str, ...]) -> None:
        if spec in ordered or spec.name in path:
            return
        for source in spec.sources:
            upstream = producers.get(source)
            if upstream is not None and upstream is not spec:
                visit(upstream, (*path, spec.name))
        ordered.append(spec)

    for spec in specs:
        visit(spec, ())
    return ordered


def plan(specs: list[RollupSpec], size: datagen.SampleSize) -> list[Step]:
    first = size.first
    hours = [first + dt.timedelta(hours=h) for h in range(size.days * 24)]
    days = [first + dt.timedelta(days=d) for d in range(size.days)]
    steps: list[Step] = []
    for spec in in_dependency_order(specs):
        if spec.partition == "hourly":
            keys = [hour.strftime("%Y-%m-%d-%H:%M") for hour in hours]
            steps += [Step(spec, key, partition_key=key) for key in keys[:SINGLE_HOURLY_RUNS]]
            rest = keys[SINGLE_HOURLY_RUNS:]
            for at in range(0, len(rest), HOURS_PER_RANGED_RUN):
                chunk = rest[at : at + HOURS_PER_RANGED_RUN]
                steps.append(Step(spec, f"{chunk[0]}…{chunk[-1]}", partition_range=(chunk[0], chunk[-1])))
        elif spec.partition == "daily":
            steps += [
                Step(spec, day.strftime("%Y-%m-%d"), partition_key=day.strftime("%Y-%m-%d")) for day in days
            ]
        else:
            steps.append(Step(spec, "—", full_refresh=spec.incremental))
    return steps


def _instance() -> dg.DagsterInstance:
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        return dg.DagsterInstance.ephemeral()
    Path(home).mkdir(parents=True, exist_ok=True)
    config = Path(home) / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n")
    return dg.DagsterInstance.get()


def _reason(evaluation: dg.AssetCheckEvaluation) -> str:
    meta: dict[str, Any] = {key: value.value for key, value in evaluation.metadata.items()}
    if evaluation.passed:
        return ""
    if evaluation.check_name != COMPLIANCE_CHECK:
        problems = meta.get("problems") or [evaluation.description or "failed"]
        return "; ".join(str(p) for p in problems)
    counts: dict[str, int] = meta.get("unexpected_counts") or {}
    ids: dict[str, list[str]] = meta.get("offending_ids") or {}
    blocking = set(meta.get("blocking_failures") or [])
    failed = sorted(ids, key=lambda rule: (rule not in blocking, -counts.get(rule, 0), rule))
    if not failed:
        return evaluation.description or "failed"
    top = failed[0]
    percent = (meta.get("unexpected_percents") or {}).get(top, 0.0)
    more = f" (+{len(failed) - 1} more failed)" if len(failed) > 1 else ""
    examples = ", ".join(ids[top][:3])
    return f"{top}: {counts.get(top, 0)} unexpected ({percent:.1f}%), e.g. {examples}{more}"


def check_outcomes(result: dg.ExecuteInProcessResult, partition: str = "—") -> tuple[CheckOutcome, ...]:
    """The run's check evaluations, sorted by asset and check name."""
    outcomes = []
    for evaluation in result.get_asset_check_evaluations():
        documents = evaluation.metadata.get("documents")
        outcomes.append(
            CheckOutcome(
                asset=evaluation.asset_key.to_user_string(),
                check=evaluation.check_name,
                partition=evaluation.partition or partition,
                passed=evaluation.passed,
                severity=evaluation.severity.value,
                blocking=bool(evaluation.blocking),
                documents=int(documents.value) if documents is not None else 0,  # type: ignore[arg-type]
                description=evaluation.description or "",
                reason=_reason(evaluation),
            )
        )
    return tuple(sorted(outcomes, key=lambda o: (o.asset, o.check != COMPLIANCE_CHECK, o.check)))


def _checks_cell(outcomes: tuple[CheckOutcome, ...]) -> str:
    """One cell per check; a ranged run's per-partition results summed up (which failed: below)."""
    by_check: dict[str, list[CheckOutcome]] = {}
    for outcome in outcomes:
        by_check.setdefault(outcome.check, []).append(outcome)
    cells = []
    for check, results in by_check.items():
        if len(results) == 1:
            cells.append(results[0].cell)
            continue
        failed = [r for r in results if not r.passed]
        if not failed:
            cells.append(f"{check} ✓ ({len(results)} partitions)")
        else:
            severity = "ERROR" if any(r.severity == "ERROR" for r in failed) else "WARN"
            cells.append(f"{check} ✗ ({severity}, {len(failed)} of {len(results)} partitions)")
    return " / ".join(cells) or "—"


def succeeded(result: dg.ExecuteInProcessResult) -> bool:
    """The run succeeded, or failed only because a blocking check failed (what the demo shows)."""
    if result.success:
        return True
    failures = result.get_step_failure_events()
    return bool(failures) and all(
        f.step_failure_data.error is not None and f.step_failure_data.error.cls_name == CHECK_FAILED_ERROR
        for f in failures
    )


def _run_config(log_level: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"loggers": {"console": {"config": {"log_level": log_level}}}, **(extra or {})}


def expected_check_failure(record: logging.LogRecord) -> bool:
    """A record of the step or run failure that a failed blocking check raises (nothing else)."""
    event = getattr(record, "dagster_event", None)
    if not isinstance(event, dg.DagsterEvent):
        return False
    if event.is_step_failure:
        error = event.step_failure_data.error
    elif event.is_run_failure:
        error = getattr(event.event_specific_data, "error", None)
    else:
        return False
    return error is not None and error.cls_name == CHECK_FAILED_ERROR


class _WithoutExpectedCheckFailures(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not expected_check_failure(record)


@dg.logger(
    dg.colored_console_logger.config_schema,
    description="Dagster's console logger without the failures of blocking checks (the demo shows them).",
)
def demo_console_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    """The console logger, minus the ERROR records (with tracebacks) of a blocking check that failed:
    the demo fails one on purpose and its tables show it. Every other record, errors included, passes."""
    log = dg.colored_console_logger.logger_fn(init_context)
    log.addFilter(_WithoutExpectedCheckFailures())
    return log


DEMO_LOGGERS = {"console": demo_console_logger}


def run_job(
    defs: dg.Definitions,
    name: str,
    *,
    run_config: dict[str, Any],
    resources: dict[str, Any],
    instance: dg.DagsterInstance,
    tags: dict[str, str],
    partition_key: str | None = None,
) -> dg.ExecuteInProcessResult:
    """One run of the code location's job ``name`` (so the Jobs page shows its history), with the
    demo's console logger."""
    job = defs.resolve_job_def(name).with_logger_defs(DEMO_LOGGERS)
    return job.execute_in_process(
        run_config=run_config,
        instance=instance,
        partition_key=partition_key,
        tags=tags,
        resources=resources,
        raise_on_error=False,
    )


def execute(
    step: Step,
    defs: dg.Definitions,
    resources: dict[str, Any],
    instance: dg.DagsterInstance,
    log_level: str = LOG_LEVEL,
) -> Row:
    tags: dict[str, str] = {"leaf/demo": "true"}
    if step.partition_range:
        tags["dagster/asset_partition_range_start"], tags["dagster/asset_partition_range_end"] = (
            step.partition_range
        )
    ops = {"ops": {step.spec.name: {"config": {"full_refresh": True}}}} if step.full_refresh else None
    clock = time.perf_counter()
    result = run_job(
        defs,
        f"{step.spec.name}_job",
        partition_key=step.partition_key,
        run_config=_run_config(log_level, ops),
        resources=resources,
        instance=instance,
        tags=tags,
    )
    seconds = time.perf_counter() - clock
    events = result.get_asset_materialization_events()
    metadata = events[0].materialization.metadata if events else {}

    def value(key: str, default: Any) -> Any:
        entry = metadata.get(key)
        return entry.value if entry is not None else default

    outcomes = check_outcomes(result, step.label)
    return Row(
        asset=step.spec.name,
        partition=step.label,
        mode=str(value("mode", "failed" if not result.success else "")),
        written=int(value("documents_written", 0)),
        removed=int(value("documents_removed", 0)),
        seconds=seconds,
        checks=_checks_cell(outcomes),
        success=succeeded(result),
        check_results=outcomes,
        run_succeeded=result.success,
    )


def run_raw_checks(
    defs: dg.Definitions, resources: dict[str, Any], instance: dg.DagsterInstance, log_level: str = LOG_LEVEL
) -> tuple[bool, bool, tuple[CheckOutcome, ...]]:
    """One run of ``raw_collection_checks_job``: (the run succeeded, it failed only on blocking checks
    or succeeded, the check outcomes)."""
    result = run_job(
        defs,
        RAW_CHECKS_JOB,
        run_config=_run_config(log_level),
        resources=resources,
        instance=instance,
        tags={"leaf/demo": "true"},
    )
    return result.success, succeeded(result), check_outcomes(result)


def run_migrations(
    defs: dg.Definitions, resources: dict[str, Any], instance: dg.DagsterInstance, log_level: str = LOG_LEVEL
) -> tuple[bool, tuple[MigrationRow, ...]]:
    """One run of the code location's ``pending_migrations`` job; what each revision did."""
    job = defs.resolve_job_def(PENDING_JOB).with_logger_defs(DEMO_LOGGERS)
    result = job.execute_in_process(
        run_config=_run_config(log_level),
        instance=instance,
        resources={"mongo": resources["mongo"]},
        tags={"leaf/demo": "true"},
        raise_on_error=False,
    )
    return result.success, migration_rows(result, Revisions.load(MIGRATIONS_DIR))


def migration_rows(result: dg.ExecuteInProcessResult, revisions: Revisions) -> tuple[MigrationRow, ...]:
    """Per revision, from the run's events: the migrate op's counts, the validate op's quarantine,
    the ops' durations; ``skipped`` for a revision applied before this run."""
    outputs: dict[str, dict[str, Any]] = {}
    seconds: dict[str, float] = {}
    failed: set[str] = set()
    for event in result.all_events:
        step = event.step_key or ""
        if event.event_type == dg.DagsterEventType.STEP_OUTPUT:
            metadata = event.step_output_data.metadata
            outputs[step] = {key: value.value for key, value in metadata.items()}
        elif event.event_type == dg.DagsterEventType.STEP_SUCCESS:
            seconds[step] = event.step_success_data.duration_ms / 1000
        elif event.event_type == dg.DagsterEventType.STEP_FAILURE:
            failed.add(step)
    rows = []
    for rev in revisions:
        prefix = op_prefix(rev.id)
        steps = [f"{prefix}__{op}" for op in ("prepare", "migrate", "validate", "cleanup")]
        migrate = outputs.get(steps[1], {})
        if failed.intersection(steps):
            status = "failed"
        elif any(step not in seconds for step in steps):
            status = "not run"
        else:
            status = SKIPPED if migrate.get("already_applied") else APPLIED
        rows.append(
            MigrationRow(
                revision=rev.id,
                collection=rev.collection,
                versions=f"{rev.from_version} → {rev.to_version}",
                status=status,
                migrated=int(migrate.get("migrated", 0)),
                quarantined=int(outputs.get(steps[2], {}).get("quarantined", 0)),
                seconds=sum(seconds.get(step, 0.0) for step in steps),
            )
        )
    return tuple(rows)


@dataclass(frozen=True)
class DemoResult:
    rows: list[Row]
    raw_checks: tuple[CheckOutcome, ...]
    raw_checks_ran: bool  # the raw-collection checks run ended without an unexpected error
    migrations: tuple[MigrationRow, ...] = ()
    migrations_ran: bool = True  # the pending_migrations run succeeded
    raw_run_succeeded: bool = True  # the raw_collection_checks_job run's own status

    def runs(self) -> list[tuple[str, bool, tuple[CheckOutcome, ...]]]:
        """Every Dagster run of the demo: (job and partition, succeeded, its check outcomes)."""
        return [
            (PENDING_JOB, self.migrations_ran, ()),
            *((f"{r.asset}_job [{r.partition}]", r.run_succeeded, r.check_results) for r in self.rows),
            (RAW_CHECKS_JOB, self.raw_run_succeeded, self.raw_checks),
        ]

    @property
    def success(self) -> bool:
        return self.migrations_ran and self.raw_checks_ran and all(row.success for row in self.rows)

    @property
    def failed_checks(self) -> list[CheckOutcome]:
        return [
            o for o in (*(c for r in self.rows for c in r.check_results), *self.raw_checks) if not o.passed
        ]


def _progress(row: Row) -> str:
    status = "ok" if row.success else "[red]FAILED[/]"
    return f"  {row.asset} [dim]{row.partition}[/]: {status}, {row.written} written in {row.seconds:.1f}s" + (
        f"; checks: {row.checks}" if row.check_results else ""
    )


def run_demo(
    uri: str,
    database: str = DEFAULT_DB,
    size: datagen.SampleSize | None = None,
    *,
    instance: dg.DagsterInstance | None = None,
    console: Console | None = None,
    log_level: str = LOG_LEVEL,
) -> DemoResult:
    """Seed ``database``, run the pending migrations, materialize every rollup with its checks, then
    check the raw collections."""
    size = size or datagen.SampleSize()
    console = console or Console()
    os.environ[ENV_URI] = uri  # the code location's resource reads it
    from pipelines.definitions import defs

    db = get_database(uri, database)
    clock = time.perf_counter()
    counts = datagen.seed(db, size)
    specs = load_rollup_folder(ROLLUPS_DIR)
    # Every rollup is rebuilt from scratch: a target left by an earlier version of the example (say,
    # with another merge key and its unique index) must not decide this run's outcome.
    for spec in specs:
        if spec.target not in datagen.SOURCE_COLLECTIONS:
            db.drop_collection(spec.target)
    console.print(
        f"seeded [bold]{database}[/]{' (dirty sample)' if size.dirty else ''}: "
        + ", ".join(f"{name} {count}" for name, count in counts.items())
        + f" in {time.perf_counter() - clock:.1f}s"
    )
    # EnvVar, as the code location does: run storage keeps the variable's name, never the URI.
    mongo = MongoResource(uri=dg.EnvVar(ENV_URI), database=database)
    resources: dict[str, Any] = {**(defs.resources or {}), "mongo": mongo}
    instance = instance or _instance()
    rows = []
    clock = time.perf_counter()
    migrated, migrations = run_migrations(defs, resources, instance, log_level)
    applied = [m for m in migrations if m.status == APPLIED]
    console.print(
        f"  {PENDING_JOB}: {'ok' if migrated else '[red]FAILED[/]'} in {time.perf_counter() - clock:.1f}s, "
        f"{len(applied)} revision(s) applied ({' + '.join(str(m.migrated) for m in applied) or '0'} "
        f"document(s) migrated), {sum(m.status == SKIPPED for m in migrations)} skipped"
    )
    for step in plan(specs, size):
        rows.append(execute(step, defs, resources, instance, log_level))
        console.print(_progress(rows[-1]))
    console.print("  raw collections: running raw_collection_checks_job's checks…")
    clock = time.perf_counter()
    raw_ok, ran, raw = run_raw_checks(defs, resources, instance, log_level)
    failed = sum(1 for outcome in raw if not outcome.passed)
    console.print(
        f"  raw collection checks: {len(raw) - failed} passed, {failed} failed in {time.perf_counter() - clock:.1f}s"
    )
    return DemoResult(rows, raw, ran, migrations, migrated, raw_ok)


def migrations_table(rows: tuple[MigrationRow, ...]) -> Table:
    table = Table(title=f"migrations: the {PENDING_JOB} job (its nightly schedule runs it too)")
    for column, justify in (
        ("revision", "left"),
        ("collection", "left"),
        ("versions", "left"),
        ("status", "left"),
        ("migrated", "right"),
        ("quarantined", "right"),
        ("secs", "right"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(
            row.revision,
            row.collection,
            row.versions,
            row.status,
            str(row.migrated),
            str(row.quarantined),
            f"{row.seconds:.2f}",
            style=None if row.success else "red",
        )
    return table


def summary_table(rows: list[Row]) -> Table:
    table = Table(title="leaf_dagster demo: rollups materialized through Dagster, with their checks")
    for column, justify in (
        ("asset", "left"),
        ("partition", "left"),
        ("mode", "left"),
        ("written", "right"),
        ("removed", "right"),
        ("secs", "right"),
        ("checks", "left"),
    ):
        table.add_column(column, justify=justify, no_wrap=column in ("asset", "partition", "checks"))  # type: ignore[arg-type]
    for row in rows:
        style = None if row.success else "red"
        table.add_row(
            row.asset,
            row.partition,
            row.mode,
            str(row.written),
            str(row.removed),
            f"{row.seconds:.2f}",
            _markup(row.checks),
            style=style,
        )
    return table


def _markup(cell: str) -> str:
    return cell.replace("✓", "[green]✓[/]").replace("✗", "[red]✗[/]")


def raw_checks_table(outcomes: tuple[CheckOutcome, ...]) -> Table:
    table = Table(title="raw collections (external assets): raw_collection_checks_job")
    for column, justify in (("collection", "left"), ("documents", "right"), ("checks", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    by_asset: dict[str, list[CheckOutcome]] = {}
    for outcome in outcomes:
        by_asset.setdefault(outcome.asset, []).append(outcome)
    for asset, checks in by_asset.items():
        table.add_row(asset, str(max(c.documents for c in checks)), _markup(_checks_cell(tuple(checks))))
    return table


def print_failed_checks(console: Console, result: DemoResult) -> None:
    failed = result.failed_checks
    if not failed:
        console.print("[green]every check passed[/]")
        return
    console.print(
        f"[bold]{len(failed)} failed check(s)[/]: worst expectation, count, example _ids (all in the Dagster UI, "
        "make ui). A blocking ERROR fails its run and skips the assets downstream of it in that run."
    )
    for o in failed:
        where = escape(f" [{o.partition}]") if o.partition != "—" else ""
        blocking = ", blocking" if o.severity == "ERROR" and o.blocking else ""
        console.print(f"  [red]✗[/] {o.asset}.{o.check}{where} ({o.severity}{blocking}): {escape(o.reason)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Seed sample data and materialize every rollup.")
    parser.add_argument(
        "--uri", default=None, help=f"MongoDB URI (default: ${ENV_URI} or the embedded server)"
    )
    parser.add_argument("--db", default=os.environ.get(ENV_DB, DEFAULT_DB))
    parser.add_argument("--users", type=int, default=datagen.SampleSize.users)
    parser.add_argument("--days", type=int, default=datagen.SampleSize.days)
    parser.add_argument(
        "--dirty",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="inject schema violations so that some checks fail (default: on; --no-dirty for a clean sample)",
    )
    parser.add_argument(
        "--log-level", default=LOG_LEVEL, help="Dagster console log level (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    console = Console(width=max(Console().width, 152))
    size = datagen.SampleSize(users=args.users, days=args.days, dirty=args.dirty)
    try:
        return _demo(args, console, size)
    except Exception as exc:  # one line and a hint, as the CLI does; never a traceback or a password
        from leaf_dagster.cli.errors import DEBUG_ENV, report, translate

        if os.environ.get(DEBUG_ENV):
            raise
        translated = translate(exc)
        console.file.flush()
        sys.stdout.flush()
        report(translated.message, translated.hint)
        return translated.code


def _demo(args: argparse.Namespace, console: Console, size: datagen.SampleSize) -> int:
    with mongodb(args.uri) as uri:
        console.print(f"MongoDB: {redact_uri(uri)}")
        result = run_demo(uri, args.db, size, console=console, log_level=args.log_level.upper())
        console.print(migrations_table(result.migrations))
        db = get_database(uri, args.db)
        users = version_distribution(db["users"])
        console.print("users by schema version: " + ", ".join(f"{v} {n}" for v, n in sorted(users.items())))
        console.print(summary_table(result.rows))
        console.print(raw_checks_table(result.raw_checks))
        targets = sorted({spec.target for spec in load_rollup_folder(ROLLUPS_DIR)})
        console.print(
            "collections: " + ", ".join(f"{name} {db[name].count_documents({})}" for name in targets)
        )
        print_failed_checks(console, result)
    if not result.migrations_ran:
        console.print(f"[red]{PENDING_JOB} failed[/]: see its run in the Dagster UI (make ui)")
        return 1
    console.print(final_line(result, size.dirty))
    return 0 if result.success else 1


def final_line(result: DemoResult, dirty: bool) -> str:
    """How many runs succeeded; which failed and why (the seeded violations, or a real error)."""
    runs = result.runs()
    failed = [(name, checks) for name, ok, checks in runs if not ok]
    head = f"{len(runs) - len(failed)} of {len(runs)} runs succeeded"
    if not failed:
        return f"[green]done[/]: {head}; browse them with make ui."
    reasons = []
    for name, checks in failed:
        blocking = [
            f"{o.asset}.{o.check} ({o.reason})"
            for o in checks
            if not o.passed and o.blocking and o.severity == "ERROR"
        ]
        reasons.append(
            f"{name}: " + ("; ".join(blocking) if blocking else "an error, see its run in the Dagster UI")
        )
    expected = result.success and dirty
    why = (
        "blocking checks failed on the violations seeded on purpose (--no-dirty for a clean sample)"
        if expected
        else "see the runs in the Dagster UI (make ui)"
    )
    colour = "yellow" if expected else "red"
    return (
        f"[{colour}]done[/]: {head}, {len(failed)} failed: " + escape(" | ".join(reasons)) + f". Why: {why}."
    )


if __name__ == "__main__":
    raise SystemExit(main())

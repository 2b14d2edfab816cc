"""``make demo``: seed the sample data and materialize every rollup through Dagster, then report.

1. use ``LEAF_MONGODB_URI`` if set, else reuse or start the embedded server on port 27117
   (data in ``.leaf/server``);
2. seed the deterministic sample data (:mod:`pipelines.datagen`);
3. materialize every asset of the code location with ``dg.materialize`` on the
   ``DAGSTER_HOME`` instance: the first hourly partitions one run each, the rest of the hourly
   range as one backfill-style run, every daily partition, the unpartitioned rollups as a full
   refresh; asset checks of the code location run with their assets;
4. print a summary table; 5. exit 0 (stopping a server it started).

Running it twice gives the same rollup contents: the seed is deterministic and every run
replaces what it computes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
from rich.console import Console
from rich.table import Table

from leaf_dagster.connection import DEFAULT_DB, ENV_DB, ENV_URI, get_database
from leaf_dagster.dagster import MongoResource
from leaf_dagster.embedded import EmbeddedServer, ping
from leaf_dagster.rollups import RollupSpec, load_rollup_folder
from pipelines import datagen

SERVER_DIR = Path(".leaf/server")
SERVER_PORT = 27117
SINGLE_HOURLY_RUNS = 6


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
    success: bool


@contextmanager
def mongodb(uri: str | None = None) -> Iterator[str]:
    """``uri``, else ``LEAF_MONGODB_URI``, else the embedded server (reused if one answers)."""
    resolved = uri or os.environ.get(ENV_URI)
    if resolved:
        yield resolved
        return
    server = EmbeddedServer(SERVER_DIR, SERVER_PORT)
    if ping(server.uri):
        yield server.uri
        return
    server.start()
    try:
        yield server.uri
    finally:
        server.stop()


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
    first = size.start
    hours = [first + dt.timedelta(hours=h) for h in range(size.days * 24)]
    days = [first + dt.timedelta(days=d) for d in range(size.days)]
    steps: list[Step] = []
    for spec in in_dependency_order(specs):
        if spec.partition == "hourly":
            keys = [hour.strftime("%Y-%m-%d-%H:%M") for hour in hours]
            steps += [Step(spec, key, partition_key=key) for key in keys[:SINGLE_HOURLY_RUNS]]
            rest = keys[SINGLE_HOURLY_RUNS:]
            if rest:
                steps.append(Step(spec, f"{rest[0]}…{rest[-1]}", partition_range=(rest[0], rest[-1])))
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


def _checks(result: dg.ExecuteInProcessResult) -> str:
    evaluations = result.get_asset_check_evaluations()
    if not evaluations:
        return "—"
    passed = sum(1 for evaluation in evaluations if evaluation.passed)
    return f"{passed}/{len(evaluations)} passed"


def execute(step: Step, defs: dg.Definitions, resources: dict[str, Any], instance: dg.DagsterInstance) -> Row:
    tags: dict[str, str] = {"leaf/demo": "true"}
    if step.partition_range:
        tags["dagster/asset_partition_range_start"], tags["dagster/asset_partition_range_end"] = (
            step.partition_range
        )
    run_config = {"ops": {step.spec.name: {"config": {"full_refresh": True}}}} if step.full_refresh else None
    clock = time.perf_counter()
    result = dg.materialize(
        [*(defs.assets or []), *(defs.asset_checks or [])],  # type: ignore[list-item]
        selection=dg.AssetSelection.assets(step.spec.name),
        partition_key=step.partition_key,
        run_config=run_config,
        resources=resources,
        instance=instance,
        tags=tags,
        raise_on_error=False,
    )
    seconds = time.perf_counter() - clock
    events = result.get_asset_materialization_events()
    metadata = events[0].materialization.metadata if events else {}

    def value(key: str, default: Any) -> Any:
        entry = metadata.get(key)
        return entry.value if entry is not None else default

    return Row(
        asset=step.spec.name,
        partition=step.label,
        mode=str(value("mode", "failed" if not result.success else "")),
        written=int(value("documents_written", 0)),
        removed=int(value("documents_removed", 0)),
        seconds=seconds,
        checks=_checks(result),
        success=result.success,
    )


def run_demo(
    uri: str,
    database: str = DEFAULT_DB,
    size: datagen.SampleSize | None = None,
    *,
    instance: dg.DagsterInstance | None = None,
    console: Console | None = None,
) -> list[Row]:
    """Seed ``database`` and materialize every rollup; returns one row per run."""
    size = size or datagen.SampleSize()
    console = console or Console()
    os.environ[ENV_URI] = uri  # the code location's resource reads it
    from pipelines.definitions import ROLLUPS_DIR, defs

    db = get_database(uri, database)
    clock = time.perf_counter()
    counts = datagen.seed(db, size)
    console.print(
        f"seeded [bold]{database}[/]: "
        + ", ".join(f"{name} {count}" for name, count in counts.items())
        + f" in {time.perf_counter() - clock:.1f}s"
    )
    resources: dict[str, Any] = {**(defs.resources or {}), "mongo": MongoResource(uri=uri, database=database)}
    instance = instance or _instance()
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for step in plan(load_rollup_folder(ROLLUPS_DIR), size):
            rows.append(execute(step, defs, resources, instance))
    return rows


def summary_table(rows: list[Row]) -> Table:
    table = Table(title="leaf_dagster demo: rollups materialized through Dagster")
    for column, justify in (
        ("asset", "left"),
        ("partition", "left"),
        ("mode", "left"),
        ("documents written", "right"),
        ("removed", "right"),
        ("seconds", "right"),
        ("checks", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        style = None if row.success else "red"
        table.add_row(
            row.asset,
            row.partition,
            row.mode,
            str(row.written),
            str(row.removed),
            f"{row.seconds:.2f}",
            row.checks,
            style=style,
        )
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Seed sample data and materialize every rollup.")
    parser.add_argument(
        "--uri", default=None, help=f"MongoDB URI (default: ${ENV_URI} or the embedded server)"
    )
    parser.add_argument("--db", default=os.environ.get(ENV_DB, DEFAULT_DB))
    parser.add_argument("--users", type=int, default=datagen.SampleSize.users)
    parser.add_argument("--days", type=int, default=datagen.SampleSize.days)
    parser.add_argument("--dirty", action="store_true", help="inject schema violations for the checks")
    args = parser.parse_args(argv)
    console = Console(width=max(Console().width, 130))
    size = datagen.SampleSize(users=args.users, days=args.days, dirty=args.dirty)
    with mongodb(args.uri) as uri:
        console.print(f"MongoDB: {uri}")
        rows = run_demo(uri, args.db, size, console=console)
        console.print(summary_table(rows))
        db = get_database(uri, args.db)
        targets = sorted({spec.target for spec in load_rollup_folder(Path(__file__).parent / "rollups")})
        console.print(
            "collections: " + ", ".join(f"{name} {db[name].count_documents({})}" for name in targets)
        )
    failed = [row for row in rows if not row.success]
    if failed:
        console.print(f"[red]{len(failed)} run(s) failed[/]: see the runs in the Dagster UI (make ui)")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

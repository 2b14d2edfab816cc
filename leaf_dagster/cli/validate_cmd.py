"""``leaf-dagster validate COLLECTION --schema FILE``: run the schema's GX suite over a collection."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from leaf_dagster.cli.common import EXIT_BAD_INPUT, EXIT_FAILED, connection_options, fail, open_database
from leaf_dagster.schema import DocumentSchema, load_ddl

_FILE = click.Path(exists=True, dir_okay=False, readable=True)


def _schema_for(file: str, collection: str) -> DocumentSchema:
    """The file's schema for ``collection``, or its only schema; exit 2 on bad DDL."""
    parsed = load_ddl(file).merged()
    if collection in parsed.schemas or len(parsed.schemas) != 1:
        return parsed.only(collection)
    return parsed.only()


def _overrides(pairs: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, level = pair.partition("=")
        if not sep or level.upper() not in ("ERROR", "WARN"):
            fail(
                f"--severity {pair!r}: expected KEY=ERROR or KEY=WARN",
                EXIT_BAD_INPUT,
                "KEY is an expectation kind (unique) or a rule id (role:enum)",
            )
        out[key.strip()] = level.upper()
    return out


@contextmanager
def _progress(total: int | None) -> Iterator[Any]:
    """A rich progress bar on stderr when it is a terminal; a no-op callback otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("validating"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("validate", total=total)
        yield lambda done: bar.update(task, completed=done)


@click.command("validate")
@click.argument("collection")
@click.option("--schema", "schema_file", type=_FILE, required=True, help="DDL file with the schema.")
@click.option("--batch-size", type=click.IntRange(min=1), default=5000, show_default=True)
@click.option("--sample", type=click.IntRange(min=1), default=None, help="Validate a $sample of N documents.")
@click.option(
    "--fail-on",
    type=click.Choice(["warn", "error"]),
    default="warn",
    show_default=True,
    help="Exit 1 on any failed expectation (warn) or only on ERROR-severity ones (error).",
)
@click.option(
    "--severity",
    "severities",
    multiple=True,
    metavar="KEY=LEVEL",
    help="Override a severity by kind or rule id, e.g. unique=WARN or role:enum=ERROR (repeatable).",
)
@click.option("--failures-only", is_flag=True, help="List only failed expectations.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@connection_options
def validate(
    collection: str,
    schema_file: str,
    batch_size: int,
    sample: int | None,
    fail_on: str,
    severities: tuple[str, ...],
    failures_only: bool,
    as_json: bool,
    uri: str | None,
    db_name: str | None,
) -> None:
    """Validate COLLECTION against its CREATE DOCUMENT_SCHEMA with Great Expectations.

    Exit 0 when it passes, 1 when expectations fail, 2 on bad input (DDL, URI, server).
    """
    schema = _schema_for(schema_file, collection)
    overrides = _overrides(severities)
    from leaf_dagster.quality.suite import build_plan

    try:
        build_plan(schema, overrides)
    except ValueError as exc:
        fail(str(exc), EXIT_BAD_INPUT, "--severity names a kind or rule id that the schema has")
    db = open_database(uri, db_name)

    from leaf_dagster.quality.render import print_report
    from leaf_dagster.quality.runner import validate_collection

    total = sample if sample is not None else db[collection].estimated_document_count()
    with _progress(total) as progress:
        report = validate_collection(
            db,
            schema,
            collection=collection,
            batch_size=batch_size,
            sample=sample,
            severity_overrides=overrides,
            progress=progress,
        )
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, default=str))
    else:
        from rich.console import Console

        console = Console() if sys.stdout.isatty() else Console(width=160)
        print_report(report, console, show_passed=not failures_only)
    failed = report.blocking_failures if fail_on == "error" else report.failures
    if failed:
        sys.exit(EXIT_FAILED)

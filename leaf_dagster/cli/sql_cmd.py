"""``leaf-dagster sql``: run a SELECT through the compiler, or show its pipeline with ``--explain``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from bson import json_util

from leaf_dagster.cli.common import EXIT_BAD_INPUT, connection_options, fail, open_database
from leaf_dagster.cli.errors import CommandError
from leaf_dagster.sql import CompiledQuery, LeafSQLError, compile_sql
from leaf_dagster.sql.catalog import Catalog
from leaf_dagster.sql.explain import annotate, numbered
from leaf_dagster.sql.runner import rows as result_rows
from leaf_dagster.sql.values import parse_iso

JSON_OPTIONS = json_util.JSONOptions(json_mode=json_util.JSONMode.RELAXED, tz_aware=False)


def parse_param(text: str) -> tuple[str, Any]:
    """``k=v``: v is read as JSON (numbers, true, null, "text", [lists]), an ISO date, or else text."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise click.BadParameter(f"expected NAME=VALUE, got {text!r}", param_hint="--param")
    try:
        return name.strip(), json.loads(raw)
    except ValueError:
        date = parse_iso(raw)
        return name.strip(), date if date is not None else raw


def load_catalog(directory: str | None) -> Catalog | None:
    """The field types declared by the ``*.ddl`` files in ``directory`` (``--schemas``)."""
    if directory is None:
        return None
    from leaf_dagster.schema import LeafSchemaError, load_ddl, sql_catalog

    files = sorted(Path(directory).glob("*.ddl"))
    if not files:
        fail(f"no *.ddl files in {directory}", EXIT_BAD_INPUT)
    try:
        schemas = [s for f in files for s in load_ddl(f).merged().schemas.values()]
    except LeafSchemaError as exc:
        fail(f"{exc}", EXIT_BAD_INPUT)
    return sql_catalog(schemas)


def _compile(sql: str, params: dict[str, Any], catalog: Catalog | None = None) -> CompiledQuery:
    try:
        return compile_sql(sql, params=params, catalog=catalog)
    except LeafSQLError as exc:
        raise CommandError(
            str(exc), EXIT_BAD_INPUT, "fix the SQL at the caret", details=exc.caret(sql)
        ) from None


@click.command("sql")
@click.argument("query")
@click.option(
    "--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind :NAME (JSON, ISO date or text)."
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--explain",
    is_flag=True,
    help="Print the pipeline, each stage labelled with the SQL construct it comes from; no server needed.",
)
@click.option(
    "--schemas",
    "schemas_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Directory of CREATE DOCUMENT_SCHEMA *.ddl files: fields compare as their declared types.",
)
@connection_options
def sql(
    query: str,
    params: tuple[str, ...],
    fmt: str,
    explain: bool,
    schemas_dir: str | None,
    uri: str | None,
    db_name: str | None,
) -> None:
    """Run a SQL SELECT (PostgreSQL dialect) on MongoDB and print the rows."""
    bound = dict(parse_param(p) for p in params)
    compiled = _compile(query, bound, load_catalog(schemas_dir))
    if explain:
        _explain(query, compiled, fmt)
        return
    database = open_database(uri, db_name)
    rows = result_rows(compiled, database[compiled.collection].aggregate(compiled.pipeline))
    if fmt == "json":
        click.echo(json_util.dumps(rows, indent=2, json_options=JSON_OPTIONS))
        return
    _print_table(compiled, rows)


def _explain(query: str, compiled: CompiledQuery, fmt: str) -> None:
    """The pipeline as pasteable extended JSON, with the SQL construct each stage comes from."""
    lines = numbered(annotate(query, compiled.pipeline))
    if fmt == "json":
        stages = [{"stage": n, "operator": line.operator, "construct": line.construct} for n, line in lines]
        plan = {"collection": compiled.collection, "pipeline": compiled.pipeline, "stages": stages}
        click.echo(json_util.dumps(plan, indent=2, json_options=JSON_OPTIONS))
        return
    click.echo(f"-- {compiled.collection}: which construct became which stage")
    click.echo("\n".join(f"-- {line.render(n)}" for n, line in lines))
    click.echo(
        f"-- pipeline on {compiled.collection}, as extended JSON (--format json for all of it as JSON):"
    )
    click.echo(json_util.dumps(compiled.pipeline, indent=2, json_options=JSON_OPTIONS))


def _print_table(compiled: CompiledQuery, rows: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    columns = compiled.columns if not compiled.is_star else list(dict.fromkeys(k for r in rows for k in r))
    table = Table(*columns)
    for row in rows:
        table.add_row(*("NULL" if row.get(c) is None else _cell(row.get(c)) for c in columns))
    Console().print(table)
    click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def _cell(value: Any) -> str:
    if isinstance(value, dict | list):
        return json_util.dumps(value, json_options=JSON_OPTIONS)
    return str(value)

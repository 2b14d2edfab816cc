"""``leaf-dagster schema apply | show | stats``: document schemas from DDL files."""

from __future__ import annotations

import json
from typing import Any

import click

from leaf_dagster.cli.common import EXIT_BAD_INPUT, EXIT_FAILED, connection_options, fail, open_database
from leaf_dagster.schema import DocumentSchema, LeafSchemaError, load_ddl
from leaf_dagster.schema.apply import ValidationAction, ValidationLevel, apply_schema, plan_schema
from leaf_dagster.schema.render import render_schema
from leaf_dagster.schema.stats import schema_stats
from leaf_dagster.schema.validator import build_validator

_FILE = click.Path(exists=True, dir_okay=False, readable=True)


def _schemas(file: str, collection: str | None) -> list[DocumentSchema]:
    """The file's schemas (ALTER … ADD COLUMN applied), or the one named; exit 2 on bad DDL."""
    parsed = load_ddl(file).merged()
    if collection is not None:
        return [parsed.only(collection)]
    if not parsed.schemas:
        raise LeafSchemaError(f"{file} declares no CREATE DOCUMENT_SCHEMA")
    return list(parsed.schemas.values())


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, default=str)


@click.group("schema")
def schema() -> None:
    """Apply, show and measure CREATE DOCUMENT_SCHEMA definitions."""


@schema.command("apply")
@click.argument("file", type=_FILE)
@click.option("--collection", "-c", help="Only this schema of the file.")
@click.option(
    "--validation-level",
    type=click.Choice(["strict", "moderate", "off"]),
    default="strict",
    show_default=True,
)
@click.option("--validation-action", type=click.Choice(["error", "warn"]), default="error", show_default=True)
@click.option("--dry-run", is_flag=True, help="Print the validator and indexes; touch no database.")
@connection_options
def apply_cmd(
    file: str,
    collection: str | None,
    validation_level: ValidationLevel,
    validation_action: ValidationAction,
    dry_run: bool,
    uri: str | None,
    db_name: str | None,
) -> None:
    """Create the collection(s), set the $jsonSchema validator (collMod) and build the indexes."""
    schemas = _schemas(file, collection)
    if dry_run:
        plans = [
            plan_schema(s, validation_level=validation_level, validation_action=validation_action).to_dict()
            for s in schemas
        ]
        click.echo(_json(plans if len(plans) > 1 else plans[0]))
        return
    database = open_database(uri, db_name)
    failed = False
    for s in schemas:
        try:
            result = apply_schema(
                database, s, validation_level=validation_level, validation_action=validation_action
            )
        except LeafSchemaError as exc:
            fail(str(exc), EXIT_BAD_INPUT)
        created = "created, " if result.created_collection else ""
        click.echo(
            f"{s.collection}: {created}validator set (level {validation_level}, action {validation_action}); "
            f"indexes: {len(result.indexes_created)} created, {len(result.indexes_existing)} already present"
        )
        for name, error in result.indexes_failed:
            failed = True
            click.echo(f"  index {name} FAILED: {error}", err=True)
        for text in result.plan.unexpressed_checks:
            click.echo(f"  not enforced by the server (left to the quality suite): {text}")
    if failed:
        raise SystemExit(EXIT_FAILED)


@schema.command("show")
@click.argument("file", type=_FILE)
@click.option("--collection", "-c", help="Only this schema of the file.")
@click.option("--json-schema", "json_schema", is_flag=True, help="Print the generated $jsonSchema instead.")
def show_cmd(file: str, collection: str | None, json_schema: bool) -> None:
    """Print the parsed schema as canonical DDL, or its $jsonSchema validator."""
    schemas = _schemas(file, collection)
    if json_schema:
        validators = {s.collection: build_validator(s).validator for s in schemas}
        click.echo(_json(validators if len(validators) > 1 else next(iter(validators.values()))))
        return
    click.echo("\n".join(render_schema(s) for s in schemas), nl=False)


@schema.command("stats")
@click.argument("collection")
@click.option("--schema", "schema_file", type=_FILE, required=True, help="DDL file declaring COLLECTION.")
@click.option("--current-version", help="Expected _schema.version [default: the schema's version].")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--check", is_flag=True, help="Exit 1 when the report finds a problem.")
@connection_options
def stats_cmd(
    collection: str,
    schema_file: str,
    current_version: str | None,
    as_json: bool,
    check: bool,
    uri: str | None,
    db_name: str | None,
) -> None:
    """The data-quality report (the seed's DOCUMENT_SCHEMA_STATS) of COLLECTION."""
    (target,) = _schemas(schema_file, collection)
    stats = schema_stats(open_database(uri, db_name), target, current_version=current_version)
    report = stats.to_dict()
    if as_json:
        click.echo(_json(report))
    else:
        click.echo(
            f"{collection}: {stats.document_count} documents, avg {stats.avg_size_bytes:.0f} B, "
            f"max {stats.max_size_bytes} B"
        )
        versions = ", ".join(f"{v or '(none)'}: {n}" for v, n in stats.version_counts.items()) or "none"
        click.echo(
            f"  schema versions: {versions}"
            + (
                f" (current {stats.current_version}, {stats.outdated} outdated)"
                if stats.current_version
                else ""
            )
        )
        for path, n in stats.missing_required.items():
            click.echo(f"  missing {path}: {n}")
        click.echo(f"  migration locks: {stats.migration_locks}")
        click.echo(f"  over 80% of 16 MB: {stats.near_size_limit}")
        for path, n in stats.arrays_over_limit.items():
            click.echo(f"  {path} over {stats.array_limits[path]} items: {n}")
        sizes = ", ".join(f"{b.label}: {b.count}" for b in stats.size_histogram if b.count)
        click.echo(f"  sizes: {sizes or 'none'}")
        for problem in stats.problems():
            click.echo(f"  problem: {problem}")
    if check and stats.problems():
        raise SystemExit(EXIT_FAILED)

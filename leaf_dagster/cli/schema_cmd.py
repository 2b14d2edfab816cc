"""``leaf-dagster schema apply | show | stats``: document schemas from DDL files."""

from __future__ import annotations

import json
from typing import Any

import click

from leaf_dagster.cli.common import EXIT_BAD_INPUT, EXIT_FAILED, connection_options, fail, open_database
from leaf_dagster.schema import DocumentSchema, LeafSchemaError, load_ddl
from leaf_dagster.schema.apply import ValidationAction, ValidationLevel, apply_schema, plan_apply, plan_schema
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
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the plan (validator diff, indexes to create, adopt or replace, conflicts); change nothing. "
    "Without a URI, the plan is not compared with a database.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the plan or result as JSON.")
@connection_options
def apply_cmd(
    file: str,
    collection: str | None,
    validation_level: ValidationLevel,
    validation_action: ValidationAction,
    dry_run: bool,
    as_json: bool,
    uri: str | None,
    db_name: str | None,
) -> None:
    """Plan, then create the collection(s), set the $jsonSchema validator (collMod) and build the indexes.

    Idempotent and all or nothing: a plan with conflicts is refused before any change (exit 2), and a
    step failing later puts back the previous validator and indexes (exit 1).
    """
    schemas = _schemas(file, collection)
    settings: dict[str, Any] = {"validation_level": validation_level, "validation_action": validation_action}
    if dry_run and not uri:
        offline = [plan_schema(s, **settings).to_dict() for s in schemas]
        if as_json:
            click.echo(_json(offline if len(offline) > 1 else offline[0]))
            return
        for one in offline:
            click.echo(
                f"{one['collection']}: validator and {len(one['indexes'])} index(es) (no database given)"
            )
            for ix in one["indexes"]:
                click.echo(f"  index {ix['name']} {ix['key']}")
        return
    database = open_database(uri, db_name)
    plans = [plan_apply(database, s, **settings) for s in schemas]
    if dry_run:
        if as_json:
            dicts = [p.to_dict() for p in plans]
            click.echo(_json(dicts if len(dicts) > 1 else dicts[0]))
        else:
            for p in plans:
                click.echo("\n".join(p.lines()))
            click.echo("dry run: nothing was changed")
        conflict_count = sum(len(p.conflicts) for p in plans)
        if conflict_count:
            fail(
                f"the plan has {conflict_count} conflict(s): apply would refuse it and change nothing",
                EXIT_BAD_INPUT,
                "drop or rename the conflicting index, or change the DDL",
            )
        return
    conflicts = [a.describe() + f" (on {p.schema.collection})" for p in plans for a in p.conflicts]
    if conflicts:
        fail(
            f"nothing applied: the plan has {len(conflicts)} conflict(s): " + "; ".join(conflicts),
            EXIT_BAD_INPUT,
            "drop or rename the conflicting index, or change the DDL; --dry-run shows the whole plan",
        )
    results = []
    for s in schemas:
        result = apply_schema(database, s, **settings)
        results.append(result)
        plan = result.plan
        created = "created, " if result.created_collection else ""
        adopted = [a for a in plan.indexes if a.kind == "adopt"]
        click.echo(
            f"{s.collection}: {created}{plan.validator_change()}; indexes: {len(result.indexes_created)} created, "
            f"{len(result.indexes_existing)} already present"
            + (f" ({len(adopted)} adopted under another name)" if adopted else "")
        )
        for name, error in result.indexes_failed:
            click.echo(f"  index {name} NOT BUILT, the server cannot build it: {error}", err=True)
        for text in plan.schema.unexpressed_checks:
            click.echo(f"  not enforced by the server (left to the quality suite): {text}")
    if as_json:
        click.echo(_json([r.to_dict() for r in results]))


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

"""The Dagster code location that ``workspace.yaml`` loads.

Each capability contributes a function returning its ``dg.Definitions``; ``defs`` merges them
(Dagster allows a single ``Definitions`` object at module scope). To add asset checks, schema
assets or migration jobs, write one more such function and add it to the merge.

Asset checks: every ``CREATE DOCUMENT_SCHEMA`` in ``schemas/*.ddl`` gets the ``schema_compliance``
and ``data_quality`` checks (:func:`leaf_dagster.dagster.checks.schema_asset_checks`) on the one
asset holding its collection:

- a rollup target (``user_activity_buckets``) gets them on its rollup asset, partitioned like it
  (each check run validates one partition's buckets, on ``bucketDate``). They run in every run
  that materializes the rollup (its job, its schedule, a backfill), and a blocking check failing
  with ERROR stops the rollups downstream of it in that run.
- a raw collection written outside Dagster (``users``, ``activity_events``, ``products``,
  ``orders``, ``notifications``) is an external asset: the rollups' source ``AssetSpec``, or one
  added here for a collection no rollup reads. Dagster never materializes it but executes
  checks on it: ``raw_collection_checks_job`` runs them all (launch it from
  the UI or ``dagster job launch``; ``raw_collection_checks_schedule`` runs it daily an hour before
  the rollups, stopped by default). There a failed ERROR check fails the run (and alerts); to gate
  a rollup on its sources, select both in one run: ``AssetSelection.assets("user_activity_buckets")
  | AssetSelection.checks_for_assets("activity_events")`` skips the rollup when a blocking check fails.

Schema versions: ``users.ddl`` is at the newest revision of ``migrations/`` (3.0.0) and declares
``_schema.version``, so its checks report the documents not at 3.0.0 (``outdated_documents``; the
``data_quality`` check fails while any are left): run ``pending_migrations`` first, as ``make demo``
does. The other schemas carry a ``@version`` for their readers, but their documents have no
``_schema.version`` field (events, orders, products, notifications and the buckets are written
without one, and no migration versions them); :func:`document_schemas` drops the version of such a
schema, since the data-quality report would otherwise count every one of its documents as outdated.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import dagster as dg

from leaf_dagster.connection import DEFAULT_DB, ENV_DB, ENV_URI
from leaf_dagster.dagster import MongoResource, collection_asset_key, rollup_definitions, schema_asset_checks
from leaf_dagster.dagster.migrations import migration_definitions
from leaf_dagster.rollups import load_rollup_folder
from leaf_dagster.schema import DocumentSchema, load_ddl

ROLLUPS_DIR = Path(__file__).parent / "rollups"
SCHEMAS_DIR = Path(__file__).parent / "schemas"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Hour (UTC) at which the daily rollups run; hourly rollups run at minute 10 of every hour.
DAILY_HOUR = int(os.environ.get("LEAF_DAILY_HOUR", "6"))
# When the nightly pending_migrations job runs.
MIGRATIONS_CRON = os.environ.get("LEAF_MIGRATIONS_CRON", "0 2 * * *")
RAW_CHECKS_JOB = "raw_collection_checks_job"


def resource_definitions() -> dg.Definitions:
    database = os.environ.get(ENV_DB, DEFAULT_DB)
    return dg.Definitions(resources={"mongo": MongoResource(uri=dg.EnvVar(ENV_URI), database=database)})


def document_schemas() -> list[DocumentSchema]:
    """Every schema of ``schemas/*.ddl`` with its ``ALTER … ADD COLUMN``s applied; a schema whose
    documents carry no ``_schema.version`` (no such field declared) checks no version."""
    found = [
        s for path in sorted(SCHEMAS_DIR.glob("*.ddl")) for s in load_ddl(path).merged().schemas.values()
    ]
    return [s if s.field_at("_schema.version") else dataclasses.replace(s, version=None) for s in found]


def rollups_with_checks() -> dg.Definitions:
    """The rollups, their source collections, and the schema checks of every collection asset."""
    specs = load_rollup_folder(ROLLUPS_DIR)
    rollups = rollup_definitions(specs, daily_hour=DAILY_HOUR)
    holders = {s.target: s for s in specs if s.write == "replace"}
    assets = {a.key: a for a in rollups.assets or [] if isinstance(a, dg.AssetsDefinition | dg.AssetSpec)}
    checks: list[dg.AssetChecksDefinition] = []
    raw: list[dg.AssetKey] = []
    for schema in document_schemas():
        spec = holders.get(schema.collection)
        if spec is not None:  # a rollup target: checks run with the rollup, partition by partition
            rollup = assets[dg.AssetKey(spec.name)]
            assert isinstance(rollup, dg.AssetsDefinition)
            field = "bucketDate" if spec.pattern == "bucket" else spec.time_column or spec.time_field
            partitioned = rollup.partitions_def is not None
            checks += schema_asset_checks(
                rollup, schema, partitioned=partitioned, partition_field=field or ""
            )
            continue
        key = collection_asset_key(schema.collection)
        raw.append(key)
        checks += schema_asset_checks(key, schema)
    updaters = {s.target: s.name for s in specs if s.write == "update"}
    extra = [
        dg.AssetSpec(
            key,
            description=f"MongoDB collection `{key.path[-1]}`, written outside Dagster"
            + (
                f" (fields of it by the `{updaters[key.path[-1]]}` rollup)."
                if key.path[-1] in updaters
                else "."
            ),
            group_name="sources",
            kinds={"mongodb"},
        )
        for key in raw
        if key not in assets
    ]
    job = dg.define_asset_job(
        RAW_CHECKS_JOB,
        selection=dg.AssetSelection.checks_for_assets(*raw),
        description="The schema checks of the raw collections, written outside Dagster.",
        executor_def=dg.in_process_executor,  # one process: Great Expectations is imported once, not per check
    )
    schedule = dg.ScheduleDefinition(
        name="raw_collection_checks_schedule",
        job=job,
        cron_schedule=f"0 {(DAILY_HOUR - 1) % 24} * * *",
        execution_timezone="UTC",
    )
    checked = dg.Definitions(assets=extra, asset_checks=checks, jobs=[job], schedules=[schedule])
    return dg.Definitions.merge(rollups, checked)


def migrations() -> dg.Definitions:
    return migration_definitions(MIGRATIONS_DIR, schedule_cron=MIGRATIONS_CRON)


defs = dg.Definitions.merge(resource_definitions(), rollups_with_checks(), migrations())

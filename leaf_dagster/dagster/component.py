"""``LeafProject``: a folder of rollups, schemas and migrations as one Dagster Component.

The anchor is dagster-dbt's ``DbtProjectComponent``: one ``defs.yaml`` and the project appears::

    type: leaf_dagster.LeafProject
    attributes:
      rollups: rollups            # *.sql with a leaf config block; paths are relative to defs.yaml
      schemas: schemas            # *.ddl (CREATE DOCUMENT_SCHEMA): checks, column schemas
      migrations: migrations      # revision scripts: one job each, pending_migrations nightly
      mongo: {uri_env: LEAF_MONGODB_URI, database_env: LEAF_MONGODB_DB, database: leaf}
      executor: in_process        # the location's default: a run's steps share its process
      translation:                # like DagsterDbtTranslator: per asset, template vars
        group_name: "{{ 'raw' if role == 'source' else spec.group_name }}"   # asset, name, role, …

It builds every rollup asset (partitioned, with its job and schedule), an observable source asset
per raw collection (document count and newest event time, a schedule observing them and a
freshness check), the schema checks of every collection asset, and the migration jobs. The URI is
read from the environment through ``dg.EnvVar`` at run time, so it never reaches Dagster storage.

Python projects customise it as they would ``DbtProjectComponent``: subclass and override
:meth:`LeafProject.get_asset_spec` (keys, groups, descriptions, metadata), or build the pieces
with :mod:`leaf_dagster.dagster`'s functions.
"""

# No ``from __future__ import annotations``: Resolvable reads the field annotations at class creation.
import dataclasses
import datetime as dt
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

import dagster as dg
from dagster.components.utils.translation import TranslationFn, TranslationFnResolver

from leaf_dagster.connection import DEFAULT_DB, ENV_DB, ENV_URI
from leaf_dagster.dagster.checks import schema_asset_checks
from leaf_dagster.dagster.component_columns import collection_metadata, column_lineage, rollup_column_schema
from leaf_dagster.dagster.component_scaffold import LeafProjectScaffolder
from leaf_dagster.dagster.component_sources import SourceCollection, source_observation
from leaf_dagster.dagster.executors import in_process_or_multiprocess_executor
from leaf_dagster.dagster.migrations import migration_definitions
from leaf_dagster.dagster.resources import MongoResource
from leaf_dagster.dagster.rollups import PoolBy, rollup_assets, rollup_job_and_schedule
from leaf_dagster.rollups import RollupSpec, load_rollup_folder
from leaf_dagster.schema import DocumentSchema, load_ddl, sql_catalog

# Dagster's own defs-folder loader re-wraps every asset check (to add its metadata) as a plain
# AssetsDefinition, and the repository turns it back into an AssetChecksDefinition, which warns
# that a beta parameter of AssetsDefinition is used, on every load, for any project with checks.
# Nothing in a project can avoid it, so that one message is silenced.
warnings.filterwarnings(
    "ignore",
    message=r"Parameter `execution_type` of function `AssetsDefinition.__init__` is currently in beta",
    category=dg.BetaWarning,
)

RAW_CHECKS_JOB = "raw_collection_checks_job"
OBSERVE_JOB = "observe_sources_job"


@dataclass(frozen=True)
class LeafAsset:
    """What a translator sees of one asset: a rollup, or a raw collection (``role="source"``)."""

    name: str  # the rollup's name, or the collection's
    collection: str  # the collection it holds: the rollup's target, or the raw collection
    role: Literal["rollup", "source"]
    rollup: RollupSpec | None = None
    schema: DocumentSchema | None = None


def _translation_vars(asset: LeafAsset) -> Mapping[str, Any]:
    return {"asset": asset, "name": asset.name, "collection": asset.collection, "role": asset.role}


@dataclass
class MongoConnection(dg.Resolvable):
    """The ``mongo`` resource: the URI from an environment variable (never stored), the database
    from ``database_env`` if that variable is set, else ``database``."""

    uri_env: str = ENV_URI
    database: str = DEFAULT_DB
    database_env: str | None = ENV_DB

    def resource(self) -> MongoResource:
        name = os.environ.get(self.database_env, "") if self.database_env else ""
        return MongoResource(uri=dg.EnvVar(self.uri_env), database=name or self.database)


@dg.scaffold_with(LeafProjectScaffolder)
@dataclass
class LeafProject(dg.Component, dg.Resolvable):
    """A leaf_dagster project: SQL rollups, document schemas and migrations, on MongoDB."""

    rollups: str = "rollups"
    schemas: str | None = "schemas"
    migrations: str | None = "migrations"
    key_prefix: list[str] = field(default_factory=list)
    rollup_group: str = "rollups"
    source_group: str = "sources"
    mongo: MongoConnection = field(default_factory=MongoConnection)
    resource_key: str = "mongo"
    # The rollups' Dagster concurrency pool: one per MongoDB resource (mongodb/<resource key>), or one
    # per target ("target": mongodb/<resource key>/<target>); the limit is set in dagster.yaml.
    pool_by: PoolBy = "resource"
    # The code location's default executor, for the jobs that set none: the UI's "Materialize", its
    # backfills and `dagster asset materialize` (Dagster's implicit asset job), and the migrations.
    # "in_process": a run's steps share its process (a rollup and its checks: one process start and
    # one code-location load per run, not per step), switchable per run with `execution: config:
    # multiprocess: {}`; "multiprocess": Dagster's default, one process per step; null: the project
    # sets none (for a code location that sets its executor elsewhere).
    executor: Literal["in_process", "multiprocess"] | None = "in_process"
    # YYYY-MM-DD: where every partitioned rollup's partitions start, instead of each file's `start:`
    # (the example sets it to where its sample data starts, through a template variable).
    partitions_start: str | None = None
    # When the daily rollups run (UTC); hourly rollups run at minute 10 of every hour.
    daily_hour: int = 6
    # When pending_migrations runs (null: no schedule).
    migration_cron: str | None = "0 2 * * *"
    # When the raw collections are observed (count, newest event) and their freshness checked.
    observe_cron: str | None = "*/30 * * * *"
    # A source is stale when its newest event is older than this many hours (per collection, or "*").
    max_event_age_hours: dict[str, float] = field(default_factory=lambda: {"*": 36.0})
    translation: Annotated[
        TranslationFn[LeafAsset] | None,
        TranslationFnResolver(template_vars_for_translation_fn=_translation_vars),
    ] = None

    # ---- the translator hook -------------------------------------------------------------------

    def get_asset_spec(self, base: dg.AssetSpec, asset: LeafAsset) -> dg.AssetSpec:
        """The spec of one asset: the default one, through ``translation`` from ``defs.yaml``.
        Override in a subclass to change keys, groups, descriptions or metadata in Python."""
        return self.translation(base, asset) if self.translation else base

    # ---- loading -------------------------------------------------------------------------------

    def _path(self, value: str) -> Path:
        """``value`` relative to the folder of ``defs.yaml`` (set by :meth:`build_defs`)."""
        path = Path(value)
        base: Path | None = getattr(self, "_base_path", None)
        return path if path.is_absolute() or base is None else base / path

    @cached_property
    def rollup_specs(self) -> list[RollupSpec]:
        specs = load_rollup_folder(self._path(self.rollups))
        if self.partitions_start:
            dt.datetime.strptime(self.partitions_start, "%Y-%m-%d")  # a clear error for a bad date
            specs = [dataclasses.replace(s, start=self.partitions_start) if s.partition else s for s in specs]
        # the schemas' declared field types: quoted literals in the rollups' SQL take their field's type
        catalog = sql_catalog(self.document_schemas)
        return [dataclasses.replace(s, catalog=catalog) for s in specs]

    @cached_property
    def document_schemas(self) -> list[DocumentSchema]:
        """Every schema of the schema folder with its ``ALTER … ADD COLUMN``s applied. A schema whose
        documents carry no ``_schema.version`` (no such field declared) checks no version: the
        data-quality report would otherwise count every one of its documents as outdated."""
        if not self.schemas:
            return []
        folder = self._path(self.schemas)
        found = [s for path in sorted(folder.glob("*.ddl")) for s in load_ddl(path).merged().schemas.values()]
        return [s if s.field_at("_schema.version") else dataclasses.replace(s, version=None) for s in found]

    def database_name(self) -> str:
        return self.mongo.resource().database

    def build_defs(self, context: dg.ComponentLoadContext) -> dg.Definitions:
        return self.definitions(context.path)

    def definitions(self, base_path: Path | None = None) -> dg.Definitions:
        """Everything the project defines, the ``mongo`` resource included; relative folders are
        taken from ``base_path`` (the folder of ``defs.yaml``), else from the working directory."""
        if base_path is not None:
            self._base_path = base_path
        specs = self.rollup_specs
        schemas = {schema.collection: schema for schema in self.document_schemas}
        database = self.database_name()
        holders = {s.target: s for s in specs if s.write == "replace"}

        # rollups: built with the default keys, then translated (keys, groups, descriptions, metadata)
        built = rollup_assets(
            specs,
            resource_key=self.resource_key,
            key_prefix=self.key_prefix,
            group_name=self.rollup_group,
            pool_by=self.pool_by,
        )
        wanted: dict[dg.AssetKey, dg.AssetSpec] = {}
        for spec, asset in zip(specs, built, strict=True):
            schema = schemas.get(spec.target) if spec.write == "replace" else None
            columns = schema or rollup_column_schema(spec, schemas)
            base = next(iter(asset.specs)).merge_attributes(
                metadata=collection_metadata(database, spec.target, columns)
            )
            wanted[asset.key] = self.get_asset_spec(
                base, LeafAsset(spec.name, spec.target, "rollup", spec, schema)
            )

        # raw collections: read by a rollup but produced by none, or described by a schema only
        raw = sorted({c for s in specs for c in s.sources if c not in holders} | set(schemas) - set(holders))
        sources: list[SourceCollection] = []
        for collection in raw:
            schema = schemas.get(collection)
            base = self._source_spec(collection, specs, schema, database)
            translated = self.get_asset_spec(base, LeafAsset(collection, collection, "source", None, schema))
            wanted[base.key] = translated
            time_fields = sorted({s.time_field for s in specs if collection in s.sources and s.time_field})
            max_age = self.max_event_age_hours.get(collection, self.max_event_age_hours.get("*", 36.0))
            sources.append(
                SourceCollection(
                    translated,
                    collection,
                    time_fields[0] if time_fields else None,
                    dt.timedelta(hours=max_age),
                )
            )

        # the collection each asset holds → its final key; then each rollup's column lineage on those keys
        key_of = {
            s.target: wanted[a.key].key for s, a in zip(specs, built, strict=True) if s.write == "replace"
        }
        key_of.update({s.collection: s.spec.key for s in sources})
        for spec, asset in zip(specs, built, strict=True):
            wanted[asset.key] = wanted[asset.key].merge_attributes(metadata=column_lineage(spec, key_of))
        replacements = {old: new.key for old, new in wanted.items() if old != new.key}
        rollups = [self._translated(asset, wanted[asset.key], replacements) for asset in built]

        observe, freshness = source_observation(sources, resource_key=self.resource_key)
        checks: list[dg.AssetChecksDefinition] = list(freshness)
        raw_checks: list[dg.AssetCheckKey] = []
        for schema in self.document_schemas:
            rollup_spec = holders.get(schema.collection)
            if rollup_spec is not None:  # a rollup target: its checks run with it, partition by partition
                asset = next(r for s, r in zip(specs, rollups, strict=True) if s is rollup_spec)
                partition_field = (
                    "bucketDate"
                    if rollup_spec.pattern == "bucket"
                    else rollup_spec.time_column or rollup_spec.time_field or ""
                )
                checks += schema_asset_checks(
                    asset,
                    schema,
                    partitioned=asset.partitions_def is not None,
                    partition_field=partition_field,
                    resource_key=self.resource_key,
                )
            else:
                built_checks = schema_asset_checks(
                    key_of[schema.collection], schema, resource_key=self.resource_key
                )
                raw_checks += [key for c in built_checks for key in c.check_keys]
                checks += built_checks

        jobs: list[Any] = []
        schedules: list[Any] = []
        for spec, asset in zip(specs, rollups, strict=True):
            job, schedule = rollup_job_and_schedule(spec, asset.key, daily_hour=self.daily_hour)
            jobs.append(job)
            schedules.append(schedule)
        raw_job = dg.define_asset_job(
            RAW_CHECKS_JOB,
            selection=dg.AssetSelection.checks(*raw_checks),
            description="The schema checks of the raw collections, written outside Dagster.",
            executor_def=in_process_or_multiprocess_executor,  # Great Expectations imported once, not per check
        )
        observe_job = dg.define_asset_job(
            OBSERVE_JOB,
            selection=dg.AssetSelection.assets(*(s.spec.key for s in sources)).without_checks()
            | dg.AssetSelection.checks(*(c for f in freshness for c in f.check_keys)),
            description="Observe the raw collections (document count, newest event) and check their freshness.",
            executor_def=in_process_or_multiprocess_executor,
        )
        jobs += [raw_job, observe_job]
        schedules.append(
            dg.ScheduleDefinition(
                name="raw_collection_checks_schedule",
                job=raw_job,
                cron_schedule=f"0 {(self.daily_hour - 1) % 24} * * *",
                execution_timezone="UTC",
            )
        )
        if self.observe_cron:
            schedules.append(
                dg.ScheduleDefinition(
                    name="observe_sources_schedule",
                    job=observe_job,
                    cron_schedule=self.observe_cron,
                    execution_timezone="UTC",
                )
            )
        project = dg.Definitions(
            assets=[*rollups, observe],
            asset_checks=checks,
            jobs=jobs,
            schedules=schedules,
            resources={self.resource_key: self.mongo.resource()},
            executor=self.default_executor(),
        )
        if not self.migrations:
            return project
        migrations = migration_definitions(
            self._path(self.migrations),
            schedule_cron=self.migration_cron,
            asset_key=lambda collection: key_of.get(collection, self._default_key(collection)),
        )
        return dg.Definitions.merge(project, migrations)

    # ---- helpers -------------------------------------------------------------------------------

    def default_executor(self) -> dg.ExecutorDefinition | None:
        if self.executor is None:
            return None
        if self.executor == "multiprocess":
            return dg.multi_or_in_process_executor
        return in_process_or_multiprocess_executor

    def _default_key(self, collection: str) -> dg.AssetKey:
        return dg.AssetKey([*self.key_prefix, collection])

    def _source_spec(
        self, collection: str, specs: Sequence[RollupSpec], schema: DocumentSchema | None, database: str
    ) -> dg.AssetSpec:
        readers = sorted(s.name for s in specs if collection in s.sources)
        updaters = sorted(s.name for s in specs if s.target == collection and s.write == "update")
        description = f"MongoDB collection `{collection}`, written outside Dagster"
        if updaters:
            description += f" (fields of it by the {', '.join(f'`{u}`' for u in updaters)} rollup)"
        description += f"; read by {', '.join(f'`{r}`' for r in readers)}." if readers else "."
        return dg.AssetSpec(
            key=self._default_key(collection),
            description=description,
            group_name=self.source_group,
            kinds={"mongodb"},
            metadata=collection_metadata(database, collection, schema),
        )

    @staticmethod
    def _translated(
        asset: dg.AssetsDefinition, wanted: dg.AssetSpec, replacements: Mapping[dg.AssetKey, dg.AssetKey]
    ) -> dg.AssetsDefinition:
        if replacements:
            asset = asset.with_attributes(asset_key_replacements=replacements)

        def apply(spec: dg.AssetSpec) -> dg.AssetSpec:
            return spec.replace_attributes(
                group_name=wanted.group_name,
                description=wanted.description,
                metadata=wanted.metadata,
                tags=wanted.tags,
                owners=wanted.owners,
                kinds=wanted.kinds,
            )

        return asset.map_asset_specs(apply)

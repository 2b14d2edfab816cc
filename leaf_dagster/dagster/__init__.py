"""The thin Dagster layer over leaf_dagster's engines."""

from leaf_dagster.dagster.checks import COMPLIANCE_CHECK, QUALITY_CHECK, schema_asset_checks
from leaf_dagster.dagster.component import LeafAsset, LeafProject, MongoConnection
from leaf_dagster.dagster.migrations import migration_definitions, migration_jobs
from leaf_dagster.dagster.resources import MongoResource
from leaf_dagster.dagster.retries import TRANSIENT_RETRY_POLICY, fail_fast_unless_transient
from leaf_dagster.dagster.rollups import (
    RollupRunConfig,
    collection_asset_key,
    rollup_asset,
    rollup_assets,
    rollup_definitions,
    rollup_source_assets,
)

__all__ = [
    "COMPLIANCE_CHECK",
    "QUALITY_CHECK",
    "TRANSIENT_RETRY_POLICY",
    "LeafAsset",
    "LeafProject",
    "MongoConnection",
    "MongoResource",
    "RollupRunConfig",
    "collection_asset_key",
    "fail_fast_unless_transient",
    "migration_definitions",
    "migration_jobs",
    "rollup_asset",
    "rollup_assets",
    "rollup_definitions",
    "rollup_source_assets",
    "schema_asset_checks",
]

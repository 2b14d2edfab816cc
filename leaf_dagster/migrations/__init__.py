"""Crash-safe, resumable schema migrations for MongoDB collections (no Dagster import here).

Revisions are files in a migrations folder (:mod:`~leaf_dagster.migrations.revision`); the
:class:`MigrationRunner` applies them in batches under a lease, with a durable changelog and checkpoint.
"""

from leaf_dagster.migrations.changelog import CHANGELOG_COLLECTION, Status
from leaf_dagster.migrations.diff import Change, diff_documents
from leaf_dagster.migrations.dry_run import DryRunReport, dry_run
from leaf_dagster.migrations.errors import (
    ChecksumMismatch,
    IrreversibleMigration,
    LeaseLost,
    LockError,
    LockHeld,
    MigrationError,
    MigrationValidationError,
    RevisionError,
)
from leaf_dagster.migrations.lock import LOCKS_COLLECTION, Lease
from leaf_dagster.migrations.options import (
    BatchProgress,
    MigrationOptions,
    MigrationResult,
    ValidationReport,
    Validator,
    ValidatorResult,
)
from leaf_dagster.migrations.quality_hook import schema_validator
from leaf_dagster.migrations.revision import Revision
from leaf_dagster.migrations.revisions import Revisions, default_path
from leaf_dagster.migrations.runner import MigrationRunner
from leaf_dagster.migrations.scaffold import new_revision
from leaf_dagster.migrations.status import MigrationState, StatusReport, migration_status
from leaf_dagster.migrations.validation import version_distribution

__all__ = [
    "CHANGELOG_COLLECTION",
    "LOCKS_COLLECTION",
    "BatchProgress",
    "Change",
    "ChecksumMismatch",
    "DryRunReport",
    "IrreversibleMigration",
    "Lease",
    "LeaseLost",
    "LockError",
    "LockHeld",
    "MigrationError",
    "MigrationOptions",
    "MigrationResult",
    "MigrationRunner",
    "MigrationState",
    "MigrationValidationError",
    "Revision",
    "RevisionError",
    "Revisions",
    "Status",
    "StatusReport",
    "ValidationReport",
    "Validator",
    "ValidatorResult",
    "default_path",
    "diff_documents",
    "dry_run",
    "migration_status",
    "new_revision",
    "schema_validator",
    "version_distribution",
]

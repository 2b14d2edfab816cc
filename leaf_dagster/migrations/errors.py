"""Errors raised by the migration engine; each message says what to do next."""

from __future__ import annotations


class MigrationError(RuntimeError):
    """Base class for every migration failure."""


class RevisionError(MigrationError):
    """A revision file, or the set of revisions, is invalid (bad attributes, cycle, gap, duplicate)."""


class ChecksumMismatch(MigrationError):
    """An applied migration's file changed after it ran."""


class MigrationValidationError(MigrationError):
    """The validate phase found documents left behind or a failing validator."""


class IrreversibleMigration(MigrationError):
    """``down`` was asked of a revision that cannot be rolled back (no down, or already cleaned up)."""


class LockError(MigrationError):
    """Lock contention: worth retrying later (Dagster treats it as transient)."""


class LockHeld(LockError):
    """Another runner holds the lease."""


class LeaseLost(LockError):
    """The lease expired and someone else took it; this runner stopped before its next batch."""

"""The validate phase: nothing left at the source version beyond the quarantine, plus a hook."""

from __future__ import annotations

from typing import Any

from pymongo.collection import Collection

from leaf_dagster.connection import Document
from leaf_dagster.migrations.options import MigrationOptions, ValidationReport, ValidatorResult
from leaf_dagster.migrations.revision import VERSION_FIELD, Revision


def version_distribution(coll: Collection[Document]) -> dict[str, int]:
    """Documents per ``_schema.version`` ("(none)" for documents without one)."""
    rows = coll.aggregate([{"$group": {"_id": f"${VERSION_FIELD}", "n": {"$sum": 1}}}])
    return {("(none)" if row["_id"] is None else str(row["_id"])): int(row["n"]) for row in rows}


def validate_revision(
    coll: Collection[Document], rev: Revision, record: Document, options: MigrationOptions
) -> ValidationReport:
    counts: dict[str, Any] = record.get("counts") or {}
    total = int(counts.get("total", 0))
    failed = int(counts.get("failed", 0))
    failures: list[Document] = list(record.get("failures") or [])
    versions = version_distribution(coll)
    left = versions.get(rev.from_version, 0)
    # The fraction is of the documents this migration concerns, whatever pass left them behind.
    allowed = options.allowed_failures(max(total, left + versions.get(rev.to_version, 0)))
    problems: list[str] = []
    if left > allowed:
        never = max(left - failed, 0)
        first = ", ".join(repr(f["_id"]) for f in failures[:10])
        parts = [
            f"{left} document(s) of {rev.collection} still at {rev.from_version} (quarantine allows {allowed})"
        ]
        if failed:
            parts.append(
                f"{failed} failed to transform (first ids: {first}; first error: {failures[0]['error']})"
            )
        if never:
            parts.append(
                f"{never} were never processed (written during the migration?): rerun to migrate them"
            )
        problems.append("; ".join(parts))
    hook: ValidatorResult | None = None
    if options.validator is not None:
        hook = options.validator(coll, rev)
        if not hook.ok:
            problems.append(f"validator: {hook.summary}")
    ok = not problems
    if ok:
        quarantined = f", {left} quarantined at {rev.from_version}" if left else ""
        message = f"{versions.get(rev.to_version, 0)} document(s) at {rev.to_version}{quarantined}"
    else:
        message = "; ".join(problems)
    return ValidationReport(
        ok=ok,
        revision_id=rev.id,
        to_version=rev.to_version,
        left_behind=left,
        failed=failed,
        allowed=allowed,
        failures=failures,
        versions=versions,
        validator=hook,
        message=message,
    )

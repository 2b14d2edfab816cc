"""The validate phase's schema check: the target schema's Great Expectations suite.

Built on :func:`leaf_dagster.quality.validate_collection`, imported only when the check runs, so the
migration engine does not depend on Great Expectations. The check applies to a revision whose
collection has a schema here at the revision's ``to_version`` (a schema without a version applies to
every revision of its collection); it validates the documents now at that version, all of them or a
``$sample``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from pymongo.collection import Collection

from leaf_dagster.connection import Document
from leaf_dagster.migrations.options import Validator, ValidatorResult
from leaf_dagster.migrations.revision import VERSION_FIELD, Revision

if TYPE_CHECKING:
    from leaf_dagster.schema import DocumentSchema


def schema_validator(
    schemas: Iterable[DocumentSchema], *, sample: int | None = None, blocking_only: bool = True
) -> Validator:
    """A :data:`Validator` running each target schema's suite (only ERROR expectations fail it
    unless ``blocking_only`` is False)."""
    by_key = {(s.collection, s.version): s for s in schemas}

    def validate(coll: Collection[Document], rev: Revision) -> ValidatorResult:
        schema = by_key.get((rev.collection, rev.to_version)) or by_key.get((rev.collection, None))
        if schema is None:
            return ValidatorResult(True, f"no schema for {rev.collection} at {rev.to_version}: not checked")
        from leaf_dagster.quality import validate_collection

        report = validate_collection(
            coll.database, schema, collection=coll.name, sample=sample, filter={VERSION_FIELD: rev.to_version}
        )
        failing = report.blocking_failures if blocking_only else report.failures
        checked = f"{report.documents} document(s) at {rev.to_version}" + (
            f" (sample of {sample})" if sample else ""
        )
        if not failing:
            return ValidatorResult(True, f"schema suite passed on {checked}", {"report": report.to_dict()})
        described = "; ".join(
            f"{r.rule.id}: {r.unexpected_count} unexpected (e.g. {r.example_ids[:3]})" for r in failing[:5]
        )
        return ValidatorResult(
            False,
            f"{len(failing)} expectation(s) failed on {checked}: {described}",
            {"report": report.to_dict()},
        )

    return validate

"""Applying a document schema to a collection: validator (``collMod``) and indexes.

Indexes come from ``CREATE [UNIQUE|TEXT] INDEX`` and from ``UNIQUE`` fields. A ``UNIQUE`` field
that may be missing or null gets a partial index over documents where it holds a value, so that,
as in SQL, many documents may lack it. ``UNIQUE`` fields inside arrays or VARIANT cases get no
index (a multikey unique index means "unique across documents", not what SQL says); the quality
suite checks them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pymongo.database import Database
from pymongo.errors import OperationFailure

from leaf_dagster.connection import Document, is_transient
from leaf_dagster.schema.errors import LeafSchemaError
from leaf_dagster.schema.model import DocumentSchema, IndexDef
from leaf_dagster.schema.validator import bson_types, build_validator

ValidationLevel = Literal["strict", "moderate", "off"]
ValidationAction = Literal["error", "warn"]
_INDEX_CONFLICT_CODES = {85, 86}  # IndexOptionsConflict, IndexKeySpecsConflict


@dataclass(frozen=True)
class IndexSpec:
    """An index as MongoDB receives it: keys in order, and the ``createIndexes`` options."""

    name: str
    keys: tuple[tuple[str, int | str], ...]
    options: dict[str, Any] = field(default_factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "key": dict(self.keys), **self.options}


@dataclass(frozen=True)
class SchemaPlan:
    """What applying a schema does: the validator, its settings, and the indexes."""

    collection: str
    validator: dict[str, Any]
    validation_level: ValidationLevel
    validation_action: ValidationAction
    indexes: tuple[IndexSpec, ...]
    unexpressed_checks: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "collection": self.collection,
            "validator": self.validator,
            "validationLevel": self.validation_level,
            "validationAction": self.validation_action,
            "indexes": [ix.to_dict() for ix in self.indexes],
            "unexpressedChecks": list(self.unexpressed_checks),
        }


@dataclass(frozen=True)
class ApplyResult:
    """What :func:`apply_schema` did."""

    plan: SchemaPlan
    created_collection: bool
    indexes_created: tuple[str, ...]
    indexes_existing: tuple[str, ...]
    indexes_failed: tuple[tuple[str, str], ...] = ()

    @property
    def ok(self) -> bool:
        return not self.indexes_failed

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.plan.to_dict(),
            "createdCollection": self.created_collection,
            "indexesCreated": list(self.indexes_created),
            "indexesExisting": list(self.indexes_existing),
            "indexesFailed": [{"name": name, "error": error} for name, error in self.indexes_failed],
        }


def plan_schema(
    schema: DocumentSchema,
    *,
    validation_level: ValidationLevel = "strict",
    validation_action: ValidationAction = "error",
) -> SchemaPlan:
    """The validator and index specs for ``schema``, touching no database (``--dry-run``)."""
    if validation_level not in ("strict", "moderate", "off"):
        raise LeafSchemaError(f"validation level must be strict, moderate or off, not {validation_level!r}")
    if validation_action not in ("error", "warn"):
        raise LeafSchemaError(f"validation action must be error or warn, not {validation_action!r}")
    build = build_validator(schema)
    indexes = tuple(index_spec(schema, ix) for ix in schema.all_indexes())
    unexpressed = tuple(f"{path}: CHECK ({check.text})" for path, check in build.unexpressed)
    return SchemaPlan(
        schema.collection, build.validator, validation_level, validation_action, indexes, unexpressed
    )


def index_spec(schema: DocumentSchema, index: IndexDef) -> IndexSpec:
    keys = tuple((key.path, key.direction) for key in index.keys)
    options: dict[str, Any] = {}
    if index.unique:
        options["unique"] = True
        nullable = [k.path for k in index.keys if not _always_present(schema, k.path)]
        if nullable:
            options["partialFilterExpression"] = {path: _has_value(schema, path) for path in nullable}
    return IndexSpec(index.name, keys, options)


def _always_present(schema: DocumentSchema, path: str) -> bool:
    return path == "_id" or path in schema.required_paths()


def _has_value(schema: DocumentSchema, path: str) -> dict[str, Any]:
    found = schema.field_at(path)
    types = bson_types(found.type) if found is not None else None
    # Partial indexes accept $exists: true and $type, not $ne: null; $type excludes nulls.
    return {"$type": list(types)} if types else {"$exists": True}


def apply_schema(
    db: Database[Document],
    schema: DocumentSchema,
    *,
    validation_level: ValidationLevel = "strict",
    validation_action: ValidationAction = "error",
) -> ApplyResult:
    """Create the collection if missing, set its validator with ``collMod``, create its indexes.

    Idempotent: re-applying the same schema changes nothing. An existing index with the same name
    but another definition raises :class:`LeafSchemaError` naming it (drop it first). An index the
    server refuses to build (say, a text index on a server without text search) does not stop the
    rest: it is listed in :attr:`ApplyResult.indexes_failed` with the server's reason.
    """
    plan = plan_schema(schema, validation_level=validation_level, validation_action=validation_action)
    created = schema.collection not in db.list_collection_names(filter={"name": schema.collection})
    if created:
        db.create_collection(schema.collection)
    db.command(
        "collMod",
        schema.collection,
        validator=plan.validator,
        validationLevel=plan.validation_level,
        validationAction=plan.validation_action,
    )
    collection = db[schema.collection]
    existing_names = set(collection.index_information())
    made: list[str] = []
    kept: list[str] = []
    failed: list[tuple[str, str]] = []
    for spec in plan.indexes:
        try:
            collection.create_index(list(spec.keys), name=spec.name, **spec.options)
        except OperationFailure as exc:
            if exc.code in _INDEX_CONFLICT_CODES:
                raise LeafSchemaError(
                    f"index {spec.name!r} on {schema.collection!r} exists with another definition "
                    f"or under another name ({exc.details.get('errmsg') if exc.details else exc}); "
                    "drop it and apply again"
                ) from exc
            if is_transient(exc):
                raise
            failed.append((spec.name, str(exc.details.get("errmsg", exc)) if exc.details else str(exc)))
            continue
        (kept if spec.name in existing_names else made).append(spec.name)
    return ApplyResult(plan, created, tuple(made), tuple(kept), tuple(failed))

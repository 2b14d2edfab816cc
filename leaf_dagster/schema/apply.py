"""Applying a document schema to a collection: validator (``collMod``) and indexes.

Indexes come from ``CREATE [UNIQUE|TEXT] INDEX`` and from ``UNIQUE`` fields. A ``UNIQUE`` field
that may be missing or null gets a partial index over documents where it holds a value, so that,
as in SQL, many documents may lack it. ``UNIQUE`` fields inside arrays or VARIANT cases get no
index (a multikey unique index means "unique across documents", not what SQL says); the quality
suite checks them.

:func:`plan_apply` measures a schema against the database first (validator diff; indexes to create,
already present, equivalent ones under another name to adopt, loader-made ones to replace, and
conflicts); :func:`apply_schema` refuses a plan with conflicts before changing anything and puts
everything back if a later step fails.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any, Literal

from pymongo.database import Database
from pymongo.errors import OperationFailure, PyMongoError

from leaf_dagster.connection import Document, is_transient
from leaf_dagster.schema.errors import LeafSchemaError
from leaf_dagster.schema.model import DocumentSchema, IndexDef
from leaf_dagster.schema.validator import bson_types, build_validator

ValidationLevel = Literal["strict", "moderate", "off"]
ValidationAction = Literal["error", "warn"]


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
        # As in SQL, UNIQUE constrains the values present, and NOT NULL is the validator's job: a
        # NOT NULL field gets {$exists: true} (equality lookups still use the index, and documents
        # that broke NOT NULL before the validator existed do not make the index unbuildable); a
        # nullable one gets its types, so that many documents may hold null.
        partial = {
            k.path: {"$exists": True} if k.path in schema.required_paths() else _has_value(schema, k.path)
            for k in index.keys
            if k.path != "_id"
        }
        if partial:
            options["partialFilterExpression"] = partial
    return IndexSpec(index.name, keys, options)


def _has_value(schema: DocumentSchema, path: str) -> dict[str, Any]:
    found = schema.field_at(path)
    types = bson_types(found.type) if found is not None else None
    # Partial indexes accept $exists: true and $type, not $ne: null; $type excludes nulls.
    return {"$type": list(types)} if types else {"$exists": True}


# -- planning against a database -------------------------------------------------------------

IndexActionKind = Literal["create", "present", "adopt", "replace", "conflict"]
_COMPARED_OPTIONS = ("unique", "sparse", "partialFilterExpression", "expireAfterSeconds", "collation")


@dataclass(frozen=True)
class IndexAction:
    """What applying does about one declared index.

    ``present``: an index of that name and definition exists. ``adopt``: an equivalent index exists
    under another name (say ``customerId_1_createdAt_-1``, made by a loader) and serves as it; nothing
    is built. ``replace``: an index on the same keys with other options exists under the server's
    default name (a loader's, not a deliberate one): it is dropped and the declared one built.
    ``conflict``: applying would have to drop a deliberately named index, or the name is taken by
    an index on other keys; the plan is refused.
    """

    spec: IndexSpec
    kind: IndexActionKind
    existing: str | None = None
    reason: str = ""

    def describe(self) -> str:
        name = self.spec.name
        match self.kind:
            case "create":
                return f"create index {name} {_keys_text(self.spec.keys)}{_options_text(self.spec.options)}"
            case "present":
                return f"index {name}: already present"
            case "adopt":
                return f"index {name}: adopt the equivalent index {self.existing} (nothing built)"
            case "replace":
                return f"index {name}: replace {self.existing} ({self.reason})"
        return f"CONFLICT index {name}: {self.reason}"


@dataclass(frozen=True)
class ApplyPlan:
    """:class:`SchemaPlan` measured against a database: what ``apply`` would change, and conflicts."""

    schema: SchemaPlan
    collection_exists: bool
    current_validator: dict[str, Any] | None
    current_level: str | None
    current_action: str | None
    indexes: tuple[IndexAction, ...]

    @property
    def conflicts(self) -> tuple[IndexAction, ...]:
        return tuple(a for a in self.indexes if a.kind == "conflict")

    @property
    def validator_unchanged(self) -> bool:
        return (
            self.current_validator == self.schema.validator
            and self.current_level == self.schema.validation_level
            and self.current_action == self.schema.validation_action
        )

    def lines(self) -> list[str]:
        """The plan as ``--dry-run`` prints it."""
        name = self.schema.collection
        out = [f"{name}: {'exists' if self.collection_exists else 'create the collection'}"]
        out.append("  " + self.validator_change())
        out += ["  " + action.describe() for action in self.indexes]
        out += [
            f"  not enforced by the server (left to the quality suite): {t}"
            for t in self.schema.unexpressed_checks
        ]
        return out

    def validator_change(self) -> str:
        settings = f"level {self.schema.validation_level}, action {self.schema.validation_action}"
        if self.validator_unchanged:
            return f"validator: unchanged ({settings})"
        if not self.current_validator:
            return f"validator: set ({settings}; none before)"
        before = _json_schema(self.current_validator)
        after = _json_schema(self.schema.validator)
        props_before, props_after = set(before.get("properties", {})), set(after.get("properties", {}))
        changed = sorted(
            k for k in props_before & props_after if before["properties"][k] != after["properties"][k]
        )
        parts = (
            [f"+{k}" for k in sorted(props_after - props_before)]
            + [f"-{k}" for k in sorted(props_before - props_after)]
            + [f"~{k}" for k in changed]
        )
        if before.get("required") != after.get("required"):
            parts.append("required fields")
        if (self.current_level, self.current_action) != (
            self.schema.validation_level,
            self.schema.validation_action,
        ):
            parts.append(f"was level {self.current_level}, action {self.current_action}")
        return f"validator: replace ({settings}): {', '.join(parts) or 'rewritten'}"

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.schema.to_dict(),
            "collectionExists": self.collection_exists,
            "validatorUnchanged": self.validator_unchanged,
            "indexActions": [
                {"name": a.spec.name, "action": a.kind, "existing": a.existing, "reason": a.reason}
                for a in self.indexes
            ],
            "conflicts": [a.describe() for a in self.conflicts],
        }


@dataclass(frozen=True)
class ApplyResult:
    """What :func:`apply_schema` did."""

    plan: ApplyPlan
    created_collection: bool
    indexes_created: tuple[str, ...]
    indexes_existing: tuple[str, ...]  # present or adopted
    indexes_failed: tuple[tuple[str, str], ...] = ()  # refused by the server as unsupported (text)

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


def _json_schema(validator: dict[str, Any]) -> dict[str, Any]:
    found = validator.get("$jsonSchema")
    return found if isinstance(found, dict) else {}


def _keys_text(keys: tuple[tuple[str, Any], ...]) -> str:
    return "(" + ", ".join(f"{k} {v}" for k, v in keys) + ")"


def _options_text(options: dict[str, Any]) -> str:
    return f" {options}" if options else ""


def _normal_keys(keys: Any) -> tuple[tuple[str, Any], ...]:
    return tuple((str(k), int(v) if isinstance(v, int | float) else v) for k, v in dict(keys).items())


def _is_text(keys: tuple[tuple[str, Any], ...]) -> bool:
    return any(v == "text" for _, v in keys)


def _same_keys(spec: IndexSpec, existing: dict[str, Any]) -> bool:
    keys = _normal_keys(existing["key"])
    if _is_text(spec.keys):
        # The server stores a text index as {_fts: "text", _ftsx: 1} plus its weights.
        return dict(keys).get("_fts") == "text" and set(existing.get("weights") or {}) == {
            k for k, v in spec.keys if v == "text"
        }
    return keys == _normal_keys(spec.keys)


def _options_of(existing: dict[str, Any]) -> dict[str, Any]:
    return {k: existing[k] for k in _COMPARED_OPTIONS if existing.get(k) not in (None, False)}


def _wanted_options(spec: IndexSpec) -> dict[str, Any]:
    return {k: spec.options[k] for k in _COMPARED_OPTIONS if spec.options.get(k) not in (None, False)}


def _default_name(existing: dict[str, Any]) -> str:
    return "_".join(f"{k}_{v}" for k, v in dict(existing["key"]).items())


def _index_action(spec: IndexSpec, existing: list[dict[str, Any]]) -> IndexAction:
    named = next((ix for ix in existing if ix["name"] == spec.name), None)
    same = [ix for ix in existing if _same_keys(spec, ix)]
    wanted = _wanted_options(spec)
    if named is not None:
        if _same_keys(spec, named) and _options_of(named) == wanted:
            return IndexAction(spec, "present", spec.name)
        if _same_keys(spec, named):  # the DDL's own index, built with other options before
            reason = f"options {_options_of(named) or 'none'} → {wanted or 'none'}"
            return IndexAction(spec, "replace", spec.name, reason)
        return IndexAction(
            spec,
            "conflict",
            spec.name,
            f"an index of that name exists on {_keys_text(_normal_keys(named['key']))}"
            f"{_options_text(_options_of(named))}: drop it or rename the DDL's index",
        )
    for ix in same:
        if _options_of(ix) == wanted:
            return IndexAction(spec, "adopt", ix["name"])
    for ix in same:
        if ix["name"] == "_id_":
            continue
        reason = f"same keys, options {_options_of(ix) or 'none'} → {wanted or 'none'}"
        if ix["name"] == _default_name(ix):
            return IndexAction(spec, "replace", ix["name"], reason)
        return IndexAction(
            spec, "conflict", ix["name"], f"{ix['name']} has the {reason}: drop it, or declare it as it is"
        )
    if _is_text(spec.keys):
        other = next((ix for ix in existing if dict(ix["key"]).get("_fts") == "text"), None)
        if other is not None:
            return IndexAction(
                spec, "conflict", other["name"], f"a collection has one text index and {other['name']} is it"
            )
    return IndexAction(spec, "create")


def plan_apply(
    db: Database[Document],
    schema: DocumentSchema,
    *,
    validation_level: ValidationLevel = "strict",
    validation_action: ValidationAction = "error",
) -> ApplyPlan:
    """What :func:`apply_schema` would do to ``db``: reads only (``--dry-run``)."""
    plan = plan_schema(schema, validation_level=validation_level, validation_action=validation_action)
    listed = db.command("listCollections", filter={"name": schema.collection})["cursor"]["firstBatch"]
    options: dict[str, Any] = listed[0].get("options", {}) if listed else {}
    existing = [dict(ix) for ix in db[schema.collection].list_indexes()] if listed else []
    actions = tuple(_index_action(spec, existing) for spec in plan.indexes)
    return ApplyPlan(
        plan,
        bool(listed),
        options.get("validator"),
        options.get("validationLevel", "strict" if options.get("validator") else None),
        options.get("validationAction", "error" if options.get("validator") else None),
        actions,
    )


class SchemaApplyError(LeafSchemaError):
    """A step of ``apply`` failed; everything it had changed was put back."""


def _unsupported(exc: OperationFailure, spec: IndexSpec) -> bool:
    """A text index the server cannot build at all (the embedded server's gap, code 67)."""
    return _is_text(spec.keys) and exc.code == 67


def apply_schema(
    db: Database[Document],
    schema: DocumentSchema,
    *,
    validation_level: ValidationLevel = "strict",
    validation_action: ValidationAction = "error",
) -> ApplyResult:
    """Plan, refuse conflicts, then create the collection, set the validator and build the indexes.

    Idempotent: re-applying the same schema changes nothing. All or nothing: a plan with conflicts
    raises :class:`LeafSchemaError` before any change, and when a later step fails (a unique index
    over duplicates, a lost server) the indexes built are dropped, the replaced ones rebuilt, the
    previous validator restored and a collection created here dropped, then
    :class:`SchemaApplyError` says what failed. Only a text index that the server cannot build at
    all is left out and reported in :attr:`ApplyResult.indexes_failed`.
    """
    planned = plan_apply(db, schema, validation_level=validation_level, validation_action=validation_action)
    if planned.conflicts:
        raise LeafSchemaError(
            f"{schema.collection}: nothing applied, the plan has conflicts: "
            + "; ".join(a.describe() for a in planned.conflicts)
        )
    collection = db[schema.collection]
    created_collection = False
    built: list[str] = []
    dropped: list[dict[str, Any]] = []
    failed: list[tuple[str, str]] = []
    try:
        if not planned.collection_exists:
            db.create_collection(schema.collection)
            created_collection = True
        if not planned.validator_unchanged:
            db.command(
                "collMod",
                schema.collection,
                validator=planned.schema.validator,
                validationLevel=planned.schema.validation_level,
                validationAction=planned.schema.validation_action,
            )
        existing = {ix["name"]: dict(ix) for ix in collection.list_indexes()}
        for action in planned.indexes:
            spec = action.spec
            if action.kind == "replace" and action.existing:
                collection.drop_index(action.existing)
                dropped.append(existing[action.existing])
            if action.kind in ("create", "replace"):
                try:
                    collection.create_index(list(spec.keys), name=spec.name, **spec.options)
                except OperationFailure as exc:
                    if not _unsupported(exc, spec):
                        raise
                    failed.append((spec.name, str((exc.details or {}).get("errmsg") or exc)))
                    continue
                built.append(spec.name)
    except (OperationFailure, PyMongoError) as exc:
        _undo(db, planned, created_collection, built, dropped)
        if is_transient(exc):
            raise
        reason = (exc.details or {}).get("errmsg") if isinstance(exc, OperationFailure) else None
        raise SchemaApplyError(
            f"{schema.collection}: applying failed ({reason or exc}); the previous validator and indexes "
            "were restored"
        ) from None
    kept = tuple(a.spec.name for a in planned.indexes if a.kind in ("present", "adopt"))
    return ApplyResult(planned, created_collection, tuple(built), kept, tuple(failed))


def _undo(
    db: Database[Document],
    planned: ApplyPlan,
    created_collection: bool,
    built: list[str],
    dropped: list[dict[str, Any]],
) -> None:
    """Best effort: put back what :func:`apply_schema` changed (the server may be gone)."""
    name = planned.schema.collection
    with contextlib.suppress(PyMongoError):
        if created_collection:
            db.drop_collection(name)
            return
        for index in built:
            with contextlib.suppress(PyMongoError):
                db[name].drop_index(index)
        for ix in dropped:
            options = {k: v for k, v in ix.items() if k not in ("key", "v", "ns")}
            with contextlib.suppress(PyMongoError):
                db[name].create_index(list(dict(ix["key"]).items()), **options)
        if not planned.validator_unchanged:
            db.command(
                "collMod",
                name,
                validator=planned.current_validator or {},
                validationLevel=planned.current_level or "strict",
                validationAction=planned.current_action or "error",
            )

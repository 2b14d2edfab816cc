"""Document schema → MongoDB ``$jsonSchema`` validator.

Type mapping (what the server accepts for each DDL type):

========================  ====================================================================
``OBJECTID``              ``objectId``
``VARCHAR(n)``, ``TEXT``  ``string`` (+ ``maxLength: n``)
``INTEGER``               ``int`` or ``long`` within the 32-bit range (drivers may widen small
                          integers to 64 bits; a double such as ``5.0`` is rejected)
``BIGINT``                ``int`` or ``long``
``DECIMAL(p,s)``          ``double``, ``decimal``, ``int`` or ``long``; with ``p`` given, the
                          absolute value is below ``10^(p-s)`` (the scale is not enforced)
``BOOLEAN``               ``bool``
``DATE``, ``TIMESTAMP``   ``date``
``ENUM(...)``             ``enum``
``DOCUMENT``              ``object`` (+ ``properties``/``required`` when fields are declared)
``ARRAY OF t``            ``array`` (+ ``items``, ``maxItems`` from ``VALIDATE``)
``MIXED``                 anything
``VARIANT``               ``object``; the case is chosen by the discriminator in the parent
                          document through ``anyOf`` (a discriminator value without a case
                          leaves the shape free)
========================  ====================================================================

A field without ``NOT NULL`` may be missing or ``null``; ``NOT NULL`` and ``PRIMARY KEY`` fields
are ``required``. Array elements may not be null. Unknown fields are allowed
(``additionalProperties`` is left true: documents evolve). CHECKs become schema keywords when
``$jsonSchema`` can express them (see :mod:`leaf_dagster.schema.conditions`); the others are listed
in :attr:`ValidatorBuild.unexpressed` and left to the Great Expectations suite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from leaf_dagster.schema.conditions import JsonSchema, bson_value, field_not_false, not_false
from leaf_dagster.schema.model import (
    And,
    Check,
    DocumentSchema,
    DocumentType,
    EnumType,
    Field,
    FieldType,
    IsNull,
    Not,
    Or,
    ScalarType,
    VariantType,
    condition_leaves,
)

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
_SCALAR_BSON: dict[str, list[str]] = {
    "objectid": ["objectId"],
    "string": ["string"],
    "text": ["string"],
    "int": ["int", "long"],
    "long": ["int", "long"],
    "decimal": ["double", "decimal", "int", "long"],
    "bool": ["bool"],
    "date": ["date"],
    "timestamp": ["date"],
}


def bson_types(ftype: FieldType) -> tuple[str, ...] | None:
    """The BSON type aliases a value of this DDL type may have; None means any (MIXED).

    ENUM values are strings; VARIANT values are documents.
    """
    if isinstance(ftype, ScalarType):
        found = _SCALAR_BSON.get(ftype.kind)
        return tuple(found) if found else None
    if isinstance(ftype, EnumType):
        return ("string",)
    if isinstance(ftype, DocumentType | VariantType):
        return ("object",)
    return ("array",)


@dataclass(frozen=True)
class ValidatorBuild:
    """The ``$jsonSchema`` for a schema, and the CHECKs it could not express: ``(path, check)``."""

    json_schema: JsonSchema
    unexpressed: tuple[tuple[str, Check], ...]

    @property
    def validator(self) -> dict[str, Any]:
        """The ``validator`` option for ``create``/``collMod``."""
        return {"$jsonSchema": self.json_schema}


def to_json_schema(schema: DocumentSchema) -> JsonSchema:
    """The ``$jsonSchema`` document for ``schema`` (without the ``$jsonSchema`` wrapper)."""
    return build_validator(schema).json_schema


def build_validator(schema: DocumentSchema) -> ValidatorBuild:
    builder = _Builder()
    root = builder.document(schema.fields)
    root["title"] = f"{schema.collection}" + (f" {schema.version}" if schema.version else "")
    return ValidatorBuild(root, tuple(builder.unexpressed))


class _Builder:
    def __init__(self) -> None:
        self.unexpressed: list[tuple[str, Check]] = []

    def document(self, fields: tuple[Field, ...] | None) -> JsonSchema:
        out: JsonSchema = {"bsonType": "object"}
        if fields is None:
            return out
        out["properties"] = {f.name: self.field(f) for f in fields}
        required = [f.name for f in fields if f.required]
        if required:
            out["required"] = required
        rules: list[JsonSchema] = []
        for f in fields:
            if isinstance(f.type, VariantType):
                rules.append(self.variant(f, f.type))
            rules.extend(self.document_level_checks(f))
        if rules:
            out["allOf"] = rules
        return out

    def field(self, f: Field) -> JsonSchema:
        schema = self.type_schema(f.type, nullable=not f.required)
        extra: list[JsonSchema] = []
        for check in f.checks:
            local = _field_level(check, f)
            if local is None:
                continue
            for whole in local:
                part = _tighten(schema, whole)
                if not part:
                    continue
                if any(key in schema for key in part):
                    extra.append(part)
                else:
                    schema.update(part)
        if extra:
            schema.setdefault("allOf", []).extend(extra)
        return schema

    def document_level_checks(self, f: Field) -> list[JsonSchema]:
        rules: list[JsonSchema] = []
        for check in f.checks:
            if _field_level(check, f) is not None:
                continue
            rule = not_false(check.condition)
            if rule is None:
                self.unexpressed.append((f.path, check))
            else:
                rules.append(rule)
        return rules

    def type_schema(self, ftype: FieldType, *, nullable: bool) -> JsonSchema:
        schema: JsonSchema
        if isinstance(ftype, EnumType):
            values: list[Any] = list(ftype.values)
            return {"enum": [*values, None] if nullable else values}
        if isinstance(ftype, ScalarType) and ftype.kind == "mixed":
            return {} if nullable else {"not": {"bsonType": "null"}}
        if isinstance(ftype, ScalarType):
            schema = {"bsonType": list(_SCALAR_BSON[ftype.kind])}
            if ftype.max_length is not None:
                schema["maxLength"] = ftype.max_length
            if ftype.kind == "int":
                schema.update(minimum=INT32_MIN, maximum=INT32_MAX)
            if ftype.kind == "decimal" and ftype.precision is not None:
                limit = 10 ** (ftype.precision - (ftype.scale or 0))
                schema.update(minimum=-limit, exclusiveMinimum=True, maximum=limit, exclusiveMaximum=True)
        elif isinstance(ftype, DocumentType):
            schema = self.document(ftype.fields)
        elif isinstance(ftype, VariantType):
            schema = {"bsonType": "object"}
        else:
            schema = {"bsonType": "array", "items": self.type_schema(ftype.of, nullable=False)}
            if ftype.max_length is not None:
                schema["maxItems"] = ftype.max_length
        if nullable:
            types = schema["bsonType"]
            schema["bsonType"] = [*(types if isinstance(types, list) else [types]), "null"]
        elif isinstance(schema["bsonType"], list) and len(schema["bsonType"]) == 1:
            schema["bsonType"] = schema["bsonType"][0]
        return schema

    def variant(self, f: Field, variant: VariantType) -> JsonSchema:
        disc = variant.discriminator
        branches: list[JsonSchema] = []
        for case in variant.cases:
            shape = self.document(case.document.fields)
            if not f.required:
                shape["bsonType"] = ["object", "null"]
            branches.append(
                {"properties": {disc: {"enum": [bson_value(case.value)]}, f.name: shape}},
            )
        values = [bson_value(case.value) for case in variant.cases]
        branches.append({"properties": {disc: {"not": {"enum": values}}}})
        return {"anyOf": branches}


def _field_level(check: Check, f: Field) -> list[JsonSchema] | None:
    """The CHECK as keywords of the field's own schema, when it only reads the field itself and is
    a leaf or a conjunction of leaves; None otherwise (it then goes to the document level)."""
    condition = check.condition
    leaves = list(condition_leaves(condition))
    if any(leaf.path != f.path or isinstance(leaf, IsNull) for leaf in leaves):
        return None
    if isinstance(condition, Or | Not):
        return None
    if isinstance(condition, And) and any(isinstance(item, And | Or | Not) for item in condition.items):
        return None
    parts = [field_not_false(leaf) for leaf in leaves]
    if any(p is None for p in parts):
        return None
    return [p for p in parts if p is not None]


def _tighten(schema: JsonSchema, part: JsonSchema) -> JsonSchema:
    """Fold ``minimum``/``maximum`` of ``part`` into ``schema`` keeping the tighter bound; the rest
    of ``part`` is returned for the caller to merge."""
    rest = dict(part)
    for key, flag, tighter in (("minimum", "exclusiveMinimum", 1), ("maximum", "exclusiveMaximum", -1)):
        if key not in rest or key not in schema:
            continue
        new, new_excl = rest.pop(key), bool(rest.pop(flag, False))
        old, old_excl = schema[key], bool(schema.get(flag, False))
        if (new - old) * tighter > 0 or (new == old and new_excl and not old_excl):
            schema[key] = new
            if new_excl:
                schema[flag] = True
            else:
                schema.pop(flag, None)
    return rest

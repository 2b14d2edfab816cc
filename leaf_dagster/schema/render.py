"""A schema model back to canonical DDL (what ``leaf-dagster schema show`` prints).

Parsing the output gives the same schema again (up to line numbers and comments).
"""

from __future__ import annotations

from typing import Any

from leaf_dagster.schema.model import (
    ArrayType,
    CurrentTimestamp,
    DocumentSchema,
    DocumentType,
    EnumType,
    Field,
    FieldType,
    IndexDef,
    Scalar,
    ScalarType,
    StructuredDefault,
)

_SCALAR_NAMES = {
    "objectid": "OBJECTID",
    "string": "STRING",
    "text": "TEXT",
    "int": "INTEGER",
    "long": "BIGINT",
    "bool": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "mixed": "MIXED",
}
_INDENT = "  "


def render_literal(value: Scalar) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def render_structured(value: Any) -> str:
    """A document/array default literal as DDL: ``{sessions: [], level: 'new'}``."""
    if isinstance(value, dict):
        keys = (k if k.isidentifier() else render_literal(k) for k in value)
        return (
            "{"
            + ", ".join(f"{k}: {render_structured(v)}" for k, v in zip(keys, value.values(), strict=True))
            + "}"
        )
    if isinstance(value, list):
        return "[" + ", ".join(render_structured(v) for v in value) + "]"
    return render_literal(value)


def render_type(ftype: FieldType, depth: int = 0) -> str:
    if isinstance(ftype, ScalarType):
        if ftype.kind == "string" and ftype.max_length is not None:
            return f"VARCHAR({ftype.max_length})"
        if ftype.kind == "decimal":
            name = "DOUBLE" if ftype.binary else "DECIMAL"
            if ftype.precision is None:
                return name
            scale = f",{ftype.scale}" if ftype.scale is not None else ""
            return f"{name}({ftype.precision}{scale})"
        return _SCALAR_NAMES[ftype.kind]
    if isinstance(ftype, EnumType):
        return "ENUM(" + ", ".join(render_literal(v) for v in ftype.values) + ")"
    if isinstance(ftype, DocumentType):
        if ftype.fields is None:
            return "DOCUMENT"
        return "DOCUMENT " + _block(ftype.fields, depth)
    if isinstance(ftype, ArrayType):
        return "ARRAY OF " + render_type(ftype.of, depth)
    pad = _INDENT * (depth + 1)
    cases = ",\n".join(
        f"{pad}WHEN {ftype.discriminator} = {render_literal(c.value)} THEN {render_type(c.document, depth + 1)}"
        for c in ftype.cases
    )
    return "VARIANT {\n" + cases + "\n" + _INDENT * depth + "}"


def render_field(field: Field, depth: int = 0) -> str:
    parts = [field.name, render_type(field.type, depth)]
    if field.primary_key:
        parts.append("PRIMARY KEY")
    elif field.not_null:
        parts.append("NOT NULL")
    if field.unique and not field.primary_key:
        parts.append("UNIQUE")
    if isinstance(field.default, CurrentTimestamp):
        parts.append("DEFAULT CURRENT_TIMESTAMP")
    elif isinstance(field.default, StructuredDefault):
        parts.append(f"DEFAULT {render_structured(field.default.value)}")
    elif field.default is not None:
        parts.append(f"DEFAULT {render_literal(field.default.value)}")
    parts.extend(f"CHECK ({check.text})" for check in field.checks)
    if field.references is not None:
        parts.append(f"REFERENCES {field.references.collection}({field.references.field})")
    if field.array_max_length is not None:
        parts.append(f"VALIDATE (ARRAY_LENGTH({field.name}) <= {field.array_max_length})")
    return " ".join(parts)


def _block(fields: tuple[Field, ...], depth: int) -> str:
    pad = _INDENT * (depth + 1)
    body = ",\n".join(pad + render_field(f, depth + 1) for f in fields)
    return "{\n" + body + "\n" + _INDENT * depth + "}"


def render_index(index: IndexDef) -> str:
    kind = "UNIQUE INDEX" if index.unique else "TEXT INDEX" if index.is_text else "INDEX"
    keys = ", ".join(k.path + (" DESC" if k.direction == -1 else "") for k in index.keys)
    return f"CREATE {kind} {index.name} ON {index.collection} ({keys});"


def render_schema(schema: DocumentSchema) -> str:
    """``CREATE DOCUMENT_SCHEMA`` for ``schema`` followed by its ``CREATE INDEX`` statements."""
    version = f" VERSION {render_literal(schema.version)}" if schema.version else ""
    body = ",\n".join(_INDENT + render_field(f, 1) for f in schema.fields)
    lines = [f"CREATE DOCUMENT_SCHEMA {schema.collection}{version} (\n{body}\n);"]
    lines.extend(render_index(ix) for ix in schema.indexes)
    return "\n".join(lines) + "\n"

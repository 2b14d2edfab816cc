"""The SQL compiler's catalog of field types, from ``CREATE DOCUMENT_SCHEMA`` declarations."""

from __future__ import annotations

from collections.abc import Iterable

from leaf_dagster.schema.model import DocumentSchema, EnumType, ScalarType
from leaf_dagster.sql.catalog import Catalog, as_catalog
from leaf_dagster.sql.values import SqlType

# The declared kinds with one SQL type (``sql.catalog.TYPE_NAMES``); OBJECTID and MIXED stay typed
# per value. The validator accepts int64 values in an INTEGER field and doubles and integers in a
# DECIMAL one (the parser reads DECIMAL, NUMERIC, DOUBLE and FLOAT as one kind), so INTEGER is
# "integer or bigint" per value, unlike a hand-written "integer" (``sql.catalog.TYPE_NAMES``).
# DECIMAL/NUMERIC is numeric: each value reads as PostgreSQL's numeric column would hold it, an
# int32 or a double included (``sql.paths.numeric_read``), so 100 stored as int32 divides as
# numeric. DOUBLE and FLOAT are double precision: every value, an int32 or a Decimal128
# included, computes as a double (PostgreSQL's column converts it).
SQL_TYPES: dict[str, SqlType | str] = {
    "string": "text",
    "text": "text",
    "int": SqlType.INT,
    "long": "bigint",
    "decimal": "numeric",
    "bool": "boolean",
    "date": "timestamp",  # a BSON date holds a time of day: PostgreSQL's timestamp
    "timestamp": "timestamp",
}


def sql_catalog(schemas: Iterable[DocumentSchema]) -> Catalog:
    """``{collection: {path: SqlType}}`` for the scalar fields outside arrays of each schema.

    A path declared with different types (VARIANT cases) is left out: its type depends on the document.
    """
    out: dict[str, dict[str, SqlType | str]] = {}
    for schema in schemas:
        fields: dict[str, SqlType | str | None] = {}
        for walked in schema.walk_fields():
            if walked.in_array:
                continue
            kind = walked.field.type
            sql_type: SqlType | str | None = (
                "text"
                if isinstance(kind, EnumType)
                else "double precision"
                if isinstance(kind, ScalarType) and kind.binary
                else SQL_TYPES.get(kind.kind)
                if isinstance(kind, ScalarType)
                else None
            )
            if sql_type is None:
                continue
            seen = fields.setdefault(walked.path, sql_type)
            if seen != sql_type:
                fields[walked.path] = None
        out[schema.collection] = {path: t for path, t in fields.items() if t is not None}
    return as_catalog(out)

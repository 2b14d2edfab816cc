"""A catalog of declared field types: ``{collection: {dotted path: SqlType}}``.

Without one, a document field's type is known only per value, so a quoted literal compared with it
is read per BSON type at run time (see ``literals``). With one, a typed field compares as its type:
``username >= '2024-01-01'`` is a text comparison on a text field and a timestamp range on a
timestamp field, each a single index-friendly query operator. Build it from ``CREATE
DOCUMENT_SCHEMA`` files with ``leaf_dagster.schema.sql_catalog``, or write it by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from leaf_dagster.sql.errors import LeafSQLError
from leaf_dagster.sql.values import SqlType

Catalog = Mapping[str, Mapping[str, SqlType]]

EMPTY: Catalog = MappingProxyType({})

# SQL type names a hand-written catalog may use, as PostgreSQL spells them.
TYPE_NAMES: dict[str, SqlType] = {
    "text": SqlType.TEXT,
    "varchar": SqlType.TEXT,
    "integer": SqlType.INT,
    "int": SqlType.INT,
    "bigint": SqlType.INT,
    "double precision": SqlType.FLOAT,
    "float": SqlType.FLOAT,
    "numeric": SqlType.NUMBER,
    "boolean": SqlType.BOOL,
    "timestamp": SqlType.DATE,
    "date": SqlType.DAY,
}


def as_catalog(types: Mapping[str, Mapping[str, SqlType | str]] | None) -> Catalog:
    """A checked, read-only catalog; type names such as ``'text'`` are accepted too."""
    if not types:
        return EMPTY
    out: dict[str, Mapping[str, SqlType]] = {}
    for collection, fields in types.items():
        typed: dict[str, SqlType] = {}
        for path, kind in fields.items():
            if isinstance(kind, SqlType):
                typed[path] = kind
            elif isinstance(kind, str) and kind.lower() in TYPE_NAMES:
                typed[path] = TYPE_NAMES[kind.lower()]
            else:
                known = ", ".join(TYPE_NAMES)
                raise LeafSQLError(
                    f"catalog: unknown type {kind!r} for {collection}.{path} (use one of {known})"
                )
        out[collection] = MappingProxyType(typed)
    return MappingProxyType(out)

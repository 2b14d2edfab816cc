"""A catalog of declared field types: ``{collection: {dotted path: SqlType}}``.

Without one, a document field's type is known only per value, so a quoted literal compared with it
is read per BSON type at run time (see ``literals``). With one, a typed field compares as its type:
``username >= '2024-01-01'`` is a text comparison on a text field and a timestamp range on a
timestamp field, each a single index-friendly query operator. Build it from ``CREATE
DOCUMENT_SCHEMA`` files with ``leaf_dagster.schema.sql_catalog``, or write it by hand.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType

from leaf_dagster.sql.errors import LeafSQLError
from leaf_dagster.sql.values import SqlType


class FieldTypes(Mapping[str, SqlType]):
    """One collection's declared types by dotted path. ``int4``: the paths declared ``integer``
    (int4), ``int8`` those declared ``bigint`` (int8: an int32 stored there is a bigint too, so
    ``n * 1000000000`` does not overflow as int4), where SqlType.INT alone stands for integer or
    bigint per value."""

    def __init__(
        self,
        types: Mapping[str, SqlType],
        int4: frozenset[str] = frozenset(),
        int8: frozenset[str] = frozenset(),
    ) -> None:
        self._types = dict(types)
        self.int4 = frozenset(int4)
        self.int8 = frozenset(int8)

    def __getitem__(self, path: str) -> SqlType:
        return self._types[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._types)

    def __len__(self) -> int:
        return len(self._types)

    def __repr__(self) -> str:
        return f"FieldTypes({self._types!r}, int4={sorted(self.int4)!r}, int8={sorted(self.int8)!r})"


Catalog = Mapping[str, Mapping[str, SqlType]]

EMPTY: Catalog = MappingProxyType({})

# SQL type names a catalog may use, as PostgreSQL spells them, with the BSON type each stands for
# (the README's type mapping): integer int32, bigint int64, double precision double, numeric
# Decimal128, text string, timestamp date, boolean bool.
TYPE_NAMES: dict[str, SqlType] = {
    "text": SqlType.TEXT,
    "varchar": SqlType.TEXT,
    "integer": SqlType.INT,
    "int": SqlType.INT,
    "int4": SqlType.INT,
    "bigint": SqlType.INT,
    "int8": SqlType.INT,
    "double precision": SqlType.FLOAT,
    "float": SqlType.FLOAT,
    "float8": SqlType.FLOAT,
    "numeric": SqlType.DECIMAL,
    "decimal": SqlType.DECIMAL,
    "boolean": SqlType.BOOL,
    "timestamp": SqlType.DATE,
    "date": SqlType.DAY,
}
INT4_NAMES = frozenset({"integer", "int", "int4"})
INT8_NAMES = frozenset({"bigint", "int8"})


def as_catalog(types: Mapping[str, Mapping[str, SqlType | str]] | None) -> Catalog:
    """A checked, read-only catalog; type names such as ``'text'`` are accepted too.

    A field given as SqlType.INT is integer or bigint (per value); ``'integer'`` is int4 and
    ``'bigint'`` int8, as PostgreSQL's columns of those types, whatever BSON width a value has.
    """
    if not types:
        return EMPTY
    out: dict[str, Mapping[str, SqlType]] = {}
    for collection, fields in types.items():
        typed: dict[str, SqlType] = {}
        int4 = set(getattr(fields, "int4", ()))
        int8 = set(getattr(fields, "int8", ()))
        for path, kind in fields.items():
            if isinstance(kind, SqlType):
                typed[path] = kind
            elif isinstance(kind, str) and kind.lower() in TYPE_NAMES:
                typed[path] = TYPE_NAMES[kind.lower()]
                if kind.lower() in INT4_NAMES:
                    int4.add(path)
                if kind.lower() in INT8_NAMES:
                    int8.add(path)
            else:
                known = ", ".join(TYPE_NAMES)
                raise LeafSQLError(
                    f"catalog: unknown type {kind!r} for {collection}.{path} (use one of {known})"
                )
        out[collection] = FieldTypes(typed, frozenset(int4), frozenset(int8))
    return MappingProxyType(out)

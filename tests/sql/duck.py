"""DuckDB side of the differential tests: typed tables built from the generated documents.

Nested objects become STRUCTs, arrays LISTs, datetimes TIMESTAMPs; a missing field or struct member
is NULL. The session is set up to read like PostgreSQL where DuckDB differs by default.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb

from tests.sql.datagen import Doc

# A column type: a DuckDB scalar type name, a struct (mapping of member types) or a list of one type.
ColType = str | Mapping[str, "ColType"] | Sequence["ColType"]

GEO: dict[str, ColType] = {"lat": "DOUBLE", "lng": "DOUBLE"}
LOCATION: dict[str, ColType] = {"city": "VARCHAR", "state": "VARCHAR", "country": "VARCHAR", "geo": GEO}
PROFILE: dict[str, ColType] = {
    "first_name": "VARCHAR",
    "last_name": "VARCHAR",
    "rating": "INTEGER",
    "location": LOCATION,
}
ITEM: dict[str, ColType] = {"sku": "VARCHAR", "price": "DOUBLE", "qty": "INTEGER"}

USERS: dict[str, ColType] = {
    "_id": "INTEGER",
    "username": "VARCHAR",
    "email": "VARCHAR",
    "age": "INTEGER",
    "score": "DOUBLE",
    "amount": "DOUBLE",  # the mixed int/float field
    "visits": "INTEGER",
    "delta": "INTEGER",
    "active": "BOOLEAN",
    "status": "VARCHAR",
    "created_at": "TIMESTAMP",
    "last_login": "TIMESTAMP",
    "profile": PROFILE,
    "tags": ["VARCHAR"],
    "items": [ITEM],
    "notes": "VARCHAR",
    "code": "VARCHAR",
}
EVENTS: dict[str, ColType] = {
    "_id": "INTEGER",
    "ts": "TIMESTAMP",
    "kind": "VARCHAR",
    "user_id": "INTEGER",
    "value": "DOUBLE",
    "duration": "INTEGER",
    "device": {"os": "VARCHAR", "version": "INTEGER"},
}
EDGE: dict[str, ColType] = {
    "_id": "INTEGER",
    "n": "BIGINT",
    "f": "DOUBLE",
    "s": "VARCHAR",
    "d": "TIMESTAMP",
    "b": "BOOLEAN",
}
SCHEMAS: dict[str, dict[str, ColType]] = {"users": USERS, "events": EVENTS, "edge": EDGE, "nobody": USERS}

# PostgreSQL semantics where DuckDB's defaults differ:
# - `int / int` truncates in PostgreSQL; DuckDB's `/` is float division unless integer_division is on.
# - PostgreSQL sorts NULL as larger than every value: last ascending, first descending.
#   DuckDB defaults to NULLS LAST both ways.
# - Timestamps are naive UTC on both sides.
SESSION_SETTINGS = [
    "SET integer_division = true",
    "SET default_null_order = 'nulls_last_on_asc_first_on_desc'",
    "SET TimeZone = 'UTC'",
]


def type_sql(t: ColType) -> str:
    if isinstance(t, str):
        return t
    if isinstance(t, Mapping):
        members = ", ".join(f'"{name}" {type_sql(sub)}' for name, sub in t.items())
        return f"STRUCT({members})"
    (element,) = t
    return f"{type_sql(element)}[]"


def _shape(value: Any, t: ColType) -> Any:
    """A value as DuckDB wants it: every struct member present (NULL when missing)."""
    if value is None or isinstance(t, str):
        return value
    if isinstance(t, Mapping):
        return {name: _shape(value.get(name), sub) for name, sub in t.items()}
    (element,) = t
    return [_shape(v, element) for v in value]


def load_table(
    con: duckdb.DuckDBPyConnection, name: str, schema: Mapping[str, ColType], docs: list[Doc]
) -> None:
    columns = ", ".join(f'"{col}" {type_sql(t)}' for col, t in schema.items())
    con.execute(f'CREATE TABLE "{name}" ({columns})')
    if not docs:
        return
    rows = [tuple(_shape(doc.get(col), t) for col, t in schema.items()) for doc in docs]
    marks = ", ".join("?" for _ in schema)
    con.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)


def connect(data: Mapping[str, list[Doc]]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding one table per data set, configured for PostgreSQL semantics."""
    con = duckdb.connect(":memory:")
    for setting in SESSION_SETTINGS:
        con.execute(setting)
    for name, docs in data.items():
        load_table(con, name, SCHEMAS[name], docs)
    return con

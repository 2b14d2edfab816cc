"""Running a compiled query: one dict per row, keyed by the output columns in SELECT order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pymongo.database import Database

from leaf_dagster.sql.compiler import CompiledQuery, compile_sql

_MISSING = object()


def run_sql(
    db: Database[Any],
    sql: str,
    *,
    params: Mapping[str, Any] | None = None,
    now: dt.datetime | None = None,
    catalog: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Compiles ``sql`` (see ``compile_sql``, also for ``catalog``) and runs it on ``db``."""
    query = compile_sql(sql, params=params, now=now, catalog=catalog)
    return rows(query, db[query.collection].aggregate(query.pipeline))


def rows(query: CompiledQuery, documents: Any) -> list[dict[str, Any]]:
    """Output rows from pipeline documents (a dotted column name reads its nested output field)."""
    if query.is_star:
        return [dict(doc) for doc in documents]
    return [{name: _read(doc, name) for name in query.columns} for doc in documents]


def _read(doc: Mapping[str, Any], name: str) -> Any:
    if name in doc:
        return doc[name]
    value: Any = doc
    for part in name.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part, _MISSING)
        if value is _MISSING:
            return None
    return value

"""The one place the rollup engine calls the SQL compiler (``leaf_dagster.sql``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CompiledRollupSQL:
    collection: str
    pipeline: list[dict[str, Any]]
    columns: tuple[str, ...]


class RollupSQLError(ValueError):
    """The compiler rejected the SQL; ``line``/``col`` point into the rollup file when known."""

    def __init__(self, message: str, line: int | None = None, col: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.col = col


def compile_rollup_sql(
    sql: str,
    *,
    now: dt.datetime | None = None,
    params: Mapping[str, Any] | None = None,
    catalog: Mapping[str, Mapping[str, Any]] | None = None,
) -> CompiledRollupSQL:
    """``catalog``: declared field types (``leaf_dagster.schema.sql_catalog``), passed to the compiler."""
    from leaf_dagster.sql import LeafSQLError, compile_sql

    try:
        compiled = compile_sql(sql, params=params, now=now, catalog=catalog)
    except LeafSQLError as exc:
        raise RollupSQLError(str(exc), getattr(exc, "line", None), getattr(exc, "col", None)) from exc
    # The streaming form: the rollup puts its partition window's $match in front of it.
    return CompiledRollupSQL(compiled.collection, list(compiled.streaming_pipeline), tuple(compiled.columns))

"""The one place the rollup engine calls the SQL compiler (``leaf_dagster.sql``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from leaf_dagster.sql import CompiledQuery


@dataclass(frozen=True)
class CompiledRollupSQL:
    collection: str
    pipeline: list[dict[str, Any]]  # the streaming form: every stage reads the collection's documents
    columns: tuple[str, ...]
    query: CompiledQuery | None = field(default=None, compare=False, repr=False)

    def with_input(self, stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rollup's stages (window ``$match``, ``$sort``) then the SQL's, each uncorrelated
        subquery run once per run rather than once per document (``CompiledQuery.with_input``)."""
        if self.query is None:
            return [*stages, *self.pipeline]
        return self.query.with_input(stages)


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
    return CompiledRollupSQL(
        compiled.collection, list(compiled.streaming_pipeline), tuple(compiled.columns), compiled
    )


def merge_key_problem(sql: str, on: Sequence[str]) -> str | None:
    """Why ``on`` does not identify each row of a SELECT with grouping sets (ROLLUP, CUBE, …): it must
    hold every grouping expression and a GROUPING(…) column that tells the sets apart."""
    from leaf_dagster.sql import LeafSQLError
    from leaf_dagster.sql.grouping_sets import check_merge_key
    from leaf_dagster.sql.parsing import parse_statement

    try:
        parsed = parse_statement(sql)
        return check_merge_key(parsed.tree, parsed.source, on).problem
    except LeafSQLError:
        return None  # the compiler reports it


def merge_stages(sql: str, on: Sequence[str]) -> tuple[list[dict[str, Any]], str | list[str]]:
    """The stages before ``$merge`` that set the merge key up, and ``$merge``'s ``on``.

    A plain SELECT merges on the ``on`` fields (``_id`` dropped unless it is one). With grouping
    sets, a subtotal row's key columns are NULL, which MongoDB refuses in ``on`` fields (error
    51132): the row then merges on an ``_id`` made of the ``on`` columns, NULLs included (a
    document, never NULL itself), so a re-run replaces each subtotal row, and the GROUPING column
    in ``on`` keeps a subtotal apart from a group whose key is NULL.
    """
    from leaf_dagster.sql import LeafSQLError
    from leaf_dagster.sql.grouping_sets import check_merge_key
    from leaf_dagster.sql.parsing import parse_statement

    try:
        parsed = parse_statement(sql)
        grouping_sets = check_merge_key(parsed.tree, parsed.source, on).grouping_sets
    except LeafSQLError:
        grouping_sets = False
    if grouping_sets and "_id" not in on:
        key: dict[str, Any] = {}
        for column in on:
            *parents, leaf = column.split(".")
            level = key
            for part in parents:
                level = level.setdefault(part, {})
            level[leaf] = {"$ifNull": [f"${column}", None]}
        return [{"$set": {"_id": key}}], "_id"
    # Without _id in the results, a matched document keeps its own _id on replace.
    stages: list[dict[str, Any]] = [] if "_id" in on else [{"$unset": "_id"}]
    return stages, list(on) if len(on) > 1 else on[0]


def truncation_unit(sql: str, column: str | None, field_name: str | None) -> str | None:
    """The unit of ``DATE_TRUNC('<unit>', field_name) AS column`` (no time zone) in the SELECT list,
    in lower case; None when ``column`` is anything else (or the SQL does not parse)."""
    from sqlglot import exp

    from leaf_dagster.sql import LeafSQLError
    from leaf_dagster.sql.parsing import parse_statement

    if column is None or field_name is None:
        return None
    try:
        tree = parse_statement(sql).tree
    except LeafSQLError:
        return None
    if not isinstance(tree, exp.Select):
        return None
    for item in tree.expressions:
        if item.alias_or_name != column:
            continue
        value = item.unalias()
        if (
            isinstance(value, exp.TimestampTrunc | exp.DateTrunc)
            and value.args.get("zone") is None
            and isinstance(value.this, exp.Column)
            and not value.this.table
            and value.this.name == field_name
            and isinstance(value.args.get("unit"), exp.Var)
        ):
            return str(value.args["unit"].name).lower()
        return None
    return None

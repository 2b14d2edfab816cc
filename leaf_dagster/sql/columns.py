"""The select list: output column names (PostgreSQL's defaults) and references to them by alias or ordinal."""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from leaf_dagster.sql.aggregates import NAMES
from leaf_dagster.sql.context import Context
from leaf_dagster.sql.errors import LeafSQLError, function_name
from leaf_dagster.sql.paths import output_name
from leaf_dagster.sql.scope import Relation

STAR = "*"

DEFAULT_NAMES: dict[type[exp.Expr], str] = {
    **NAMES,
    exp.TimestampTrunc: "date_trunc",
    exp.DateTrunc: "date_trunc",
    exp.Extract: "extract",
    exp.ArraySize: "array_length",
    exp.CurrentTimestamp: "now",
    exp.CurrentDate: "current_date",
    exp.Trim: "btrim",
    exp.StrPosition: "position",
    exp.Stddev: "stddev",
    exp.Ceil: "ceil",
    exp.JSONExtract: "?column?",
    exp.JSONExtractScalar: "?column?",
    exp.JSONBExtract: "?column?",
    exp.JSONBExtractScalar: "?column?",
}


@dataclass
class Column:
    name: str
    node: exp.Expr


def default_name(node: exp.Expr, ctx: Context) -> str:
    named = output_name(node, ctx.source)
    if named:
        return named
    if isinstance(node, exp.Cast):
        return default_name(node.this, ctx)
    if isinstance(node, exp.Paren):
        return default_name(node.this, ctx)
    if isinstance(node, exp.Window | exp.Filter | exp.WithinGroup):  # named after their function
        return default_name(node.this, ctx)
    if isinstance(node.meta.get("sql_name"), str):  # EVERY, JSONB_AGG: see parsing.LeafPostgres
        return str(node.meta["sql_name"])
    if type(node) in DEFAULT_NAMES:
        return DEFAULT_NAMES[type(node)]
    if isinstance(node, exp.Anonymous):
        return str(node.this).lower()
    if isinstance(node, exp.Func):
        return function_name(node).lower()  # PostgreSQL names the column after the function
    return "?column?"


def select_columns(select: exp.Select, ctx: Context) -> list[Column] | None:
    """The output columns, or None for ``SELECT *``."""
    items = select.expressions
    stars = [
        i
        for i in items
        if isinstance(i, exp.Star) or (isinstance(i, exp.Column) and isinstance(i.this, exp.Star))
    ]
    if stars and star_relation(select, ctx) is not None:
        return None
    columns: list[Column] = []
    for item in items:
        if any(item is star for star in stars):
            columns.extend(_expand_star(item, ctx))
        elif isinstance(item, exp.Alias):
            columns.append(Column(item.alias, item.this))
        else:
            columns.append(Column(default_name(item, ctx), item))
    seen: set[str] = set()
    for column in columns:
        if column.name in seen:
            raise ctx.source.error(
                f"duplicate output column name {column.name!r}: give each column its own AS alias",
                column.node,
            )
        if column.name.startswith("$") or not all(column.name.split(".")):
            raise ctx.source.error(f"invalid output column name {column.name!r}", column.node)
        seen.add(column.name)
    for name in seen:
        parts = name.split(".")
        for i in range(1, len(parts)):
            if ".".join(parts[:i]) in seen:
                raise LeafSQLError(
                    f"output columns {'.'.join(parts[:i])!r} and {name!r} collide", line=1, col=1
                )
    return columns


def _star_alias(star: exp.Expr, ctx: Context) -> str | None:
    if isinstance(star, exp.Column):
        if star.table not in ctx.scope.aliases:
            raise ctx.source.error(f"unknown table {star.table!r}", star)
        return star.table
    return None


def star_relation(select: exp.Select, ctx: Context) -> Relation | None:
    """The collection whose whole documents ``SELECT *`` / ``SELECT alias.*`` (alone) returns.

    None when the star expands to known columns (of CTEs, subqueries and UNNEST elements).
    """
    items = select.expressions
    star = items[0]
    if len(items) != 1 or not (isinstance(star, exp.Star) or isinstance(star.this, exp.Star)):
        for item in items:
            if isinstance(item, exp.Star) or (
                isinstance(item, exp.Column) and isinstance(item.this, exp.Star)
            ):
                _star_alias(item, ctx)
        return None
    alias = _star_alias(star, ctx)
    relations = [r for r in ctx.scope.all_relations if alias is None or r.alias == alias]
    if not relations:
        return Relation("")  # a bare scope (no FROM)
    if len(relations) == 1 and relations[0].columns is None and relations[0].element is None:
        return relations[0]
    return None


def _expand_star(star: exp.Expr, ctx: Context) -> list[Column]:
    alias = _star_alias(star, ctx)
    out: list[Column] = []
    for rel in ctx.scope.all_relations:
        if alias is not None and rel.alias != alias:
            continue
        if rel.element is not None:
            names: tuple[str, ...] = (rel.element,)
        elif rel.columns is not None:
            names = rel.columns
        else:
            raise ctx.source.error(
                f"'*' together with other columns or relations needs known columns, and the fields of "
                f"collection {rel.alias!r} are not known: select {rel.alias}.* alone or list the columns",
                star,
                "*",
            )
        out.extend(Column(n, exp.column(n, table=rel.alias, quoted=True)) for n in names)
    return out


def output_reference(node: exp.Expr, columns: list[Column] | None, ctx: Context) -> exp.Expr | None:
    """The select expression ``node`` names by ordinal or alias, as PostgreSQL's GROUP/ORDER BY allow."""
    if columns is None:
        return None
    if isinstance(node, exp.Literal) and not node.is_string:
        index = int(str(node.this)) if str(node.this).isdigit() else 0
        if not 1 <= index <= len(columns):
            raise ctx.source.error(f"position {node.this} is not in the select list", node)
        return columns[index - 1].node
    if isinstance(node, exp.Column) and not node.table and isinstance(node.this, exp.Identifier):
        for column in columns:
            if column.name == node.name:
                return column.node
    return None

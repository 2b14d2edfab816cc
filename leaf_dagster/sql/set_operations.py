"""``UNION [ALL]``: the first branch's pipeline, then ``$unionWith`` of each other branch (its
columns renamed to the first branch's names); ``UNION`` removes duplicate rows with a ``$group`` on
all columns (NULLs are equal there, as in SQL). ORDER BY, LIMIT and OFFSET apply to the union.
``INTERSECT``/``EXCEPT [ALL]`` count each row's copies per side in that ``$group``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlglot import exp

from leaf_dagster.sql.context import Context
from leaf_dagster.sql.expressions import Translator
from leaf_dagster.sql.literals import (
    CATEGORIES,
    as_text,
    column_reading,
    computed_text,
    is_unknown,
    pg_type_name,
)
from leaf_dagster.sql.ordering import HELPER_PREFIX, SortKey, sort_stage, sort_value
from leaf_dagster.sql.planner import Plan, row_limit_stages
from leaf_dagster.sql.probes import with_probes
from leaf_dagster.sql.sources import Enclosing
from leaf_dagster.sql.subqueries import run_once
from leaf_dagster.sql.values import SqlType, Typed, project_value

CompileQuery = Callable[[exp.Expr, Context, Enclosing | None], Plan]


def compile_union(
    node: exp.SetOperation, ctx: Context, enclosing: Enclosing | None, compile_query: CompileQuery
) -> Plan:
    word = type(node).__name__.upper()
    left = compile_query(node.this, ctx, enclosing)
    if left.columns == ["*"]:
        raise ctx.source.error(f"each {word} branch must list its columns (not *)", node.this, "*")

    def right_branch() -> Plan:
        plan = compile_query(node.expression, ctx, enclosing)
        if plan.columns == ["*"]:
            raise ctx.source.error(f"each {word} branch must list its columns (not *)", node.expression, "*")
        if len(left.columns) != len(plan.columns):
            raise ctx.source.error(f"each {word} query must have the same number of columns", node, word)
        typed = [
            *_literal_columns(plan, left, ctx, node),
            *_text_columns(plan, left, word, after=True),
            *_double_columns(plan, left),
        ]
        return replace(plan, stages=[*plan.stages, *typed])

    # The right branch runs in a $unionWith pipeline: its probes run once at that pipeline's head.
    right, right_stages = with_probes(ctx.names, right_branch)
    right_stages = run_once(right.collection, right_stages)
    typed = [
        *_literal_columns(left, right, ctx, node),
        *_text_columns(left, right, word, after=False),
        *_double_columns(left, right),
    ]
    left = replace(left, stages=[*left.stages, *typed])
    outputs = _matched_types(node, ctx, word, left, right)
    renamed: dict[str, Any] = {} if "_id" in left.columns else {"_id": 0}
    renamed.update({name: f"${theirs}" for name, theirs in zip(left.columns, right.columns, strict=True)})
    if isinstance(node, exp.Intersect | exp.Except):
        renamed[_SIDE] = {"$literal": 1}
        stages = [
            *left.stages,
            {"$set": {_SIDE: 0}},
            {"$unionWith": {"coll": right.collection, "pipeline": [*right_stages, {"$project": renamed}]}},
            *_intersect_or_except(node, left.columns),
        ]
        stages.extend(_order_and_limit(node, ctx, left.columns))
        return Plan(left.collection, left.columns, stages, left.types, outputs)
    stages = [
        *left.stages,
        {"$unionWith": {"coll": right.collection, "pipeline": [*right_stages, {"$project": renamed}]}},
    ]
    if node.args.get("distinct"):
        ids = {f"c{i}": {"$ifNull": [f"${name}", None]} for i, name in enumerate(left.columns)}
        back: dict[str, Any] = {} if "_id" in left.columns else {"_id": 0}
        back.update({name: f"$_id.c{i}" for i, name in enumerate(left.columns)})
        stages.extend([{"$group": {"_id": ids}}, {"$project": back}])
    stages.extend(_order_and_limit(node, ctx, left.columns))
    return Plan(left.collection, left.columns, stages, left.types, outputs)


def _matched_types(
    node: exp.SetOperation, ctx: Context, word: str, left: Plan, right: Plan
) -> dict[str, Typed]:
    """Each column over both branches: PostgreSQL matches their types by category (``EXCEPT types
    boolean and text cannot be matched``); a branch's column of a type known only per value (or a
    quoted literal) takes the other's."""
    out: dict[str, Typed] = {}
    for mine, theirs in zip(left.columns, right.columns, strict=True):
        a = left.outputs.get(mine, Typed(None, SqlType.ANY))
        b = right.outputs.get(theirs, Typed(None, SqlType.ANY))
        first = None if a.untyped else CATEGORIES.get(a.type)
        second = None if b.untyped else CATEGORIES.get(b.type)
        if first is not None and second is not None and first != second:
            names = f"{pg_type_name(a.type)} and {pg_type_name(b.type)}"
            raise ctx.source.error(f"{word} types {names} cannot be matched", node, word)
        out[mine] = a if first is not None or (a.origin is not None and not b.untyped) else b
    return out


def _literal_columns(plan: Plan, other: Plan, ctx: Context, node: exp.Expr) -> list[dict[str, Any]]:
    """``plan``'s quoted-literal columns read as the types of ``other``'s columns (``literals``)."""
    fail = Translator(ctx).conditions.failure(node)
    readings: dict[str, Any] = {}
    for mine, theirs in zip(plan.columns, other.columns, strict=True):
        column = plan.outputs.get(mine)
        if column is None or not is_unknown(column):
            continue
        reading = column_reading(column.value, other.outputs.get(theirs, Typed(None, SqlType.ANY)), fail)
        if reading is not None:
            readings[mine] = project_value(reading.expr)
    return [{"$set": readings}] if readings else []


def _text_columns(plan: Plan, other: Plan, word: str, after: bool) -> list[dict[str, Any]]:
    """``plan``'s columns of a type known only per value where ``other``'s is text (an all-quoted
    CASE, ``LOWER(…)``): a value of another type fails as PostgreSQL fails for the column's type
    (``UNION types numeric and text cannot be matched``), also when no row is read (``literals.as_text``)."""
    checked: dict[str, Any] = {}
    for mine, theirs in zip(plan.columns, other.columns, strict=True):
        column, text = plan.outputs.get(mine), other.outputs.get(theirs)
        if column is None or text is None or not computed_text(text):
            continue
        if column.type != SqlType.ANY or column.is_const:
            continue

        def message(name: str) -> str:
            pair = f"text and {name}" if after else f"{name} and text"
            return f"{word} types {pair} cannot be matched"

        value = Typed(f"${mine}", SqlType.ANY, origin=column.origin)
        checked[mine] = as_text(value, message).expr
    return [{"$set": checked}] if checked else []


def _double_columns(plan: Plan, other: Plan) -> list[dict[str, Any]]:
    """``plan``'s number columns where ``other``'s is double precision, as doubles: PostgreSQL's
    common type of a number and a double is double, so numeric 0.05 and the double 0.05 are one row
    (MongoDB compares a Decimal128 with a double exactly, and they differ)."""
    doubles: dict[str, Any] = {}
    for mine, theirs in zip(plan.columns, other.columns, strict=True):
        column, peer = plan.outputs.get(mine), other.outputs.get(theirs)
        if column is None or peer is None or column.untyped or peer.untyped:
            continue
        if peer.type == SqlType.FLOAT and column.type in (SqlType.INT, SqlType.DECIMAL, SqlType.NUMBER):
            doubles[mine] = {"$toDouble": f"${mine}"}
    return [{"$set": doubles}] if doubles else []


_SIDE = f"{HELPER_PREFIX}side"


def _intersect_or_except(node: exp.SetOperation, columns: list[str]) -> list[dict[str, Any]]:
    """Rows counted per side in one ``$group`` on all columns (NULLs equal, as in SQL), then kept:
    INTERSECT ALL min(l, r) times, EXCEPT ALL max(l - r, 0) times, INTERSECT once when on both
    sides, EXCEPT once when not on the right side at all."""
    ids = {f"c{i}": {"$ifNull": [f"${name}", None]} for i, name in enumerate(columns)}
    left = {"$sum": {"$cond": [{"$eq": [f"${_SIDE}", 0]}, 1, 0]}}
    right = {"$sum": {"$cond": [{"$eq": [f"${_SIDE}", 1]}, 1, 0]}}
    distinct = bool(node.args.get("distinct"))
    if isinstance(node, exp.Intersect):
        copies: Any = {"$min": ["$l", "$r", 1] if distinct else ["$l", "$r"]}
    elif distinct:  # EXCEPT: the rows of the left side that the right side does not hold at all
        copies = {"$cond": [{"$eq": ["$r", 0]}, 1, 0]}
    else:
        copies = {"$max": [{"$subtract": ["$l", "$r"]}, 0]}
    back: dict[str, Any] = {} if "_id" in columns else {"_id": 0}
    back.update({name: f"$_id.c{i}" for i, name in enumerate(columns)})
    return [
        {"$group": {"_id": ids, "l": left, "r": right}},
        {"$set": {"n": {"$range": [0, copies]}}},
        {"$unwind": "$n"},
        {"$project": back},
    ]


def _order_and_limit(node: exp.SetOperation, ctx: Context, columns: list[str]) -> list[dict[str, Any]]:
    stages: list[dict[str, Any]] = []
    order = node.args.get("order")
    keys: list[SortKey] = []
    helpers: dict[str, Any] = {}  # output columns have no known type: any may hold an array
    for i, item in enumerate(order.expressions if order is not None else []):
        name = _output_column(item.this, ctx, columns)
        desc, nulls_first = bool(item.args.get("desc")), bool(item.args.get("nulls_first"))
        helper = f"{HELPER_PREFIX}s{i}"
        helpers[helper] = sort_value(f"${name}")
        keys.append(SortKey(helper, f"${name}", desc, nulls_first))
    flags: dict[str, Any] = {}
    if keys:
        sort = sort_stage(keys, flags)
        stages.extend([{"$set": helpers}, *([{"$set": flags}] if flags else []), sort])
    stages.extend(row_limit_stages(node, Translator(ctx), keys))
    if keys:
        stages.append({"$unset": sorted({**helpers, **flags})})
    return stages


def _output_column(node: exp.Expr, ctx: Context, columns: list[str]) -> str:
    if isinstance(node, exp.Literal) and not node.is_string and str(node.this).isdigit():
        index = int(str(node.this))
        if not 1 <= index <= len(columns):
            raise ctx.source.error(f"position {node.this} is not in the select list", node)
        return columns[index - 1]
    if isinstance(node, exp.Column) and not node.table and node.name in columns:
        return node.name
    raise ctx.source.error("ORDER BY on a UNION must name an output column or its position", node)

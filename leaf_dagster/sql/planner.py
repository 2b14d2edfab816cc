"""A SELECT to pipeline stages, in this order:

[CTE/subquery base] → $match (WHERE, as query operators where possible; with joins, the conditions
on the base, then the joins, then the rest) → [$group → empty-input row → $match (HAVING)]
(a GROUP BY right after an INNER join to ``_id`` may aggregate before the join: ``eager``)
→ [DISTINCT] → $set sort helpers → $sort → $skip → $limit → $project (the output columns)

The WHERE comes first so that indexes serve it; the columns are computed for the rows LIMIT keeps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from leaf_dagster.sql.columns import STAR, Column, output_reference, select_columns, star_relation
from leaf_dagster.sql.context import Context
from leaf_dagster.sql.eager import distinct_in_two_phases, eager_aggregation
from leaf_dagster.sql.errors import LeafSQLError
from leaf_dagster.sql.expressions import Translator
from leaf_dagster.sql.grouping import GroupedTranslator, contains_aggregate, expression_key, group_stages
from leaf_dagster.sql.ordering import HELPER_PREFIX, SortKey, sort_stage
from leaf_dagster.sql.pushdown import where_around_joins
from leaf_dagster.sql.sources import FromPlan, whole_rows
from leaf_dagster.sql.subqueries import (
    check_grouped_subqueries,
    check_lookup_order,
    has_subquery,
    take_lookups,
)
from leaf_dagster.sql.values import SqlType, Typed, project_value
from leaf_dagster.sql.windows import window_stages


@dataclass
class Plan:
    collection: str
    columns: list[str]
    stages: list[dict[str, Any]] = field(default_factory=list)
    # Static types of output columns that readers must keep (timestamps, dates, intervals).
    types: dict[str, SqlType] = field(default_factory=dict)


def const_int(tr: Translator, node: exp.Expr | None, what: str) -> int | None:
    if node is None:
        return None
    value = tr.translate(node)
    if value.is_null_const:
        return None
    if (
        not value.is_const
        or not isinstance(value.value, int)
        or isinstance(value.value, bool)
        or value.value < 0
    ):
        raise tr.error(f"{what} must be a non-negative integer constant or parameter", node)
    return int(value.value)


def plan(select: exp.Select, ctx: Context, collection: str, frm: FromPlan | None = None) -> Plan:
    pre = Translator(ctx)
    columns = select_columns(select, ctx)
    stages: list[dict[str, Any]] = list(frm.head) if frm is not None else []
    joins = frm.joins if frm is not None else []
    where_filter: dict[str, Any] | None = None

    where = select.args.get("where")
    if where is not None:
        if contains_aggregate(where.this):
            raise ctx.source.error("aggregate functions are not allowed in WHERE", where.this)
        if joins or has_subquery(where.this):
            around, where_filter = where_around_joins(where.this, pre, joins)
            stages.extend(around)
        else:
            where_filter = pre.conditions.filter(where.this)
            stages.append({"$match": where_filter})
    elif joins:
        stages.extend(joins)

    group = select.args.get("group")
    having = select.args.get("having")
    order = select.args.get("order")
    order_items = list(order.expressions) if order is not None else []
    grouped = bool(group) or having is not None or any(contains_aggregate(c.node) for c in columns or [])
    grouped = grouped or any(contains_aggregate(o.this) for o in order_items)

    tr: Translator = pre
    if grouped:
        if columns is None:
            raise ctx.source.error(
                "SELECT * cannot be combined with GROUP BY or aggregates", select.expressions[0], "*"
            )
        tr, grouped_stages = group_stages(select, ctx, pre, columns, where_filter)
        check_grouped_subqueries(select, pre)
        stages.extend(grouped_stages)
        if having is not None:
            having_filter = tr.conditions.filter(having.this)
            stages.extend(take_lookups(tr))
            stages.append({"$match": having_filter})

    # Window functions: after GROUP BY/HAVING, before DISTINCT/ORDER BY (PostgreSQL's order).
    window_items = [c.node for c in columns or []] + [o.this for o in order_items]
    tr, windowed_stages = window_stages(select, window_items, ctx, tr)
    stages.extend(windowed_stages)

    distinct = select.args.get("distinct") is not None
    if columns is None:
        if distinct:
            raise ctx.source.error("SELECT DISTINCT * is not supported", select.args["distinct"], "DISTINCT")
        ordered, finish = _star_tail(order_items, ctx, pre)
        types = {}
        finish = [*finish, *whole_rows(star_relation(select, ctx), ctx.scope)]
        names = [STAR]
    else:
        ordered, finish, exprs = _columns_tail(columns, order_items, ctx, tr, distinct)
        names = [c.name for c in columns]
        types = {c.name: e.type for c, e in zip(columns, exprs, strict=True) if e.type in KEPT_TYPES}
    stages.extend(take_lookups(tr if columns is not None else pre))
    stages.extend(ordered)

    offset = const_int(pre, select.args["offset"].expression if select.args.get("offset") else None, "OFFSET")
    limit = const_int(pre, select.args["limit"].expression if select.args.get("limit") else None, "LIMIT")
    if offset:
        stages.append({"$skip": offset})
    if limit is not None:
        stages.append({"$limit": limit} if limit > 0 else {"$match": {"$expr": False}})
    # The output columns are computed last, for the rows that remain after LIMIT.
    stages.extend(finish)
    check_lookup_order(stages, select, pre)
    return Plan(collection, names, distinct_in_two_phases(eager_aggregation(stages)), types)


def _output_index(
    node: exp.Expr, columns: list[Column], ctx: Context, tr: Translator, exprs: list[Typed]
) -> int | None:
    target = output_reference(node, columns, ctx)
    if target is not None:
        return next(i for i, c in enumerate(columns) if c.node is target)
    try:
        key = expression_key(tr.translate(node))
    except LeafSQLError:
        return None
    for i, typed in enumerate(exprs):
        if expression_key(typed) == key:
            return i
    return None


Stages = list[dict[str, Any]]
# Column types a reading query keeps (a CTE's timestamp column stays a timestamp): the ones whose
# values always have that one BSON type or NULL.
KEPT_TYPES = {SqlType.DATE, SqlType.DAY, SqlType.INTERVAL}


def _columns_tail(
    columns: list[Column], order_items: list[exp.Ordered], ctx: Context, tr: Translator, distinct: bool
) -> tuple[Stages, Stages, list[Typed]]:
    """The stages before LIMIT (DISTINCT, sort), after it (the output projection), and the columns."""
    grouped = tr.column_exprs if isinstance(tr, GroupedTranslator) else None
    exprs = grouped if grouped is not None else [tr.translate(c.node) for c in columns]
    project: dict[str, Any] = {}
    if "_id" not in {c.name for c in columns}:
        project["_id"] = 0
    for column, typed in zip(columns, exprs, strict=True):
        project[column.name] = project_value(typed.expr)
    keys: list[SortKey] = []
    helpers: dict[str, Any] = {}
    for i, item in enumerate(order_items):
        index = _output_index(item.this, columns, ctx, tr, exprs)
        descending, nulls_first = bool(item.args.get("desc")), bool(item.args.get("nulls_first"))
        if distinct:
            if index is None:
                raise ctx.source.error(
                    "for SELECT DISTINCT, ORDER BY expressions must appear in the select list", item.this
                )
            name = columns[index].name
            keys.append(SortKey(name, f"$_id.c{index}", descending, nulls_first, exprs[index].non_null))
            continue
        typed = exprs[index] if index is not None else tr.translate(item.this)
        if typed.is_const:
            continue
        field = typed.path
        if field is None:
            field = f"{HELPER_PREFIX}s{i}"
            helpers[field] = typed.expr
        keys.append(SortKey(field, f"${field}", descending, nulls_first, typed.non_null))
    flags: dict[str, Any] = {}
    sort = sort_stage(keys, helpers if distinct else flags) if keys else None
    if distinct:
        ids = {f"c{i}": {"$ifNull": [f"${c.name}", None]} for i, c in enumerate(columns)}
        final: dict[str, Any] = {"_id": 0} if "_id" not in ids else {}
        final.update({c.name: f"$_id.c{i}" for i, c in enumerate(columns)})
        final.update(helpers)
        ordered: Stages = [{"$project": project}, {"$group": {"_id": ids}}, {"$project": final}]
        if sort is None:
            return ordered, [], exprs
        return [*ordered, sort], [{"$unset": sorted(helpers)}] if helpers else [], exprs
    if sort is None:
        return [], [{"$project": project}], exprs
    # Sort helpers, then their NULL flags (which read them), then the sort; columns after LIMIT.
    computed = [{"$set": stage} for stage in (helpers, flags) if stage]
    return [*computed, sort], [{"$project": project}], exprs


def _star_tail(order_items: list[exp.Ordered], ctx: Context, tr: Translator) -> tuple[Stages, Stages]:
    keys: list[SortKey] = []
    helpers: dict[str, Any] = {}
    for i, item in enumerate(order_items):
        if isinstance(item.this, exp.Literal) and not item.this.is_string:
            raise ctx.source.error("ORDER BY position needs an explicit select list", item.this)
        typed = tr.translate(item.this)
        if typed.is_const:
            continue
        descending, nulls_first = bool(item.args.get("desc")), bool(item.args.get("nulls_first"))
        name = typed.path or f"{HELPER_PREFIX}s{i}"
        if typed.path is None:
            helpers[name] = typed.expr
        keys.append(SortKey(name, f"${name}", descending, nulls_first))
    if not keys:
        return [], []
    flags: dict[str, Any] = {}
    sort = sort_stage(keys, flags)
    computed = {**helpers, **flags}
    stages = [{"$set": stage} for stage in (helpers, flags) if stage]
    return [*stages, sort], [{"$unset": sorted(computed)}] if computed else []

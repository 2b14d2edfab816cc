"""A SELECT to pipeline stages, in this order:

[CTE/subquery base] → $match (WHERE, as query operators where possible; with joins, the conditions
on the base, then the joins, then the rest) → [$group → empty-input row → $match (HAVING)]
(a GROUP BY right after an INNER join to ``_id`` may aggregate before the join: ``eager``)
→ [DISTINCT] → $set sort helpers → $sort → $skip → $limit → $project (the output columns)

The WHERE comes first so that indexes serve it; the columns are computed for the rows LIMIT keeps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bson import MaxKey
from sqlglot import exp

from leaf_dagster.sql.columns import STAR, Column, output_reference, select_columns, star_relation
from leaf_dagster.sql.context import Context
from leaf_dagster.sql.eager import distinct_in_two_phases, eager_aggregation
from leaf_dagster.sql.errors import LeafSQLError
from leaf_dagster.sql.expressions import Translator
from leaf_dagster.sql.grouping import GroupedTranslator, contains_aggregate, expression_key, group_stages
from leaf_dagster.sql.ordering import HELPER_PREFIX, SortKey, may_be_array, sort_stage, sort_value
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

Stage = dict[str, Any]
Stages = list[Stage]


@dataclass
class Plan:
    collection: str
    columns: list[str]
    stages: list[dict[str, Any]] = field(default_factory=list)
    # Static types of output columns that readers must keep (timestamps, dates, intervals).
    types: dict[str, SqlType] = field(default_factory=dict)
    # The output columns as translated (static type, field origin, untyped literal): a set
    # operation's branches must agree on their types, as PostgreSQL resolves them.
    outputs: dict[str, Typed] = field(default_factory=dict)


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


def row_limit_stages(query: exp.Query, tr: Translator, keys: list[SortKey]) -> Stages:
    """OFFSET, then LIMIT n / LIMIT ALL / FETCH FIRST n ROWS ONLY, or WITH TIES: the first n rows
    and every later row that ties with the nth on the ORDER BY keys (``keys``, already sorted)."""
    stages: Stages = []
    offset_node = query.args.get("offset")
    offset = const_int(tr, offset_node.expression if offset_node is not None else None, "OFFSET")
    if offset:
        stages.append({"$skip": offset})
    count, with_ties = _row_count(query, tr)
    if count is None:
        return stages
    if count == 0:
        return [*stages, {"$match": {"$expr": False}}]
    if not with_ties:
        return [*stages, {"$limit": count}]
    if not keys:
        return stages  # ORDER BY constants only: every row ties with the nth
    # A row ties with or precedes the nth exactly when fewer than n rows sort strictly before it,
    # that is when its rank is at most n. NULL and missing are one value (peers), as in ORDER BY.
    tie_keys: dict[str, Any] = {}
    sort_by: dict[str, int] = {}
    for i, key in enumerate(keys):
        nulls_high = key.nulls_first == key.descending and not key.non_null
        name = f"{HELPER_PREFIX}t{i}"
        tie_keys[name] = {"$ifNull": [f"${key.field}", MaxKey() if nulls_high else None]}
        sort_by[name] = -1 if key.descending else 1
    rank = f"{HELPER_PREFIX}rank"
    return [
        *stages,
        {"$set": tie_keys},
        {"$setWindowFields": {"sortBy": sort_by, "output": {rank: {"$rank": {}}}}},
        {"$match": {rank: {"$lte": count}}},
        {"$unset": [*tie_keys, rank]},
    ]


def _row_count(query: exp.Query, tr: Translator) -> tuple[int | None, bool]:
    """The row count LIMIT or FETCH keeps (None: all rows), and whether ties with the last are kept."""
    limit = query.args.get("limit")
    if limit is None:
        return None, False
    if isinstance(limit, exp.Fetch):
        options = limit.args.get("limit_options")
        if options is not None and options.args.get("percent"):
            raise tr.error("FETCH FIRST … PERCENT is not supported", limit, "FETCH")
        with_ties = options is not None and bool(options.args.get("with_ties"))
        if with_ties and query.args.get("order") is None:
            raise tr.error("WITH TIES cannot be specified without ORDER BY clause", limit, "FETCH")
        count = limit.args.get("count")
        # FETCH FIRST ROW ONLY: the count defaults to one row.
        return (1 if count is None else const_int(tr, count, "FETCH FIRST")), with_ties
    value = limit.expression
    if isinstance(value, exp.Var) and value.name.upper() == "ALL":
        return None, False
    return const_int(tr, value, "LIMIT"), False


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

    distinct_node = select.args.get("distinct")
    on = distinct_node.args.get("on") if distinct_node is not None else None
    on_items: list[exp.Expr] | None = list(on.expressions) if on is not None else None
    distinct = distinct_node is not None and on_items is None
    if columns is None:
        if distinct:
            raise ctx.source.error("SELECT DISTINCT * is not supported", select.args["distinct"], "DISTINCT")
        ordered, finish, keys = _star_tail(order_items, ctx, pre)
        if on_items is not None:
            ordered = _distinct_on(on_items, order_items, ordered, ctx, pre, lambda e: pre.translate(e))
        types = {}
        finish = [*finish, *whole_rows(star_relation(select, ctx), ctx.scope)]
        names = [STAR]
    else:
        ordered, finish, keys, exprs = _columns_tail(columns, order_items, ctx, tr, distinct)
        if on_items is not None:
            translate = _column_translator(columns, ctx, tr, exprs)
            ordered = _distinct_on(on_items, order_items, ordered, ctx, tr, translate)
            computed, finish = _columns_before_distinct_on(columns, exprs)
            ordered = [computed, *ordered]
        names = [c.name for c in columns]
        types = {c.name: e.type for c, e in zip(columns, exprs, strict=True) if e.type in KEPT_TYPES}
        outputs = {c.name: e for c, e in zip(columns, exprs, strict=True)}
    stages.extend(take_lookups(tr if columns is not None else pre))
    stages.extend(ordered)
    stages.extend(row_limit_stages(select, pre, keys))
    # The output columns are computed last, for the rows that remain after LIMIT.
    stages.extend(finish)
    check_lookup_order(stages, select, pre)
    plan_outputs = outputs if columns is not None else {}
    return Plan(collection, names, distinct_in_two_phases(eager_aggregation(stages)), types, plan_outputs)


def _column_translator(
    columns: list[Column], ctx: Context, tr: Translator, exprs: list[Typed]
) -> Callable[[exp.Expr], Typed]:
    """Translate an ORDER BY/DISTINCT ON item: an output column (name or position) or an expression."""

    def translate(node: exp.Expr) -> Typed:
        index = _output_index(node, columns, ctx, tr, exprs)
        return exprs[index] if index is not None else tr.translate(node)

    return translate


def _distinct_on(
    on_items: list[exp.Expr],
    order_items: list[exp.Ordered],
    ordered: Stages,
    ctx: Context,
    tr: Translator,
    translate: Callable[[exp.Expr], Typed],
) -> Stages:
    """``SELECT DISTINCT ON (…)``: the first row of each key in ORDER BY's order (``$first`` after the
    ``$sort``), then that order again for the kept rows. NULL keys are equal, as in PostgreSQL."""
    on_values = [translate(item) for item in on_items]
    on_keys = {expression_key(v) for v in on_values}
    # PostgreSQL: ORDER BY starts with the DISTINCT ON expressions (in any order) until all appear.
    remaining = set(on_keys)
    for item in order_items:
        if not remaining:
            break
        key = expression_key(translate(item.this))
        if key not in on_keys:
            raise ctx.source.error(
                "SELECT DISTINCT ON expressions must match initial ORDER BY expressions", item.this
            )
        remaining.discard(key)
    group_key = {f"d{i}": {"$ifNull": [v.expr, None]} for i, v in enumerate(on_values)}
    row = f"{HELPER_PREFIX}row"
    first: Stages = [{"$group": {"_id": group_key, row: {"$first": "$$ROOT"}}}, {"$replaceWith": f"${row}"}]
    resort = [stage for stage in ordered if "$sort" in stage]
    return [*ordered, *first, *resort]


def _columns_before_distinct_on(columns: list[Column], exprs: list[Typed]) -> tuple[Stage, Stages]:
    """The output columns computed for every row before DISTINCT ON keeps one per key, and the final
    ``$project`` that reads them. PostgreSQL computes the select list of each row before eliminating
    rows (SELECT's documented order: output expressions, then DISTINCT ON), so an error such as an
    integer overflow on a row DISTINCT ON drops is raised, as there."""
    names = {f"{HELPER_PREFIX}o{i}": project_value(e.expr) for i, e in enumerate(exprs)}
    project: dict[str, Any] = {} if "_id" in {c.name for c in columns} else {"_id": 0}
    project.update({c.name: f"${name}" for c, name in zip(columns, names, strict=True)})
    return {"$set": names}, [{"$project": project}]


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


# Column types a reading query keeps (a CTE's timestamp column stays a timestamp): the ones whose
# values always have that one BSON type or NULL.
KEPT_TYPES = {SqlType.DATE, SqlType.DAY, SqlType.INTERVAL}


def _columns_tail(
    columns: list[Column], order_items: list[exp.Ordered], ctx: Context, tr: Translator, distinct: bool
) -> tuple[Stages, Stages, list[SortKey], list[Typed]]:
    """The stages before LIMIT (DISTINCT, sort), after it (the output projection), the sort keys and
    the translated columns."""
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
            if may_be_array(exprs[index]):
                name = f"{HELPER_PREFIX}s{i}"
                helpers[name] = sort_value(f"$_id.c{index}")
            keys.append(SortKey(name, f"$_id.c{index}", descending, nulls_first, exprs[index].non_null))
            continue
        typed = exprs[index] if index is not None else tr.translate(item.this)
        if typed.is_const:
            continue
        field = typed.path
        if field is None or may_be_array(typed):
            field = f"{HELPER_PREFIX}s{i}"
            helpers[field] = sort_value(typed.expr) if may_be_array(typed) else typed.expr
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
            return ordered, [], keys, exprs
        return [*ordered, sort], [{"$unset": sorted(helpers)}] if helpers else [], keys, exprs
    if sort is None:
        return [], [{"$project": project}], keys, exprs
    # Sort helpers, then their NULL flags (which read them), then the sort; columns after LIMIT.
    computed = [{"$set": stage} for stage in (helpers, flags) if stage]
    return [*computed, sort], [{"$project": project}], keys, exprs


def _star_tail(
    order_items: list[exp.Ordered], ctx: Context, tr: Translator
) -> tuple[Stages, Stages, list[SortKey]]:
    keys: list[SortKey] = []
    helpers: dict[str, Any] = {}
    for i, item in enumerate(order_items):
        if isinstance(item.this, exp.Literal) and not item.this.is_string:
            raise ctx.source.error("ORDER BY position needs an explicit select list", item.this)
        typed = tr.translate(item.this)
        if typed.is_const:
            continue
        descending, nulls_first = bool(item.args.get("desc")), bool(item.args.get("nulls_first"))
        name = typed.path if typed.path is not None and not may_be_array(typed) else f"{HELPER_PREFIX}s{i}"
        if name != typed.path:
            helpers[name] = sort_value(typed.expr) if may_be_array(typed) else typed.expr
        keys.append(SortKey(name, f"${name}", descending, nulls_first))
    if not keys:
        return [], [], keys
    flags: dict[str, Any] = {}
    sort = sort_stage(keys, flags)
    computed = {**helpers, **flags}
    stages = [{"$set": stage} for stage in (helpers, flags) if stage]
    return [*stages, sort], [{"$unset": sorted(computed)}] if computed else [], keys

"""GROUP BY: the ``$group`` stage and the scope after it (keys become ``$_id``, aggregates ``$aN``)."""

from __future__ import annotations

import json
from typing import Any

from sqlglot import exp

from leaf_dagster.sql import grouping_sets
from leaf_dagster.sql.aggregates import Accumulators
from leaf_dagster.sql.columns import Column, output_reference
from leaf_dagster.sql.context import Context
from leaf_dagster.sql.errors import LeafSQLError
from leaf_dagster.sql.expressions import PATH_NODES, Translator
from leaf_dagster.sql.paths import segments
from leaf_dagster.sql.values import SqlType, Typed, const
from leaf_dagster.sql.windows import reject_windows


def contains_aggregate(node: exp.Expr | None) -> bool:
    """Whether ``node`` holds a (group) aggregate: a window's own function is not one, its arguments may be."""
    stack = [node]  # without recursion: expressions may be thousands of operators long
    while stack:
        item = stack.pop()
        if item is None or isinstance(item, exp.Subquery | exp.Exists | exp.Select):
            continue  # a subquery's aggregates are its own
        if isinstance(item, exp.Window):
            func = item.this.this if isinstance(item.this, exp.Filter) else item.this
            stack.extend(
                [*func.iter_expressions(), *(item.args.get("partition_by") or []), item.args.get("order")]
            )
            if isinstance(item.this, exp.Filter):
                stack.append(item.this.expression)
            continue
        if isinstance(item, exp.AggFunc) and not isinstance(item, exp.Anonymous):
            return True
        stack.extend(item.iter_expressions())
    return False


def expression_key(typed: Typed) -> str:
    return json.dumps(typed.expr, sort_keys=True, default=str)


class GroupedTranslator(Translator):
    """Expressions after ``$group``: GROUP BY expressions read ``$_id``, aggregates ``$aN``."""

    def __init__(
        self,
        ctx: Context,
        pre: Translator,
        keys: dict[str, Typed],
        accs: Accumulators,
        members: list[frozenset[str]],
        sets: grouping_sets.SetsPlan | None = None,
    ) -> None:
        super().__init__(ctx)
        self.pre = pre
        self.keys = keys
        self.accs = accs
        self.members = members  # the grouping sets, each as the keys it groups on
        self.sets = sets  # several grouping sets: which one a row belongs to
        self.column_exprs: list[Typed] = []

    def substitute(self, node: exp.Expr) -> Typed | None:
        if isinstance(node, exp.Grouping):
            return self.grouping(node)
        if isinstance(node, exp.Window):
            return self._register_window(node)
        if isinstance(node, exp.Filter | exp.WithinGroup):
            return self.filtered_aggregate(node)
        if isinstance(node, exp.AggFunc) or contains_aggregate(node):
            return None
        try:
            found = self.pre.translate(node)
        except LeafSQLError:
            return None
        if found.is_const:
            return found
        key = self.keys.get(expression_key(found))
        if key is not None:
            return key
        if isinstance(node, PATH_NODES):
            raise self.error(
                f"column {node.sql(dialect='postgres')} must appear in the GROUP BY clause or be used in an aggregate function",
                node,
            )
        return None

    def aggregate(self, node: exp.AggFunc) -> Typed:
        return self.accs.translate(node, self.pre)

    def grouping(self, node: exp.Grouping) -> Typed:
        """``GROUPING(e, …)``: per argument a bit, set when the row's grouping set lacks it."""
        grouping_sets.check_grouping_arity(node, self.ctx.source)
        grouped = frozenset().union(*self.members)
        args = []
        for arg in node.expressions:
            if contains_aggregate(arg):
                raise self.error("aggregate function calls cannot be nested in GROUPING", arg)
            key = expression_key(self.pre.translate(arg))
            if key not in grouped:
                raise self.error(
                    "arguments to GROUPING must be grouping expressions of the associated query level", arg
                )
            args.append(key)
        if self.sets is None:
            return const(0, SqlType.INT)
        masks = self.sets.masks(args)
        if len(set(masks)) == 1:
            return const(masks[0], SqlType.INT)
        return Typed({"$arrayElemAt": [{"$literal": masks}, self.sets.set_index]}, SqlType.INT, non_null=True)

    def _register_window(self, node: exp.Window) -> Typed:
        """While the ``$group`` is planned: register what a window reads; its value comes later."""
        func = node.this.this if isinstance(node.this, exp.Filter) else node.this
        parts = [*func.iter_expressions(), *(node.args.get("partition_by") or [])]
        if node.args.get("order") is not None:
            parts += [o.this for o in node.args["order"].expressions]
        if isinstance(node.this, exp.Filter):
            parts.append(node.this.expression.this)
        for part in parts:
            if not isinstance(part, exp.Star | exp.Distinct):
                self.translate(part)
        return Typed(None, SqlType.ANY)

    def filtered_aggregate(self, node: exp.Filter | exp.WithinGroup) -> Typed:
        """``agg(...) FILTER (WHERE …)`` and ``PERCENTILE_…(p) WITHIN GROUP (ORDER BY …)``."""
        condition = None
        if isinstance(node, exp.Filter):
            where = node.expression
            if contains_aggregate(where):
                raise self.error("aggregate functions are not allowed in FILTER", where)
            condition = self.pre.conditions.truth(where.this, True)
            node = node.this
        if isinstance(node, exp.WithinGroup):
            return self.accs.percentile(node, self.pre, condition)
        if not isinstance(node, exp.AggFunc) or isinstance(node, exp.Anonymous):
            raise self.error("FILTER applies only to aggregate functions", node)
        return self.accs.translate(node, self.pre, condition)


def group_stages(
    select: exp.Select, ctx: Context, pre: Translator, columns: list[Column], where: dict[str, Any] | None
) -> tuple[Translator, list[dict[str, Any]]]:
    group = select.args.get("group")
    reject_windows(group, "GROUP BY", ctx)
    reject_windows(select.args.get("having"), "HAVING", ctx)
    found: dict[str, Typed] = {}
    members: list[frozenset[str]] = []
    empty: list[int] = []  # the sets without any grouping expression: () gives a row on empty input
    constants: set[str] = set()
    for items in grouping_sets.expand(group, ctx.source):
        keys_of_set: set[str] = set()
        for node in items:
            target = group_target(node, select, columns, ctx)
            if contains_aggregate(target):
                raise ctx.source.error("aggregate functions are not allowed in GROUP BY", node)
            typed = pre.translate(target)
            key = expression_key(typed)
            keys_of_set.add(key)
            if typed.is_const:
                constants.add(key)
            else:
                found.setdefault(key, typed)
        if grouping_sets.distinct(group) and frozenset(keys_of_set) in members:
            continue
        if not items:
            empty.append(len(members))
        members.append(frozenset(keys_of_set))
    accs = Accumulators(non_null_paths=frozenset(non_null_paths(where or {})))
    if len(members) > 1:
        return _sets_group(select, ctx, pre, columns, found, members, empty, constants, accs)
    # One key groups on its value (a missing field groups with NULL); several on an array of
    # values, where a missing field also becomes NULL (in a document it would be left out).
    # Computed keys that can evaluate to "missing" are normalized to NULL (see ``group_key``).
    keys: dict[str, Typed] = {}
    group_id: Any = None
    if len(found) == 1:
        key, typed = next(iter(found.items()))
        keys[key] = Typed("$_id", typed.type, path="_id", origin=typed.origin)
        group_id = group_key(typed)
    elif found:
        for i, (key, typed) in enumerate(found.items()):
            keys[key] = Typed({"$arrayElemAt": ["$_id", i]}, typed.type, origin=typed.origin)
        group_id = [group_key(typed) for typed in found.values()]
    post = GroupedTranslator(ctx, pre, keys, accs, members)
    _translate_grouped(select, ctx, post, columns)
    stage: dict[str, Any] = {"_id": group_id, **accs.specs}
    stages: list[dict[str, Any]] = [{"$group": stage}]
    if empty:
        # SQL gives one row even for no input: fall back to the accumulators' empty values.
        stages.append({"$facet": {"g": [{"$limit": 1}]}})
        stages.append(
            {
                "$replaceWith": {
                    "$ifNull": [{"$arrayElemAt": ["$g", 0]}, {"$literal": {"_id": None, **accs.seeds}}]
                }
            }
        )
    return post, stages


def _sets_group(
    select: exp.Select,
    ctx: Context,
    pre: Translator,
    columns: list[Column],
    found: dict[str, Typed],
    members: list[frozenset[str]],
    empty: list[int],
    constants: set[str],
    accs: Accumulators,
) -> tuple[Translator, list[dict[str, Any]]]:
    """GROUPING SETS/ROLLUP/CUBE: a key is NULL in the rows of the sets without it (``grouping_sets``)."""
    varying = {key for key in constants if not all(key in m for m in members)}
    if varying:
        group = select.args["group"]
        raise ctx.source.error(
            "a constant in GROUPING SETS/ROLLUP/CUBE that only some grouping sets hold is not supported",
            group,
            "GROUP BY",
        )
    plan = grouping_sets.SetsPlan(members, {k: group_key(t) for k, t in found.items()}, empty)
    keys = {key: Typed(plan.key_reference(i), typed.type) for i, (key, typed) in enumerate(found.items())}
    post = GroupedTranslator(ctx, pre, keys, accs, members, plan)
    _translate_grouped(select, ctx, post, columns)
    return post, grouping_sets.sets_stages(plan, accs.specs, accs.seeds)


def _translate_grouped(
    select: exp.Select, ctx: Context, post: GroupedTranslator, columns: list[Column]
) -> None:
    """Translate what reads the grouped rows, so that every accumulator is registered.

    A first pass registers the accumulators (and what SUM's NULL checks need), the second
    translates with all of them known.
    """
    for _ in range(2):
        post.column_exprs = [post.translate(c.node) for c in columns]
        having = select.args.get("having")
        if having is not None:
            post.conditions.filter(having.this)
        order = select.args.get("order")
        for item in order.expressions if order is not None else []:
            if output_reference(item.this, columns, ctx) is None:
                post.translate(item.this)
        post.accs.finish()


def group_target(node: exp.Expr, select: exp.Select, columns: list[Column], ctx: Context) -> exp.Expr:
    """What a GROUP BY item groups on: an ordinal or output name picks a select expression.

    PostgreSQL resolves a bare GROUP BY name to an input column of this query level first, and to
    an output alias only when no input column has that name (ORDER BY does the opposite).
    """
    target = output_reference(node, columns, ctx)
    if target is None:
        return node
    if isinstance(node, exp.Column) and is_input_column(node, select, ctx):
        return node
    return target


def is_input_column(node: exp.Column, select: exp.Select, ctx: Context) -> bool:
    """Whether the bare name ``node`` names an input column of this query level.

    A relation with known columns (CTE, subquery, UNNEST) says so exactly. A collection may hold any
    field, so there the name is an input column when the query reads it as one (in the select
    list, WHERE, HAVING or another GROUP BY item); otherwise it names the output alias.
    """
    try:
        level, relation, _ = ctx.scope.locate([node.name], node, ctx.source)
    except LeafSQLError:
        return False  # no input column of that name: the alias
    if level is not ctx.scope:
        return False  # an enclosing query's column: PostgreSQL prefers the alias of this level
    if relation.columns is not None or relation.element is not None:
        return True
    group = select.args.get("group")
    others = [e for e in (group.expressions if group else []) if e is not node]
    having = select.args.get("having")
    where = select.args.get("where")
    parts = [*select.expressions, *others, where, having]
    for ref in _column_refs(parts):
        if ref is node:
            continue  # inside ROLLUP/CUBE/GROUPING SETS, the item itself is among the others
        try:
            ref_level, ref_relation, rest = ctx.scope.locate(segments(ref, ctx.source), ref, ctx.source)
        except LeafSQLError:
            continue
        if ref_level is level and ref_relation == relation and rest and rest[0] == node.name:
            return True
    return False


def _column_refs(parts: list[exp.Expr | None]) -> list[exp.Column]:
    """The column references in ``parts``, outside subqueries (their columns are their own)."""
    out: list[exp.Column] = []
    stack = [p for p in parts if p is not None]
    while stack:
        current = stack.pop()
        if isinstance(current, exp.Subquery | exp.Exists | exp.Select):
            continue
        if isinstance(current, exp.Column):
            if not isinstance(current.this, exp.Star):
                out.append(current)
            continue
        stack.extend(current.iter_expressions())
    return out


# Operators whose value is never "missing" (a missing input gives NULL or a value): a group key
# built by one needs no normalization. Any other operator may yield missing (``$arrayElemAt`` past
# the end, ``$let``/``$getField`` of a missing field, ...), which ``$group`` may key apart from NULL.
NEVER_MISSING = frozenset(
    {
        *("$add", "$subtract", "$multiply", "$divide", "$mod", "$abs", "$ceil", "$floor", "$round"),
        *("$trunc", "$pow", "$sqrt", "$exp", "$ln", "$log", "$log10"),
        *("$concat", "$toLower", "$toUpper", "$substr", "$substrCP", "$substrBytes", "$strLenCP"),
        *("$strLenBytes", "$trim", "$ltrim", "$rtrim", "$replaceAll", "$replaceOne", "$indexOfCP"),
        *("$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$cmp", "$and", "$or", "$not", "$in"),
        *("$dateTrunc", "$year", "$month", "$dayOfMonth", "$hour", "$minute", "$second"),
        *("$millisecond", "$week", "$isoWeek", "$isoWeekYear", "$dayOfWeek", "$isoDayOfWeek"),
        *("$dayOfYear", "$dateAdd", "$dateSubtract", "$dateDiff", "$dateFromParts", "$dateToString"),
        *("$toString", "$toInt", "$toLong", "$toDouble", "$toDecimal", "$toBool", "$toDate"),
        *("$type", "$isNumber", "$isArray", "$size", "$literal"),
    }
)


def may_be_missing(expr: Any) -> bool:
    """Whether the aggregation expression ``expr`` can evaluate to "missing" (not just NULL)."""
    if isinstance(expr, str):
        return expr.startswith("$")
    if not isinstance(expr, dict) or len(expr) != 1:
        return False  # a constant, an array or an object literal
    ((op, args),) = expr.items()
    if not op.startswith("$"):
        return False
    if op == "$cond":
        branches = [args["then"], args["else"]] if isinstance(args, dict) else args[1:]
        return any(may_be_missing(b) for b in branches)
    if op == "$switch":
        outs = [b["then"] for b in args["branches"]]
        return any(may_be_missing(o) for o in outs) or may_be_missing(args.get("default"))
    if op == "$ifNull":
        return may_be_missing(args[-1])
    if op == "$let":
        return may_be_missing(args["in"])
    return op not in NEVER_MISSING


def group_key(typed: Typed) -> Any:
    """A GROUP BY key's ``_id`` expression, with "missing" made NULL (SQL has one NULL group).

    A plain field path stays as it is: ``$group`` keys a missing field as NULL (documented for a
    field-path ``_id``; in an array of keys MongoDB substitutes null for a non-existent field).
    """
    expr = typed.expr
    if typed.non_null or typed.path is not None or not may_be_missing(expr):
        return expr
    if isinstance(expr, str) and expr.startswith("$") and not expr.startswith("$$"):
        return expr
    return {"$ifNull": [expr, None]}


NULL_REJECTING = {"$gt", "$gte", "$lt", "$lte", "$regex", "$type"}


def non_null_paths(where: dict[str, Any]) -> set[str]:
    """Fields a ``$match`` filter only lets through when they hold a value (not NULL, not missing)."""
    found: set[str] = set()
    for key, cond in where.items():
        if key == "$and":
            for part in cond:
                found |= non_null_paths(part)
        elif key.startswith("$"):
            continue
        elif not isinstance(cond, dict):
            if cond is not None:
                found.add(key)
        elif any(op in NULL_REJECTING for op in cond) or (
            ("$ne" in cond and cond["$ne"] is None)
            or ("$nin" in cond and None in cond["$nin"])
            or ("$in" in cond and None not in cond["$in"])
        ):
            found.add(key)
    return found

"""GROUP BY: the ``$group`` stage and the scope after it (keys become ``$_id``, aggregates ``$aN``)."""

from __future__ import annotations

import json
from typing import Any

from sqlglot import exp

from leaf_dagster.sql.aggregates import Accumulators
from leaf_dagster.sql.columns import Column, output_reference
from leaf_dagster.sql.context import Context
from leaf_dagster.sql.errors import LeafSQLError
from leaf_dagster.sql.expressions import PATH_NODES, Translator
from leaf_dagster.sql.values import Typed


def contains_aggregate(node: exp.Expr | None) -> bool:
    return node is not None and any(isinstance(n, exp.AggFunc) for n in node.walk())


def expression_key(typed: Typed) -> str:
    return json.dumps(typed.expr, sort_keys=True, default=str)


class GroupedTranslator(Translator):
    """Expressions after ``$group``: GROUP BY expressions read ``$_id``, aggregates ``$aN``."""

    def __init__(self, ctx: Context, pre: Translator, keys: dict[str, Typed], accs: Accumulators) -> None:
        super().__init__(ctx)
        self.pre = pre
        self.keys = keys
        self.accs = accs
        self.column_exprs: list[Typed] = []

    def substitute(self, node: exp.Expr) -> Typed | None:
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


def group_stages(
    select: exp.Select, ctx: Context, pre: Translator, columns: list[Column], where: dict[str, Any] | None
) -> tuple[Translator, list[dict[str, Any]]]:
    group = select.args.get("group")
    found: dict[str, Typed] = {}
    for node in group.expressions if group else []:
        target = output_reference(node, columns, ctx) or node
        if contains_aggregate(target):
            raise ctx.source.error("aggregate functions are not allowed in GROUP BY", node)
        typed = pre.translate(target)
        if not typed.is_const:
            found.setdefault(expression_key(typed), typed)
    # One key groups on its value (a missing field groups with NULL); several on an array of
    # values, where a missing field also becomes NULL (in a document it would be left out).
    keys: dict[str, Typed] = {}
    group_id: Any = None
    if len(found) == 1:
        key, typed = next(iter(found.items()))
        keys[key] = Typed("$_id", typed.type, path="_id")
        group_id = typed.expr
    elif found:
        for i, (key, typed) in enumerate(found.items()):
            keys[key] = Typed({"$arrayElemAt": ["$_id", i]}, typed.type)
        group_id = [typed.expr for typed in found.values()]
    accs = Accumulators(non_null_paths=frozenset(non_null_paths(where or {})))
    post = GroupedTranslator(ctx, pre, keys, accs)
    # A first pass registers the accumulators (and what SUM's NULL checks need), the second
    # translates with all of them known.
    for _ in range(2):
        post.column_exprs = [post.translate(c.node) for c in columns]
        having = select.args.get("having")
        if having is not None:
            post.conditions.filter(having.this)
        order = select.args.get("order")
        for item in order.expressions if order is not None else []:
            if output_reference(item.this, columns, ctx) is None:
                post.translate(item.this)
        accs.finish()
    stage: dict[str, Any] = {"_id": group_id, **accs.specs}
    stages: list[dict[str, Any]] = [{"$group": stage}]
    if not group:
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

"""A joined CTE or subquery, narrowed to the rows one outer row can match.

``LEFT JOIN totals t ON t.user_id = u._id`` runs the CTE's pipeline inside the ``$lookup`` once per
outer row; run whole, that is quadratic. When ``t.user_id`` is a plain column of the CTE (a GROUP
BY key if it groups) the join value can filter the CTE's input first — ``WHERE user_id = $$v`` —
which gives exactly the CTE rows with that key, and the CTE's base index serves it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from leaf_dagster.sql.context import Context, Definition
from leaf_dagster.sql.expressions import Translator
from leaf_dagster.sql.values import SqlType, Typed

if TYPE_CHECKING:
    from leaf_dagster.sql.planner import Plan

KEY = "__leaf_join_key"


def narrowed(
    query: Definition,
    columns: tuple[str, ...],
    on: exp.Expr,
    ctx: Context,
    compile_query: Callable[[exp.Expr, Context], Plan],
) -> list[dict[str, Any]] | None:
    """The CTE's stages filtered on the join key, or None when no key allows it."""
    for conjunct in _conjuncts(on):
        if not isinstance(conjunct, exp.EQ):
            continue
        for near, far in ((conjunct.this, conjunct.expression), (conjunct.expression, conjunct.this)):
            tr = Translator(ctx)
            column, value = tr.translate(far), tr.translate(near)
            outer = isinstance(value.expr, str) and value.expr.startswith("$$")
            if column.path not in columns or not outer:
                continue
            body = filtered(query.query, column.path)
            if body is not None:
                inner = replace(
                    ctx, ctes=query.visible, injected={**ctx.injected, KEY: Typed(value.expr, SqlType.ANY)}
                )
                return compile_query(body, inner).stages
    return None


def filtered(query: exp.Expr, column: str | None) -> exp.Select | None:
    if not isinstance(query, exp.Select) or column is None:
        return None
    if any(query.args.get(k) for k in ("limit", "offset", "windows", "qualify")):
        return None
    if any(isinstance(n, exp.Window | exp.Subquery | exp.Exists) for n in query.walk()):
        return None
    target = None
    for item in query.expressions:
        name = item.alias_or_name
        if name == column:
            target = item.this if isinstance(item, exp.Alias) else item
    if not isinstance(target, exp.Column | exp.Dot):
        return None
    group = query.args.get("group")
    aggregated = any(isinstance(n, exp.AggFunc) for n in query.walk())
    if aggregated or group is not None:
        keys = [g.sql() for g in (group.expressions if group is not None else [])]
        if target.sql() not in keys:
            return None
    body = query.copy()
    body.where(exp.EQ(this=target.copy(), expression=exp.Placeholder(this=KEY)), append=True, copy=False)
    return body


def _conjuncts(node: exp.Expr) -> list[exp.Expr]:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.And):
        return [*_conjuncts(node.this), *_conjuncts(node.expression)]
    return [node]

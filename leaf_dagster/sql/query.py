"""A query (a SELECT with its WITH clause, FROM items and joins) to a ``Plan``; CTEs and subqueries
in FROM are compiled by the same function, where they are used."""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp

from leaf_dagster.sql.context import Context, Definition
from leaf_dagster.sql.planner import Plan, plan
from leaf_dagster.sql.set_operations import compile_union
from leaf_dagster.sql.set_returning import expand_regexp_matches
from leaf_dagster.sql.sources import Enclosing, plan_from
from leaf_dagster.sql.statement import check_statement


def compile_query(tree: exp.Expr, ctx: Context, enclosing: Enclosing | None = None) -> Plan:
    """``enclosing``: for a correlated subquery, the scope it reads and the ``let`` reaching it."""
    while isinstance(tree, exp.Subquery) and tree.args.get("alias") is None:
        # A parenthesized query: ``(SELECT … ORDER BY x LIMIT 3) UNION ALL (SELECT …)``.
        tree = tree.this
    if isinstance(tree, exp.SetOperation):
        return compile_union(tree, _with_ctes(tree, ctx), enclosing, compile_query)
    select = expand_regexp_matches(check_statement(tree, ctx), ctx)
    ctx = _with_ctes(select, ctx)
    frm = plan_from(select, ctx, compile_query, enclosing)
    return plan(select, ctx.with_scope(frm.scope), frm.collection, frm)


def _with_ctes(select: exp.Query, ctx: Context) -> Context:
    with_ = select.args.get("with_") or select.args.get("with")
    if with_ is None:
        return ctx
    if with_.args.get("recursive"):
        raise ctx.source.error("WITH RECURSIVE is not supported", with_, "RECURSIVE")
    ctes = dict(ctx.ctes)
    for cte in with_.expressions:
        name = cte.alias
        if cte.args.get("alias") is not None and cte.args["alias"].columns:
            raise ctx.source.error("column names after a CTE's name are not supported", cte.args["alias"])
        if cte.args.get("materialized") is not None:
            raise ctx.source.error("MATERIALIZED is not supported", cte)
        if name in ctes and name not in ctx.ctes:
            raise ctx.source.error(f"WITH query name {name!r} specified more than once", cte)
        # Each CTE sees the ones before it.
        ctes[name] = Definition(cte.this, dict(ctes))
    return replace(ctx, ctes=ctes)

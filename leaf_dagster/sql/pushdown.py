"""WHERE around joins and subqueries: conditions on the base relation alone run before the joins
(on its index); the rest after them, and after the ``$lookup`` stages of the WHERE's subqueries. The base relation is the preserved side of every supported join (INNER, LEFT,
UNNEST), so filtering it first gives the same rows.
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from leaf_dagster.sql.expressions import Translator
from leaf_dagster.sql.predicates import merge_and

Stages = list[dict[str, Any]]


def conjuncts(node: exp.Expr) -> list[exp.Expr]:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.And):
        return [*conjuncts(node.this), *conjuncts(node.expression)]
    return [node]


def where_around_joins(where: exp.Expr, tr: Translator, joins: Stages) -> tuple[Stages, dict[str, Any]]:
    """The stages and the whole filter: ``$match`` (base only) → the base-only subqueries' lookups
    and their ``$match`` → joins → the other lookups → ``$match`` (the rest)."""
    scope = tr.ctx.scope
    base = scope.all_relations[0].alias
    before: list[dict[str, Any]] = []
    after: list[dict[str, Any]] = []
    early: list[exp.Expr] = []
    late: list[exp.Expr] = []
    for conjunct in conjuncts(where):
        scope.touched.clear()
        probe = Translator(tr.ctx)
        part = probe.conditions.filter(conjunct)
        base_only = scope.touched <= {base}
        if probe.lookups:
            (early if base_only else late).append(conjunct)
        else:
            (before if base_only else after).append(part)
    # Each group of subquery conditions gets its own translator: its lookups come right before it.
    early_tr, late_tr = Translator(tr.ctx), Translator(tr.ctx)
    early_parts = [early_tr.conditions.filter(c) for c in early]
    after.extend(late_tr.conditions.filter(c) for c in late)
    stages: Stages = []
    first, middle, rest = merge_and(before), merge_and(early_parts), merge_and(after)
    for lookups, match in (([], first), (early_tr.lookups, middle), (joins, {}), (late_tr.lookups, rest)):
        stages.extend(lookups)
        if match != {}:
            stages.append({"$match": match})
    return stages, merge_and([first, middle, rest])

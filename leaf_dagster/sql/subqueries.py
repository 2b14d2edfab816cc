"""Subqueries in expressions: ``IN (SELECT …)``, ``EXISTS (SELECT …)`` and scalar subqueries.

Each becomes a ``$lookup`` (stored on the translator; the planner puts it before the stage that
reads it) whose pipeline is the compiled subquery; an enclosing query's fields are ``let``
variables, so correlated subqueries work. The expression then reads the looked-up array:

- EXISTS: the pipeline ends with ``$limit: 1``; true when the array is not empty.
- IN: the pipeline keeps the rows equal to the value (``$limit: 1``), filtering the subquery's
  input when that is equivalent (see ``narrowing``) so that an index serves it. ``NOT IN`` follows SQL: it is
  never true when the subquery yields a NULL, so it also looks for NULL rows and, when the value
  may be NULL, for any row.
- A scalar subquery keeps at most two rows: no row is NULL, two rows fail at run time (as in
  PostgreSQL) with an error naming the problem.

A subquery whose first ``$match`` requires ``field = outer value`` also gets that equality as
``localField``/``foreignField``, so the joined collection's index serves it (``_index_key``).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from leaf_dagster.sql.errors import PLANTED_MARK
from leaf_dagster.sql.narrowing import KEY, filtered
from leaf_dagster.sql.predicates import and_, or_
from leaf_dagster.sql.probes import probing
from leaf_dagster.sql.scope import Bindings
from leaf_dagster.sql.values import SqlType, Typed, is_null, let, not_null

if TYPE_CHECKING:
    from leaf_dagster.sql.expressions import Translator
    from leaf_dagster.sql.planner import Plan

LOOKUP_PREFIX = "__leaf_q"
# Converting this text to a number fails, and the server's error message quotes it.
TOO_MANY_ROWS = "more than one row returned by a subquery used as an expression"


def _compile(tr: Translator, query: exp.Expr) -> tuple[Plan, Bindings]:
    from leaf_dagster.sql.grouping import GroupedTranslator
    from leaf_dagster.sql.query import compile_query

    if isinstance(query, exp.Subquery):
        query = query.this
    bindings = Bindings(tr.ctx.names)
    with probing(None):  # a subquery's literals read per value (``probes``)
        plan = compile_query(query, tr.ctx, (tr.ctx.scope, bindings))
    if bindings.vars and isinstance(tr, GroupedTranslator):
        raise tr.error("correlated subqueries after GROUP BY are not supported", query, "SELECT")
    return plan, bindings


def _lookup(
    tr: Translator, node: exp.Expr, purpose: str, plan: Plan, bindings: Bindings, tail: list[dict[str, Any]]
) -> str:
    key = json.dumps([purpose, node.sql(), list(bindings.vars.values())], sort_keys=True, default=str)
    found = tr.lookup_names.get(key)
    if found is not None:
        return found
    name = f"{LOOKUP_PREFIX}{next(tr.ctx.names)}"
    spec: dict[str, Any] = {"from": plan.collection}
    stages = plan.stages if bindings.vars else run_once(plan.collection, plan.stages)
    pipeline = [*stages, *tail]
    if bindings.vars:
        spec["let"] = bindings.let()
        keyed = _index_key(spec["let"], pipeline)
        if keyed is not None:
            spec["localField"], spec["foreignField"] = keyed
    spec["pipeline"] = pipeline
    spec["as"] = name
    tr.lookups.append({"$lookup": spec})
    tr.lookup_names[key] = name
    return name


def _index_key(variables: dict[str, Any], pipeline: list[dict[str, Any]]) -> tuple[str, str] | None:
    """``(localField, foreignField)`` for a lookup whose first ``$match`` requires ``field = $$var``.

    The first stage reads the joined collection's own documents, so letting ``$lookup`` narrow them
    by that equality (the foreign field's index serves it) drops only documents the ``$match``
    would drop: ``localField`` matches a superset of the pairs ``$eq`` accepts. The ``$match`` stays
    and decides exactly. Without this, ``let`` + ``$expr`` may scan the joined collection per row.
    """
    first = pipeline[0].get("$match") if pipeline else None
    expr = first.get("$expr") if isinstance(first, dict) else None
    parts = expr.get("$and", [expr]) if isinstance(expr, dict) else []
    for part in parts:
        if not isinstance(part, dict) or list(part) != ["$eq"] or len(part["$eq"]) != 2:
            continue
        a, b = part["$eq"]
        for far, near in ((a, b), (b, a)):
            if not _is_path(far) or not isinstance(near, str) or not near.startswith("$$") or "." in near:
                continue
            bound = variables.get(near[2:])
            local = bound.get("$ifNull", [None])[0] if isinstance(bound, dict) else bound
            if isinstance(local, str) and _is_path(local):
                return local[1:], far[1:]
    return None


def _is_path(expr: Any) -> bool:
    return isinstance(expr, str) and expr.startswith("$") and not expr.startswith("$$")


def _one_column(tr: Translator, plan: Plan, node: exp.Expr) -> str:
    if len(plan.columns) != 1 or plan.columns == ["*"]:
        raise tr.error("the subquery must return exactly one column", node, "SELECT")
    return plan.columns[0]


def _size(name: str) -> Any:
    return {"$size": f"${name}"}


def subquery_value(tr: Translator, node: exp.Expr) -> Typed:
    if isinstance(node, exp.Exists):
        return Typed(exists_truth(tr, node, True), SqlType.BOOL, non_null=True)
    plan, bindings = _compile(tr, node)
    column = _one_column(tr, plan, node)
    name = _lookup(tr, node, "scalar", plan, bindings, [{"$limit": 2}])
    first = let({"row": {"$arrayElemAt": [f"${name}", 0]}}, f"$$row.{column}")
    value = {"$cond": [{"$gt": [_size(name), 1]}, {"$toDouble": PLANTED_MARK + TOO_MANY_ROWS}, first]}
    return Typed(value, SqlType.ANY)


def exists_truth(tr: Translator, node: exp.Exists, want: bool) -> Any:
    plan, bindings = _compile(tr, node.this)
    name = _lookup(tr, node, "exists", plan, bindings, [{"$limit": 1}])
    return {"$gt" if want else "$eq": [_size(name), 0]}


def in_subquery_truth(tr: Translator, node: exp.In, want: bool) -> Any:
    if node.expressions or node.args.get("unnest") is not None or node.args.get("field") is not None:
        raise tr.error("IN takes either a list or one subquery", node)
    query = node.args["query"]
    value = tr.translate(node.this)
    if value.is_null_const and want:
        return False
    plan, bindings = _compile(tr, query)
    column = _one_column(tr, plan, query)
    correlated = bool(bindings.vars)
    if not correlated:
        return _in_set_truth(tr, query, plan, bindings, column, value, want)
    if value.is_null_const:  # NULL NOT IN (…) is TRUE exactly when the subquery has no rows
        any_row = _lookup(tr, query, "any", plan, bindings, [{"$limit": 1}])
        return {"$eq": [_size(any_row), 0]}
    var = f"$${bindings.bind(value.expr)}"
    equal = {"$eq": [f"${column}", var]}
    if want:
        narrowed = _narrowed(tr, query, column, var, bindings)
        if narrowed is not None:
            hit = _lookup(tr, query, "in", narrowed, bindings, [{"$limit": 1}])
        else:
            hit = _lookup(tr, query, "in", plan, bindings, [{"$match": {"$expr": equal}}, {"$limit": 1}])
        return and_([*([] if value.is_const else [not_null(value.expr)]), {"$gt": [_size(hit), 0]}])
    # FALSE when there are no rows at all, or when the value is not NULL and no row equals it
    # or is NULL.
    blocking = {"$or": [equal, is_null(f"${column}")]}
    clear = _lookup(tr, query, "not in", plan, bindings, [{"$match": {"$expr": blocking}}, {"$limit": 1}])
    none_block = {"$eq": [_size(clear), 0]}
    any_row = _lookup(
        tr, query, "any", plan, bindings if correlated else Bindings(tr.ctx.names), [{"$limit": 1}]
    )
    checks = [] if value.is_const else [not_null(value.expr)]
    return or_([{"$eq": [_size(any_row), 0]}, and_([*checks, none_block])])


def _in_set_truth(
    tr: Translator, query: exp.Expr, plan: Plan, bindings: Bindings, column: str, value: Typed, want: bool
) -> Any:
    """``value [NOT] IN (uncorrelated subquery)``: the subquery's distinct values, computed once
    (``run_once``), then ``$in``. SQL's rules: IN is TRUE when a row equals the value; NOT IN is
    TRUE when there are no rows, or when the value is not NULL and no row equals it or is NULL."""
    # Distinct values in two $group stages: grouping hashes, $addToSet compares pairwise.
    distinct: list[dict[str, Any]] = [
        {"$group": {"_id": {"$ifNull": [f"${column}", None]}}},
        {"$group": {"_id": None, "v": {"$push": "$_id"}}},
    ]
    name = _lookup(tr, query, "in set", plan, bindings, distinct)
    values = {"$ifNull": [let({"row": {"$arrayElemAt": [f"${name}", 0]}}, "$$row.v"), []]}
    empty = {"$eq": [{"$size": values}, 0]}
    if value.is_null_const:  # NULL IN (…) is never TRUE; NULL NOT IN (…) is TRUE with no rows
        return False if want else empty
    checks = [] if value.is_const else [not_null(value.expr)]
    if want:
        return and_([*checks, {"$in": [value.expr, values]}])
    clear = {"$not": [{"$or": [{"$in": [value.expr, values]}, {"$in": [None, values]}]}]}
    return or_([empty, and_([*checks, clear])])


def subquery_values(tr: Translator, query: exp.Expr) -> Any:
    """The values of a one-column subquery's rows as an array (for ``x op ANY/ALL (SELECT …)``):
    its distinct values, computed once, when uncorrelated; its rows' values per row otherwise."""
    plan, bindings = _compile(tr, query)
    column = _one_column(tr, plan, query)
    if bindings.vars:
        name = _lookup(tr, query, "values", plan, bindings, [{"$project": {"_id": 0, "v": f"${column}"}}])
        return {"$map": {"input": f"${name}", "as": "row", "in": {"$ifNull": ["$$row.v", None]}}}
    distinct: list[dict[str, Any]] = [
        {"$group": {"_id": {"$ifNull": [f"${column}", None]}}},
        {"$group": {"_id": None, "v": {"$push": "$_id"}}},
    ]
    name = _lookup(tr, query, "in set", plan, bindings, distinct)
    return {"$ifNull": [let({"row": {"$arrayElemAt": [f"${name}", 0]}}, "$$row.v"), []]}


ONCE_VARIABLE = "leafq"  # a $lookup's let variables start with a lowercase letter
_ROW = "__leaf_row"
_VARIABLE = re.compile(r"\$\$((?:v|leafq)\d+)")


def run_once(collection: str, stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``stages`` with each uncorrelated subquery's ``$lookup`` run once, not once per row.

    PostgreSQL evaluates an uncorrelated subquery once per query (an InitPlan or hashed SubPlan);
    a ``$lookup`` runs its pipeline for every document entering it. So the lookups move to the
    head of the pipeline, over exactly one document (``$facet`` outputs one document even for an
    empty collection), and the query's own stages run in one ``$lookup`` over the collection that
    receives their results as ``let`` variables, set where the lookups stood. ``$unwind`` right
    after that ``$lookup`` streams its rows (MongoDB coalesces the two: no 16 MB array).
    Stages that read variables of an enclosing ``$lookup`` are left as they are.
    """
    from leaf_dagster.sql.probes import HEAD_CHECK

    once = [stage for stage in stages if _uncorrelated(stage)]
    # Checks of probed types (``probes.HEAD_CHECK``) read the lookups' results in the head document,
    # as a ``let`` of the query's lookup: evaluated once, whether or not the collection has rows.
    heads = [stage for stage in stages if list(stage) == ["$set"] and HEAD_CHECK in stage["$set"]]
    checks = [check for stage in heads for check in stage["$set"][HEAD_CHECK]["checks"]]
    kinds = {name: kind for stage in heads for name, kind in stage["$set"][HEAD_CHECK]["kinds"].items()}
    if not once or not _self_contained(stages, {_once_variable(stage) for stage in once} | set(kinds)):
        return stages  # the very list (``probes.with_probes`` then compiles without probes)
    stages = [stage for stage in stages if stage not in heads]
    variables: dict[str, Any] = {"leafcheck": checks, **kinds} if checks else dict(kinds)
    body: list[dict[str, Any]] = []
    text = json.dumps(stages, default=str)
    for stage in stages:
        if not _uncorrelated(stage):
            body.append(stage)
            continue
        name = stage["$lookup"]["as"]
        variable = _once_variable(stage)
        variables[variable] = f"${name}"
        if re.search(re.escape(f'"${name}') + r'[".]', text):  # a probe's is read as the variable only
            body.append({"$set": {name: f"$${variable}"}})
    return [
        {"$limit": 1},
        {"$facet": {"one": [{"$limit": 1}]}},
        {"$replaceWith": {"$literal": {}}},
        *once,
        {"$lookup": {"from": collection, "let": variables, "pipeline": body, "as": _ROW}},
        {"$unwind": f"${_ROW}"},
        {"$replaceWith": f"${_ROW}"},
    ]


def _uncorrelated(stage: dict[str, Any]) -> bool:
    spec = stage.get("$lookup")
    return (
        isinstance(spec, dict)
        and str(spec.get("as", "")).startswith(LOOKUP_PREFIX)
        and "let" not in spec
        and "localField" not in spec
    )


def _once_variable(stage: dict[str, Any]) -> str:
    """The ``let`` variable a once-run lookup's result is bound to (``probes`` read it)."""
    return f"{ONCE_VARIABLE}{stage['$lookup']['as'][len(LOOKUP_PREFIX) :]}"


def _self_contained(stages: list[dict[str, Any]], bound: set[str]) -> bool:
    """No stage reads a ``$lookup`` variable that these stages, or ``run_once``'s ``bound`` ones,
    do not define."""
    read = set(_VARIABLE.findall(json.dumps(stages, default=str)))
    return read <= _defined(stages) | bound


def _defined(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        spec = value.get("$lookup")
        if isinstance(spec, dict) and isinstance(spec.get("let"), dict):
            found |= set(spec["let"])
        for inner in value.values():
            found |= _defined(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _defined(inner)
    return found


def has_subquery(node: exp.Expr) -> bool:
    return any(isinstance(n, exp.Subquery | exp.Exists) for n in node.walk())


def take_lookups(tr: Translator) -> list[dict[str, Any]]:
    """The ``$lookup`` stages translated so far, to place before the stage reading them."""
    stages = list(tr.lookups)
    tr.lookups.clear()
    return stages


def check_grouped_subqueries(select: exp.Select, pre: Translator) -> None:
    """Subqueries may not feed GROUP BY keys or aggregates (their lookups would run after ``$group``)."""
    pre.lookups.clear()  # lookups of select-list subqueries tried as GROUP BY keys: unused
    group = select.args.get("group")
    suspects: list[exp.Expr] = list(group.expressions) if group is not None else []
    for item in [*select.expressions, select.args.get("having"), select.args.get("order")]:
        if item is None:
            continue
        suspects.extend(
            n for n in item.walk() if isinstance(n, exp.AggFunc) and not isinstance(n, exp.Anonymous)
        )
    for node in suspects:
        for inner in node.walk():
            if isinstance(inner, exp.Subquery | exp.Exists):
                raise pre.error(
                    "subqueries in GROUP BY or inside aggregates are not supported", inner, "SELECT"
                )


def _narrowed(tr: Translator, query: exp.Expr, column: str, var: str, bindings: Bindings) -> Plan | None:
    """The subquery with ``WHERE column = value`` (so its index serves IN), when that is equivalent."""
    from leaf_dagster.sql.query import compile_query

    body = filtered(query.this if isinstance(query, exp.Subquery) else query, column)
    if body is None:
        return None
    ctx = replace(tr.ctx, injected={**tr.ctx.injected, KEY: Typed(var, SqlType.ANY)})
    return compile_query(body, ctx, (tr.ctx.scope, bindings))


_REFERENCE = re.compile(r'"\$(__leaf_q\d+)')
_DEFINITION = re.compile(r'"as": "(__leaf_q\d+)"')


def check_lookup_order(stages: list[dict[str, Any]], select: exp.Select, tr: Translator) -> None:
    """Every subquery's ``$lookup`` runs before the stages reading it (else the subquery sits where
    this compiler cannot place its lookup, e.g. inside a window's PARTITION BY)."""
    defined: set[str] = set()
    for stage in stages:
        text = json.dumps(stage, default=str)
        here = set(_DEFINITION.findall(text))
        missing = set(_REFERENCE.findall(text)) - defined - here
        if missing:
            raise tr.error("a subquery in this position is not supported", select, "SELECT")
        defined |= here

"""The FROM clause: the base relation and its joins as pipeline stages, and the scope they give.

The base relation's rows stay at the document root (a CTE or subquery base runs first, as a
pipeline prefix); each joined relation's row is held in a field ``__leaf_j_<alias>``:

- a joined collection, CTE or subquery is a ``$lookup`` and an ``$unwind`` (keeping unmatched rows
  for LEFT JOIN). ON = one equality of plain fields, plus conditions on the joined collection
  alone, is the ``localField``/``foreignField`` lookup an expert writes (served by the foreign
  index), then a ``$filter`` keeping what SQL's ``=`` matches (``$lookup`` also pairs NULL with
  NULL/missing, and array elements with scalars); an INNER join to ``_id`` on a top-level key
  instead drops rows whose key is NULL or not a scalar first, and needs no ``$filter``. Other ON conditions are matched in the lookup's
  pipeline, the left side's fields being ``let`` variables (still with ``localField`` when there
  is such an equality). A joined CTE or subquery is first narrowed to the key (``narrowing``).
- ``UNNEST(array)`` is an ``$unwind`` of a copy of the array (LEFT keeps empty and NULL arrays as
  one row with a NULL element; a value that is not an array counts as NULL).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from leaf_dagster.sql.context import Context, Definition
from leaf_dagster.sql.expressions import Translator
from leaf_dagster.sql.narrowing import narrowed
from leaf_dagster.sql.predicates import and_, merge_and
from leaf_dagster.sql.probes import Origin
from leaf_dagster.sql.scope import JOIN_PREFIX, Bindings, Relation, Scope
from leaf_dagster.sql.values import SqlType, not_null

if TYPE_CHECKING:
    from leaf_dagster.sql.planner import Plan

Stages = list[dict[str, Any]]
CompileQuery = Callable[[exp.Expr, Context], "Plan"]
Enclosing = tuple[Scope, Bindings]  # a correlated subquery's enclosing scope and its $lookup's let


@dataclass
class FromPlan:
    collection: str
    scope: Scope
    head: Stages = field(default_factory=list)  # the base CTE/subquery, before the WHERE
    joins: Stages = field(default_factory=list)


def plan_from(
    select: exp.Select, ctx: Context, compile_query: CompileQuery, enclosing: Enclosing | None = None
) -> FromPlan:
    from_ = select.args.get("from_")
    outer, bindings = enclosing if enclosing is not None else (None, None)
    if from_ is None:
        return _one_row(select, ctx, outer, bindings)
    base = from_.this
    if isinstance(base, exp.Unnest):
        raise ctx.source.error(
            "UNNEST as the first FROM item is not supported (join it to its collection: "
            "FROM t CROSS JOIN UNNEST(t.a) AS x, or test elements with x = ANY(t.a))",
            base,
            "UNNEST",
        )
    alias = _alias(base, ctx)
    collection, head, columns, _, types, origins = _relation(base, ctx, compile_query)
    stored = collection if columns is None and not head else None
    relations: list[Relation] = [
        Relation(alias, "", columns, types=types, collection=stored, origins=origins)
    ]
    stages: Stages = []

    def level() -> Scope:
        return Scope(collection=collection, relations=tuple(relations), outer=outer, bindings=bindings)

    for join in select.args.get("joins") or []:
        relation, join_stages = _join(
            join, ctx.with_scope(level()), compile_query, {r.alias for r in relations}
        )
        relations.append(relation)
        stages.extend(join_stages)
    return FromPlan(collection, level(), head, stages)


# Exactly one empty document, whatever the collection holds (``$facet`` outputs one document even
# for an empty or missing collection): the row of a SELECT without FROM.
ONE_ROW: Stages = [{"$limit": 1}, {"$facet": {"one": [{"$limit": 1}]}}, {"$replaceWith": {"$literal": {}}}]


def _one_row(select: exp.Select, ctx: Context, outer: Scope | None, bindings: Bindings | None) -> FromPlan:
    """``SELECT (SELECT COUNT(*) FROM users) AS users, …`` without FROM: one row, no columns to read.

    The pipeline needs a collection to run on: the first one the statement names anywhere."""
    root = select.root()
    ctes = {cte.alias for cte in root.find_all(exp.CTE)}
    names = [t.name for t in root.find_all(exp.Table) if t.name not in ctes and t.name not in ctx.ctes]
    if not names:
        raise ctx.source.error(
            "a SELECT without a FROM clause must read a collection somewhere (a subquery): "
            "select constants FROM a collection",
            select,
            "SELECT",
        )
    scope = Scope(collection=names[0], relations=(Relation("", "", ()),), outer=outer, bindings=bindings)
    return FromPlan(names[0], scope, list(ONE_ROW))


def _alias(item: exp.Expr, ctx: Context) -> str:
    alias = item.args.get("alias")
    if isinstance(item, exp.Table):
        if alias is not None and alias.columns:
            raise ctx.source.error("column aliases on a table are not supported", alias)
        return alias.name if alias is not None and alias.name else item.name
    if alias is None or not alias.name:
        if isinstance(item, exp.Unnest):
            return "unnest"
        raise ctx.source.error("a subquery in FROM needs an alias", item, "SELECT")
    if alias.columns and not isinstance(item, exp.Unnest):
        raise ctx.source.error("column aliases on a subquery are not supported", alias)
    return str(alias.name)


def _relation(
    item: exp.Expr, ctx: Context, compile_query: CompileQuery
) -> tuple[
    str, Stages, tuple[str, ...] | None, Definition | None, Mapping[str, SqlType], Mapping[str, Origin]
]:
    """The collection a relation reads, the stages computing its rows, its known columns and query,
    the static types of its fields (the catalog's for a collection, a CTE's kept column types), and
    where a CTE's columns that pass a stored field through come from (``probes``)."""
    if isinstance(item, exp.Subquery):
        plan = compile_query(item.this, ctx)
        columns = _known(plan.columns, item, ctx)
        derived = Definition(item.this, ctx.ctes)
        return plan.collection, plan.stages, columns, derived, plan.types, _passed(plan)
    if not isinstance(item, exp.Table) or not isinstance(item.this, exp.Identifier):
        raise ctx.source.error("FROM must name a collection, a CTE or a subquery", item)
    if item.args.get("db") or item.args.get("catalog"):
        raise ctx.source.error("FROM must name a collection of the current database", item)
    definition = ctx.ctes.get(item.name)
    if definition is None:
        return item.name, [], None, None, ctx.catalog.get(item.name, {}), {}
    # A CTE is compiled where it is used (twice if used twice), seeing only the CTEs before it.
    plan = compile_query(definition.query, replace(ctx, ctes=definition.visible))
    return (
        plan.collection,
        plan.stages,
        _known(plan.columns, item, ctx),
        definition,
        plan.types,
        _passed(plan),
    )


def _passed(plan: Plan) -> dict[str, Origin]:
    return {name: t.origin for name, t in plan.outputs.items() if t.origin is not None}


def _known(columns: list[str], item: exp.Expr, ctx: Context) -> tuple[str, ...] | None:
    """A relation's columns; None (any field, as a collection) for ``SELECT * FROM one_collection``,
    whose rows are that collection's whole documents (``columns.star_relation``)."""
    if columns == ["*"]:
        return None
    return tuple(columns)


def _join(
    join: exp.Join, ctx: Context, compile_query: CompileQuery, taken: set[str]
) -> tuple[Relation, Stages]:
    side = (join.args.get("side") or "").upper()
    kind = (join.args.get("kind") or "").upper()
    if (
        side in ("RIGHT", "FULL")
        or kind not in ("", "INNER", "CROSS", "OUTER")
        or (kind == "OUTER" and side != "LEFT")
        or join.args.get("method")
    ):
        raise ctx.source.error(f"{side or kind or 'this'} JOIN is not supported", join, "JOIN")
    if join.args.get("using"):
        raise ctx.source.error(
            "JOIN ... USING is supported as the first INNER or LEFT join of a SELECT without * (and "
            "without an output alias named like its column): write the ON condition",
            join,
            "USING",
        )
    item = join.this
    alias = _alias(item, ctx)
    if alias in taken:
        raise ctx.source.error(f"table name {alias!r} specified more than once", item)
    on = join.args.get("on")
    if (on is not None and kind == "CROSS") or (on is None and side):
        raise ctx.source.error("malformed JOIN", join, "JOIN")
    if isinstance(item, exp.Unnest):
        return _unnest(item, alias, ctx, left=side == "LEFT", on=on)
    if side not in ("", "LEFT"):
        raise ctx.source.error(f"{side} JOIN is not supported", join, "JOIN")
    collection, head, columns, query, types, origins = _relation(item, ctx, compile_query)
    stored = collection if columns is None and not head else None
    prefix = JOIN_PREFIX + alias
    if on is None:
        # A cross product: an uncorrelated $lookup (the server runs its pipeline once).
        cross_spec = {"from": collection, "pipeline": head, "as": prefix}
        relation = Relation(alias, prefix, columns, types=types, collection=stored, origins=origins)
        return relation, [{"$lookup": cross_spec}, {"$unwind": f"${prefix}"}]
    inner_rel = Relation(alias, "", columns, types=types, collection=stored, origins=origins)
    inner = ctx.scope.nested((inner_rel,), lateral=True, names=ctx.names)
    on_ctx = ctx.with_scope(inner)
    relation = Relation(alias, prefix, columns, types=types, collection=stored, origins=origins)
    unwind: dict[str, Any] = {"path": f"${prefix}"}
    if side == "LEFT":
        unwind["preserveNullAndEmptyArrays"] = True
    keyed = None if head else _key_fields(on, on_ctx)
    if keyed is not None:
        local, foreign, key = keyed
        others = _joined_only([c for c in _conjuncts(on) if c is not key], ctx, relation)
        if others is not None:
            # The plain equality lookup (what an expert writes), then SQL's "=" on what it found:
            # it matched NULL to NULL/missing and array elements to scalars.
            spec: dict[str, Any] = {"from": collection, "localField": local, "foreignField": foreign}
            if others:
                spec["pipeline"] = [{"$match": others}]
            spec["as"] = prefix
            if side == "" and _scalar_key_to_id(local, foreign, ctx.scope):
                return relation, [{"$match": {local: SCALAR_KEY}}, {"$lookup": spec}, {"$unwind": unwind}]
            same = and_([not_null(f"${local}"), {"$eq": [f"$$found.{foreign}", f"${local}"]}])
            exact = {"$filter": {"input": f"${prefix}", "as": "found", "cond": same}}
            return relation, [{"$lookup": spec}, {"$set": {prefix: exact}}, {"$unwind": unwind}]
    if query is not None and columns is not None:
        head = narrowed(query, columns, on, on_ctx, compile_query) or head
    match = Translator(on_ctx).conditions.filter(on)
    spec = {"from": collection}
    if keyed is not None:
        spec["localField"], spec["foreignField"] = keyed[0], keyed[1]
    assert inner.bindings is not None
    if inner.bindings.vars:
        spec["let"] = inner.bindings.let()
    spec["pipeline"] = [*head, {"$match": match}] if match else head
    spec["as"] = prefix
    return relation, [{"$lookup": spec}, {"$unwind": unwind}]


# An INNER join's left key that can equal an ``_id``: not NULL/missing, not an array (``$lookup``
# would match its elements), not a regular expression (which ``$lookup`` could match as a pattern).
SCALAR_KEY = {"$ne": None, "$not": {"$type": ["array", "regex"]}}


def _scalar_key_to_id(local: str, foreign: str, scope: Scope) -> bool:
    """Whether an INNER join on ``local = _id`` is exact as guard + plain lookup, without a ``$filter``.

    ``_id`` is never an array, so once the left key is a non-NULL scalar (``SCALAR_KEY``) the plain
    lookup pairs exactly what SQL's ``=`` pairs. The guard reads the key with query semantics, so it
    must not traverse arrays: the key is a top-level field of the base row or of a joined (not
    UNNESTed, whose element may be an array) row.
    """
    if foreign != "_id":
        return False
    parts = local.split(".")
    joined_rows = {r.prefix for r in scope.all_relations if r.prefix and r.element is None}
    return len(parts) == 1 or (len(parts) == 2 and parts[0] in joined_rows)


def _joined_only(conditions: list[exp.Expr], ctx: Context, relation: Relation) -> dict[str, Any] | None:
    """The ``$match`` for ON conditions on the joined collection alone; None if one reads the left side."""
    inner_relation = Relation(
        relation.alias,
        "",
        relation.columns,
        types=relation.types,
        collection=relation.collection,
        origins=relation.origins,
    )
    inner = ctx.scope.nested((inner_relation,), lateral=True, names=ctx.names)
    tr = Translator(ctx.with_scope(inner))
    parts = [tr.conditions.filter(c) for c in conditions]
    assert inner.bindings is not None
    return None if inner.bindings.vars else merge_and(parts)


def _key_fields(on: exp.Expr, ctx: Context) -> tuple[str, str, exp.Expr] | None:
    """``(localField, foreignField, condition)`` for the first top-level equality of plain fields."""
    bindings = ctx.scope.bindings
    assert bindings is not None
    for conjunct in _conjuncts(on):
        if not isinstance(conjunct, exp.EQ):
            continue
        for near, far in ((conjunct.this, conjunct.expression), (conjunct.expression, conjunct.this)):
            tr = Translator(ctx)
            foreign, local = tr.translate(far), tr.translate(near)
            if foreign.path is None or not isinstance(local.expr, str) or not local.expr.startswith("$$"):
                continue
            bound = bindings.vars.get(local.expr[2:])
            inner = bound.get("$ifNull", [None])[0] if isinstance(bound, dict) else None
            if isinstance(inner, str) and inner.startswith("$") and not inner.startswith("$$"):
                return inner[1:], foreign.path, conjunct
    return None


def _conjuncts(node: exp.Expr) -> list[exp.Expr]:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.And):
        return [*_conjuncts(node.this), *_conjuncts(node.expression)]
    return [node]


def _unnest(
    item: exp.Unnest, alias: str, ctx: Context, *, left: bool, on: exp.Expr | None
) -> tuple[Relation, Stages]:
    if item.args.get("explode_array"):
        raise ctx.source.error("this form of UNNEST is not supported", item, "UNNEST")
    if len(item.expressions) != 1:
        raise ctx.source.error("UNNEST takes exactly one array", item, "UNNEST")
    alias_node = item.args.get("alias")
    names = list(alias_node.columns) if alias_node is not None else []
    if len(names) > 1:
        raise ctx.source.error("UNNEST of one array gives one column", item, "UNNEST")
    element = names[0].name if names else alias
    array = Translator(ctx).translate(item.expressions[0])
    prefix = JOIN_PREFIX + alias
    relation = Relation(alias, prefix, None, element, open_fields=not names)
    copy = {"$cond": [{"$isArray": array.expr}, array.expr, None]}
    unwind: dict[str, Any] = {"path": f"${prefix}"}
    if left:
        unwind["preserveNullAndEmptyArrays"] = True
    stages: Stages = [{"$set": {prefix: copy}}, {"$unwind": unwind}]
    ordinality = item.args.get("offset")
    if ordinality:
        # WITH ORDINALITY: the row becomes {element, n} with n counting from 1 (PostgreSQL's
        # column name is "ordinality" unless the alias names it).
        number = ordinality.name if isinstance(ordinality, exp.Identifier) else "ordinality"
        if number == element:
            raise ctx.source.error(f"column {number!r} is named twice", item, "UNNEST")
        relation = Relation(alias, prefix, (element, number))
        index = f"{prefix}_n"
        unwind["includeArrayIndex"] = index
        position = {"$cond": [{"$eq": [f"${index}", None]}, None, {"$add": [f"${index}", 1]}]}
        stages += [{"$set": {prefix: {element: f"${prefix}", number: position}}}, {"$unset": index}]
    if on is not None and not (isinstance(on, exp.Boolean) and on.this):
        if left:
            raise ctx.source.error("LEFT JOIN UNNEST supports only ON true", on)
        scope = replace(ctx.scope, relations=(*ctx.scope.all_relations, relation), touched=set())
        stages.append({"$match": Translator(ctx.with_scope(scope)).conditions.filter(on)})
    return relation, stages


def whole_rows(relation: Relation | None, scope: Scope) -> Stages:
    """The stages leaving one relation's whole rows, for ``SELECT alias.*`` over a join."""
    joined = [r.prefix for r in scope.all_relations if r.prefix]
    if relation is None or not joined:
        return []
    if relation.prefix:
        return [{"$replaceWith": {"$ifNull": [f"${relation.prefix}", {}]}}]
    return [{"$unset": joined}]

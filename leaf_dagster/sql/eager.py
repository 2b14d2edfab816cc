"""Eager aggregation: a GROUP BY over an INNER join to ``_id`` aggregates the base rows first.

``FROM orders o JOIN users u ON o.customerId = u._id GROUP BY u.account.type`` would join every order
to its user and then group. Each order meets at most one user (``_id`` is unique, and the guard
before the ``$lookup`` lets only scalar keys through), so grouping the orders by ``customerId``
first, joining each of those groups once and combining the partial aggregates gives the same rows,
with one ``$lookup`` per customer instead of one per order (the "eager group-by" of Yan and Larson).

It applies when each GROUP BY key reads either only the joined row or only the rows before the join
(those keys are grouped on before the join too), and every aggregate reads only the rows before
the join and combines from partial results: ``$sum`` and ``$min``/``$max``
as themselves, ``$avg`` as a sum and a count of its numeric values. Anything else keeps the plain
plan. Sums of floating-point values are then added in another order, as a database may add them in
any order; integers and decimals are exact either way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from leaf_dagster.sql.scope import JOIN_PREFIX
from leaf_dagster.sql.sources import SCALAR_KEY

Stages = list[dict[str, Any]]
COMBINE = {"$sum": "$sum", "$min": "$min", "$max": "$max"}


def eager_aggregation(stages: Stages) -> Stages:
    """``stages`` with the first guarded ``_id`` join that feeds a ``$group`` aggregated before it."""
    for i in range(len(stages) - 3):
        rewritten = _rewrite(stages[i : i + 4])
        if rewritten is not None:
            return [*stages[:i], *rewritten, *stages[i + 4 :]]
    return stages


def _rewrite(window: Stages) -> Stages | None:
    guard, lookup, unwind, group = (stage.get(op) for stage, op in zip(window, _SHAPE, strict=True))
    if guard is None or lookup is None or unwind is None or group is None:
        return None
    local = lookup.get("localField")
    joined = lookup.get("as")
    if (
        set(lookup) - {"from", "localField", "foreignField", "pipeline", "as"}
        or lookup.get("foreignField") != "_id"
        or guard != {local: SCALAR_KEY}
        or unwind != {"path": f"${joined}"}
        or not isinstance(joined, str)
        or not joined.startswith(JOIN_PREFIX)
    ):
        return None
    keys = _split_keys(group["_id"], joined)
    if keys is None:
        return None
    final_id, moved = keys
    accumulators = {name: spec for name, spec in group.items() if name != "_id"}
    parts = _decompose(accumulators, lambda arg: not _reads(arg, joined) and not _has_variables(arg))
    if parts is None:
        return None
    key = "_id.k" if moved else "_id"
    return [
        {"$group": {"_id": {"k": f"${local}", **moved} if moved else f"${local}", **parts.partial}},
        {"$match": {key: SCALAR_KEY}},
        {"$lookup": {**lookup, "localField": key}},
        {"$unwind": unwind},
        {"$group": {"_id": final_id, **parts.combined}},
        *parts.finish(set(group)),
    ]


@dataclass
class _Partials:
    """Accumulators split in two ``$group`` stages: the first's, the second's, and the AVGs after."""

    partial: dict[str, Any] = field(default_factory=dict)
    combined: dict[str, Any] = field(default_factory=dict)
    averages: dict[str, Any] = field(default_factory=dict)

    def finish(self, names: set[str]) -> Stages:
        """The stages after the second ``$group`` that compute the AVGs and drop their helpers."""
        if not self.averages:
            return []
        return [{"$set": self.averages}, {"$unset": sorted(set(self.combined) - names)}]


def _decompose(accumulators: dict[str, Any], readable: Callable[[Any], bool]) -> _Partials | None:
    """Partial and combining accumulators for ``$sum``/``$min``/``$max``/``$avg``; None for others
    or for an argument ``readable`` refuses."""
    parts = _Partials()
    for name, spec in accumulators.items():
        if not isinstance(spec, dict) or len(spec) != 1:
            return None
        ((op, arg),) = spec.items()
        if not readable(arg):
            return None
        if op in COMBINE:
            parts.partial[name] = {op: arg}
            parts.combined[name] = {COMBINE[op]: f"${name}"}
        elif op == "$avg":
            total, count = f"{name}_sum", f"{name}_count"  # accumulators are named a<N>: no clash
            parts.partial[total] = {"$sum": arg}
            parts.partial[count] = {"$sum": {"$cond": [{"$isNumber": arg}, 1, 0]}}
            parts.combined[total] = {"$sum": f"${total}"}
            parts.combined[count] = {"$sum": f"${count}"}
            parts.averages[name] = {
                "$cond": [{"$eq": [f"${count}", 0]}, None, {"$divide": [f"${total}", f"${count}"]}]
            }
        elif op == "$addToSet" and isinstance(arg, dict) and list(arg) == ["$type"]:
            # SUM/AVG's set of BSON types (``numeric.sum_of_any``): the union of the partial sets
            sets = f"{name}_sets"
            parts.partial[name] = {op: arg}
            parts.combined[sets] = {"$push": f"${name}"}
            parts.averages[name] = {
                "$reduce": {
                    "input": f"${sets}",
                    "initialValue": [],
                    "in": {"$setUnion": ["$$value", "$$this"]},
                }
            }
        else:
            return None
    return parts


def distinct_in_two_phases(stages: Stages) -> Stages:
    """``$group`` stages whose DISTINCT aggregates (``$addToSet``) all read one value, grouped in two.

    The first ``$group`` keys on (GROUP BY keys, value), so each distinct value is one document; the
    second keys on the GROUP BY keys and ``$push``es the values, which are distinct already (a missing
    key is made null, as an array of keys does by itself, so both meet in one group): the same
    set as ``$addToSet``'s (NULL and missing both as null, which every DISTINCT aggregate drops or
    already maps so), with memory for the distinct values only. The other aggregates must combine
    from partials (as above). Why: ``$addToSet`` is quadratic in the set's size on some servers.
    """
    out: Stages = []
    for stage in stages:
        group = stage.get("$group")
        rewritten = _two_phases(group) if isinstance(group, dict) else None
        out.extend(rewritten if rewritten is not None else [stage])
    return out


def _two_phases(group: dict[str, Any]) -> Stages | None:
    sets = {
        name: spec["$addToSet"]
        for name, spec in group.items()
        if name != "_id"
        and isinstance(spec, dict)
        and list(spec) == ["$addToSet"]
        # SUM/AVG's set of BSON types (``numeric.sum_of_any``) holds a handful: left as it is
        and not (isinstance(spec["$addToSet"], dict) and list(spec["$addToSet"]) == ["$type"])
    }
    values = {json.dumps(arg, sort_keys=True, default=str) for arg in sets.values()}
    if len(values) != 1:
        return None
    value = next(iter(sets.values()))
    others = {name: spec for name, spec in group.items() if name != "_id" and name not in sets}
    parts = _decompose(others, lambda arg: True)
    if parts is None:
        return None
    # Missing and null keys must meet in one first-stage group, else a value would be pushed twice.
    key = (
        group["_id"]
        if group["_id"] is None or isinstance(group["_id"], list)
        else {"$ifNull": [group["_id"], None]}
    )
    first = {"_id": {"k": key, "d": {"$ifNull": [value, None]}}, **parts.partial}
    second = {"_id": "$_id.k", **parts.combined, **{name: {"$push": "$_id.d"} for name in sets}}
    return [{"$group": first}, {"$group": second}, *parts.finish(set(group))]


_SHAPE = ("$match", "$lookup", "$unwind", "$group")


def _split_keys(group_id: Any, joined: str) -> tuple[Any, dict[str, Any]] | None:
    """The final ``$group``'s ``_id`` and the keys moved into the first ``$group``.

    Each GROUP BY key reads either the joined row (it stays) or only the rows before the join: then
    the first ``$group`` groups by it too (as ``c<i>``) and the final one reads it from there. Every
    row of a first-stage group has the same value for it, so the final key is what the row gave.
    """
    components = group_id if isinstance(group_id, list) else [group_id]
    moved: dict[str, Any] = {}
    final: list[Any] = []
    for component in components:
        if _reads_only(component, joined):
            final.append(component)
        elif not _reads(component, joined) and not _has_variables(component):
            name = f"c{len(moved)}"
            moved[name] = component
            final.append(f"$_id.{name}")
        else:
            return None
    return (final if isinstance(group_id, list) else final[0]), moved


# Variables that are constants for the whole query.
CONSTANT_VARIABLES = frozenset({"NOW", "CLUSTER_TIME", "REMOVE"})


def _paths(expr: Any, bound: frozenset[str] = frozenset()) -> list[str]:
    """What an aggregation expression reads from the row: field paths (``$a.b``) and variables
    (``$$v``) other than the ones it binds itself (``$let``, ``$map``, ``$filter``, ``$reduce``)."""
    if isinstance(expr, str):
        if not expr.startswith("$"):
            return []
        if expr.startswith("$$") and expr[2:].split(".")[0] in bound | CONSTANT_VARIABLES:
            return []
        return [expr]
    if isinstance(expr, list):
        return [p for item in expr for p in _paths(item, bound)]
    if not isinstance(expr, dict):
        return []
    if "$literal" in expr:
        return []
    if len(expr) == 1:
        ((op, args),) = expr.items()
        if op == "$let" and isinstance(args, dict):
            inner = bound | set(args.get("vars", {}))
            return [*_paths(args.get("vars", {}), bound), *_paths(args.get("in"), inner)]
        if op in ("$map", "$filter") and isinstance(args, dict):
            inner = bound | {args.get("as", "this")}
            rest = {k: v for k, v in args.items() if k not in ("input", "as")}
            return [*_paths(args.get("input"), bound), *_paths(rest, inner)]
        if op == "$reduce" and isinstance(args, dict):
            inner = bound | {"this", "value"}
            outer = [args.get("input"), args.get("initialValue")]
            return [*_paths(outer, bound), *_paths(args.get("in"), inner)]
    return [p for value in expr.values() for p in _paths(value, bound)]


def _reads(expr: Any, joined: str) -> bool:
    return any(p == f"${joined}" or p.startswith(f"${joined}.") for p in _paths(expr))


def _has_variables(expr: Any) -> bool:
    return any(p.startswith("$$") for p in _paths(expr))


def _reads_only(expr: Any, joined: str) -> bool:
    """Whether ``expr`` reads nothing but the joined row (constants read nothing)."""
    return all(p == f"${joined}" or p.startswith(f"${joined}.") for p in _paths(expr))

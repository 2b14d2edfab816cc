"""The type of a document field, probed once per query: the column type PostgreSQL would know.

Without a catalog, a field's type is known only per value. That is enough where the field has a
value, but ``COALESCE(s, '30')`` returns the quoted literal exactly where ``s`` is NULL or missing,
and PostgreSQL then gives it the column's type (text: ``'30'``, not the number 30). A probe reads
that type from the collection itself: the BSON ``$type`` of the first document whose field is not
NULL, in an uncorrelated ``$lookup``::

    {"$lookup": {"from": "t", "pipeline": [{"$match": {"s": {"$ne": null}}}, {"$limit": 1},
                 {"$project": {"_id": 0, "t": {"$type": "$s"}}}], "as": "__leaf_q7"}}

``subqueries.run_once`` runs it once per query at the head of the pipeline, and the query reads the
result as the ``let`` variable ``$$leafq7``, also after ``$group`` (rollups run it once per run
through ``CompiledQuery.with_input``). A field NULL or missing in every document has no type; the
literal is then text, as PostgreSQL resolves an unknown literal beside an untyped NULL.

The probe also reads each such literal as the probed type once, at the head: ``COALESCE(s, 'abc')``
on an integer field fails as in PostgreSQL even when no row is read.

Probes are made only where a quoted literal in a value position (a CASE/COALESCE/GREATEST/LEAST/
NULLIF result, a set operation's column) meets a field of unknown type, or a field of unknown type
meets a computed text value (``literals.as_text``); a catalog type makes the field static (no
probe). Fields of the query's collection, of joined collections, array elements (``tags[0]``) and
fields a CTE or subquery in FROM passes through are probed, also through CASE/COALESCE/NULLIF/
GREATEST/LEAST; a UNION branch probes at the head of its own ``$unionWith`` pipeline. Not probed
(the literal keeps its per-value reading, its own shape where the field is NULL): fields read in a
subquery expression, arithmetic results, and a query whose probes ``run_once`` cannot place
(``placeable``: it is compiled again without them).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from leaf_dagster.sql.planner import Plan

NO_TYPE = "none"  # the probed type of a field that is NULL or missing in every document


@dataclass(frozen=True)
class Origin:
    """Where a field's values come from: a dotted path in the documents of a collection (or, with
    ``element``, the elements of the array there: ``tags[0]``)."""

    collection: str
    path: str
    element: bool = False

    def value(self) -> Any:
        """The value whose type the probe reads, in the probed document."""
        if not self.element:
            return f"${self.path}"
        present = {"$filter": {"input": f"${self.path}", "cond": {"$ne": ["$$this", None]}}}
        return {"$arrayElemAt": [present, 0]}

    def match(self) -> dict[str, Any]:
        """The documents that hold a value of it."""
        return {self.path: {"$elemMatch": {"$ne": None}} if self.element else {"$ne": None}}


@dataclass
class Probes:
    """The probes one compilation made, by (collection, path); ``names`` numbers their lookups."""

    names: Iterator[int]
    found: dict[Origin, str] = field(default_factory=dict)  # -> the $lookup's "as" name
    checks: dict[str, list[Any]] = field(default_factory=dict)  # "as" name -> expressions to evaluate

    def type_of(self, origin: Origin) -> Any:
        """The probed BSON type name of ``origin``'s field (``NO_TYPE`` if it holds no value)."""
        name = self._name(origin)
        variable = "$$" + variable_of(name)
        first = {"$let": {"vars": {"probe": {"$arrayElemAt": [variable, 0]}}, "in": "$$probe.t"}}
        return {"$ifNull": [first, NO_TYPE]}

    def check(self, origin: Origin, make: Any) -> None:
        """Evaluates ``make(field_expr)`` once in the probe's document (a literal's reading)."""
        name = self._name(origin)
        check = make(origin.value())
        if check is not None and check not in self.checks.setdefault(name, []):
            self.checks[name].append(check)

    def _name(self, origin: Origin) -> str:
        from leaf_dagster.sql.subqueries import LOOKUP_PREFIX

        name = self.found.get(origin)
        if name is None:
            name = f"{LOOKUP_PREFIX}{next(self.names)}"
            self.found[origin] = name
        return name

    def stages(self) -> list[dict[str, Any]]:
        out = []
        for origin, name in self.found.items():
            project: dict[str, Any] = {"_id": 0, "t": {"$type": origin.value()}}
            for i, check in enumerate(self.checks.get(name, [])):
                project[f"c{i}"] = check
            pipeline = [{"$match": origin.match()}, {"$limit": 1}, {"$project": project}]
            out.append({"$lookup": {"from": origin.collection, "pipeline": pipeline, "as": name}})
        return out

    def variables(self) -> set[str]:
        return {variable_of(name) for name in self.found.values()}


def variable_of(name: str) -> str:
    """The ``let`` variable ``run_once`` binds a once-run ``$lookup``'s result to."""
    from leaf_dagster.sql.subqueries import LOOKUP_PREFIX, ONCE_VARIABLE

    return f"{ONCE_VARIABLE}{name[len(LOOKUP_PREFIX) :]}"


_ACTIVE: ContextVar[Probes | None] = ContextVar("leaf_sql_probes", default=None)


@contextmanager
def probing(probes: Probes | None) -> Iterator[Probes | None]:
    """Compiles with ``probes`` (None: no probes, as for a lone expression)."""
    token = _ACTIVE.set(probes)
    try:
        yield probes
    finally:
        _ACTIVE.reset(token)


def active() -> Probes | None:
    return _ACTIVE.get()


def placeable(probes: Probes, stages: list[dict[str, Any]]) -> bool:
    """Whether ``run_once`` can bind the probes for every stage that reads them.

    Its ``let`` variables reach the query's stages and the ``$lookup`` pipelines nested in them
    (MongoDB's documented scope of ``let``), but not the other once-run lookups, which move to the
    head, nor ``$unionWith`` pipelines, for which MongoDB documents no such scope."""
    from leaf_dagster.sql.subqueries import _uncorrelated

    names = probes.variables()
    mine = set(probes.found.values())

    def reads(value: Any) -> bool:
        text = json.dumps(value, default=str)
        return any(f"$${name}" in text for name in names)

    for stage in stages:
        spec = stage.get("$lookup")
        if _uncorrelated(stage) and isinstance(spec, dict) and spec.get("as") not in mine and reads(stage):
            return False
    stack: list[Any] = [stages]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            union = item.get("$unionWith")
            if union is not None and reads(union):
                return False
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def with_probes(names: Iterator[int], compile_: Callable[[], Plan]) -> tuple[Plan, list[dict[str, Any]]]:
    """A query compiled with probes of its own, and its stages led by their lookups for
    ``run_once`` to run once at the head of its pipeline. A query whose probes cannot be placed so
    is compiled again without them (its literals then read per value, by their shape where NULL)."""
    from leaf_dagster.sql.subqueries import run_once

    probes = Probes(names)
    with probing(probes):
        plan = compile_()
    if not probes.found:
        return plan, plan.stages
    stages = [*probes.stages(), *plan.stages]
    if placeable(probes, plan.stages) and run_once(plan.collection, stages) is not stages:
        return plan, stages
    with probing(None):
        plan = compile_()
    return plan, plan.stages

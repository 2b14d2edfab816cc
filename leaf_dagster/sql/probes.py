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
subquery expression, and a query whose probes ``run_once`` cannot place (``placeable``: it is
compiled again without them).

An expression of such fields (``d * d``, ``SUM(x)``, ``COALESCE(i * 0.1, …)``) has the type
PostgreSQL derives from its inputs' types (``Derived``): int * int is integer, int * numeric is
numeric, anything with a double is double, SUM(integer) is bigint, SUM(bigint) numeric, AVG of
integers numeric, MIN/MAX/MODE keep the type, CASE/COALESCE/GREATEST/LEAST the widest member. It is
computed on the server from the fields' probed types, once per query: a literal beside the
expression reads as it where the expression is NULL, and is read as it once at the head (a
``let`` of ``run_once``'s lookup, ``HEAD_CHECK``), so ``SUM(x) > '2.5'`` on an integer ``x`` fails
as in PostgreSQL even with no row.
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
NUMBERS = ["int", "long", "decimal", "double"]  # BSON number types, narrowest first (PostgreSQL's casts)
HEAD_CHECK = "__leaf_check"  # a ``$set`` of checks and types ``run_once`` evaluates once at the head
KIND_VARIABLE = "leafkind"  # the ``let`` variables of derived types


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


@dataclass(frozen=True, eq=False)
class Derived:
    """The type of a value computed from fields, by PostgreSQL's rule for its inputs' types.

    ``rule``: ``number`` (``+ - * / %``: the widest number type; no type if an input is not a
    number), ``sum``, ``avg``, ``same`` (MIN, MAX, MODE, ABS), ``common`` (CASE, COALESCE, GREATEST,
    LEAST: the widest number, else the first typed member), ``fractional`` (FLOOR, CEIL, ROUND(x),
    TRUNC(x), SIGN, SQRT, EXP, LN, LOG(x): double precision, numeric of a numeric), ``power``
    (POWER: the same of the widest argument), ``scaled`` (ROUND(x, n), TRUNC(x, n), LOG(b, x):
    numeric, double of a double). ``inputs``: an ``Origin``, a
    ``Derived``, a ``Lazy`` or a static BSON type name."""

    rule: str
    inputs: tuple[Any, ...]


class Lazy:
    """A ``Derived`` made only when a literal needs it (an aggregate's argument translated again)."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make: Callable[[], Any] | None = make
        self._value: Any = None

    def get(self) -> Any:
        if self._make is not None:
            make, self._make = self._make, None
            self._value = settle(make())
        return self._value


def settle(source: Any) -> Any:
    """``source`` if every part of it can be typed from probes (Lazy parts made), else None."""
    stack = [source]
    while stack:
        item = stack.pop()
        if isinstance(item, Lazy):
            item = item.get()
        if item is None:
            return None
        if isinstance(item, Derived):
            stack.extend(item.inputs)
    return source.get() if isinstance(source, Lazy) else source


def source_of(value: Any) -> Any:
    """Where the type of a translated value (``values.Typed``) comes from: its field or derivation,
    or the BSON type name of its static type; None where neither is known."""
    from leaf_dagster.sql import numeric
    from leaf_dagster.sql.values import SqlType

    if value.origin is not None:
        return value.origin
    if value.type == SqlType.INT:
        return "int" if numeric.is_int4(value) else "long"
    if value.type == SqlType.NULL:
        return NO_TYPE
    names = {SqlType.FLOAT: "double", SqlType.DECIMAL: "decimal", SqlType.TEXT: "string",
             SqlType.BOOL: "bool", SqlType.DATE: "date", SqlType.DAY: "date"}  # fmt: skip
    return names.get(value.type)


def derived(rule: str, *values: Any) -> Derived | None:
    """The derivation of an expression of ``values``, None where an input has no known type or
    the result's type is static anyway (every input static)."""
    sources = [source_of(v) for v in values]
    if any(s is None for s in sources) or all(isinstance(s, str) for s in sources):
        return None
    return Derived(rule, tuple(sources))


def _leaves(source: Derived) -> list[Any]:
    """The inputs of a chain of arithmetic (``a + b + c + …``), without recursion."""
    out, stack = [], list(reversed(source.inputs))
    while stack:
        item = stack.pop()
        if isinstance(item, Lazy):
            item = item.get()
        if isinstance(item, Derived) and item.rule == "number":
            stack.extend(reversed(item.inputs))
        else:
            out.append(item)
    return out


def _widest(kinds: list[Any], otherwise: Any) -> Any:
    """The widest number type of ``kinds`` (type names), else ``otherwise(kinds)``."""
    if all(isinstance(k, str) for k in kinds):
        if all(k in NUMBERS for k in kinds):
            return NUMBERS[max(NUMBERS.index(k) for k in kinds)]
        return otherwise(kinds)
    ranks = {"$map": {"input": kinds, "in": {"$indexOfArray": [NUMBERS, "$$this"]}}}
    widest = {"$arrayElemAt": [NUMBERS, {"$max": "$$r"}]}
    return {"$let": {"vars": {"r": ranks}, "in": {"$cond": [{"$in": [-1, "$$r"]}, otherwise(kinds), widest]}}}


def _common(kinds: list[Any]) -> Any:
    """PostgreSQL's common type of CASE/COALESCE members: the widest number, else the first typed."""
    if all(isinstance(k, str) for k in kinds):
        typed = [k for k in kinds if k != NO_TYPE]
        return _widest(typed, lambda ks: ks[0]) if typed else NO_TYPE
    rank = {"$cond": [{"$eq": ["$$this", NO_TYPE]}, -2, {"$indexOfArray": [NUMBERS, "$$this"]}]}
    first = {"$reduce": {"input": kinds, "initialValue": NO_TYPE,
                         "in": {"$cond": [{"$eq": ["$$value", NO_TYPE]}, "$$this", "$$value"]}}}  # fmt: skip
    widest = {"$arrayElemAt": [NUMBERS, {"$max": "$$r"}]}
    pick = {"$cond": [{"$in": [-1, "$$r"]}, "$$f", widest]}
    body = {"$cond": [{"$eq": [{"$max": "$$r"}, -2]}, NO_TYPE, pick]}
    # Both bound in one $let: the embedded server loses a $let's variables after an iteration
    # operator ($reduce, $filter) evaluated inside it (README gaps table).
    return {"$let": {"vars": {"r": {"$map": {"input": kinds, "in": rank}}, "f": first}, "in": body}}


_MAPPED_RULES = {
    "sum": {"int": "long", "long": "decimal", "decimal": "decimal", "double": "double"},
    "avg": {"int": "decimal", "long": "decimal", "decimal": "decimal", "double": "double"},
    # Math functions by PostgreSQL's signatures (``functions``), of their widest argument:
    # FLOOR/CEIL/ROUND/TRUNC/SIGN/SQRT/EXP/LN/LOG and POWER exist for double precision and numeric.
    "fractional": {"int": "double", "long": "double", "decimal": "decimal", "double": "double"},
    "power": {"int": "double", "long": "double", "decimal": "decimal", "double": "double"},
    # ROUND(x, n), TRUNC(x, n), LOG(b, x): numeric (a double stays double here, an extension).
    "scaled": {"int": "decimal", "long": "decimal", "decimal": "decimal", "double": "double"},
}


def _mapped(kind: Any, table: dict[str, str]) -> Any:
    if isinstance(kind, str):
        return table.get(kind, NO_TYPE)
    branches = [{"case": {"$eq": ["$$a", k]}, "then": v} for k, v in table.items()]
    return {"$let": {"vars": {"a": kind}, "in": {"$switch": {"branches": branches, "default": NO_TYPE}}}}


def aggregate_type(node: Any, pre: Any, result: Any) -> Any:
    """``result`` (an aggregate's translation) with the derivation of its type where only the
    probes can tell it (SUM, AVG, MIN, MAX, MODE, PERCENTILE_DISC of a field or an expression)."""
    from dataclasses import replace

    from sqlglot import exp

    from leaf_dagster.sql.subqueries import has_subquery
    from leaf_dagster.sql.values import SqlType

    if result.type == SqlType.INT and not (result.int32 or result.int64):
        return _integer_width(node, pre, result)
    if result.origin is not None or result.type not in (SqlType.ANY, SqlType.NUMBER) or active() is None:
        return result
    func, arg = node, node.this
    if isinstance(node, exp.WithinGroup):
        func, order = node.this, node.expression
        if not isinstance(func, exp.Mode | exp.PercentileDisc) or not isinstance(order, exp.Order):
            return result
        arg = order.expressions[0].this if order.expressions else None
    rules = {exp.Sum: "sum", exp.Avg: "avg", exp.Min: "same", exp.Max: "same", exp.Mode: "same",
             exp.PercentileDisc: "same"}  # fmt: skip
    rule = rules.get(type(func))
    if isinstance(arg, exp.Order):
        arg = arg.this
    if isinstance(arg, exp.Distinct):
        arg = arg.expressions[0] if len(arg.expressions) == 1 else None
    if rule is None or not isinstance(arg, exp.Expr) or has_subquery(arg):
        return result
    argument = arg

    def make() -> Any:
        value = pre.translate(argument)
        source = source_of(value)
        return None if source is None or isinstance(source, str) else Derived(rule, (source,))

    return replace(result, origin=Lazy(make))


def _integer_width(node: Any, pre: Any, result: Any) -> Any:
    """An integer aggregate's width, which a literal beside it takes (``MIN(CAST(d AS INT)) <
    '3000000000'`` is out of range for integer): SUM of integers is bigint (int64 on every row),
    MIN and MAX keep their argument's."""
    from dataclasses import replace

    from sqlglot import exp

    from leaf_dagster.sql.values import SqlType

    if isinstance(node, exp.Sum):
        return replace(result, int64=True)
    arg = node.this
    if not isinstance(node, exp.Min | exp.Max) or not isinstance(arg, exp.Expr) or node.expressions:
        return result
    if isinstance(arg, exp.Distinct):
        arg = arg.expressions[0] if len(arg.expressions) == 1 else None
    if arg is None:
        return result
    value = pre.translate(arg)
    return replace(result, int32=value.int32, int64=value.int64) if value.type == SqlType.INT else result


class Underivable(Exception):
    """A derivation with a part whose type cannot be probed."""


@dataclass
class Probes:
    """The probes one compilation made, by (collection, path); ``names`` numbers their lookups."""

    names: Iterator[int]
    found: dict[Origin, str] = field(default_factory=dict)  # -> the $lookup's "as" name
    checks: dict[str, list[Any]] = field(default_factory=dict)  # "as" name -> expressions to evaluate

    head_checks: list[Any] = field(default_factory=list)  # checks of derived types, at the head
    head_kinds: dict[str, Any] = field(default_factory=dict)  # variable -> a derived type, at the head

    def kind_variable(self, source: Any) -> Any:
        """A derived type computed once at the head: a ``let`` variable of ``run_once``'s lookup."""
        kind = self.kind(source, head=True)
        if isinstance(kind, str):
            return kind
        for name, known in self.head_kinds.items():
            if known == kind:
                return "$$" + name
        name = f"{KIND_VARIABLE}{len(self.head_kinds)}"
        self.head_kinds[name] = kind
        return "$$" + name

    def kind(self, source: Any, head: bool = False) -> Any:
        """The BSON type name of ``source`` (an ``Origin`` or ``Derived``) as an expression of the
        probes' results (``head``: read in ``run_once``'s head document, not its variables)."""
        if isinstance(source, Lazy):
            source = source.get()
        if isinstance(source, str):
            return source
        if isinstance(source, Origin):
            return self.type_of(source, head)
        if not isinstance(source, Derived):
            raise Underivable
        if source.rule == "number":
            return _widest([self.kind(s, head) for s in _leaves(source)], lambda _: NO_TYPE)
        kinds = [self.kind(s, head) for s in source.inputs]
        if source.rule == "common":
            return _common(kinds)
        if source.rule in _MAPPED_RULES:
            widest = kinds[0] if len(kinds) == 1 else _widest(kinds, lambda _: NO_TYPE)
            return _mapped(widest, _MAPPED_RULES[source.rule])
        return kinds[0]

    def check_kind(self, source: Any, make: Callable[[Any], Any]) -> None:
        """Evaluates ``make(type name)`` once per query: in the field's probe for a field, at the
        head for a derived type."""
        if isinstance(source, Lazy):
            source = source.get()
        if isinstance(source, Origin):
            self.check(source, lambda expr: make({"$type": expr}))
            return
        check = make(self.kind(source, head=True))
        if check is not None and check not in self.head_checks:
            self.head_checks.append(check)

    def type_of(self, origin: Origin, head: bool = False) -> Any:
        """The probed BSON type name of ``origin``'s field (``NO_TYPE`` if it holds no value)."""
        name = self._name(origin)
        variable = "$" + name if head else "$$" + variable_of(name)
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
        out: list[dict[str, Any]] = []
        for origin, name in self.found.items():
            project: dict[str, Any] = {"_id": 0, "t": {"$type": origin.value()}}
            for i, check in enumerate(self.checks.get(name, [])):
                project[f"c{i}"] = check
            pipeline = [{"$match": origin.match()}, {"$limit": 1}, {"$project": project}]
            out.append({"$lookup": {"from": origin.collection, "pipeline": pipeline, "as": name}})
        if self.head_checks or self.head_kinds:
            out.append({"$set": {HEAD_CHECK: {"checks": self.head_checks, "kinds": self.head_kinds}}})
        return out

    def variables(self) -> set[str]:
        return {variable_of(name) for name in self.found.values()} | set(self.head_kinds)


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

"""Aggregate functions as ``$group`` accumulators plus a finishing expression, with SQL's NULL rules.

``$sum`` of nothing is 0 and ``$group`` of no input has no output; SQL says NULL and one row. So
``SUM`` pairs ``$sum`` with ``$max`` (NULL exactly when no value was seen), and each accumulator
has the value an empty input gives (``seed``), used when a query without GROUP BY reads no rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from leaf_dagster.sql import bivariate, numeric, probes
from leaf_dagster.sql import json as sql_json
from leaf_dagster.sql.errors import PLANTED_MARK, runtime_error
from leaf_dagster.sql.literals import pg_type_name
from leaf_dagster.sql.ordered_aggregates import (
    OrderKey,
    distinct_sorted,
    joined,
    most_frequent,
    null_if_empty,
    pair,
    percentile,
    sorted_values,
)
from leaf_dagster.sql.paths import nullness
from leaf_dagster.sql.values import NUMERIC, SqlType, Typed, is_null, let

if TYPE_CHECKING:
    from leaf_dagster.sql.expressions import Translator

SIMPLE = {
    exp.StddevPop: ("$stdDevPop", SqlType.FLOAT),
    exp.StddevSamp: ("$stdDevSamp", SqlType.FLOAT),
    exp.Stddev: ("$stdDevSamp", SqlType.FLOAT),
}
VARIANCE = {exp.VariancePop: "$stdDevPop", exp.Variance: "$stdDevSamp"}
# STDDEV/VARIANCE: (sample?, square root?)
SPREAD: dict[type[exp.Expr], tuple[bool, bool]] = {
    exp.StddevPop: (False, True),
    exp.StddevSamp: (True, True),
    exp.Stddev: (True, True),
    exp.VariancePop: (False, False),
    exp.Variance: (True, False),
}
NAMES: dict[type[exp.Expr], str] = {
    exp.GroupConcat: "string_agg",
    exp.LogicalAnd: "bool_and",
    exp.LogicalOr: "bool_or",
    **bivariate.KINDS,
    exp.Mode: "mode",
    exp.JSONObjectAgg: "json_object_agg",
    exp.JSONBObjectAgg: "jsonb_object_agg",
    exp.JSONArrayAgg: "json_agg",
    exp.NthValue: "nth_value",
}
# Aggregates that keep the order of their rows (an ORDER BY inside) and their NULLs.
LISTS = (exp.ArrayAgg, exp.JSONArrayAgg)


def _non_null(ref: str) -> Any:
    return {"$filter": {"input": ref, "cond": {"$ne": ["$$this", None]}}}


@dataclass
class Accumulators:
    """The ``$group`` accumulators a query needs, shared when two aggregates need the same one."""

    specs: dict[str, Any] = field(default_factory=dict)
    seeds: dict[str, Any] = field(default_factory=dict)
    _by_key: dict[str, str] = field(default_factory=dict)
    # Fields the WHERE already restricts to non-NULL values: their SUM needs no NULL check.
    non_null_paths: frozenset[str] = frozenset()
    pending_checks: list[Any] = field(default_factory=list)

    def _sum(self, arg: Typed) -> Typed:
        type_, scale = numeric.sum_type(arg), numeric.scale_of(arg)
        if arg.type == SqlType.ANY:
            total, seen = self._summed_any(arg)
            return Typed(numeric.sum_of_any(total, seen, _not_a_number), type_, scale=scale)
        total = f"${self.add({'$sum': numeric.sum_input(arg)}, None)}"
        doubles = self._doubles(arg)
        if doubles is False:
            self.pending_checks.append(arg)
            return Typed(None, type_)  # a first pass only collects; see ``finish``
        checked = numeric.sum_checked(total, arg, doubles)
        if numeric.kinds(arg) & numeric.INTEGERS or "other" in numeric.kinds(arg):
            # the server's $sum of int32 values may stay int32: SUM(integer) is bigint
            checked = numeric.bigint(checked)
        if arg.non_null or (arg.path is not None and arg.path in self.non_null_paths):
            return Typed(checked, type_, scale=scale)
        # NULL when no value was seen (``$sum`` of nothing is 0): an accumulator of the same argument
        # that is NULL or 0 exactly then tells (a count, $max, $min); else a $max is added.
        seen = self._seen(arg)
        if seen is None:
            self.pending_checks.append(arg)
            return Typed(None, type_)
        return Typed({"$cond": [seen, None, checked]}, type_, scale=scale)

    def _doubles(self, arg: Typed) -> Any:
        """A test true for a group whose Decimal128 sum of ``arg`` holds doubles: from AVG's count
        (a double when it counted one) or a ``double_mark``. None when no double can go in; False
        when neither accumulator is there yet (``finish`` adds the mark)."""
        if not numeric.sum_needs_double_marks(arg):
            return None
        count = self._by_key.get(self._key({"$sum": numeric.double_counted(arg)}))
        if count is not None:
            return numeric.type_is(f"${count}", numeric.DOUBLE)
        mark = self._by_key.get(self._key({"$max": numeric.double_mark(arg)}))
        if mark is not None:
            return {"$eq": [f"${mark}", True]}
        return False

    def _seen(self, arg: Typed) -> Any:
        """A test, true when no value of ``arg`` was seen, from an accumulator the query already has."""
        expr = arg.expr
        for spec in (self._count_spec(expr), {"$sum": numeric.double_counted(arg)}):
            count = self._by_key.get(self._key(spec))
            if count is not None:
                return {"$eq": [f"${count}", 0]}
        # NULL exactly when no value was seen ($avg: no number; the mark: see ``double_mark``)
        for spec in (
            {"$max": nullness(expr)},
            {"$max": expr},
            {"$min": expr},
            {"$avg": expr},
            {"$max": numeric.double_mark(arg)},
        ):
            found = self._by_key.get(self._key(spec))
            if found is not None:
                return {"$eq": [{"$ifNull": [f"${found}", None]}, None]}
        return None

    @staticmethod
    def _count_spec(expr: Any) -> dict[str, Any]:
        return {"$sum": {"$cond": [is_null(nullness(expr)), 0, 1]}}

    @staticmethod
    def _key(spec: Any) -> str:
        return json.dumps(spec, sort_keys=True, default=str)

    def _summed_any(self, arg: Typed) -> tuple[str, str]:
        """A field of unknown type: its ``$sum`` and the set of its values' BSON types, read once
        per group (``numeric.sum_of_any``) instead of a number test and a NULL check per row."""
        # int64 values still become Decimal128 per row: the embedded server fails on an int64 sum
        # that overflows (MongoDB gives a double), and SUM(bigint) is numeric anyway.
        total = f"${self.add({'$sum': numeric.sum_input(arg)}, None)}"
        seen = f"${self.add({'$addToSet': {'$type': arg.expr}}, [])}"
        return total, seen

    def _avg(self, arg: Typed) -> Typed:
        if arg.type == SqlType.FLOAT:
            return self._ref(self.add({"$avg": arg.expr}, None), SqlType.FLOAT)
        if arg.type == SqlType.ANY:
            total, seen = self._summed_any(arg)
            counted = f"${self.add(self._count_spec(arg.expr), 0)}"
            checked = numeric.sum_of_any(total, seen, _not_a_number, avg=True)
            in_any = {"$in": ["double", seen]}
            return Typed(numeric.avg_result(checked, counted, arg, doubles=in_any), numeric.avg_type(arg))
        # The same accumulators as SUM and COUNT of the argument, shared when the query has them.
        total = f"${self.add({'$sum': numeric.sum_input(arg)}, None)}"
        if numeric.sum_needs_double_marks(arg):
            counted = f"${self.add({'$sum': numeric.double_counted(arg)}, 0)}"
            doubles: Any = numeric.type_is(counted, numeric.DOUBLE)
            count: Any = {"$toLong": counted}
        else:
            counted = f"${self.add(self._count_spec(arg.expr), 0)}"
            doubles, count = None, counted
        # The 34-digit check of the total only where AVG's fast path does not already pass it.
        result = numeric.avg_result(
            total, count, arg, lambda t: numeric.sum_checked(t, arg, doubles), doubles
        )
        return Typed(result, numeric.avg_type(arg))

    def _spread(self, node: exp.AggFunc, arg: Typed) -> Typed:
        """STDDEV/VARIANCE of integers or numerics: numeric, exact, as PostgreSQL computes them."""
        sample, root = SPREAD[type(node)]
        x, squared = numeric.spread_inputs(arg)
        total = f"${self.add({'$sum': x}, None)}"
        squares = f"${self.add({'$sum': squared}, None)}"
        count = f"${self.add(self._count_spec(arg.expr), 0)}"
        flag = numeric.spread_doubles(arg, arg.expr)
        doubles = None if flag is None else f"${self.add({'$max': flag}, None)}"
        result = numeric.spread_result(total, squares, count, arg, sample=sample, root=root, doubles=doubles)
        return Typed(
            result, SqlType.DECIMAL if arg.type in (SqlType.INT, SqlType.DECIMAL) else SqlType.NUMBER
        )

    def finish(self) -> None:
        """After a first pass over the query: add what SUM's NULL checks still need."""
        for arg in self.pending_checks:
            if self._doubles(arg) is False:
                self.add({"$max": numeric.double_mark(arg)}, None)
            elif self._seen(arg) is None:
                self.add({"$max": nullness(arg.expr)}, None)
        self.pending_checks.clear()

    def add(self, spec: Any, seed: Any) -> str:
        spec = _not_constant(spec)
        key = self._key(spec)
        name = self._by_key.get(key)
        if name is None:
            name = f"a{len(self.specs)}"
            self._by_key[key] = name
            self.specs[name] = spec
            self.seeds[name] = seed
        return name

    def translate(self, node: exp.AggFunc, pre: Translator, condition: Any = None) -> Typed:
        """One aggregate; ``condition`` is its FILTER (WHERE …) as an expression true for kept rows."""
        return probes.aggregate_type(node, pre, self._translate(node, pre, condition))

    def _translate(self, node: exp.AggFunc, pre: Translator, condition: Any = None) -> Typed:
        arg_node = node.this
        order: list[exp.Ordered] = []
        if isinstance(arg_node, exp.Order):
            order, arg_node = list(arg_node.expressions), arg_node.this
        elif isinstance(node, exp.JSONArrayAgg) and node.args.get("order") is not None:
            order = list(node.args["order"].expressions)  # JSON_AGG(j -> 'a' ORDER BY …)
        distinct = isinstance(arg_node, exp.Distinct)
        if distinct:
            inner = arg_node.expressions
            if len(inner) != 1:
                raise pre.error("DISTINCT aggregates take one argument", node)
            arg_node = inner[0]
            if order and (
                len(order) != 1
                or not isinstance(node, (*LISTS, exp.GroupConcat))
                or order[0].this != arg_node
            ):
                raise pre.error(
                    "in an aggregate with DISTINCT, ORDER BY must be the aggregated expression", node
                )
        if node.args.get("order") is not None and not isinstance(node, exp.JSONArrayAgg):
            raise pre.error("ORDER BY inside aggregates is not supported here", node)
        if order and not isinstance(node, (*LISTS, exp.GroupConcat)):
            raise pre.error(f"ORDER BY inside {node.sql_name()} is not supported", node)
        if type(node) in bivariate.KINDS or isinstance(node, exp.JSONObjectAgg | exp.JSONBObjectAgg):
            if distinct:
                raise pre.error(f"{NAMES[type(node)].upper()}(DISTINCT ...) is not supported", node)
            if isinstance(node, exp.JSONObjectAgg | exp.JSONBObjectAgg):
                return self._object_agg(node, pre, condition)
            return self._bivariate(node, pre, condition)
        if isinstance(node, exp.Count) and isinstance(arg_node, exp.Star):
            counted = {"$sum": 1} if condition is None else {"$sum": {"$cond": [condition, 1, 0]}}
            return self._count(self.add(counted, 0))
        if arg_node is None:
            raise pre.error(f"{node.sql_name()} needs an argument", node)
        arg = pre.translate(arg_node)
        if isinstance(node, exp.JSONArrayAgg):
            sql_json.check_json_value(pre, arg, arg_node)
        not_numbers = (SqlType.TEXT, SqlType.BOOL, SqlType.DATE, SqlType.DAY)
        if (isinstance(node, exp.Sum | exp.Avg) or type(node) in SPREAD) and arg.type in not_numbers:
            name = NAMES.get(type(node), node.key).lower()  # PostgreSQL: "function avg(text) does not exist"
            raise pre.error(f"function {name}({pg_type_name(arg.type)}) does not exist", node)
        if isinstance(node, LISTS) and not distinct and (order or condition is not None):
            keys = [_order_key(o, pre) for o in order]
            ref = f"${self.add({'$push': pair(arg.expr, keys, condition)}, [])}"
            return Typed(null_if_empty(sorted_values(ref, keys, condition is not None)), SqlType.ARRAY)
        if condition is not None:
            # Aggregates other than ARRAY_AGG skip NULLs: a filtered-out row becomes a NULL.
            arg = Typed(  # of the argument's type, integer width and origin (``literals``)
                {"$cond": [condition, arg.expr, None]}, arg.type, scale=arg.scale, origin=arg.origin,
                int32=numeric.is_int4(arg) or arg.int32, int64=arg.int64 or numeric.kinds(arg) == {numeric.INT64},
            )  # fmt: skip
        x = arg.expr
        if distinct:
            if condition is not None and isinstance(node, LISTS):
                raise pre.error(
                    f"{NAMES.get(type(node), 'array_agg').upper()}(DISTINCT ...) FILTER is not supported",
                    node,
                )
            return self._distinct(node, arg, pre, order[0] if order else None)
        if isinstance(node, exp.Count):
            counted = {"$sum": 1} if arg.is_const and arg.value is not None else self._count_spec(x)
            return self._count(self.add(counted, 0))
        if isinstance(node, exp.Sum | exp.Avg) and arg.type == SqlType.INTERVAL:
            # An interval is held as milliseconds: their SUM/AVG is an interval again (never output).
            total = self._sum(arg) if isinstance(node, exp.Sum) else self._avg(arg)
            return Typed(total.expr, SqlType.INTERVAL)
        if type(node) in SPREAD:  # SUM/AVG test the types once per group (``_summed_any``)
            arg = _numbers_only(arg)
        if isinstance(node, exp.Sum):
            return self._sum(arg)
        if isinstance(node, exp.Avg):
            return self._avg(arg)
        if isinstance(node, exp.Min | exp.Max):
            if node.expressions:
                raise pre.error(f"{node.sql_name()} takes one argument", node)
            op = "$min" if isinstance(node, exp.Min) else "$max"
            return self._ref(self.add({op: x}, None), arg.type)
        if isinstance(node, exp.LogicalAnd | exp.LogicalOr):
            if arg.type not in (SqlType.BOOL, SqlType.ANY, SqlType.NULL):
                raise pre.error(f"{NAMES[type(node)].upper()} needs a boolean", node)
            # NULLs are skipped by $min/$max; false < true.
            return self._ref(
                self.add({"$min" if isinstance(node, exp.LogicalAnd) else "$max": x}, None), SqlType.BOOL
            )
        if type(node) in SPREAD and arg.type != SqlType.FLOAT:
            return self._spread(node, arg)
        for kind, (op, type_) in SIMPLE.items():
            if type(node) is kind:
                return self._ref(self.add({op: x}, None), type_)
        for kind, op in VARIANCE.items():
            if type(node) is kind:
                return Typed({"$pow": [f"${self.add({op: x}, None)}", 2]}, SqlType.FLOAT)
        if isinstance(node, LISTS):
            # PostgreSQL keeps NULLs in ARRAY_AGG; a missing field is NULL too.
            return self._ref(self.add({"$push": {"$ifNull": [x, None]}}, None), SqlType.ARRAY)
        if isinstance(node, exp.GroupConcat):
            return self._string_agg(node, arg, pre, [_order_key(o, pre) for o in order])
        raise pre.error(f"unsupported aggregate {node.sql_name()}", node)

    def _bivariate(self, node: exp.AggFunc, pre: Translator, condition: Any) -> Typed:
        """CORR(Y, X), COVAR_POP/COVAR_SAMP(Y1, Y2), REGR_SLOPE/REGR_INTERCEPT(Y, X): doubles."""
        name = NAMES[type(node)].upper()
        y, x = (pre.translate(a) for a in (node.this, node.expression))
        for arg in (y, x):
            if arg.type not in (*NUMERIC, SqlType.ANY, SqlType.NULL):
                raise pre.error(f"{name} needs numbers, not {arg.type.value}", node)
        specs = bivariate.accumulators(y.expr, x.expr, bivariate.pair_kept(y.expr, x.expr, condition))
        refs = {role: f"${self.add(spec, 0 if role == 'n' else None)}" for role, spec in specs.items()}
        return Typed(bivariate.result(NAMES[type(node)], refs), SqlType.FLOAT)

    def _object_agg(self, node: exp.AggFunc, pre: Translator, condition: Any) -> Typed:
        """JSON_OBJECT_AGG(key, value): a document; a repeated key keeps its last value (as jsonb)."""
        name = NAMES[type(node)].upper()
        args = node.expressions if isinstance(node, exp.JSONObjectAgg) else [node.this, node.expression]
        if len(args) != 2 or any(isinstance(a, exp.Order | exp.Distinct) for a in args):
            raise pre.error(f"{name} takes a key and a value (no ORDER BY or DISTINCT)", node)
        key, value = (pre.translate(a) for a in args)
        sql_json.check_json_value(pre, value, args[1])
        if key.type not in (SqlType.TEXT, SqlType.ANY, SqlType.NULL):
            raise pre.error(f"{name} needs text keys (CAST the key to TEXT)", node)
        checked = {
            "$switch": {
                "branches": [
                    {
                        "case": is_null(key.expr),
                        "then": runtime_error("field name must not be null", key.expr),
                    },
                    {
                        "case": {"$ne": [{"$type": key.expr}, "string"]},
                        "then": runtime_error(f"{name} needs text keys", key.expr),
                    },
                ],
                "default": key.expr,
            }
        }
        entry: Any = {"k": checked, "v": {"$ifNull": [value.expr, None]}}
        if condition is not None:
            entry = {"$cond": [condition, entry, None]}
        ref = f"${self.add({'$push': entry}, [])}"
        kept = _non_null(ref)
        return Typed(
            let({"kv": kept}, {"$cond": [{"$eq": [{"$size": "$$kv"}, 0]}, None, {"$arrayToObject": "$$kv"}]}),
            SqlType.ANY,
        )

    @staticmethod
    def _ref(name: str, type_: SqlType, *, non_null: bool = False) -> Typed:
        return Typed(f"${name}", type_, path=name, non_null=non_null)

    @staticmethod
    def _count(name: str) -> Typed:
        """COUNT is bigint (int64), whatever width the server's ``$sum`` chose."""
        return Typed({"$toLong": f"${name}"}, SqlType.INT, path=name, non_null=True)

    def _distinct(self, node: exp.AggFunc, arg: Typed, pre: Translator, order: exp.Ordered | None) -> Typed:
        ref = f"${self.add({'$addToSet': arg.expr}, [])}"
        if isinstance(node, exp.Count):
            return Typed({"$toLong": {"$size": _non_null(ref)}}, SqlType.INT)
        if isinstance(node, exp.Sum | exp.Avg):
            values = Typed("$$this", arg.type, scale=numeric.scale_of(arg))
            if isinstance(node, exp.Sum):
                total = {"$sum": {"$map": {"input": ref, "in": numeric.sum_input(values)}}}
                result = numeric.bigint(total)
            else:
                total = {"$sum": {"$map": {"input": ref, "in": numeric.sum_input(values)}}}
                result = numeric.avg_result(total, {"$size": _non_null(ref)}, values)
            empty = {"$eq": [{"$size": _non_null(ref)}, 0]}
            type_ = numeric.sum_type(arg) if isinstance(node, exp.Sum) else numeric.avg_type(arg)
            return Typed({"$cond": [empty, None, result]}, type_)
        if isinstance(node, exp.Min | exp.Max):
            return Typed({"$min" if isinstance(node, exp.Min) else "$max": ref}, arg.type)
        if isinstance(node, (*LISTS, exp.GroupConcat)):
            descending = order is not None and bool(order.args.get("desc"))
            nulls_first = order is not None and bool(order.args.get("nulls_first"))
            ref = f"${self.add({'$addToSet': {'$ifNull': [arg.expr, None]}}, None)}"
            values = distinct_sorted(ref, descending, nulls_first)
            if isinstance(node, exp.GroupConcat):
                return self._string_agg(node, Typed(values, arg.type), pre, [], pushed=True)
            return Typed({"$cond": [{"$eq": [ref, None]}, None, values]}, SqlType.ARRAY)
        raise pre.error(f"{node.sql_name()}(DISTINCT ...) is not supported", node)

    def _string_agg(
        self, node: exp.Expr, arg: Typed, pre: Translator, keys: list[OrderKey], *, pushed: bool = False
    ) -> Typed:
        """STRING_AGG; with ``pushed``, ``arg`` is already the array of values to join."""
        sep_node = node.args.get("separator")
        sep = pre.translate(sep_node) if sep_node is not None else None
        if sep is None or not sep.is_const or not isinstance(sep.value, str | type(None)):
            raise pre.error("STRING_AGG needs a constant text separator", node)
        if arg.type not in (SqlType.TEXT, SqlType.ANY, SqlType.NULL):
            raise pre.error("STRING_AGG needs text values", node)
        separator = sep.expr if sep.value is not None else None
        if pushed:
            return Typed(joined(arg.expr, separator), SqlType.TEXT)
        if keys:
            ref = f"${self.add({'$push': pair(arg.expr, keys, None)}, [])}"
            return Typed(joined(sorted_values(ref, keys, False), separator), SqlType.TEXT)
        ref = f"${self.add({'$push': arg.expr}, [])}"
        return Typed(joined(ref, separator), SqlType.TEXT)

    def percentile(self, node: exp.WithinGroup, pre: Translator, condition: Any = None) -> Typed:
        return probes.aggregate_type(node, pre, self._percentile(node, pre, condition))

    def _percentile(self, node: exp.WithinGroup, pre: Translator, condition: Any = None) -> Typed:
        """PERCENTILE_CONT/DISC(p) WITHIN GROUP (ORDER BY x), with ``p`` a fraction or an array."""
        func = node.this
        order = node.expression
        if isinstance(func, exp.Mode) and isinstance(order, exp.Order):
            return self._mode(func, order, pre, condition)
        if not isinstance(func, exp.PercentileCont | exp.PercentileDisc) or not isinstance(order, exp.Order):
            raise pre.error(
                "WITHIN GROUP is only supported for PERCENTILE_CONT, PERCENTILE_DISC and MODE", node
            )
        if len(order.expressions) != 1:
            raise pre.error(f"{func.sql_name()} takes exactly one ORDER BY expression", node)
        fraction = pre.translate(func.this)
        fractions = fraction.value if fraction.is_const else None
        array = isinstance(fractions, list)
        values = fractions if isinstance(fractions, list) else [fractions]
        if not values or not all(
            isinstance(v, int | float | Decimal) and not isinstance(v, bool) and 0 <= v <= 1 for v in values
        ):
            raise pre.error(f"{func.sql_name()} needs constant fractions between 0 and 1", func)
        ordered = order.expressions[0]
        value = pre.translate(ordered.this)
        continuous = isinstance(func, exp.PercentileCont)
        if continuous and value.type not in (
            SqlType.INT,
            SqlType.FLOAT,
            SqlType.DECIMAL,
            SqlType.NUMBER,
            SqlType.ANY,
        ):
            raise pre.error("PERCENTILE_CONT needs numeric values", ordered)
        pushed = numeric.as_double_values(value) if continuous else value.expr
        pushed = pushed if condition is None else {"$cond": [condition, pushed, None]}
        ref = f"${self.add({'$push': {'$ifNull': [pushed, None]}}, [])}"
        result = percentile(
            ref,
            [float(v) for v in values if v is not None],
            array=array,
            descending=bool(ordered.args.get("desc")),
            continuous=continuous,
        )
        type_ = SqlType.ARRAY if array else SqlType.FLOAT if continuous else value.type
        return Typed(result, type_)

    def _mode(self, func: exp.Mode, order: exp.Order, pre: Translator, condition: Any) -> Typed:
        """MODE() WITHIN GROUP (ORDER BY x): the most frequent non-NULL x; of tied ones, the first
        in the ORDER BY's order (PostgreSQL's mode_final scans the sorted values)."""
        if func.this is not None or len(order.expressions) != 1:
            raise pre.error("MODE() takes no argument and one ORDER BY expression", func)
        ordered = order.expressions[0]
        value = pre.translate(ordered.this)
        # MODE is polymorphic (anyelement): a quoted literal gives it no type
        if value.untyped and value.is_const:
            raise pre.error(
                "MODE() of a quoted literal: could not determine polymorphic type because input has type"
                " unknown (write CAST('…' AS TEXT))",
                ordered.this,
            )
        pushed = value.expr if condition is None else {"$cond": [condition, value.expr, None]}
        ref = f"${self.add({'$push': {'$ifNull': [pushed, None]}}, [])}"
        return Typed(most_frequent(ref, descending=bool(ordered.args.get("desc"))), value.type)


def _order_key(item: exp.Ordered, pre: Translator) -> OrderKey:
    return OrderKey(
        pre.translate(item.this).expr, bool(item.args.get("desc")), bool(item.args.get("nulls_first"))
    )


def _constant(expr: Any) -> bool:
    """Whether ``expr`` reads no field of the document (``{"$ceil": 0.5}``, ``null``)."""
    if isinstance(expr, dict):
        if list(expr) == ["$literal"]:
            return True
        return all(_constant(v) for v in expr.values())
    if isinstance(expr, list):
        return all(_constant(v) for v in expr)
    return not (isinstance(expr, str) and expr.startswith("$") and not expr.startswith("$$"))


def _not_constant(spec: Any) -> Any:
    """An accumulator of a constant (``COUNT(DISTINCT 'x')``) reads it through ``$ifNull`` of
    ``$$REMOVE``: the embedded server rejects a constant operand of ``$addToSet``/``$push``."""
    if isinstance(spec, dict) and len(spec) == 1:
        ((op, arg),) = spec.items()
        if op in ("$addToSet", "$push", "$first", "$last") and _constant(arg):
            return {op: {"$ifNull": ["$$REMOVE", arg]}}
    return spec


SQL_NAMES = {"string": "text", "bool": "boolean", "date": "timestamp", "object": "a document"}


def _sql_type_name(kind: Any) -> Any:
    return {
        "$switch": {
            "branches": [{"case": {"$eq": [kind, b]}, "then": t} for b, t in SQL_NAMES.items()],
            "default": kind,
        }
    }


def _not_a_number(kind: Any) -> Any:
    """The failure of SUM/AVG of a value of BSON type ``kind`` (an expression), as ``_numbers_only``."""
    message = {
        "$concat": [
            f"{PLANTED_MARK}function does not exist: SUM/AVG/STDDEV/VARIANCE of ",
            _sql_type_name(kind),
        ]
    }
    return {"$toDouble": message}


def _numbers_only(arg: Typed) -> Typed:
    """A field of unknown type summed or averaged: a value that is not a number fails on the server,
    as PostgreSQL refuses ``SUM(text)``; ``$sum``/``$avg`` would skip it and answer. The message
    names no function, so that SUM, AVG and STDDEV of one argument still share accumulators.
    One ``$isNumber`` per row (NULL and missing pass as 0): a ``$type`` list test cost 3.5× the
    ``$group`` on the embedded server."""
    if arg.type != SqlType.ANY:
        return arg
    x = arg.expr
    kind = {"$type": x}
    sql_name = {
        "$switch": {
            "branches": [{"case": {"$eq": [kind, b]}, "then": t} for b, t in SQL_NAMES.items()],
            "default": kind,
        }
    }
    message = {"$concat": [f"{PLANTED_MARK}function does not exist: SUM/AVG/STDDEV/VARIANCE of ", sql_name]}
    number = {"$isNumber": {"$ifNull": [x, 0]}}
    return replace(arg, expr={"$cond": [number, x, {"$toDouble": message}]})

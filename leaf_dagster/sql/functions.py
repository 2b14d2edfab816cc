"""Scalar functions: CASE, COALESCE, NULLIF, math, dates and arrays, with SQL NULL handling."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from leaf_dagster.sql import date_functions, dates, json, numeric, regex_functions, timezones, to_char
from leaf_dagster.sql.casts import round_constant, round_value
from leaf_dagster.sql.errors import runtime_error
from leaf_dagster.sql.literals import is_unknown, origin_of, resolve, resolve_all
from leaf_dagster.sql.probes import derived
from leaf_dagster.sql.values import NUMERIC, SqlType, Typed, const, is_null, let, null_if_any_null, to_bson

if TYPE_CHECKING:
    from leaf_dagster.sql.expressions import Translator


def _merge_types(values: list[Typed]) -> SqlType:
    types = {v.type for v in values if v.type != SqlType.NULL}
    if len(types) == 1:
        return types.pop()
    if types and types <= NUMERIC:
        # PostgreSQL's common type: double precision over numeric over integer. A branch keeps its
        # own BSON type; the operators convert by the static type (see ``numeric``).
        if SqlType.FLOAT in types:
            return SqlType.FLOAT
        return SqlType.DECIMAL if types <= {SqlType.INT, SqlType.DECIMAL} else SqlType.NUMBER
    return SqlType.ANY if types else SqlType.NULL


def common(values: list[Typed]) -> tuple[list[Typed], SqlType, bool]:
    """The members of a CASE/COALESCE/GREATEST/LEAST as PostgreSQL types them: all of them, dead or
    folded ones included, give the common type, and each member takes it. A constant becomes a value
    of that type (``COALESCE(1, 0.5) / 2`` is numeric division), and with a bigint member (``CAST(NULL
    AS BIGINT)``, ``COUNT(*)``) every integer member becomes an int64, so ``i + CASE … END`` is bigint
    arithmetic. Returns the members, the type, and whether the integers are bigint."""
    type_ = _merge_types(values)
    wide = type_ == SqlType.INT and any(_bigint(v) for v in values)
    if type_ == SqlType.ANY:
        # A field of a type known per value beside typed numbers: where the field is a number its
        # value is converted to the common type of its own and theirs (``NULLIF(i, 0.5)`` is numeric).
        static = [v for v in values if v.type in NUMERIC]
        target = _merge_types(static) if static and len(static) < len(values) else None
        wide = target == SqlType.INT and any(_bigint(v) for v in static)
        if target in (SqlType.DECIMAL, SqlType.FLOAT) or wide:
            return [_per_value(v, target, wide) if v.type == SqlType.ANY else v for v in values], type_, False
        return list(values), type_, False
    return [_coerce(v, type_, wide) for v in values], type_, wide


def _per_value(value: Typed, target: SqlType | None, wide: bool) -> Typed:
    """A member of a type known per value, converted where it is a number of a narrower type."""
    if value.is_const:
        return value
    if wide:
        narrower, op = ["int"], "$toLong"
    elif target == SqlType.DECIMAL:
        narrower, op = ["int", "long"], "$toDecimal"
    else:
        narrower, op = ["int", "long", "decimal"], "$toDouble"
    expr = let({"v": value.expr}, {"$cond": [{"$in": [{"$type": "$$v"}, narrower]}, {op: "$$v"}, "$$v"]})
    return Typed(expr, SqlType.ANY, non_null=value.non_null, origin=value.origin)


def _int4(values: list[Typed]) -> bool:
    """Whether a CASE/COALESCE/GREATEST/LEAST of these members is PostgreSQL's integer (int4): every
    typed member is (a literal beside it then reads as integer: '3000000000' is out of range)."""
    typed = [v for v in values if v.type != SqlType.NULL and not v.untyped]
    return bool(typed) and all(
        v.type == SqlType.INT and (numeric.is_int4(v) or (v.int32 and not v.int64)) for v in typed
    )


def _bigint(value: Typed) -> bool:
    if value.type != SqlType.INT:
        return False
    return value.int64 if value.is_null_const else numeric.kinds(value) == frozenset({numeric.INT64})


def _coerce(value: Typed, type_: SqlType, wide: bool) -> Typed:
    """``value`` as a member of a list of common type ``type_`` (bigint integers when ``wide``)."""
    v = value.value if value.is_const else None
    if isinstance(v, bool) or value.untyped:
        return value
    if isinstance(v, int) and type_ == SqlType.DECIMAL:
        return const(Decimal(v), SqlType.DECIMAL)
    if isinstance(v, int | Decimal) and type_ == SqlType.FLOAT:
        return const(float(v), SqlType.FLOAT)
    if not wide or value.type != SqlType.INT or _bigint(value):
        return value
    if isinstance(v, int):
        return numeric.integer_const(v, False)
    if value.is_null_const:
        return replace(value, int64=True)
    return Typed({"$toLong": value.expr}, SqlType.INT, non_null=value.non_null, int64=True)


def _typed_as(value: Typed, type_: SqlType, wide: bool) -> Typed:
    """A list's one remaining member (COALESCE's others dropped) with the list's type."""
    if value.type == type_ or type_ not in NUMERIC or value.type not in NUMERIC:
        return replace(value, int64=True) if wide and value.type == SqlType.INT else value
    return Typed(value.expr, type_, non_null=value.non_null, origin=value.origin)


def _case(tr: Translator, node: exp.Expr) -> Typed:
    subject = tr.translate(node.this) if node.this is not None else None
    tests = []
    values = []
    for branch in node.args.get("ifs") or []:
        if subject is not None:
            test = tr.conditions.compare("$eq", subject, tr.translate(branch.this), True, branch)
        else:
            test = tr.conditions.truth(branch.this, True)
        tests.append(test)
        values.append(tr.translate(branch.args["true"]))
    default = node.args.get("default")
    values.append(tr.translate(default) if default is not None else const(None))
    values = resolve_all(values, tr.conditions.failure(node), tr.context_types.get(id(node)))
    values, type_, wide = common(values)
    chosen = _constant_choice(tests, values)
    if chosen is not None and chosen.is_const and not chosen.is_null_const:
        # PostgreSQL folds a CASE whose constant conditions choose a constant (eval_const_expressions):
        # CAST(CASE WHEN FALSE THEN big ELSE '3000000000' END AS INT) fails when it plans the query.
        return replace(_typed_as(chosen, type_, wide), untyped=False)
    if chosen is not None and chosen.is_null_const:
        # Constant conditions choose a NULL: PostgreSQL folds the CASE to a NULL at plan time, so
        # strict operators over it are NULL without evaluating their other operand. Its members
        # still type it (a CASE of a field and text fails, as PostgreSQL types before it folds).
        return replace(const(None, type_), int64=wide, int32=_int4(values), origin=origin_of(values))
    branches = [{"case": test, "then": then.expr} for test, then in zip(tests, values, strict=False)]
    switch = {"$switch": {"branches": branches, "default": values[-1].expr}}
    # Never NULL when no value is (SUM then needs no NULL check).
    non_null = all(v.non_null for v in values)
    return Typed(switch, type_, origin=origin_of(values), int64=wide, non_null=non_null, int32=_int4(values))


def _constant_choice(tests: list[Any], values: list[Typed]) -> Typed | None:
    """The value constant conditions choose: the first branch whose test is TRUE after only FALSE or
    NULL ones, else the ELSE; None when a test is known only at run time."""
    for test, value in zip(tests, values, strict=False):
        if test is True:
            return value
        if test is not False and test is not None:
            return None
    return values[-1]


def _if(tr: Translator, node: exp.Expr) -> Typed:
    then = tr.translate(node.args["true"])
    false = node.args.get("false")
    otherwise = tr.translate(false) if false is not None else const(None)
    then, otherwise = resolve_all(
        [then, otherwise], tr.conditions.failure(node), tr.context_types.get(id(node))
    )
    test = tr.conditions.truth(node.this, True)
    both, type_, _ = common([then, otherwise])
    return Typed({"$cond": [test, both[0].expr, both[1].expr]}, type_, origin=origin_of(both))


def _coalesce(tr: Translator, node: exp.Expr) -> Typed:
    args = [tr.translate(a) for a in [node.this, *node.expressions]]
    args = resolve_all(args, tr.conditions.failure(node), tr.context_types.get(id(node)), "COALESCE")
    args, type_, wide = common(args)
    kept: list[Typed] = []
    for arg in args:
        if arg.is_null_const:
            continue
        kept.append(arg)
        if arg.is_const:
            break
    if not kept:
        return replace(const(None, type_), int64=wide, int32=_int4(args))
    if len(kept) == 1:
        return _typed_as(kept[0], type_, wide)
    return Typed(
        {"$ifNull": [a.expr for a in kept]}, type_, origin=origin_of(kept), int64=wide, int32=_int4(args)
    )


def _nullif(tr: Translator, node: exp.Expr) -> Typed:
    first = tr.translate(node.this)
    required = tr.context_types.get(id(node))
    second = tr.translate(node.expression)
    if required is not None and not (is_unknown(first) and is_unknown(second)):
        # LOWER(NULLIF('x', s)): the quoted first argument is text; NULLIF('t', 'f') is text anywhere
        first = resolve(first, [Typed(None, required)], tr.conditions.failure(node))
    first = resolve(first, [second], tr.conditions.failure(node), True)  # NULLIF('30', s) can be '30'
    a, b = tr.conditions.typed_pair(first, second, node)
    if a.is_null_const:  # NULLIF(NULL, x) is NULL: PostgreSQL folds it, and strict operators over it
        return const(None, a.type if a.type != SqlType.NULL else b.type)
    if a.type in NUMERIC and b.type in NUMERIC:
        # Its "=" compares in the common type, and returns its first operand in it (numeric for
        # NULLIF(1, d)); integers of two widths have their own "=" and keep the first one's.
        a = _coerce(a, _merge_types([a, b]), False)
        a = _typed_as(a, _merge_types([a, b]), False)
    elif a.type == SqlType.ANY and b.type in (SqlType.DECIMAL, SqlType.FLOAT):
        a = _per_value(a, b.type, False)
    folded = _nullif_constants(a, b)
    if folded is not None:
        return folded
    same = tr.conditions.compare("$eq", a, b, True, node)
    return Typed({"$cond": [same, None, a.expr]}, a.type, origin=a.origin)


def _nullif_constants(a: Typed, b: Typed) -> Typed | None:
    """NULLIF of two constants of one kind, folded at compile time as PostgreSQL folds it: a NULL
    there makes strict operators over it NULL without evaluating their other operand
    (``NULLIF(0.1, 0.1) - CAST(big AS INT)`` is NULL on every row, never an overflow)."""
    if not (a.is_const and b.is_const) or a.untyped or b.untyped:
        return None
    x, y = a.value, b.value
    if x is None or y is None:
        return a
    kinds = {type(v) if isinstance(v, bool | str | dt.datetime) else "number" for v in (x, y)}
    if len(kinds) != 1 or not isinstance(x, bool | str | int | float | Decimal | dt.datetime):
        return None
    return const(None, a.type) if x == y else a


def _round(tr: Translator, node: exp.Expr) -> Typed:
    value = tr.translate(node.this)
    digits_node = node.args.get("decimals")
    digits = 0
    if digits_node is not None:
        d = tr.translate(digits_node)
        if not d.is_const or not isinstance(d.value, int) or isinstance(d.value, bool):
            raise tr.error("ROUND digits must be a constant integer", digits_node)
        digits = d.value
    if value.type not in NUMERIC and value.type not in (SqlType.ANY, SqlType.NULL):
        raise tr.error(f"ROUND does not apply to {value.type.value}", node)
    if value.is_const:
        return const(None if value.value is None else round_constant(value.value, digits))
    rounded = round_value(value, digits if digits_node is not None else None)
    return replace(rounded, origin=derived("scaled" if digits_node is not None else "fractional", value))


# PostgreSQL's math functions by argument type (pg_proc, checked in PostgreSQL 15): FLOOR, CEIL,
# ROUND, TRUNC, SIGN, SQRT, EXP, LN, LOG and POWER exist for double precision and numeric only, so
# integer arguments take the double precision variant (the preferred type of the numeric category):
# FLOOR(i) / 2 divides a double. ABS keeps the argument's type. ROUND(x, n), TRUNC(x, n) and
# LOG(b, x) exist for numeric only (of a double they stay double here, an extension). Without a
# catalog the type is known per value, and a quoted literal beside the result reads as the type
# PostgreSQL derives (``probes.Derived``: rules ``fractional``, ``scaled``, ``same``, ``power``).
_NUMBER_KINDS = [numeric.INT32, numeric.INT64, numeric.DOUBLE, numeric.DECIMAL]


def fractional(value: Typed, op: Callable[[Any], Any], rule: str = "fractional") -> Typed:
    """``op`` of a FLOOR-like function's argument, an integer read as double precision first."""
    if value.is_null_const:  # a NULL constant folds, as PostgreSQL folds strict functions of it
        return const(None, value.type if value.type in (SqlType.FLOAT, SqlType.DECIMAL) else SqlType.FLOAT)
    if value.type == SqlType.INT:
        return Typed(op({"$toDouble": value.expr}), SqlType.FLOAT)
    if value.type in (SqlType.FLOAT, SqlType.DECIMAL):
        return Typed(op(value.expr), value.type)
    to_double = {kind: (lambda x: op({"$toDouble": x})) for kind in (numeric.INT32, numeric.INT64)}
    return Typed(numeric.per_kind(value, to_double, op), SqlType.NUMBER, origin=derived(rule, value))


def _math(op: str) -> Callable[[Translator, exp.Expr], Typed]:
    def handle(tr: Translator, node: exp.Expr) -> Typed:
        assert isinstance(node, exp.Func)
        value = tr.translate(node.this)
        if node.args.get("decimals") is not None or node.args.get("expression") is not None:
            raise tr.error(f"{node.sql_name()} takes one argument", node)
        if value.type not in NUMERIC and value.type not in (SqlType.ANY, SqlType.NULL):
            raise tr.error(f"{node.sql_name()} does not apply to {value.type.value}", node)
        if op != "$abs":
            return fractional(value, lambda x: {op: x})
        if value.is_null_const:  # a NULL constant folds, as PostgreSQL folds strict functions of it
            return const(None, value.type)
        if value.is_const:
            v, int4 = value.value, numeric.is_int4(value)
            if isinstance(v, int) and not isinstance(v, bool):  # abs(bigint) stays bigint
                if abs(v) not in (numeric.INT32_RANGE if int4 else numeric.INT64_RANGE):
                    raise tr.error("integer out of range" if int4 else "bigint out of range", node)
                return numeric.integer_const(abs(v), int4)
            return const(abs(v), value.type)
        type_ = SqlType.NUMBER if value.type == SqlType.ANY else value.type
        return Typed({op: value.expr}, type_, scale=value.scale, int32=value.int32, int64=value.int64,
                     origin=derived("same", value))  # fmt: skip

    return handle


def _extremum(op: str) -> Callable[[Translator, exp.Expr], Typed]:
    """GREATEST/LEAST: NULLs are ignored; NULL only when every argument is NULL (as $max/$min)."""

    def handle(tr: Translator, node: exp.Expr) -> Typed:
        args = [tr.translate(a) for a in [node.this, *node.expressions]]
        what = "GREATEST" if op == "$max" else "LEAST"
        args = resolve_all(args, tr.conditions.failure(node), tr.context_types.get(id(node)), what)
        args, type_, wide = common(args)
        return Typed(
            {op: [a.expr for a in args]}, type_, origin=origin_of(args), int64=wide, int32=_int4(args)
        )

    return handle


def _numeric_fn(op: str) -> Callable[[Translator, exp.Expr], Typed]:
    def handle(tr: Translator, node: exp.Expr) -> Typed:
        args = [tr.translate(node.this)]
        if node.args.get("expression") is not None:
            args.append(tr.translate(node.expression))
        for arg in args:
            if arg.type not in NUMERIC and arg.type not in (SqlType.ANY, SqlType.NULL):
                raise tr.error(f"{node.key.upper()} does not apply to {arg.type.value}", node)
        if op == "$log" and (len(args) == 1 or (args[0].is_const and args[0].value == 10)):
            return fractional(args[-1], lambda x: {"$log10": x})  # LOG(x) is base 10 in PostgreSQL
        if len(args) == 1:
            return fractional(args[0], lambda x: {op: x})
        if op == "$log":  # LOG(base, x): numeric only
            return _binary_math(lambda b, x: {"$log": [x, b]}, args[0], args[1], "scaled")
        return _binary_math(_power, args[0], args[1], "power")

    return handle


def _power(base: Any, exponent: Any) -> Any:
    """``$pow`` with PostgreSQL's errors, and a negative base's integral power computed from its
    absolute value (the embedded server's ``$pow`` of a negative Decimal128 is NaN)."""
    negative = {"$lt": ["$$pb", 0]}  # a NULL base is below 0 too: its every branch gives NULL
    fractional = {"$ne": ["$$pe", {"$trunc": "$$pe"}]}
    odd = {"$ne": [{"$mod": ["$$pe", 2]}, 0]}
    complex_result = "a negative number raised to a non-integer power yields a complex result"
    branches = [
        # x^0 is 1 (the embedded server's Decimal128 0^0 is NaN), of the base's type: x * 0 + 1
        {
            "case": {"$and": [{"$eq": ["$$pe", 0]}, {"$not": [is_null("$$pb")]}]},
            "then": {"$add": [{"$multiply": ["$$pb", 0]}, 1]},
        },
        {"case": {"$and": [negative, fractional]}, "then": runtime_error(complex_result, "$$pb")},
        {
            "case": {"$and": [{"$eq": ["$$pb", 0]}, {"$lt": ["$$pe", 0]}]},
            "then": runtime_error("zero raised to a negative power is undefined", "$$pb"),
        },
        {
            "case": negative,
            "then": {"$multiply": [{"$pow": [{"$abs": "$$pb"}, "$$pe"]}, {"$cond": [odd, -1, 1]}]},
        },
    ]
    body = {"$switch": {"branches": branches, "default": {"$pow": ["$$pb", "$$pe"]}}}
    return let({"pb": base, "pe": exponent}, body)


def _binary_math(op: Callable[[Any, Any], Any], a: Typed, b: Typed, rule: str) -> Typed:
    """POWER(a, b) (``power``: numeric where a numeric meets no double, else double precision) and
    LOG(b, x) (``scaled``: numeric unless a double meets it), by PostgreSQL's signatures."""
    decimal_first = rule == "scaled"
    if a.is_null_const or b.is_null_const:
        return const(None, SqlType.DECIMAL if decimal_first else SqlType.FLOAT)
    types = {a.type, b.type}
    if types <= {SqlType.INT, SqlType.FLOAT, SqlType.DECIMAL}:
        if SqlType.FLOAT not in types and (decimal_first or SqlType.DECIMAL in types):
            return Typed(op(numeric.as_decimal(a, a.expr), numeric.as_decimal(b, b.expr)), SqlType.DECIMAL)
        return Typed(op(numeric.as_double(a, a.expr), numeric.as_double(b, b.expr)), SqlType.FLOAT)

    # Per value: in double precision where either is a double, else numeric where either is one
    # (always for ``scaled``); values that are no numbers stay as they are (and fail on the server).
    def converted(to: str) -> Any:
        return op(*({"$cond": [{"$in": [{"$type": x}, _NUMBER_KINDS]}, {to: x}, x]} for x in ("$$a", "$$b")))

    def either(kind: str) -> Any:
        return {"$or": [{"$eq": [{"$type": "$$a"}, kind]}, {"$eq": [{"$type": "$$b"}, kind]}]}

    otherwise = converted("$toDecimal") if decimal_first else converted("$toDouble")
    exact = {"$cond": [either(numeric.DECIMAL), converted("$toDecimal"), otherwise]}
    body = {"$cond": [either(numeric.DOUBLE), converted("$toDouble"), exact]}
    return Typed(let({"a": a.expr, "b": b.expr}, body), SqlType.NUMBER, origin=derived(rule, a, b))


def _sign(tr: Translator, node: exp.Expr) -> Typed:
    """PostgreSQL has sign(numeric) and sign(double precision), which an integer resolves to: the
    sign of an integer or a double is a double (``SIGN(4) / 2`` is 0.5), of a numeric a numeric."""
    value = tr.translate(node.this)

    def sign(x: Any) -> Any:
        return {"$cond": [is_null(x), None, {"$cmp": [x, 0]}]}

    typed = fractional(value, sign)  # SIGN(integer) is a double precision, SIGN(numeric) a numeric
    if typed.is_const:
        return typed
    convert = "$toDecimal" if typed.type == SqlType.DECIMAL else "$toDouble"
    if typed.type != SqlType.NUMBER:
        return replace(typed, expr={convert: typed.expr})
    as_decimal = {numeric.DECIMAL: lambda x: {"$toDecimal": sign(x)}}
    expr = numeric.per_kind(value, as_decimal, lambda x: {"$toDouble": sign(x)})
    return replace(typed, expr=expr)


def _trunc(tr: Translator, node: exp.Expr) -> Typed:
    value = tr.translate(node.this)
    digits_node = node.args.get("decimals")
    digits = tr.translate(digits_node) if digits_node is not None else const(0)
    if not digits.is_const or not isinstance(digits.value, int):
        raise tr.error("TRUNC digits must be a constant integer", node)
    # PostgreSQL: trunc(double) and trunc(integer) are double, trunc(numeric [, n]) and
    # trunc(integer, n) numeric; trunc(double, n), which PostgreSQL lacks, stays a double.
    x = value.expr
    if digits_node is None:
        return fractional(value, lambda x: {"$trunc": [x, 0]})
    if value.type == SqlType.INT:
        x = {"$toDecimal": x}
    type_ = {SqlType.INT: SqlType.DECIMAL, SqlType.DECIMAL: SqlType.DECIMAL, SqlType.FLOAT: SqlType.FLOAT}
    if value.type in type_:
        return Typed({"$trunc": [x, digits.value]}, type_[value.type])
    to_decimal = {
        kind: (lambda v: {"$trunc": [{"$toDecimal": v}, digits.value]}) for kind in numeric.INTEGERS
    }
    expr = numeric.per_kind(value, to_decimal, lambda v: {"$trunc": [v, digits.value]})
    return Typed(expr, SqlType.NUMBER, origin=derived("scaled", value))


def _unit(tr: Translator, node: exp.Expr, arg: exp.Expr | None) -> str:
    if arg is None:
        raise tr.error("missing date part", node)
    if isinstance(arg, exp.Literal | exp.Var):
        return arg.name.lower()
    return tr.translate(arg).value if isinstance(tr.translate(arg).value, str) else ""


def _date_trunc(tr: Translator, node: exp.Expr) -> Typed:
    unit = _unit(tr, node, node.args.get("unit"))
    if unit not in dates.TRUNC_UNITS:
        raise tr.error(f"DATE_TRUNC unit {unit!r} is not supported", node)
    value = tr.translate(node.this)
    if value.type not in (SqlType.DATE, SqlType.DAY, SqlType.ANY, SqlType.NULL):
        raise tr.error(f"DATE_TRUNC does not apply to {value.type.value}", node)
    zone = node.args.get("zone")
    if zone is not None:
        return timezones.truncate(unit, value, timezones.zone_name(tr, zone))
    return dates.truncate(unit, value)


def _extract(tr: Translator, node: exp.Expr) -> Typed:
    """PostgreSQL 14+: ``EXTRACT`` is numeric, ``date_part`` double precision (11 / 2 is 5.5 for both)."""
    value = _extract_value(tr, node)
    if value.is_null_const:
        return value
    if node.meta.get("sql_name") == "date_part":
        if value.is_const:
            return const(float(value.value), SqlType.FLOAT)
        return Typed(numeric.as_double(value, value.expr), SqlType.FLOAT)
    if value.is_const:
        return const(Decimal(value.value), SqlType.DECIMAL)
    return Typed(numeric.as_decimal(value, value.expr), SqlType.DECIMAL)


def _extract_value(tr: Translator, node: exp.Expr) -> Typed:
    part = _unit(tr, node, node.this)
    if part not in dates.EXTRACT_PARTS:
        raise tr.error(f"EXTRACT part {part!r} is not supported", node)
    special = date_functions.extract_special(tr, part, node.expression)
    if special is not None:
        return special
    value = tr.translate(node.expression)
    if value.type == SqlType.INTERVAL:
        if part not in dates.INTERVAL_PARTS:
            raise tr.error(f"EXTRACT part {part!r} of an interval is not supported", node)
        return dates.extract_interval(part, value)
    if value.type not in (SqlType.DATE, SqlType.DAY, SqlType.ANY, SqlType.NULL):
        raise tr.error(f"EXTRACT does not apply to {value.type.value}", node)
    return dates.extract(part, value)


def _current_date(tr: Translator, node: exp.Expr) -> Typed:
    return const(dates.truncate_constant("day", tr.ctx.now), SqlType.DAY)


def _current_timestamp(tr: Translator, node: exp.Expr) -> Typed:
    return const(tr.ctx.now, SqlType.DATE)


def _interval(tr: Translator, node: exp.Expr) -> Typed:
    """A constant interval, compared with timestamp differences (as milliseconds, a month = 30 days)."""
    unit = node.args.get("unit")
    text = node.this.name if isinstance(node.this, exp.Literal) else None
    parsed = dates.parse_interval(text, unit.name if unit else None) if text is not None else None
    if parsed is None:
        raise tr.error("malformed or unsupported interval", node, "INTERVAL")
    return date_functions.interval_constant(parsed)


def _cardinality(value: Typed) -> Typed:
    return Typed(null_if_any_null([value], {"$size": value.expr}), SqlType.INT)


def _array_length(tr: Translator, node: exp.Expr) -> Typed:
    value = tr.translate(node.this)
    dimension = node.args.get("expression")
    if dimension is None or tr.translate(dimension).value != 1:
        raise tr.error("ARRAY_LENGTH needs dimension 1 (documents hold one-dimensional arrays)", node)
    # PostgreSQL: the length of an empty array is NULL (CARDINALITY gives 0).
    size = let({"n": {"$size": value.expr}}, {"$cond": [{"$eq": ["$$n", 0]}, None, "$$n"]})
    return Typed({"$cond": [is_null(value.expr), None, size]}, SqlType.INT)


def _array(tr: Translator, node: exp.Expr) -> Typed:
    """``ARRAY[a, b, …]``: a constant list when every element is constant."""
    items = [tr.translate(e) for e in node.expressions]
    if all(i.is_const for i in items):
        return const([i.value for i in items], SqlType.ARRAY)
    return Typed([{"$ifNull": [i.expr, None]} for i in items], SqlType.ARRAY)


def _document(tr: Translator, node: exp.Expr, fields: list[tuple[str, exp.Expr]]) -> Typed:
    """An embedded document; a NULL member is kept as null (as in PostgreSQL's JSON and rows)."""
    doc: dict[str, object] = {}
    for key, value_node in fields:
        if not key or key.startswith("$") or "." in key:
            raise tr.error(
                f"invalid document key {key!r}: keys cannot be empty, start with $ or hold '.'", node
            )
        if key in doc:
            raise tr.error(f"duplicate document key {key!r}", node)
        value = tr.translate(value_node)
        # Constants are wrapped so that $project never reads them as inclusion flags.
        doc[key] = {"$literal": to_bson(value.value)} if value.is_const else {"$ifNull": [value.expr, None]}
    return Typed(doc if doc else {"$literal": {}}, SqlType.ANY)


def _json_build_object(tr: Translator, node: exp.Expr) -> Typed:
    args = node.expressions
    if len(args) % 2:
        raise tr.error("JSON_BUILD_OBJECT needs key/value pairs", node)
    fields: list[tuple[str, exp.Expr]] = []
    for key_node, value_node in zip(args[::2], args[1::2], strict=True):
        key = tr.translate(key_node)
        if not key.is_const or not isinstance(key.value, str):
            raise tr.error("JSON_BUILD_OBJECT keys must be constant strings", key_node)
        fields.append((key.value, value_node))
    return _document(tr, node, fields)


def _row(tr: Translator, node: exp.Expr) -> Typed:
    # PostgreSQL names the fields of an anonymous row f1, f2, …
    return _document(tr, node, [(f"f{i}", e) for i, e in enumerate(node.expressions, 1)])


def _anonymous_cardinality(tr: Translator, node: exp.Expr) -> Typed:
    if len(node.expressions) != 1:
        raise tr.error("CARDINALITY takes one array", node)
    return _cardinality(tr.translate(node.expressions[0]))


def _now(tr: Translator, node: exp.Expr) -> Typed:
    if node.expressions:
        raise tr.error(f"{str(node.this).upper()}() takes no arguments", node)
    return _current_timestamp(tr, node)


# Functions sqlglot parses as ``exp.Anonymous``, by name: the one table of them.
ANONYMOUS: dict[str, Callable[[Translator, exp.Expr], Typed]] = {
    "JSON_BUILD_OBJECT": _json_build_object,
    "JSONB_BUILD_OBJECT": _json_build_object,
    "ROW": _row,
    "CARDINALITY": _anonymous_cardinality,
    **dict.fromkeys(("NOW", "TRANSACTION_TIMESTAMP", "STATEMENT_TIMESTAMP"), _now),
    **json.ANONYMOUS,
    **regex_functions.ANONYMOUS,
    **date_functions.ANONYMOUS,
}


def _anonymous(tr: Translator, node: exp.Expr) -> Typed:
    name = str(node.this).upper()
    handler = ANONYMOUS.get(name)
    if handler is None:
        raise tr.error(f"unknown function {name}", node)
    return handler(tr, node)


HANDLERS: dict[type[exp.Expr], Callable[[Translator, exp.Expr], Typed]] = {
    exp.Case: _case,
    exp.If: _if,
    exp.Coalesce: _coalesce,
    exp.Nullif: _nullif,
    exp.Round: _round,
    exp.Abs: _math("$abs"),
    exp.Floor: _math("$floor"),
    exp.Ceil: _math("$ceil"),
    exp.Greatest: _extremum("$max"),
    exp.Least: _extremum("$min"),
    exp.Pow: _numeric_fn("$pow"),
    exp.Sqrt: _numeric_fn("$sqrt"),
    exp.Ln: _numeric_fn("$ln"),
    exp.Exp: _numeric_fn("$exp"),
    exp.Log: _numeric_fn("$log"),
    exp.Sign: _sign,
    exp.Trunc: _trunc,
    exp.TimestampTrunc: _date_trunc,
    exp.DateTrunc: _date_trunc,
    exp.Extract: _extract,
    exp.CurrentDate: _current_date,
    exp.CurrentTimestamp: _current_timestamp,
    exp.Interval: _interval,
    exp.ArraySize: _array_length,
    exp.Array: _array,
    exp.Anonymous: _anonymous,
    exp.TimeToStr: to_char.to_char,
    exp.AtTimeZone: timezones.at_time_zone,
    exp.DateBin: date_functions.date_bin,
    exp.TimestampFromParts: date_functions.make_timestamp,
    exp.Date: date_functions.date_call,
    exp.StrToTime: date_functions.to_timestamp_text,
    exp.StrToDate: date_functions.to_timestamp_text,
}

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
from leaf_dagster.sql.literals import origin_of, resolve, resolve_all
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
    if chosen is not None and chosen.is_null_const:
        # Constant conditions choose a NULL: PostgreSQL folds the CASE to a NULL at plan time, so
        # strict operators over it are NULL without evaluating their other operand. Its members
        # still type it (a CASE of a field and text fails, as PostgreSQL types before it folds).
        return replace(const(None, type_), int64=wide, origin=origin_of(values))
    branches = [{"case": test, "then": then.expr} for test, then in zip(tests, values, strict=False)]
    switch = {"$switch": {"branches": branches, "default": values[-1].expr}}
    return Typed(switch, type_, origin=origin_of(values), int64=wide)


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
        return replace(const(None, type_), int64=wide)
    if len(kept) == 1:
        return _typed_as(kept[0], type_, wide)
    return Typed({"$ifNull": [a.expr for a in kept]}, type_, origin=origin_of(kept), int64=wide)


def _nullif(tr: Translator, node: exp.Expr) -> Typed:
    first = tr.translate(node.this)
    required = tr.context_types.get(id(node))
    if required is not None:  # LOWER(NULLIF('x', s)): the quoted first argument is text
        first = resolve(first, [Typed(None, required)], tr.conditions.failure(node))
    second = tr.translate(node.expression)
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
    return round_value(value, digits if digits_node is not None else None)


def _math(op: str) -> Callable[[Translator, exp.Expr], Typed]:
    def handle(tr: Translator, node: exp.Expr) -> Typed:
        assert isinstance(node, exp.Func)
        value = tr.translate(node.this)
        if node.args.get("decimals") is not None or node.args.get("expression") is not None:
            raise tr.error(f"{node.sql_name()} takes one argument", node)
        if value.type not in NUMERIC and value.type not in (SqlType.ANY, SqlType.NULL):
            raise tr.error(f"{node.sql_name()} does not apply to {value.type.value}", node)
        if value.is_null_const:  # a NULL constant folds, as PostgreSQL folds strict functions of it
            return const(None, value.type)
        if op == "$abs":  # abs(bigint) is bigint, also of an int32 stored in a bigint column
            return Typed({op: value.expr}, value.type, int32=value.int32, int64=value.int64)
        return Typed({op: value.expr}, value.type)

    return handle


def _extremum(op: str) -> Callable[[Translator, exp.Expr], Typed]:
    """GREATEST/LEAST: NULLs are ignored; NULL only when every argument is NULL (as $max/$min)."""

    def handle(tr: Translator, node: exp.Expr) -> Typed:
        args = [tr.translate(a) for a in [node.this, *node.expressions]]
        what = "GREATEST" if op == "$max" else "LEAST"
        args = resolve_all(args, tr.conditions.failure(node), tr.context_types.get(id(node)), what)
        args, type_, wide = common(args)
        return Typed({op: [a.expr for a in args]}, type_, origin=origin_of(args), int64=wide)

    return handle


def _numeric_fn(op: str, type_: SqlType = SqlType.FLOAT) -> Callable[[Translator, exp.Expr], Typed]:
    def handle(tr: Translator, node: exp.Expr) -> Typed:
        args = [tr.translate(node.this)]
        if node.args.get("expression") is not None:
            args.append(tr.translate(node.expression))
        for arg in args:
            if arg.type not in NUMERIC and arg.type not in (SqlType.ANY, SqlType.NULL):
                raise tr.error(f"{node.key.upper()} does not apply to {arg.type.value}", node)
        if op == "$log":  # LOG(x) is base 10 in PostgreSQL; LOG(base, x)
            if len(args) == 1 or (args[0].is_const and args[0].value == 10):
                return Typed({"$log10": args[-1].expr}, type_)
            return Typed({"$log": [args[1].expr, args[0].expr]}, type_)
        return Typed({op: args[0].expr} if len(args) == 1 else {op: [a.expr for a in args]}, type_)

    return handle


def _sign(tr: Translator, node: exp.Expr) -> Typed:
    """PostgreSQL has sign(numeric) and sign(double precision), which an integer resolves to: the
    sign of an integer or a double is a double (``SIGN(4) / 2`` is 0.5), of a numeric a numeric."""
    value = tr.translate(node.this)

    def of_double(x: Any) -> Any:
        return {"$toDouble": {"$cmp": [x, 0]}}

    def of_decimal(x: Any) -> Any:
        return {"$toDecimal": {"$cmp": [x, 0]}}

    if value.type in (SqlType.INT, SqlType.FLOAT):
        return Typed(null_if_any_null([value], of_double(value.expr)), SqlType.FLOAT)
    if value.type == SqlType.DECIMAL:
        return Typed(null_if_any_null([value], of_decimal(value.expr)), SqlType.DECIMAL, scale=0)
    per_value = numeric.per_kind(value, {numeric.DECIMAL: of_decimal}, of_double)
    return Typed(null_if_any_null([value], per_value), SqlType.NUMBER)


def _trunc(tr: Translator, node: exp.Expr) -> Typed:
    value = tr.translate(node.this)
    digits_node = node.args.get("decimals")
    digits = tr.translate(digits_node) if digits_node is not None else const(0)
    if not digits.is_const or not isinstance(digits.value, int):
        raise tr.error("TRUNC digits must be a constant integer", node)
    # PostgreSQL: trunc(double) and trunc(integer) are double, trunc(numeric [, n]) and
    # trunc(integer, n) numeric; trunc(double, n), which PostgreSQL lacks, stays a double.
    x = value.expr
    if value.type == SqlType.INT:
        if digits_node is None:
            return Typed({"$toDouble": x}, SqlType.FLOAT)
        x = {"$toDecimal": x}
    type_ = {SqlType.INT: SqlType.DECIMAL, SqlType.DECIMAL: SqlType.DECIMAL, SqlType.FLOAT: SqlType.FLOAT}
    return Typed({"$trunc": [x, digits.value]}, type_.get(value.type, SqlType.NUMBER))


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

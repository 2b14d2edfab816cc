"""``CAST`` / ``::`` as PostgreSQL does it, and the text form of values (for ``||`` and ``CONCAT``).

A double cast to an integer rounds half to even (``CAST(2.5::float8 AS INT)`` = 2) and a numeric
half away from zero (``CAST(2.5 AS INT)`` = 3); NUMERIC gives a Decimal128 and DOUBLE PRECISION a
double. Text is trimmed and parsed, and text that is not a number or boolean makes the server fail,
as PostgreSQL does.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from leaf_dagster.sql import numeric
from leaf_dagster.sql.errors import PLANTED_MARK, runtime_error
from leaf_dagster.sql.values import NUMERIC, SqlType, Typed, const, let, parse_iso

if TYPE_CHECKING:
    from leaf_dagster.sql.expressions import Translator

DType = exp.DataType.Type

INT_TYPES = {DType.TINYINT, DType.SMALLINT, DType.INT, DType.BIGINT}
FLOAT_TYPES = {DType.FLOAT, DType.DOUBLE}
NUMERIC_TYPES = {DType.DECIMAL, DType.BIGDECIMAL}
TEXT_TYPES = {DType.TEXT, DType.VARCHAR, DType.NVARCHAR, DType.NAME}
TIMESTAMP_TYPES = {DType.TIMESTAMP, DType.TIMESTAMPTZ, DType.TIMESTAMPLTZ, DType.DATETIME}

TRUE_WORDS = ["t", "true", "y", "yes", "on", "1"]
FALSE_WORDS = ["f", "false", "n", "no", "off", "0"]
TEXT_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"


def round_half_away(expr: Any, digits: int = 0) -> Any:
    """PostgreSQL's numeric rounding (MongoDB's ``$round`` rounds half to even)."""
    scale = 10 ** abs(digits)

    def scaled(op: str) -> Any:
        return {op: ["$$v", scale]} if digits else "$$v"

    up = "$multiply" if digits >= 0 else "$divide"
    down = "$divide" if digits >= 0 else "$multiply"
    away = {
        "$cond": [
            {"$lt": ["$$v", 0]},
            {"$ceil": {"$subtract": [scaled(up), 0.5]}},
            {"$floor": {"$add": [scaled(up), 0.5]}},
        ]
    }
    body = {down: [away, scale]} if digits else away
    return let({"v": expr}, body)


def round_constant(value: float | int | decimal.Decimal, digits: int = 0) -> float | int | decimal.Decimal:
    """ROUND of a constant: a numeric (and an integer with digits) half away from zero, to numeric;
    a double half to even without digits, half away from zero with them (an extension), to double."""
    if isinstance(value, float) and digits == 0:
        return float(round(value))
    if isinstance(value, int) and digits == 0:
        return float(value)  # round(integer) is round(double precision)
    exact = decimal.Decimal(repr(value)) if isinstance(value, float) else decimal.Decimal(value)
    rounded = exact.quantize(decimal.Decimal(1).scaleb(-digits), rounding=decimal.ROUND_HALF_UP)
    if digits < 0:
        rounded = rounded.quantize(decimal.Decimal(1))
    return float(rounded) if isinstance(value, float) else rounded


def round_value(value: Typed, digits: int | None) -> Typed:
    """ROUND(x [, digits]) per PostgreSQL's types: see ``round_constant``."""
    places = digits or 0

    def of_double(x: Any) -> Any:
        return {"$round": [x, 0]} if digits is None else round_half_away(x, places)

    def of_decimal(x: Any) -> Any:
        return numeric.round_half_away_decimal(x, places)

    def of_integer(x: Any) -> Any:
        return {"$toDouble": x} if digits is None else of_decimal({"$toDecimal": x})

    if value.type == SqlType.FLOAT:
        return Typed(of_double(value.expr), SqlType.FLOAT)
    if value.type == SqlType.DECIMAL:
        return Typed(of_decimal(value.expr), SqlType.DECIMAL, scale=max(places, 0))
    if value.type == SqlType.INT:
        return Typed(of_integer(value.expr), SqlType.FLOAT if digits is None else SqlType.DECIMAL)
    return Typed(
        numeric.per_kind(
            value, {"double": of_double, "decimal": of_decimal, "int": of_integer, "long": of_integer}
        ),
        SqlType.NUMBER,
    )


def to_text(value: Typed) -> Typed:
    """Text as PostgreSQL prints it: timestamps as ``YYYY-MM-DD HH:MM:SS``, booleans as true/false."""
    if value.type in (SqlType.TEXT, SqlType.NULL):
        return value
    if value.is_const:
        if value.type == SqlType.DAY and value.value is not None:
            return const(value.value.strftime(DATE_FORMAT), SqlType.TEXT)
        return const(_text_constant(value.value), SqlType.TEXT)
    if value.type == SqlType.DATE:
        return Typed(timestamp_text(value.expr), SqlType.TEXT)
    if value.type == SqlType.DAY:
        return Typed({"$dateToString": {"format": DATE_FORMAT, "date": value.expr}}, SqlType.TEXT)
    if value.type == SqlType.BOOL or (
        value.type in NUMERIC and not {numeric.DECIMAL, numeric.DOUBLE} & numeric.kinds(value)
    ):
        return Typed({"$toString": value.expr}, SqlType.TEXT)
    if value.type in NUMERIC:
        cases: dict[str, Callable[[Any], Any]] = {numeric.DECIMAL: decimal_text, numeric.DOUBLE: double_text}
        return Typed(numeric.per_kind(value, cases, lambda x: {"$toString": x}), SqlType.TEXT)
    number_text = {
        "$cond": [{"$eq": [{"$type": "$$v"}, numeric.DOUBLE]}, double_text("$$v"), {"$toString": "$$v"}]
    }
    text = {"$cond": [{"$eq": [{"$type": "$$v"}, numeric.DECIMAL]}, decimal_text("$$v"), number_text]}
    body = {"$cond": [{"$eq": [{"$type": "$$v"}, "date"]}, timestamp_text("$$v"), text]}
    return Typed(let({"v": value.expr}, body), SqlType.TEXT)


def decimal_text(x: Any) -> Any:
    """A Decimal128 as PostgreSQL prints a numeric: always positional (``0.00000007``, ``0E-20`` as
    ``0.00000000000000000000``), where ``$toString`` writes an exponent below 1e-6 or above its
    digits; no negative zero."""
    text = {"$toString": _no_negative_zero(x)}
    unsigned = {"$ltrim": {"input": {"$arrayElemAt": ["$$parts", 0]}, "chars": "-"}}
    exponent = {"$toInt": {"$ltrim": {"input": {"$arrayElemAt": ["$$parts", 1]}, "chars": "+"}}}
    dot = {"$indexOfCP": ["$$u", "."]}
    before = {"$add": [{"$cond": [{"$eq": [dot, -1]}, {"$strLenCP": "$$u"}, dot]}, exponent]}
    digits = {"$replaceAll": {"input": "$$u", "find": ".", "replacement": ""}}
    length = {"$strLenCP": "$$d"}
    positional = {"$cond": [
        {"$lte": ["$$p", 0]},
        {"$concat": ["0.", _zeros({"$subtract": [0, "$$p"]}), "$$d"]},
        {"$cond": [
            {"$gte": ["$$p", length]},
            {"$concat": ["$$d", _zeros({"$subtract": ["$$p", length]})]},
            {"$concat": [{"$substrCP": ["$$d", 0, "$$p"]}, ".", {"$substrCP": ["$$d", "$$p", length]}]},
        ]},
    ]}  # fmt: skip
    sign = {"$cond": [{"$eq": [{"$substrCP": ["$$t", 0, 1]}, "-"]}, "-", ""]}
    shifted = {"$let": {"vars": {"u": unsigned}, "in": {"$let": {
        "vars": {"d": digits, "p": before}, "in": {"$concat": [sign, positional]}}}}}  # fmt: skip
    body = {"$cond": [{"$eq": [{"$size": "$$parts"}, 1]}, "$$t", shifted]}
    split = {"$let": {"vars": {"parts": {"$split": ["$$t", "E"]}}, "in": body}}
    return {"$let": {"vars": {"t": text}, "in": {"$cond": [{"$eq": ["$$t", None]}, None, split]}}}


def _zeros(count: Any) -> Any:
    return {
        "$reduce": {"input": {"$range": [0, count]}, "initialValue": "", "in": {"$concat": ["$$value", "0"]}}
    }


def double_text(x: Any) -> Any:
    """A double as PostgreSQL 15's ``float8out`` prints it, computed from numbers, not from the
    server's text of a double (whose format MongoDB does not document): the fewest significant
    digits strictly between the midpoints to the neighbouring doubles (Ryu, as ``shortest_digits``),
    positional from 1e-4 to below 1e15, else ``d.ddde±XX``; ``-0``, ``NaN``, ``±Infinity``.

    The double is split exactly into ``M * 2^E`` (``M`` an integer below 2^53), which Decimal128 holds
    to 34 digits (exactly while it has no more); scaled by a power of ten into [1, 10) it is rounded
    to 15, 16 and 17 digits (``$round``, half to even), and the first strictly between the midpoints
    to the neighbouring doubles (it reads back, and is no midpoint) is the text. 15 digits are enough for every decimal of 15
    or fewer (DBL_DIG), and 17 for every double. A midpoint can only be that short from 2^53 on,
    where the double is an integer and ``M * 2^E`` exact below 10^34."""
    two = numeric.decimal_literal(decimal.Decimal(2))
    a = {"$abs": "$$x"}
    e0 = {"$toInt": {"$floor": {"$log": [a, 2]}}}
    e = {"$switch": {"branches": [
        {"case": {"$gt": [{"$pow": [2, "$$e0"]}, a]}, "then": {"$subtract": ["$$e0", 1]}},
        {"case": {"$lte": [{"$pow": [2, {"$add": ["$$e0", 1]}]}, a]}, "then": {"$add": ["$$e0", 1]}},
    ], "default": "$$e0"}}  # fmt: skip
    big_e = {"$max": [{"$subtract": [e, 52]}, -1074]}
    half = {"$toInt": {"$trunc": {"$divide": [{"$multiply": [-1, "$$E"]}, 2]}}}
    rest = {"$subtract": [{"$multiply": [-1, "$$E"]}, half]}
    mantissa = {"$toLong": {"$multiply": [a, {"$pow": [2, half]}, {"$pow": [2, rest]}]}}
    exact = {"$cond": [
        {"$gte": ["$$E", 0]},
        {"$multiply": ["$$M", {"$pow": [two, "$$E"]}]},
        {"$divide": ["$$M", {"$pow": [two, {"$multiply": [-1, "$$E"]}]}]},
    ]}  # fmt: skip

    def power_of_ten(k: Any) -> Any:
        return {"$toDecimal": {"$concat": ["1E", {"$toString": k}]}}

    k0 = {"$toInt": {"$floor": {"$log10": a}}}
    w0 = {"$multiply": ["$$V", power_of_ten({"$multiply": [-1, "$$k0"]})]}
    scaled = {"$switch": {"branches": [
        {"case": {"$gte": ["$$w0", 10]}, "then": {"k": {"$add": ["$$k0", 1]}, "w": {"$multiply": ["$$w0", numeric.decimal_literal(decimal.Decimal("0.1"))]}}},
        {"case": {"$lt": ["$$w0", 1]}, "then": {"k": {"$subtract": ["$$k0", 1]}, "w": {"$multiply": ["$$w0", 10]}}},
    ], "default": {"k": "$$k0", "w": "$$w0"}}}  # fmt: skip

    def inside(c: Any) -> Any:
        # Strictly between the midpoints to the neighbours (the lower one is nearer at a power of
        # two): reads back as the double and is no midpoint. In decimal, since $toDouble fails on
        # the subnormal range and past the largest double.
        offset = numeric.minus({"$multiply": [c, "$$tk"]}, "$$V")
        return {"$and": [{"$lt": [offset, "$$high"]}, {"$gt": [offset, "$$low"]}]}

    # For each length, the rounded digits, else (at a power of two, whose lower midpoint is nearer)
    # one unit of the last digit above them: Ryu's nearest of the shortest inside. 15 digits are
    # enough for a normal double; a subnormal one has less precision, so its text may be shorter
    # than its 15-digit rounding (5e-324): there every length is tried.
    step = {"$pow": [numeric.decimal_literal(decimal.Decimal(10)), {"$multiply": [-1, "$$this"]}]}
    try_length = {"$cond": [
        {"$ne": ["$$value", None]},
        "$$value",
        {"$let": {"vars": {"c": {"$round": ["$$sc.w", "$$this"]}}, "in": {"$let": {
            "vars": {"u": {"$add": ["$$c", step]}},
            "in": {"$cond": [inside("$$c"), "$$c", {"$cond": [inside("$$u"), "$$u", None]}]},
        }}}},
    ]}  # fmt: skip
    lengths = {"$cond": [{"$eq": ["$$E", -1074]}, {"$range": [0, 16]}, {"$range": [14, 16]}]}
    shortest = {"$reduce": {"input": lengths, "initialValue": None, "in": try_length}}
    chosen = {"$let": {
        "vars": {"tk": power_of_ten("$$sc.k")},
        "in": {"$ifNull": [shortest, {"$round": ["$$sc.w", 16]}]},
    }}  # fmt: skip
    carried = {"$cond": [{"$gte": ["$$c", 10]}, {"k": {"$add": ["$$sc.k", 1]}, "c": numeric.decimal_literal(decimal.Decimal(1))}, {"k": "$$sc.k", "c": "$$c"}]}  # fmt: skip
    digits = {"$rtrim": {
        "input": {"$replaceAll": {"input": {"$toString": "$$r.c"}, "find": ".", "replacement": ""}}, "chars": "0"
    }}  # fmt: skip
    k = "$$r.k"
    length = {"$strLenCP": "$$D"}
    rest_digits = {"$substrCP": ["$$D", 1, length]}
    scientific = {"$concat": [
        {"$substrCP": ["$$D", 0, 1]},
        {"$cond": [{"$gt": [length, 1]}, {"$concat": [".", rest_digits]}, ""]},
        {"$cond": [{"$lt": [k, 0]}, "e-", "e+"]},
        {"$cond": [{"$lt": [{"$abs": k}, 10]}, "0", ""]},
        {"$toString": {"$abs": k}},
    ]}  # fmt: skip
    before = {"$add": [k, 1]}
    positional = {"$cond": [
        {"$lt": [k, 0]},
        {"$concat": ["0.", _zeros({"$subtract": [-1, k]}), "$$D"]},
        {"$cond": [
            {"$lte": [length, before]},
            {"$concat": ["$$D", _zeros({"$subtract": [before, length]})]},
            {"$concat": [{"$substrCP": ["$$D", 0, before]}, ".", {"$substrCP": ["$$D", before, length]}]},
        ]},
    ]}  # fmt: skip
    text = {"$cond": [{"$or": [{"$lt": [k, -4]}, {"$gte": [k, 15]}]}, scientific, positional]}
    body: Any = {"$concat": [{"$cond": [{"$lt": ["$$x", 0]}, "-", ""]}, text]}
    body = {"$let": {"vars": {"D": digits}, "in": body}}
    body = {"$let": {"vars": {"r": carried}, "in": body}}
    body = {"$let": {"vars": {"c": chosen}, "in": body}}
    body = {"$let": {"vars": {"sc": scaled}, "in": body}}
    high = {"$pow": [two, {"$subtract": ["$$E", 1]}]}
    low = {"$multiply": [-1, {"$cond": [
        {"$and": [{"$eq": ["$$M", 2**52]}, {"$gt": ["$$E", -1074]}]}, {"$pow": [two, {"$subtract": ["$$E", 2]}]}, high
    ]}]}  # fmt: skip
    body = {"$let": {"vars": {"low": low}, "in": body}}
    body = {"$let": {"vars": {"high": high}, "in": body}}
    body = {"$let": {"vars": {"w0": w0}, "in": body}}
    body = {"$let": {"vars": {"V": exact, "k0": k0}, "in": body}}
    body = {"$let": {"vars": {"M": {"$toDecimal": mantissa}}, "in": body}}
    body = {"$let": {"vars": {"E": big_e}, "in": body}}
    body = {"$let": {"vars": {"e0": e0}, "in": body}}
    special = {"$switch": {"branches": [
        {"case": {"$eq": [{"$ifNull": ["$$x", None]}, None]}, "then": None},
        {"case": {"$eq": ["$$x", float("nan")]}, "then": "NaN"},
        {"case": {"$eq": ["$$x", float("inf")]}, "then": "Infinity"},
        {"case": {"$eq": ["$$x", float("-inf")]}, "then": "-Infinity"},
        {"case": {"$eq": ["$$x", 0]}, "then": {"$cond": [{"$lt": [{"$atan2": ["$$x", -1]}, 0]}, "-0", "0"]}},
    ], "default": body}}  # fmt: skip
    return {"$let": {"vars": {"x": x}, "in": special}}


def pg_double_text(value: float) -> str:
    """``float8out``: the shortest digits that read back; scientific below 1e-4 and from 1e15 on."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0" if str(value).startswith("-") else "0"
    shortest = shortest_digits(abs(value))
    _, digits, exponent = shortest.normalize().as_tuple()
    text = "".join(map(str, digits))
    point = len(text) + int(exponent) - 1  # the leading digit's power of ten
    prefix = "-" if value < 0 else ""
    if point < -4 or point >= 15:
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{prefix}{mantissa}e{'+' if point >= 0 else '-'}{abs(point):02d}"
    return prefix + format(shortest.normalize(), "f")


def shortest_digits(value: float) -> decimal.Decimal:
    """The fewest significant digits strictly between the midpoints to ``value``'s neighbours, the
    nearest of those to it: PostgreSQL's Ryu (``d2s``) never picks a midpoint, which reads back as
    ``value`` only by round-half-even, so ``1e23`` prints ``9.999999999999999e+22`` (Python's repr,
    and the server's ``$toString``, accept it and print ``1e+23``)."""
    exact = decimal.Decimal(value)
    with decimal.localcontext() as ctx:
        ctx.prec = 800
        below = decimal.Decimal(math.nextafter(value, -math.inf))
        above = math.nextafter(value, math.inf)  # past the largest double: 2^1024, one step on
        low = (exact + below) / 2
        high = exact + (exact - below) / 2 if math.isinf(above) else (exact + decimal.Decimal(above)) / 2
        for count in range(1, 18):
            nearest = decimal.Decimal(f"{value:.{count - 1}e}")
            step = decimal.Decimal(1).scaleb(nearest.adjusted() - count + 1)
            inside = [c for c in (nearest, nearest - step, nearest + step) if low < c < high]
            if inside:
                return min(inside, key=lambda c: abs(c - exact))
    return decimal.Decimal(repr(value))


def _no_negative_zero(decimal: Any) -> Any:
    """A Decimal128 -0 (``ROUND(-0.05)``, ``-0.5 * 0``) as 0 of its scale: numeric has no negative zero."""
    return {"$add": [decimal, 0]}


def timestamp_text(date: Any) -> Any:
    """``YYYY-MM-DD HH:MM:SS[.fff]``: PostgreSQL prints fractional seconds without trailing zeros."""
    full = {"$dateToString": {"format": TEXT_FORMAT + ".%L", "date": date}}
    return {"$rtrim": {"input": {"$rtrim": {"input": full, "chars": "0"}}, "chars": "."}}


def _text_constant(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return pg_double_text(value)
    if isinstance(value, decimal.Decimal):
        return format(value + 0, "f")  # positional, as PostgreSQL prints a numeric; no -0
    if isinstance(value, dt.datetime):
        text = value.strftime(TEXT_FORMAT)
        return f"{text}.{value.microsecond // 1000:03d}".rstrip("0") if value.microsecond >= 1000 else text
    return str(value)


def _cast(tr: Translator, node: exp.Expr) -> Typed:
    # A cast value has a type of its own: '30'::text stays text next to a number.
    return replace(_cast_value(tr, node), untyped=False)


def _cast_value(tr: Translator, node: exp.Expr) -> Typed:
    assert isinstance(node, exp.Cast)
    to = node.to
    value = tr.translate(node.this)
    kind = to.this
    params = [p.this.this for p in to.expressions if isinstance(p, exp.DataTypeParam)]
    if value.type == SqlType.INTERVAL:  # held as milliseconds: no cast of it gives PostgreSQL's value
        raise tr.error(f"CAST of an interval to {to.sql(dialect='postgres')} is not supported", node)
    try:
        if kind in INT_TYPES:
            return _to_int(value, "$toLong" if kind == DType.BIGINT else "$toInt")
        if kind in FLOAT_TYPES:
            return _to_float(value)
        if kind in NUMERIC_TYPES:
            return _to_numeric(value, [int(p) for p in params])
        if kind in TEXT_TYPES:
            text = to_text(value)
            if params and kind != DType.TEXT:
                size = int(params[0])
                if text.is_const:
                    return const(None if text.value is None else text.value[:size], SqlType.TEXT)
                return Typed(
                    {
                        "$cond": [
                            {"$eq": [{"$ifNull": [text.expr, None]}, None]},
                            None,
                            {"$substrCP": [text.expr, 0, size]},
                        ]
                    },
                    SqlType.TEXT,
                )
            return text
        if kind == DType.BOOLEAN:
            return _to_bool(value)
        if kind == DType.DATE:
            return _to_timestamp(value, day=True)
        if kind in TIMESTAMP_TYPES:
            return _to_timestamp(value, day=False)
    except ValueError as exc:
        raise tr.error(f"invalid value for CAST: {exc}", node) from None
    if kind == DType.ARRAY:  # '{a,b}'::text[]
        from leaf_dagster.sql.arrays import cast_constant

        array = cast_constant(tr, value, to, node)
        if array is not None:
            return array
    raise tr.error(f"CAST to {to.sql(dialect='postgres')} is not supported", node)


def _to_int(value: Typed, op: str) -> Typed:
    typed = _int_result(op, _to_int_value(value, op))
    return typed


def _int_result(op: str, value: Typed) -> Typed:
    """CAST(… AS INT) is int4, CAST(… AS BIGINT) int8: literals and overflow checks meet that type."""
    if value.is_const and isinstance(value.value, int) and not isinstance(value.value, bool):
        return numeric.integer_const(value.value, op == "$toInt")
    if op == "$toLong" and value.type == SqlType.INT:  # an int64 on every row (a NULL types a CASE)
        return replace(value, int64=True)
    return replace(value, int32=True) if op == "$toInt" and value.type == SqlType.INT else value


def _to_int_value(value: Typed, op: str) -> Typed:
    if value.is_const:
        v = value.value
        if v is None:
            return const(None, SqlType.INT)
        if isinstance(v, str):
            return const(numeric.checked_integer(int(v.strip()), op == "$toInt"), SqlType.INT)
        if isinstance(v, bool | int):
            try:
                return const(numeric.checked_integer(int(v), op == "$toInt"), SqlType.INT)
            except numeric.NumericError as exc:
                raise ValueError(str(exc)) from None
        if isinstance(v, float):
            rounded = round(v)  # half to even, as PostgreSQL rounds a double
        elif isinstance(v, decimal.Decimal):
            rounded = int(v.quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP))
        else:
            raise ValueError(repr(v))
        try:
            return const(numeric.checked_integer(rounded, op == "$toInt"), SqlType.INT)
        except numeric.NumericError as exc:
            raise ValueError(str(exc)) from None
    e = value.expr
    if value.type == SqlType.INT:
        # bigint to integer fails out of range ($toInt of such an int64 fails on the server); an
        # integer to bigint becomes an int64, which the int4 overflow checks read as bigint (a
        # catalog's integer field: i * CAST(n AS BIGINT) is bigint arithmetic).
        if op == "$toLong":
            return (
                value if numeric.kinds(value) == frozenset({numeric.INT64}) else Typed({op: e}, SqlType.INT)
            )
        return value if numeric.is_int4(value) else Typed({op: e}, SqlType.INT)
    if value.type == SqlType.TEXT:
        return Typed({op: {"$trim": {"input": e}}}, SqlType.INT)
    return Typed(
        numeric.per_kind(
            value,
            {
                "double": lambda x: {op: {"$round": [x, 0]}},
                "decimal": lambda x: {op: numeric.round_half_away_decimal(x, 0)},
                "string": lambda x: {op: {"$trim": {"input": x}}},
            },
            default=lambda x: {op: x},
        ),
        SqlType.INT,
    )


def _to_numeric(value: Typed, params: list[int]) -> Typed:
    """NUMERIC[(precision, scale)]: a Decimal128, rounded half away from zero to the scale."""
    scale = params[1] if len(params) == 2 else 0 if params else None
    if value.is_const:
        v = value.value
        if v is None:
            return const(None, SqlType.DECIMAL)
        if isinstance(v, bool):
            raise ValueError(repr(v))
        # PostgreSQL converts a double with its 15 significant digits.
        exact = decimal.Decimal(format(v, ".15g") if isinstance(v, float) else str(v).strip())
        if scale is not None:
            exact = exact.quantize(decimal.Decimal(1).scaleb(-scale), rounding=decimal.ROUND_HALF_UP)
            if abs(exact) >= decimal.Decimal(10) ** (params[0] - scale):
                raise ValueError("numeric field overflow")
        return const(numeric.checked_decimal(exact), SqlType.DECIMAL)
    e = value.expr
    if value.type == SqlType.TEXT:
        e = {"$trim": {"input": e}}
    elif value.type not in NUMERIC:
        e = {"$cond": [{"$eq": [{"$type": e}, "string"]}, {"$trim": {"input": e}}, e]}
    converted: Any
    if value.type == SqlType.DECIMAL:
        converted = e
    elif value.type == SqlType.FLOAT:
        converted = double_numeric(e)
    elif numeric.DOUBLE in numeric.kinds(value) or value.type not in NUMERIC:
        converted = numeric.per_kind(Typed(e, value.type), {numeric.DOUBLE: double_numeric}, _to_decimal)
    else:
        converted = {"$toDecimal": e}
    if scale is None:
        return Typed(converted, SqlType.DECIMAL, scale=numeric.scale_of(value))
    rounded = numeric.round_half_away_decimal(converted, scale)
    limit = decimal.Decimal(10) ** (params[0] - scale)
    checked = let(
        {"v": rounded},
        {
            "$cond": [
                {"$gte": [{"$abs": "$$v"}, numeric.decimal_literal(limit)]},
                runtime_error("numeric field overflow", "$$v"),
                "$$v",
            ]
        },
    )
    return Typed(checked, SqlType.DECIMAL, scale=scale)


def _to_decimal(x: Any) -> Any:
    return {"$toDecimal": x}


def double_numeric(x: Any) -> Any:
    """``CAST(double AS NUMERIC)`` as PostgreSQL 15's ``float8_numeric``: the double printed with
    ``%.15g`` and read back, so the value has 15 significant digits and the display scale of that
    text (``-0.5``, not ``-0.500000000000000``; ``1e20`` scale 0, ``1e-7`` scale 7; NaN and
    ±Infinity stay, -0 is 0). ``$toDecimal`` of a double rounds it to 15 significant digits, as
    MongoDB documents (``2.5`` → ``2.50000000000000``); the trailing zeros of that coefficient are
    dropped here, through its text, since they are the display scale: a carry may leave 16 digits
    (``1.000000000000000E-7``) whose last is a zero too."""
    parts = {"$split": [{"$toString": {"$toDecimal": "$$x"}}, "E"]}
    mantissa = {"$arrayElemAt": ["$$p", 0]}
    trimmed = {"$rtrim": {"input": {"$rtrim": {"input": mantissa, "chars": "0"}}, "chars": "."}}
    shortest = {"$cond": [{"$eq": [{"$indexOfCP": [mantissa, "."]}, -1]}, mantissa, trimmed]}
    text = {"$cond": [
        {"$eq": [{"$size": "$$p"}, 1]}, shortest, {"$concat": [shortest, "E", {"$arrayElemAt": ["$$p", 1]}]}
    ]}  # fmt: skip
    number = {"$toDecimal": {"$let": {"vars": {"p": parts}, "in": text}}}
    # Not $add 0 against -0: that would pad 1E+300 to 34 digits (the sum takes exponent 0).
    body = {"$switch": {"branches": [
        {"case": {"$eq": [{"$ifNull": ["$$x", None]}, None]}, "then": None},
        {"case": {"$eq": ["$$x", 0]}, "then": numeric.ZERO},
    ], "default": number}}  # fmt: skip
    return {"$let": {"vars": {"x": x}, "in": body}}


def _to_float(value: Typed) -> Typed:
    if value.is_const:
        v = value.value
        if v is None:
            return const(None, SqlType.FLOAT)
        if isinstance(v, bool):
            raise ValueError(repr(v))
        return const(float(v.strip() if isinstance(v, str) else v), SqlType.FLOAT)
    e = value.expr
    if value.type == SqlType.TEXT:
        return Typed({"$toDouble": {"$trim": {"input": e}}}, SqlType.FLOAT)
    if value.type in NUMERIC:
        return Typed({"$toDouble": e}, SqlType.FLOAT)
    return Typed(
        {"$toDouble": {"$cond": [{"$eq": [{"$type": e}, "string"]}, {"$trim": {"input": e}}, e]}},
        SqlType.FLOAT,
    )


def _to_bool(value: Typed) -> Typed:
    if value.is_const:
        v = value.value
        if v is None or isinstance(v, bool):
            return const(v, SqlType.BOOL)
        if isinstance(v, int):
            return const(v != 0, SqlType.BOOL)
        text = str(v).strip().lower()
        if text in TRUE_WORDS or text in FALSE_WORDS:
            return const(text in TRUE_WORDS, SqlType.BOOL)
        raise ValueError(f"{v!r} is not a boolean")
    if value.type == SqlType.BOOL:
        return value
    e: Any = value.expr
    word = {"$toLower": {"$trim": {"input": e}}}
    # Text that is not a boolean word must fail, as in PostgreSQL: $toInt of a sentence does.
    invalid = {"$toInt": {"$concat": [PLANTED_MARK + "invalid input syntax for type boolean: ", e]}}
    return Typed(
        {
            "$switch": {
                "branches": [
                    {"case": {"$eq": [{"$ifNull": [e, None]}, None]}, "then": None},
                    {"case": {"$eq": [{"$type": e}, "bool"]}, "then": e},
                    {"case": {"$isNumber": e}, "then": {"$ne": [e, 0]}},
                    {"case": {"$in": [word, TRUE_WORDS]}, "then": True},
                    {"case": {"$in": [word, FALSE_WORDS]}, "then": False},
                ],
                "default": invalid,
            }
        },
        SqlType.BOOL,
    )


def _to_timestamp(value: Typed, *, day: bool) -> Typed:
    if value.is_const:
        v = value.value
        if v is None:
            return const(None, SqlType.DAY if day else SqlType.DATE)
        parsed = parse_iso(v) if isinstance(v, str) else v if isinstance(v, dt.datetime) else None
        if parsed is None:
            raise ValueError(f"{v!r} is not a date")
        if day:
            return const(parsed.replace(hour=0, minute=0, second=0, microsecond=0), SqlType.DAY)
        return const(parsed, SqlType.DATE)
    e = value.expr if value.type in (SqlType.DATE, SqlType.DAY) else {"$toDate": value.expr}
    if day:
        return Typed(
            e if value.type == SqlType.DAY else {"$dateTrunc": {"date": e, "unit": "day"}}, SqlType.DAY
        )
    return Typed(e, SqlType.DATE)


HANDLERS: dict[type[exp.Expr], Callable[[Translator, exp.Expr], Typed]] = {
    exp.Cast: _cast,
}

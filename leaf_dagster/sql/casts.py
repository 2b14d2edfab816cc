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


def _stage(variables: dict[str, Any], body: Any) -> Any:
    return {"$let": {"vars": variables, "in": body}}


def _power(base: Any, exponent: Any) -> Any:
    return {"$pow": [base, exponent]}


def double_text(x: Any) -> Any:
    """A double as PostgreSQL 15's ``float8out`` prints it, computed from numbers, not from the
    server's text of a double (whose format MongoDB does not document): the fewest significant
    digits strictly between the midpoints to the neighbouring doubles (Ryu, as ``shortest_digits``),
    positional from 1e-4 to below 1e15, else ``d.ddde±XX``; ``-0``, ``NaN``, ``±Infinity``.

    The double is split exactly into ``M * 2^(e0 - 53)`` (``e0`` its binary exponent give or take
    one, from ``$log``; ``M`` an integer below 2^55), which Decimal128 holds to 34 digits (exactly
    while it has no more); scaled by a power of ten into [1, 10) it is rounded to 1 … 16 digits
    (``$round``, half to even, and one unit of the last digit above, which a power of two's
    narrower lower half may need), and the shortest strictly between the midpoints to the
    neighbouring doubles is the text (17 digits always are). A midpoint can only be that short from
    2^53 on, where the double is an integer and ``V`` exact below 10^34. Written as a few flat
    ``$let`` stages: MongoDB allows 100 levels of nesting in a whole pipeline."""
    two = numeric.decimal_literal(decimal.Decimal(2))
    ten = numeric.decimal_literal(decimal.Decimal(10))
    a = {"$abs": "$$x"}
    # M = a * 2^(53 - e0) in two steps (2^1127 is no double), an exact integer whatever e0's error.
    e0 = {"$toInt": {"$floor": {"$log": [a, 2]}}}
    shift = {"$subtract": [53, e0]}
    half = {"$toInt": {"$trunc": {"$divide": [shift, 2]}}}
    mantissa = {"$toDecimal": {"$toLong": {"$multiply": [
        a, _power(2, half), _power(2, {"$subtract": [shift, half]})
    ]}}}  # fmt: skip
    down = {"$subtract": ["$$e0", 53]}
    exact = {"$cond": [
        {"$gte": [down, 0]},
        {"$multiply": ["$$M", _power(two, down)]},
        {"$divide": ["$$M", _power(two, {"$multiply": [-1, down]})]},
    ]}  # fmt: skip
    # The true binary exponent from M's size; the spacing of doubles there is 2^E.
    true_e = {"$add": ["$$e0", {"$switch": {"branches": [
        {"case": {"$gte": ["$$M", 2**54]}, "then": 1}, {"case": {"$lt": ["$$M", 2**53]}, "then": -1},
    ], "default": 0}}]}  # fmt: skip
    spacing = {"$max": [{"$subtract": [true_e, 52]}, -1074]}

    def power_of_ten(k: Any) -> Any:  # exact, as a 34-digit coefficient: 1.000…E-300
        return _power(ten, k)

    k0 = {"$toInt": {"$floor": {"$log10": a}}}
    k = {"$add": ["$$k0", {"$switch": {"branches": [
        {"case": {"$gte": ["$$V", power_of_ten({"$add": ["$$k0", 1]})]}, "then": 1},
        {"case": {"$lt": ["$$V", power_of_ten("$$k0")]}, "then": -1},
    ], "default": 0}}]}  # fmt: skip
    high = _power(two, {"$subtract": ["$$E", 1]})
    low = {"$multiply": [-1, {"$cond": [
        {"$and": [{"$in": ["$$M", [2**53, 2**54, 2**55]]}, {"$gt": ["$$E", -1074]}]},
        _power(two, {"$subtract": ["$$E", 2]}),
        high,
    ]}]}  # fmt: skip

    def rounded(count: int) -> Any:
        return {"$round": ["$$w", count - 1]}

    def raised(count: int) -> Any:
        return {"$add": [rounded(count), numeric.decimal_literal(decimal.Decimal(1).scaleb(1 - count))]}

    def offset(c: Any) -> Any:
        return numeric.minus({"$multiply": [c, "$$tk"]}, "$$V")

    offsets: dict[str, Any] = {}
    branches = []
    for count in range(1, 17):  # a normal double's shortest is at least 15 digits' rounding
        offsets[f"c{count}"], offsets[f"u{count}"] = offset(rounded(count)), offset(raised(count))
        for name, value in ((f"c{count}", rounded(count)), (f"u{count}", raised(count))):
            inside = {"$and": [{"$lt": [f"$${name}", "$$high"]}, {"$gt": [f"$${name}", "$$low"]}]}
            branches.append({"case": inside, "then": value})
    chosen = {"$switch": {"branches": branches, "default": rounded(17)}}
    carried = {"$gte": ["$$c", 10]}
    digits = {"$cond": [carried, "1", {"$rtrim": {
        "input": {"$replaceAll": {"input": {"$toString": "$$c"}, "find": ".", "replacement": ""}}, "chars": "0"
    }}]}  # fmt: skip
    length = "$$L"

    def zeros(count: Any) -> Any:  # at most 15 in the positional range
        return {"$substrCP": ["0" * 16, 0, count]}

    scientific = {"$concat": [
        {"$substrCP": ["$$D", 0, 1]},
        {"$cond": [{"$gt": [length, 1]}, {"$concat": [".", {"$substrCP": ["$$D", 1, length]}]}, ""]},
        {"$cond": [{"$lt": ["$$K", 0]}, "e-", "e+"]},
        {"$cond": [{"$lt": [{"$abs": "$$K"}, 10]}, "0", ""]},
        {"$toString": {"$abs": "$$K"}},
    ]}  # fmt: skip
    before = "$$B"
    positional = {"$switch": {"branches": [
        {"case": {"$lt": ["$$K", 0]}, "then": {"$concat": ["0.", zeros({"$subtract": [-1, "$$K"]}), "$$D"]}},
        {"case": {"$lte": [length, before]}, "then": {"$concat": ["$$D", zeros({"$subtract": [before, length]})]}},
    ], "default": {"$concat": [{"$substrCP": ["$$D", 0, before]}, ".", {"$substrCP": ["$$D", before, length]}]}}}  # fmt: skip
    text = {"$concat": [
        {"$cond": [{"$lt": ["$$x", 0]}, "-", ""]},
        {"$cond": [{"$or": [{"$lt": ["$$K", -4]}, {"$gte": ["$$K", 15]}]}, scientific, positional]},
    ]}  # fmt: skip
    power = {"$add": ["$$k", {"$cond": [carried, 1, 0]}]}
    body = _stage({"D": digits, "L": {"$strLenCP": digits}, "K": power, "B": {"$add": [power, 1]}}, text)
    body = _stage({"c": chosen}, body)
    body = _stage(offsets, body)
    body = _stage(
        {
            "k": k,
            "w": {"$multiply": ["$$V", power_of_ten({"$multiply": [-1, k]})]},
            "tk": power_of_ten(k),
            "high": high,
            "low": low,
        },
        body,
    )
    body = _stage({"V": exact, "E": spacing}, body)
    body = _stage({"e0": e0, "M": mantissa, "k0": k0}, body)
    special = {"$switch": {"branches": [
        {"case": {"$eq": [{"$ifNull": ["$$x", None]}, None]}, "then": None},
        {"case": {"$eq": ["$$x", float("nan")]}, "then": "NaN"},
        {"case": {"$eq": ["$$x", float("inf")]}, "then": "Infinity"},
        {"case": {"$eq": ["$$x", float("-inf")]}, "then": "-Infinity"},
        {"case": {"$eq": ["$$x", 0]}, "then": {"$cond": [{"$lt": [{"$atan2": ["$$x", -1]}, 0]}, "-0", "0"]}},
    ], "default": body}}  # fmt: skip
    if isinstance(x, str) and x.startswith("$"):  # a path or a variable: read where it is used
        return _replace_variable(special, "$$x", x)
    return _stage({"x": x}, special)


def _replace_variable(expr: Any, name: str, value: str) -> Any:
    if expr == name:
        return value
    if isinstance(expr, dict):
        return {k: _replace_variable(v, name, value) for k, v in expr.items()}
    if isinstance(expr, list):
        return [_replace_variable(v, name, value) for v in expr]
    return expr


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

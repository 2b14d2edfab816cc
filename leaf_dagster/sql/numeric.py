"""PostgreSQL's number semantics on MongoDB: result types, exact numeric, integer overflow errors.

The BSON type of a value is its SQL type (see ``values``): int32 is integer, int64 bigint, double
double precision and Decimal128 numeric. Fields are typed only at run time, so an operator whose
result type depends on its argument types tests ``$type`` per value, unless the static types of
its operands (constants, COUNT, casts…) already decide; ``kinds`` says what a value may be.

MongoDB already computes most of it the PostgreSQL way: integer arithmetic stays integral, an
integer with a Decimal128 gives an exact Decimal128, and Decimal128 keeps the scale as numeric
does (``0.10 + 1`` is ``1.10``, ``0.1 * 0.1`` is ``0.01``). What differs, and is fixed here:

- int32 overflow is promoted to int64 and int64 overflow to double; PostgreSQL fails with
  "integer out of range" / "bigint out of range", and so does the server here;
- a double with a Decimal128 gives a Decimal128; PostgreSQL computes in double precision;
- ``/`` of two integers gives a double; PostgreSQL truncates, and divides numerics to the scale
  its ``select_div_scale`` picks, rounding half away from zero;
- ``$round`` rounds half to even, which is right for double precision only.

Decimal128 holds 34 significant digits where numeric is unbounded: a constant that needs more is
refused; a result computed on the server that needs more is rounded to 34 digits.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Callable
from typing import Any

from bson.int64 import Int64

from leaf_dagster.sql.errors import runtime_error
from leaf_dagster.sql.values import SqlType, Typed, is_null, let

INT32, INT64, DOUBLE, DECIMAL = "int", "long", "double", "decimal"
INTEGERS = frozenset({INT32, INT64})
NUMBERS = frozenset({INT32, INT64, DOUBLE, DECIMAL})
ANYTHING = frozenset({*NUMBERS, "other"})
DECIMAL_DIGITS = 34
INT32_RANGE = range(-(2**31), 2**31)
INT64_RANGE = range(-(2**63), 2**63)
# select_div_scale's constants (PostgreSQL's numeric.c): digits are base 10000.
MIN_SIG_DIGITS = 16
MAX_SCALE = 99  # $round/$trunc accept places up to 100; a Decimal128 cannot show more anyway

STATIC_KINDS: dict[SqlType, frozenset[str]] = {
    SqlType.INT: INTEGERS,
    SqlType.FLOAT: frozenset({DOUBLE}),
    SqlType.DECIMAL: frozenset({DECIMAL}),
    SqlType.NUMBER: NUMBERS,
    SqlType.NULL: frozenset(),
}


def kinds(value: Typed) -> frozenset[str]:
    """The BSON number types ``value`` may have at run time."""
    if value.is_const:
        v = value.value
        if v is None:
            return frozenset()
        if isinstance(v, bool):
            return frozenset({"other"})
        if isinstance(v, int):
            bigint = isinstance(value.expr, Int64) or v not in INT32_RANGE
            return frozenset({INT64 if bigint else INT32})
        if isinstance(v, float):
            return frozenset({DOUBLE})
        if isinstance(v, decimal.Decimal):
            return frozenset({DECIMAL})
        return frozenset({"other"})
    if value.int32 and value.type == SqlType.INT:
        return frozenset({INT32})
    if value.int64 and value.type == SqlType.INT:  # CAST(… AS BIGINT)
        return frozenset({INT64})
    return STATIC_KINDS.get(value.type, ANYTHING)


def is_int4(value: Typed) -> bool:
    """Whether ``value`` is PostgreSQL's integer (int4): a small integer constant or ``CAST(… AS INT)``."""
    return kinds(value) == frozenset({INT32})


def type_is(expr: Any, kind: str) -> Any:
    return {"$eq": [{"$type": expr}, kind]}


def _all(tests: list[Any]) -> Any:
    """``$and`` of tests, where ``True`` entries are dropped; ``True`` when none remain."""
    kept = [t for t in tests if t is not True]
    if not kept:
        return True
    return kept[0] if len(kept) == 1 else {"$and": kept}


def _any(tests: list[Any]) -> Any:
    if any(t is True for t in tests):
        return True
    kept = [t for t in tests if t is not False]
    if not kept:
        return False
    return kept[0] if len(kept) == 1 else {"$or": kept}


def _is(expr: Any, possible: frozenset[str], wanted: frozenset[str]) -> Any:
    """Whether a value of the possible kinds is one of ``wanted``: True/False when static."""
    if not possible & wanted:
        return False
    if possible <= wanted:
        return True
    if len(wanted) == 1:
        return type_is(expr, next(iter(wanted)))
    return {"$in": [{"$type": expr}, sorted(wanted)]}


def _cond(test: Any, then: Any, otherwise: Any) -> Any:
    if test is True:
        return then
    if test is False:
        return otherwise
    return {"$cond": [test, then, otherwise]}


def _bound(values: list[Typed], names: list[str]) -> tuple[list[Any], dict[str, Any]]:
    """Each operand as something cheap to repeat: itself when a path or a constant, else a variable."""
    exprs: list[Any] = []
    variables: dict[str, Any] = {}
    for value, name in zip(values, names, strict=True):
        if value.is_const or (isinstance(value.expr, str) and value.expr.startswith("$")):
            exprs.append(value.expr)
        else:
            variables[name] = value.expr
            exprs.append(f"$${name}")
    return exprs, variables


def _with(variables: dict[str, Any], body: Any) -> Any:
    return let(variables, body) if variables else body


def as_double(value: Typed, expr: Any) -> Any:
    if value.is_const and isinstance(value.value, decimal.Decimal):
        return float(value.value)
    return {"$toDouble": expr}


def as_decimal(value: Typed, expr: Any) -> Any:
    # A static numeric may hold an integer at run time (a CASE of 1 and 0.5), so non-constants convert.
    if value.is_const and kinds(value) == frozenset({DECIMAL}):
        return expr
    return {"$toDecimal": expr}


# -- + - * ------------------------------------------------------------------------------------


def result_type(a: Typed, b: Typed) -> SqlType:
    types = {a.type, b.type} - {SqlType.NULL}
    if types <= {SqlType.INT}:
        return SqlType.INT
    if SqlType.FLOAT in types:
        return SqlType.FLOAT
    if types <= {SqlType.INT, SqlType.DECIMAL}:
        return SqlType.DECIMAL
    return SqlType.NUMBER


def result_scale(op: str, a: Typed, b: Typed) -> int | None:
    sa, sb = scale_of(a), scale_of(b)
    if sa is None or sb is None:
        return None
    return sa + sb if op == "$multiply" else max(sa, sb)


def scale_of(value: Typed) -> int | None:
    """A numeric's display scale when known: a constant's, an integer's (0), or as computed."""
    if value.is_const and isinstance(value.value, decimal.Decimal):
        exponent = value.value.as_tuple().exponent
        return -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if value.type == SqlType.INT or (value.is_const and isinstance(value.value, int)):
        return 0
    return value.scale


def arithmetic(op: str, a: Typed, b: Typed) -> Any:
    """``a op b`` for ``$add``, ``$subtract`` or ``$multiply`` with PostgreSQL's types and errors."""
    ka, kb = kinds(a), kinds(b)
    mixed = (DOUBLE in ka and DECIMAL in kb) or (DECIMAL in ka and DOUBLE in kb)
    integral = bool(ka & INTEGERS) and bool(kb & INTEGERS) and op != "$mod"
    # A Decimal128 result may need more than 34 digits (a product, or a sum of distant scales).
    decimal = (DECIMAL in ka or DECIMAL in kb) and op in ("$add", "$subtract", "$multiply")
    if not mixed and not integral and not decimal:
        return {op: [a.expr, b.expr]}
    (x, y), variables = _bound([a, b], ["x", "y"])
    result: Any = {op: [x, y]}
    if decimal and op == "$subtract":
        either_decimal = _any([_is(x, ka, frozenset({DECIMAL})), _is(y, kb, frozenset({DECIMAL}))])
        result = _cond(either_decimal, minus(x, y), result)
    if mixed:
        # PostgreSQL casts numeric to double precision when it meets one.
        either_double = _any([_is(x, ka, frozenset({DOUBLE})), _is(y, kb, frozenset({DOUBLE}))])
        result = _cond(either_double, {op: [as_double(a, x), as_double(b, y)]}, result)
    if integral:
        result = let({"r": result}, _overflow_checked("$$r", x, ka, y, kb))
    if decimal:
        result = let({"r": result}, _digits_checked("$$r", _is("$$r", ka | kb, frozenset({DECIMAL}))))
    return _with(variables, result)


DIGITS_MESSAGE = f"numeric result needs more than the {DECIMAL_DIGITS} significant digits of Decimal128"


def _coefficient_digits(r: Any) -> Any:
    """The number of digits of a Decimal128's coefficient, leading zeros aside (trailing kept)."""
    mantissa = {"$arrayElemAt": [{"$split": [{"$ifNull": [{"$toString": {"$abs": r}}, "0"]}, "E"]}, 0]}
    return {
        "$strLenCP": {
            "$ltrim": {
                "input": {"$replaceAll": {"input": mantissa, "find": ".", "replacement": ""}},
                "chars": "0",
            }
        }
    }


def _digits_checked(r: Any, is_decimal: Any) -> Any:
    """``r``, or a failure where a Decimal128 result has all 34 digits: the server may have rounded
    it (PostgreSQL's numeric is exact), so it is refused rather than silently rounded."""
    if not (isinstance(r, str) and r.startswith("$")):
        return let({"checked": r}, _digits_checked("$$checked", is_decimal))
    digits = _coefficient_digits(r)
    checked = {"$cond": [{"$gte": [digits, DECIMAL_DIGITS]}, runtime_error(DIGITS_MESSAGE, r), r]}
    # Every digit of the coefficient is a character of the text: a text shorter than 34 characters
    # (a sum of money) passes on its length alone, without the $split/$replaceAll/$ltrim per group.
    short = {"$lt": [{"$strLenCP": {"$ifNull": [{"$toString": r}, ""]}}, DECIMAL_DIGITS]}
    checked = {"$cond": [short, r, checked]}
    return checked if is_decimal is True else {"$cond": [is_decimal, checked, r]}


def _overflow_checked(r: Any, x: Any, kx: frozenset[str], y: Any, ky: frozenset[str]) -> Any:
    """``r``, or a failure where MongoDB widened an integer result that PostgreSQL refuses.

    MongoDB widens an int32 result that does not fit to int64, and an int64 one to double.
    """
    branches = []
    if INT32 in kx and INT32 in ky:
        both_int32 = _all([_is(x, kx, frozenset({INT32})), _is(y, ky, frozenset({INT32})), type_is(r, INT64)])
        branches.append({"case": both_int32, "then": runtime_error("integer out of range", r)})
    both_integers = _all([type_is(r, DOUBLE), _is(x, kx, INTEGERS), _is(y, ky, INTEGERS)])
    branches.append({"case": both_integers, "then": runtime_error("bigint out of range", r)})
    return {"$switch": {"branches": branches, "default": r}}


def minus(x: Any, y: Any) -> Any:
    """``x - y`` of Decimal128s to all 34 digits: ``x + (-1 * y)``. The embedded server rounds the
    result of ``$subtract`` to 28 significant digits (README, embedded-server gaps); ``$add`` and
    ``$multiply`` keep 34, and give the same value on MongoDB."""
    return {"$add": [x, {"$multiply": [-1, y]}]}


# -- / ------------------------------------------------------------------------------------------


def divide(a: Typed, b: Typed) -> Typed:
    """``a / b``: integers truncate, a double makes it double, else numeric to PostgreSQL's scale."""
    ka, kb = kinds(a), kinds(b)
    (x, y), variables = _bound([a, b], ["x", "y"])
    both_integers: Any = False
    if ka & INTEGERS and kb & INTEGERS:
        both_integers = _all([_is(x, ka, INTEGERS), _is(y, kb, INTEGERS)])
    either_double = _any([_is(x, ka, frozenset({DOUBLE})), _is(y, kb, frozenset({DOUBLE}))])
    integer = _integer_div(x, ka, y, kb) if both_integers is not False else None
    double = {"$divide": [as_double(a, x), as_double(b, y)]} if either_double is not False else None
    numeric: Any = None
    if both_integers is not True and either_double is not True:
        numeric = numeric_div(as_decimal(a, x), as_decimal(b, y), _static_scale(a), _static_scale(b))
    branches = [(both_integers, integer), (either_double, double)]
    body: Any = numeric
    for test, value in reversed(branches):
        if value is not None:
            body = value if body is None else _cond(test, value, body)
    type_ = result_type(a, b)
    return Typed(_with(variables, body), type_)


def _static_scale(value: Typed) -> int | None:
    """The scale known at compile time: a constant's or an integer's; None where the value says."""
    scale = scale_of(value)
    if scale is None and not kinds(value) & {DECIMAL, "other"}:
        return 0  # integers and doubles (a double's quotient is a double anyway)
    return scale


def _integer_div(x: Any, kx: frozenset[str], y: Any, ky: frozenset[str]) -> Any:
    # x - x % y is a multiple of y: the Decimal128 quotient of it is exact (a double's may not be).
    exact = {"$divide": [{"$toDecimal": {"$subtract": [x, {"$mod": [x, y]}]}}, y]}
    if INT32 in kx and INT32 in ky:
        both_int32 = _all([_is(x, kx, frozenset({INT32})), _is(y, ky, frozenset({INT32}))])
        return _cond(both_int32, {"$toInt": exact}, {"$toLong": exact})
    return {"$toLong": exact}


def numeric_div(
    n: Any,
    d: Any,
    n_scale: int | None,
    d_scale: int | None,
    *,
    root: bool = False,
    d_count: bool = False,
    inexact: Any = None,
    refuse_rounded: bool = True,
) -> Any:
    """Decimal128 ``n / d`` rounded as PostgreSQL's numeric division rounds it (``select_div_scale``).

    The result scale is ``16 - 4 * qweight`` at least, where ``qweight`` estimates the quotient's
    weight in base-10000 digits from both operands' first digits, and at least each operand's scale.
    A scale not known at compile time (None) is read from the value: a Decimal128 keeps its exponent,
    as numeric keeps its display scale (``100.01 / d / 0.3`` has the 20 digits of its first quotient).
    With ``root``, the square root of that quotient, rounded to the same scale (PostgreSQL's stddev).
    ``d_count``: ``d`` is a row count (a positive integer below 2^63, AVG's divisor).
    ``inexact``: a test, true where ``n`` is a sum that holds doubles (PostgreSQL's column is a double
    precision one, and the quotient is compared as one): then no 34-digit refusal.
    ``refuse_rounded``: refuse a quotient rounded twice (see ``_quotient``); STDDEV/VARIANCE do not
    yet (their results of 34 digits or more keep the server's rounding: README, open).
    """
    first = _weight_and_digit("$$n")
    second = _weight_and_digit("$$d", count=d_count)
    qweight = {
        "$subtract": [
            {"$subtract": ["$$wn", "$$wd"]},
            {"$cond": [{"$lte": ["$$fn", "$$fd"]}, 1, 0]},
        ]
    }
    scale = {
        "$min": [
            {
                "$max": [
                    {"$subtract": [MIN_SIG_DIGITS, {"$multiply": [4, qweight]}]},
                    decimal_scale("$$n") if n_scale is None else n_scale,
                    decimal_scale("$$d") if d_scale is None else d_scale,
                    0,
                ]
            },
            MAX_SCALE,
        ]
    }
    body = let(
        {"wn": first[0], "fn": first[1], "wd": second[0], "fd": second[1]},
        let({"s": scale}, _quotient(root, inexact if refuse_rounded else True)),
    )
    return let({"n": n, "d": d}, body)


def decimal_scale(v: Any) -> Any:
    """A Decimal128's display scale (digits after the point) from its text: ``1.250`` 3, ``1E-7`` 7,
    ``1.2E+3`` 0 (the server prints an exponent beyond the plain range, as IEEE 754's to-sci-string)."""
    parts = {"$split": [{"$ifNull": [{"$toString": v}, "0"]}, "E"]}
    body = {
        "$let": {
            "vars": {
                "m": {"$arrayElemAt": ["$$p", 0]},
                "e": {
                    "$cond": [
                        {"$eq": [{"$size": "$$p"}, 2]},
                        {"$toInt": {"$ltrim": {"input": {"$arrayElemAt": ["$$p", 1]}, "chars": "+"}}},
                        0,
                    ]
                },
            },
            "in": {
                "$let": {
                    "vars": {"dot": {"$indexOfCP": ["$$m", "."]}},
                    "in": {
                        "$max": [
                            0,
                            {
                                "$subtract": [
                                    {
                                        "$cond": [
                                            {"$eq": ["$$dot", -1]},
                                            0,
                                            {"$subtract": [{"$strLenCP": "$$m"}, {"$add": ["$$dot", 1]}]},
                                        ]
                                    },
                                    "$$e",
                                ]
                            },
                        ]
                    },
                }
            },
        }
    }
    return {"$let": {"vars": {"p": parts}, "in": body}}


def _quotient(root: bool, inexact: Any = None) -> Any:
    """``$$n / $$d`` rounded half away from zero to ``$$s`` decimals, as PostgreSQL's exact division.

    The server's quotient ``q`` has 34 significant digits, so rounding it to the scale rounds twice.
    That gives PostgreSQL's digit when ``q`` keeps at least one digit past the scale (``|q| <
    10^(33 - s)``) and is not exactly on a tie (its digits past the scale ``5000…``): ties are then
    multiples of ``q``'s last place, so the exact quotient, within half a last place of ``q``, lies on
    ``q``'s side of each of them. On a tie, ``q`` is exact when ``q * d`` is ``n`` and that product
    needs at most 34 digits (then the server computed it exactly). Otherwise the result needs more
    digits than Decimal128 holds: it fails, as a numeric result of 34 digits does elsewhere
    (``8165558691570427422350245307 / 0.007`` would give ``…571.430``, PostgreSQL ``…571.429``).
    """
    fraction = {"$add": ["$$a", {"$multiply": [-1, {"$trunc": ["$$a", "$$s"]}]}]}
    on_tie = {"$eq": [fraction, "$$h"]}
    exact = {
        "$and": [
            {"$eq": [{"$multiply": ["$$q", "$$d"]}, "$$n"]},
            {"$lte": [{"$add": [_coefficient_digits("$$q"), _coefficient_digits("$$d")]}, DECIMAL_DIGITS]},
        ]
    }
    nudged = {"$add": ["$$q", {"$cond": [{"$lt": ["$$q", 0]}, {"$multiply": [-1, "$$h"]}, "$$h"]}]}
    quotient: Any = {"$trunc": [nudged, "$$s"]}
    if root:
        quotient = round_half_away_decimal({"$sqrt": quotient}, "$$s")
    enough = {"$lt": ["$$a", {"$pow": [TEN, {"$subtract": [DECIMAL_DIGITS - 1, "$$s"]}]}]}
    # Without a digit past the scale the result needs 34 digits or more: refused even when exact,
    # as a numeric result of 34 digits is elsewhere (a scale of 35 digits would be lost besides).
    safe: Any = {"$and": [enough, {"$or": [{"$not": [on_tie]}, exact]}]}
    half = {"$multiply": [HALF, {"$pow": [TEN, {"$multiply": [-1, "$$s"]}]}]}
    if inexact is True:
        return {"$let": {"vars": {"q": {"$divide": ["$$n", "$$d"]}, "h": half}, "in": quotient}}
    if inexact is not None:
        safe = {"$or": [inexact, safe]}
    body = {"$cond": [safe, quotient, runtime_error(DIGITS_MESSAGE, "$$q")]}
    return {
        "$let": {
            "vars": {"q": {"$divide": ["$$n", "$$d"]}, "h": half},
            "in": {"$let": {"vars": {"a": {"$abs": "$$q"}}, "in": body}},
        }
    }


def _weight_and_digit(v: Any, *, count: bool = False) -> tuple[Any, Any]:
    """PostgreSQL's weight (base-10000 exponent) and first base-10000 digit of a Decimal128; 0, 0 for 0.

    By comparisons with powers of 10000 where ``|v|`` is in [10^-8, 10^24), as sums and counts
    usually are; ``$log10`` and ``$pow`` (which cost the embedded server several times more per
    group) only outside. ``count``: ``v`` is a row count, a positive integer below 2^63 (< 10^20).
    """
    magnitude = v if count else {"$abs": v}
    log_weight = {"$floor": {"$divide": [{"$floor": {"$log10": magnitude}}, 4]}}
    by_log = (
        {"$cond": [{"$eq": [v, 0]}, 0, log_weight]},
        {
            "$cond": [
                {"$eq": [v, 0]},
                0,
                {"$floor": {"$divide": [magnitude, {"$pow": [TEN_THOUSAND, log_weight]}]}},
            ]
        },
    )
    weight, digit = by_log
    lowest = 0 if count else COMPARED_WEIGHTS[0]
    for w in reversed(range(lowest, COMPARED_WEIGHTS[-1] + 1)):
        below = {"$lt": [magnitude, TEN_THOUSAND_POWERS[w + 1]]}
        first = (
            magnitude if count and w == 0 else {"$floor": {"$divide": [magnitude, TEN_THOUSAND_POWERS[w]]}}
        )
        weight = {"$cond": [below, w, weight]}
        digit = {"$cond": [below, first, digit]}
    if count:
        return weight, digit
    tiny = {"$lt": [magnitude, TEN_THOUSAND_POWERS[lowest]]}  # zero too
    return {"$cond": [tiny, by_log[0], weight]}, {"$cond": [tiny, by_log[1], digit]}


def round_half_away_decimal(value: Any, places: Any, *, bound: bool = False) -> Any:
    """A Decimal128 rounded half away from zero to ``places`` digits (an int or an expression).

    ``bound``: ``value`` is a variable (or path), cheap to read twice."""
    if isinstance(places, int):
        half = decimal_literal(decimal.Decimal(5).scaleb(-places - 1))
        minus_half: Any = decimal_literal(decimal.Decimal(-5).scaleb(-places - 1))
    else:
        half = {"$multiply": [HALF, {"$pow": [TEN, {"$multiply": [-1, places]}]}]}
        minus_half = {"$multiply": [-1, half]}
    v = value if bound else "$$v"
    nudged: Any = {"$add": [v, {"$cond": [{"$lt": [v, 0]}, minus_half, half]}]}
    if not bound:
        nudged = let({"v": value}, nudged)
    if isinstance(places, int) and places < 0:
        # Truncating to tens leaves an exponent (1.2E+3, -0E+1); adding an integer 0 writes it out.
        return {"$add": [{"$trunc": [nudged, places]}, ZERO]}
    return {"$trunc": [nudged, places]}


def decimal_literal(value: decimal.Decimal) -> Any:
    from bson import Decimal128

    return Decimal128(value)


TEN = decimal_literal(decimal.Decimal(10))
TEN_THOUSAND = decimal_literal(decimal.Decimal(10000))
# The weights ``_weight_and_digit`` reads by comparison: |v| in [10000^-2, 10000^6).
COMPARED_WEIGHTS = range(-2, 6)
TEN_THOUSAND_POWERS = {
    w: decimal_literal(decimal.Decimal(10000) ** w)
    for w in range(COMPARED_WEIGHTS[0], COMPARED_WEIGHTS[-1] + 2)
}
HALF = decimal_literal(decimal.Decimal("0.5"))
ZERO = decimal_literal(decimal.Decimal(0))


# -- constants ----------------------------------------------------------------------------------


class NumericError(ValueError):
    """A constant expression that PostgreSQL rejects (out of range, too many digits)."""


def integer_const(value: int, int32: bool) -> Typed:
    """An integer constant of PostgreSQL's integer (int32) or bigint (an ``Int64`` on the wire)."""
    return Typed(value if int32 else Int64(value), SqlType.INT, value=value, non_null=True, int32=int32)


def fold(op: Callable[[Any, Any], Any], a: Any, b: Any, int32: bool | None = None) -> Any:
    """A binary operation on two constants with PostgreSQL's types, ranges and exactness.

    ``int32``: whether two integers are both int4 (by default, whether both fit in 32 bits)."""
    if isinstance(a, float) or isinstance(b, float):
        return op(float(a), float(b))
    if isinstance(a, int) and isinstance(b, int):
        both = a in INT32_RANGE and b in INT32_RANGE if int32 is None else int32
        return checked_integer(op(a, b), both)
    with decimal.localcontext() as ctx:
        ctx.prec = 2000
        ctx.traps[decimal.Inexact] = True
        return checked_decimal(op(decimal.Decimal(a), decimal.Decimal(b)))


def checked_integer(value: int, int32: bool) -> int:
    if int32 and value not in INT32_RANGE:
        raise NumericError("integer out of range")
    if value not in INT64_RANGE:
        raise NumericError("bigint out of range")
    return value


def checked_decimal(value: decimal.Decimal) -> decimal.Decimal:
    if len(value.as_tuple().digits) > DECIMAL_DIGITS:
        raise NumericError(f"numeric value needs more than the {DECIMAL_DIGITS} digits of Decimal128")
    return value


def pg_div_scale(n: decimal.Decimal, d: decimal.Decimal, n_scale: int, d_scale: int) -> int:
    """PostgreSQL's ``select_div_scale`` for ``n / d``."""

    def weight_digit(v: decimal.Decimal) -> tuple[int, int]:
        if v == 0:
            return 0, 0
        weight = v.adjusted() // 4
        return weight, int(abs(v).scaleb(-4 * weight))

    wn, fn = weight_digit(n)
    wd, fd = weight_digit(d)
    qweight = wn - wd - (1 if fn <= fd else 0)
    return min(max(MIN_SIG_DIGITS - 4 * qweight, n_scale, d_scale, 0), 1000)


def pg_numeric_div(
    n: decimal.Decimal, d: decimal.Decimal, n_scale: int = 0, d_scale: int = 0
) -> decimal.Decimal:
    """``n / d`` in numeric, as PostgreSQL computes it (exact, rounded half away from zero)."""
    if d == 0:
        raise NumericError("division by zero")
    scale = pg_div_scale(n, d, n_scale, d_scale)
    with decimal.localcontext() as ctx:
        ctx.prec = 2100
        return (n / d).quantize(decimal.Decimal(1).scaleb(-scale), rounding=decimal.ROUND_HALF_UP)


def display_scale(value: decimal.Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


# -- aggregates ---------------------------------------------------------------------------------


def _typed_switch(value: Typed, cases: dict[str, Callable[[Any], Any]]) -> Any:
    """Per value: ``cases[kind](x)`` for the listed BSON kinds the value may have, else the value."""
    possible = kinds(value)
    live = {kind: make for kind, make in cases.items() if kind in possible}
    if not live:
        return value.expr
    if len(possible) == 1:
        return next(iter(live.values()))(value.expr)
    (x,), variables = _bound([value], ["v"])
    if len(live) == 1:  # a $cond is a little cheaper per row than a $switch on the embedded server
        kind, make = next(iter(live.items()))
        return _with(variables, {"$cond": [type_is(x, kind), make(x), x]})
    branches = [{"case": type_is(x, kind), "then": make(x)} for kind, make in live.items()]
    return _with(variables, {"$switch": {"branches": branches, "default": x}})


def sum_input(value: Typed) -> Any:
    """What SUM adds per row: a bigint as numeric (SUM(bigint) is numeric), others as they are.

    A sum of integers that leaves int32 becomes int64 on the server: SUM(integer) is bigint, and
    ``bigint`` gives the result its width when it still fits int32.
    """
    return _typed_switch(value, {INT64: lambda x: {"$toDecimal": x}})


def sum_may_fill_digits(value: Typed) -> bool:
    """Whether SUM/AVG of ``value`` may add in Decimal128 (numerics, or bigints as numeric)."""
    return bool(kinds(value) & {DECIMAL, INT64})


def sum_needs_double_marks(value: Typed) -> bool:
    """Whether a Decimal128 sum of ``value`` may also hold doubles: then a per-group mark tells the
    groups that do (their digits come from binary fractions, PostgreSQL's column is a double)."""
    possible = kinds(value)
    return DOUBLE in possible and bool(possible & {DECIMAL, INT64})


def double_mark(value: Typed) -> Any:
    """Per row, for a ``$max``: ``true`` for a double, else the value. Booleans sort above numbers,
    so the group's mark is true when a double was seen, and NULL exactly when no value was (it
    stands for SUM's NULL check too)."""
    (x,), variables = _bound([value], ["v"])
    return _with(variables, {"$cond": [type_is(x, DOUBLE), True, x]})


def double_counted(value: Typed) -> Any:
    """Per row, for a ``$sum``: 0 for NULL, 1.0 for a double, else 1. The count of non-NULL values
    (AVG's), which is a double exactly when a double was counted: the mark and the count in one."""
    (x,), variables = _bound([value], ["v"])
    return _with(
        variables,
        {
            "$switch": {
                "branches": [{"case": type_is(x, DOUBLE), "then": 1.0}, {"case": is_null(x), "then": 0}],
                "default": 1,
            }
        },
    )


def sum_checked(total: Any, value: Typed, doubles: Any) -> Any:
    """``total`` (a ``$sum`` of ``sum_input``), or a failure where it is a Decimal128 with all 34
    digits and no double went in: the server may have rounded it, where PostgreSQL's numeric sum is
    exact. ``doubles`` tests whether a double went in (None where none can)."""
    if not sum_may_fill_digits(value):
        return total
    is_decimal = type_is(total, DECIMAL)
    if doubles is not None:
        is_decimal = _all([is_decimal, {"$not": [doubles]}])
    return _digits_checked(total, is_decimal)


# BSON types a SUM/AVG argument of unknown type may hold: numbers, and NULL as null or missing.
SUMMABLE = ["decimal", "double", "int", "long", "missing", "null"]


def sum_of_any(total: Any, seen: Any, not_a_number: Callable[[Any], Any], *, avg: bool = False) -> Any:
    """SUM (or AVG's total) of a field of unknown type from the ``$sum`` of ``sum_input`` and the
    set of the values' BSON types (``$addToSet`` of ``$type``), read once per group:

    - a value that is not a number fails (``not_a_number`` of its type), as PostgreSQL refuses
      ``SUM(text)``; ``$sum`` would skip it;
    - no number: NULL (SUM; AVG's count says so);
    - a sum of integers that left int64 became a double, and fails (PostgreSQL's numeric holds it);
    - a Decimal128 total that fills 34 digits fails unless a double went in (see ``sum_checked``).
    """
    others = {"$setDifference": ["$$k", SUMMABLE]}
    has_double = {"$in": ["double", "$$k"]}
    value: Any = {
        "$cond": [
            {"$and": [type_is("$$t", INT64), {"$in": ["long", "$$k"]}]},
            {"$toDecimal": "$$t"},
            "$$t" if avg else bigint("$$t"),
        ]
    }
    branches = [
        {"case": {"$gt": [{"$size": others}, 0]}, "then": not_a_number({"$arrayElemAt": [others, 0]})},
        {
            "case": {"$and": [type_is("$$t", DOUBLE), {"$not": [has_double]}]},
            "then": runtime_error(
                "numeric SUM of bigint values beyond the int64 range is not supported", "$$t"
            ),
        },
    ]
    if not avg:
        no_number = {"$eq": [{"$size": {"$setDifference": ["$$k", ["missing", "null"]]}}, 0]}
        branches.insert(1, {"case": no_number, "then": None})
    checked = let(
        {"v": value}, _digits_checked("$$v", {"$and": [type_is("$$v", DECIMAL), {"$not": [has_double]}]})
    )
    return let({"t": total, "k": seen}, {"$switch": {"branches": branches, "default": checked}})


def sum_type(value: Typed) -> SqlType:
    if is_int4(value):
        return SqlType.INT  # SUM(integer) is bigint
    return {SqlType.FLOAT: SqlType.FLOAT, SqlType.DECIMAL: SqlType.DECIMAL}.get(value.type, SqlType.NUMBER)


def bigint(expr: Any) -> Any:
    """An integer result as int64 (bigint), whatever width the server's accumulator chose."""
    if isinstance(expr, str) and expr.startswith("$"):
        return {"$cond": [type_is(expr, INT32), {"$toLong": expr}, expr]}
    return let({"t": expr}, {"$cond": [type_is("$$t", INT32), {"$toLong": "$$t"}, "$$t"]})


def avg_result(
    total: Any,
    count: Any,
    value: Typed,
    checked: Callable[[Any], Any] | None = None,
    doubles: Any = None,
) -> Any:
    """AVG from the sum of ``sum_input`` and the count: double for doubles, else numeric division.

    ``checked``: ``total`` is the bare ``$sum`` and ``checked(total)`` its 34-digit check
    (``sum_checked``), which the common case (``average_of``'s fast path) does not need.
    ``doubles``: a test, true for a group whose Decimal128 sum holds doubles (``numeric_div``'s
    ``inexact``).
    """
    possible = kinds(value)
    numeric = average_of("$$t", "$$c", _static_scale(value), checked, doubles)
    if possible == frozenset({DOUBLE}):
        body: Any = {"$divide": ["$$t", "$$c"]}
    elif DOUBLE in possible:
        body = {"$cond": [type_is("$$t", DOUBLE), {"$divide": ["$$t", "$$c"]}, numeric]}
    else:
        body = numeric
    # A plain $let: a sum and a count (accumulator outputs, or expressions of them) are never missing.
    return {"$let": {"vars": {"t": total, "c": count}, "in": {"$cond": [{"$eq": ["$$c", 0]}, None, body]}}}


# AVG's fast path (``average_of``): a quotient in (2, 10000) has weight 0 and a first base-10000
# digit of at least 2, where select_div_scale's estimate is exact; a count below 10^14 keeps the
# 34-digit quotient from crossing a rounding tie at 16 decimals.
FAST_LOW = 2
FAST_HIGH = 10_000
FAST_COUNT = 10**14
# A plain text of at most this many characters has at most MIN_SIG_DIGITS decimals.
FAST_TEXT = MIN_SIG_DIGITS + 2


def average_of(
    t: Any, c: Any, t_scale: int | None, checked: Callable[[Any], Any] | None = None, doubles: Any = None
) -> Any:
    """Numeric ``t / c`` for AVG (``c`` a row count, at least 1) as PostgreSQL computes it.

    Fast path: when ``2 < q < 10000`` for the server's quotient ``q`` (Decimal128 rounding is
    monotone and both bounds are exact, so the exact quotient lies there too), its base-10000 weight
    is 0 and its first digit at least 2. select_div_scale's ``qweight`` (``wn - wd - [fn <= fd]``)
    can differ from the quotient's weight only when the operands' first digits are equal and the
    quotient's first digit is 1, so it is 0 here and the scale is ``max(16, scale(t))``. A text of
    ``t`` of at most 18 characters has at most 16 decimals (with ``|t| > 2`` an exponent in its text
    is positive: scale 0), so the scale is 16, a constant, and the 34-digit check of the total passes
    on the length alone. With ``c < 10^14`` the quotient's ≥ 14 digits past the 16th decimal keep it
    on the exact quotient's side of every rounding tie: ``t * 10^16`` is an integer, so the exact
    quotient is at least ``10^-16 / (2c)`` from a tie that it is not on, more than the ``0.5 * 10^-30``
    the server's rounding moves it. Otherwise ``numeric_div``, PostgreSQL's rule in full.
    """
    general = numeric_div(
        {"$toDecimal": t if checked is None else checked(t)},
        {"$toDecimal": c},
        t_scale,
        0,
        d_count=True,
        inexact=doubles,
    )
    if t_scale is not None and t_scale > MIN_SIG_DIGITS:
        return general  # fewer than 14 digits past the scale: no fast path
    # Positive quotients only (averages of amounts): one sign less to test and round per group;
    # a negative one takes the general path.
    tests: list[Any] = [
        {"$gt": ["$$q", decimal_literal(decimal.Decimal(FAST_LOW))]},
        {"$lt": ["$$q", decimal_literal(decimal.Decimal(FAST_HIGH))]},
        {"$lt": [c, FAST_COUNT]},
    ]
    scale = MIN_SIG_DIGITS if t_scale is None else min(max(MIN_SIG_DIGITS, t_scale), MAX_SCALE)
    if t_scale is None:
        # an integer's text has the same length as its Decimal128's
        tests.append({"$lte": [{"$strLenCP": {"$toString": t}}, FAST_TEXT]})
    half = decimal_literal(decimal.Decimal(5).scaleb(-scale - 1))
    rounded = {"$trunc": [{"$add": ["$$q", half]}, scale]}  # half away from zero, as q > 0
    fast = {"$cond": [{"$and": tests}, rounded, general]}
    # Plain $let: t and c are bound variables (NULL, never missing), and so is q.
    quotient = {"$divide": [{"$toDecimal": t}, c]}
    return {"$let": {"vars": {"q": quotient}, "in": fast}}


def avg_type(value: Typed) -> SqlType:
    return (
        SqlType.FLOAT
        if value.type == SqlType.FLOAT
        else SqlType.DECIMAL
        if value.type
        in (
            SqlType.INT,
            SqlType.DECIMAL,
        )
        else SqlType.NUMBER
    )


def as_double_values(value: Typed) -> Any:
    """Values for functions PostgreSQL computes in double precision (PERCENTILE_CONT)."""
    if not kinds(value) & {DECIMAL, "other"}:
        return value.expr
    return _typed_switch(value, {DECIMAL: lambda x: {"$toDouble": x}})


def per_kind(
    value: Typed, cases: dict[str, Callable[[Any], Any]], default: Callable[[Any], Any] | None = None
) -> Any:
    """Per value: ``cases[kind](x)`` for its BSON kind, ``default(x)`` (or the value) otherwise."""
    (x,), variables = _bound([value], ["v"])
    branches = [{"case": type_is(x, kind), "then": make(x)} for kind, make in cases.items()]
    return _with(variables, {"$switch": {"branches": branches, "default": default(x) if default else x}})


# -- comparisons --------------------------------------------------------------------------------


def compare(op: str, a: Typed, b: Typed) -> Any | None:
    """``a op b`` where a double may meet a numeric (PostgreSQL compares in double precision then).

    None when that cannot happen, or when neither side's type is known (two fields: compared as
    they are, exactly).
    """
    ka, kb = kinds(a), kinds(b)
    if not ((DOUBLE in ka and DECIMAL in kb) or (DECIMAL in ka and DOUBLE in kb)):
        return None
    if not any(k in (frozenset({DECIMAL}), frozenset({DOUBLE})) for k in (ka, kb)):
        return None
    (x, y), variables = _bound([a, b], ["x", "y"])
    either_double = _any([_is(x, ka, frozenset({DOUBLE})), _is(y, kb, frozenset({DOUBLE}))])
    as_doubles = {op: [as_double(a, x), as_double(b, y)]}
    return _with(variables, _cond(either_double, as_doubles, {op: [x, y]}))


def match_filter(path: str, op: str, value: decimal.Decimal) -> dict[str, Any]:
    """A query filter for ``path op <numeric constant>``: a double field compares with the double."""
    from bson import Decimal128

    exact, double = Decimal128(value), float(value)
    if op == "$eq":
        return {path: {"$in": [exact, double]}}
    return {
        "$or": [
            {path: {op: double, "$type": DOUBLE}},
            {path: {op: exact, "$type": [INT32, INT64, DECIMAL]}},
        ]
    }


def numeric_field_filter(path: str, op: str, value: decimal.Decimal, doubles: Any) -> dict[str, Any]:
    """A query filter for ``path op <numeric constant>`` on a field read as numeric per value
    (``paths.numeric_read``): integers and Decimal128 values compare exactly by a query operator; a
    double by its ``float8_numeric`` (``doubles``, an ``$expr`` condition), after a range that
    holds every double whose 15-digit rounding can satisfy an ``=`` or ``<`` (NaN sorts above
    everything in PostgreSQL, so ``>`` and ``<>`` keep every double)."""
    from bson import Decimal128

    clauses: list[dict[str, Any]] = []
    try:
        exact = Decimal128(value)
    except (decimal.InvalidOperation, ValueError, TypeError):
        exact = None
    if exact is not None:
        clauses.append({path: {op: exact, "$type": [INT32, INT64, DECIMAL]}})
    near: dict[str, Any] = {"$type": DOUBLE}
    f = float(value) if value.is_finite() else math.nan
    if f == 0 or 1e-280 < abs(f) < 1e300:
        margin = abs(f) * 1e-13
        if op == "$eq":
            near.update({"$gte": f - margin, "$lte": f + margin})
        elif op in ("$lt", "$lte"):
            near["$lte"] = f + margin
    clauses.append({"$and": [{path: near}, {"$expr": doubles}]})
    return clauses[0] if len(clauses) == 1 else {"$or": clauses}


# -- standard deviation and variance --------------------------------------------------------------


def spread_inputs(value: Typed) -> tuple[Any, Any]:
    """Per row, what STDDEV/VARIANCE sum: the value and its square, as Decimal128.

    Integers convert exactly. A double's ``$toDecimal`` keeps 15 significant digits, so the rest
    (``x`` minus that decimal's double, exact in binary by Sterbenz's lemma) is added back: summed
    in double precision, ``N·Σx² − (Σx)²`` cancels catastrophically where the values sit far from 0
    (``STDDEV(f + 1e10)`` gave 0 where PostgreSQL's float8 accumulation gives 1.66).
    """
    to_decimal: Callable[[Any], Any] = lambda x: {"$toDecimal": x}  # noqa: E731
    x = _typed_switch(value, {INT32: to_decimal, INT64: to_decimal, DOUBLE: double_as_decimal})
    return x, let({"q": x}, {"$multiply": ["$$q", "$$q"]})


def double_as_decimal(x: Any) -> Any:
    """A double as a Decimal128 with about 30 of its digits: 15 from ``$toDecimal``, then the rest."""
    return let(
        {"hi": {"$toDecimal": x}},
        {"$add": ["$$hi", {"$toDecimal": {"$subtract": [x, {"$toDouble": "$$hi"}]}}]},
    )


def spread_doubles(value: Typed, x: Any) -> Any | None:
    """Per row, 1 for a double (else 0), summed with ``$max``: whether the group's sums hold doubles.
    None where the static type rules doubles out (then every 34-digit sum is refused)."""
    if DOUBLE not in kinds(value):
        return None
    return {"$cond": [type_is(x, DOUBLE), 1, 0]}


def spread_result(
    total: Any, squares: Any, count: Any, value: Typed, *, sample: bool, root: bool, doubles: Any = None
) -> Any:
    """PostgreSQL's variance/stddev from the sums: ``(N*Σx² - (Σx)²) / (N*(N-1))`` (or ``N*N``).

    Exact numeric for integers and numerics (rounded as a numeric division, the root to the same
    scale); for doubles the same formula on their decimal sums, the quotient converted to double.
    NULL below 2 values (1 for _POP).
    """
    denominator = {"$multiply": ["$$c", {"$subtract": ["$$c", 1]} if sample else "$$c"]}
    numerator = minus({"$multiply": ["$$c", "$$s2"]}, {"$multiply": ["$$s1", "$$s1"]})
    known = scale_of(value)
    scale = None if known is None else 2 * known  # else read from Σx², whose scale is twice x's
    # Each product and Σx² must be exact: with 34 digits the server may have rounded (N·Σx² of
    # bigints near 2^53 does), and PostgreSQL's numeric never rounds, so such a group fails instead.
    checked = minus(
        _digits_checked({"$multiply": ["$$c", _digits_checked("$$s2", True)]}, True),
        _digits_checked({"$multiply": ["$$s1", "$$s1"]}, True),
    )
    possible = kinds(value)
    # A group whose values include doubles sums them as their 15-digit decimals: its variance stays
    # as computed (PostgreSQL's column would be double precision there); ``doubles`` tells.
    if DOUBLE not in possible:
        guarded = checked
    elif doubles is None:
        guarded = numerator
    else:
        guarded = {"$cond": [{"$eq": [doubles, 1]}, numerator, checked]}
    exact = let(
        {"num": {"$toDecimal": guarded}},
        {
            "$cond": [
                {"$lte": ["$$num", 0]},
                ZERO,
                numeric_div("$$num", {"$toDecimal": denominator}, scale, 0, root=root, refuse_rounded=False),
            ]
        },
    )
    # A group of doubles is double precision, as PostgreSQL's float8 variance: the decimal sums'
    # quotient, converted once.
    double_ratio = {"$max": [0.0, {"$toDouble": {"$divide": [numerator, denominator]}}]}
    double = {"$sqrt": double_ratio} if root else double_ratio
    if possible == frozenset({DOUBLE}):
        body: Any = double
    elif DOUBLE in possible:
        assert doubles is not None, "a group that may hold doubles needs spread_doubles' mark"
        body = {"$cond": [{"$eq": [doubles, 1]}, double, exact]}
    else:
        body = exact
    too_few = {"$lt": ["$$c", 2 if sample else 1]}
    return let({"s1": total, "s2": squares, "c": count}, {"$cond": [too_few, None, body]})

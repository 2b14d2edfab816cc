"""``+ - * / %`` and unary minus with PostgreSQL's result types; NULL in → NULL out.

The number semantics (exact numeric, integer overflow errors, ``/`` per type) live in ``numeric``;
this module applies them to the SQL operators and folds constants. Dividing by zero fails on the
server, as in PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from leaf_dagster.sql import dates, numeric
from leaf_dagster.sql.errors import runtime_error
from leaf_dagster.sql.literals import is_unknown, resolve
from leaf_dagster.sql.predicates import readings
from leaf_dagster.sql.probes import derived
from leaf_dagster.sql.values import NUMERIC, SqlType, Typed, const

if TYPE_CHECKING:
    from leaf_dagster.sql.expressions import Translator


def _operands(tr: Translator, node: exp.Expr) -> tuple[Typed, Typed]:
    a, b = tr.translate(node.this), tr.translate(node.expression)

    def fail(message: str) -> Exception:
        return tr.error(message, node)

    # Beside an operand of a known number type, a quoted literal takes that type, as in PostgreSQL
    # ('1.25' * 0.3 is numeric, '1.25' + 1 invalid input for integer); otherwise it is a number.
    if is_unknown(a) and not is_unknown(b) and b.type in _KNOWN_NUMBERS:
        a = resolve(a, [b], fail)
    elif is_unknown(b) and not is_unknown(a) and a.type in _KNOWN_NUMBERS:
        b = resolve(b, [a], fail)
    return _as_number(a), _as_number(b)


_KNOWN_NUMBERS = (SqlType.INT, SqlType.FLOAT, SqlType.DECIMAL)


def _as_number(value: Typed) -> Typed:
    """A quoted literal spelling a number is that number in arithmetic, as in PostgreSQL."""
    if value.untyped:
        for kind, reading in readings(value):
            if kind == "number":
                return const(reading)
    return value


def _check_numeric(tr: Translator, node: exp.Expr, *args: Typed) -> None:
    for arg in args:
        if arg.type not in NUMERIC and arg.type not in (SqlType.ANY, SqlType.NULL):
            raise tr.error(f"operator {_symbol(node)} does not apply to {arg.type.value}", node)


def _symbol(node: exp.Expr) -> str:
    symbols: dict[type[exp.Expr], str] = {
        exp.Add: "+",
        exp.Sub: "-",
        exp.Mul: "*",
        exp.Div: "/",
        exp.Mod: "%",
    }
    return symbols.get(type(node), "?")


def _interval(tr: Translator, node: exp.Expr) -> dates.Interval:
    assert isinstance(node, exp.Interval)
    unit = node.args.get("unit")
    text = node.this.name if isinstance(node.this, exp.Literal) else None
    parsed = dates.parse_interval(text, unit.name if unit else None) if text is not None else None
    if parsed is None:
        raise tr.error("malformed or unsupported interval", node, "INTERVAL")
    return parsed


def _date_shift(tr: Translator, node: exp.Expr, sign: int) -> Typed | None:
    left, right = node.this, node.expression
    while isinstance(right, exp.Paren):  # ts + (INTERVAL '-1 day'), as Metabase writes it
        right = right.this
    while isinstance(left, exp.Paren) and isinstance(left.unnest(), exp.Interval):
        left = left.this
    if isinstance(left, exp.Interval) and sign > 0:
        left, right = right, left
    if not isinstance(right, exp.Interval):
        if isinstance(left, exp.Interval):
            raise tr.error("an interval can only be added to or subtracted from a timestamp", node)
        return None
    date = tr.translate(left)
    if date.type not in (SqlType.DATE, SqlType.DAY, SqlType.ANY, SqlType.NULL):
        raise tr.error(f"cannot add an interval to {date.type.value}", node)
    interval = _interval(tr, right)
    return dates.shift_expression(date, interval if sign > 0 else interval.negated())


def _binary(
    op: str, fold: Callable[[Any, Any], Any], sign: int = 0
) -> Callable[[Translator, exp.Expr], Typed]:
    def handle(tr: Translator, node: exp.Expr) -> Typed:
        if sign:
            shifted = _date_shift(tr, node, sign)
            if shifted is not None:
                return shifted
        a, b = _operands(tr, node)
        if sign < 0:
            difference = dates.timestamp_difference(a, b, dates.wants_interval(node))
            if difference is not None:
                return difference
        if sign and SqlType.DAY in (a.type, b.type):
            return dates.day_arithmetic(tr, node, a, b, sign)
        if SqlType.DATE in (a.type, b.type):
            raise tr.error("date arithmetic other than timestamp ± interval is not supported", node)
        _check_numeric(tr, node, a, b)
        type_ = numeric.result_type(a, b)
        if a.is_null_const or b.is_null_const:
            return _typed_null(a, b)  # COALESCE(i + NULL::int, '30') reads '30' as an integer
        if a.is_const and b.is_const:
            try:
                if isinstance(a.value, int) and isinstance(b.value, int) and type_ == SqlType.INT:
                    int32 = numeric.is_int4(a) and numeric.is_int4(b)
                    return numeric.integer_const(numeric.fold(fold, a.value, b.value, int32), int32)
                return const(numeric.fold(fold, a.value, b.value), type_)
            except numeric.NumericError as exc:
                raise tr.error(str(exc), node) from None
        result: Any = numeric.arithmetic(op, a, b)
        if sign:
            result = _no_dates(result, a, b)
        int4 = type_ == SqlType.INT and numeric.is_int4(a) and numeric.is_int4(b)  # integer op integer
        return Typed(
            result,
            type_,
            scale=numeric.result_scale(op, a, b),
            origin=derived("number", a, b),
            int32=int4,
            int64=_bigint(type_, a, b),
        )

    return handle


def _bigint(type_: SqlType, *args: Typed) -> bool:
    """bigint op integer is bigint: the result of an operand known to be bigint (a catalog's bigint
    field, CAST(… AS BIGINT)) stays bigint where the server keeps an int32 (7 - 1 is an int32)."""
    return type_ == SqlType.INT and any(
        (a.int64 and a.type == SqlType.INT) or numeric.kinds(a) == frozenset({numeric.INT64}) for a in args
    )


def _typed_null(a: Typed, b: Typed) -> Typed:
    """The NULL of an operation on a NULL constant, of the operation's type: bigint when either
    integer is one (``CAST(NULL AS BIGINT) / 30`` is a NULL bigint), integer when both are int4."""
    type_ = numeric.result_type(a, b)
    if type_ != SqlType.INT:
        return const(None, type_)
    wide = any(v.int64 or numeric.kinds(v) == {numeric.INT64} for v in (a, b))
    narrow = all(v.int32 or numeric.is_int4(v) for v in (a, b))
    return replace(const(None, type_), int64=wide, int32=narrow and not wide)


def _no_dates(result: Any, *args: Typed) -> Any:
    """MongoDB adds numbers to dates (as milliseconds) and subtracts dates; SQL does neither.

    Fields whose type is known only at run time are checked there, and a date makes the server fail.
    """
    unknown = [a.expr for a in args if a.type == SqlType.ANY]
    if not unknown:
        return result
    is_date = [{"$eq": [{"$type": e}, "date"]} for e in unknown]
    message = (
        "date arithmetic on fields of unknown type: timestamp - timestamp (an interval) needs"
        " CAST(... AS TIMESTAMP) or a catalog; number + timestamp does not exist"
    )
    failure = runtime_error(message, unknown[0])
    return {"$cond": [is_date[0] if len(is_date) == 1 else {"$or": is_date}, failure, result]}


def _div(tr: Translator, node: exp.Expr) -> Typed:
    a, b = _operands(tr, node)
    _check_numeric(tr, node, a, b)
    if a.is_null_const or b.is_null_const:
        return _typed_null(a, b)
    if b.is_const and b.value == 0 and a.is_const:
        raise tr.error("division by zero", node)
    if a.is_const and b.is_const:
        return _div_fold(tr, node, a, b)
    quotient = numeric.divide(a, b)
    return replace(quotient, origin=derived("number", a, b), int64=_bigint(quotient.type, a, b))


def _div_fold(tr: Translator, node: exp.Expr, a: Typed, b: Typed) -> Typed:
    x, y = a.value, b.value
    if isinstance(x, float) or isinstance(y, float):
        return const(float(x) / float(y), SqlType.FLOAT)
    if isinstance(x, int) and isinstance(y, int):
        quotient = abs(x) // abs(y)
        value = quotient if (x >= 0) == (y >= 0) else -quotient
        both_int32 = numeric.is_int4(a) and numeric.is_int4(b)  # 3000000000 / 7 stays bigint
        try:
            return numeric.integer_const(numeric.checked_integer(value, both_int32), both_int32)
        except numeric.NumericError as exc:
            raise tr.error(str(exc), node) from None
    n, d = Decimal(x), Decimal(y)
    try:
        exact = numeric.pg_numeric_div(n, d, numeric.scale_of(a) or 0, numeric.scale_of(b) or 0)
        return const(numeric.checked_decimal(exact), SqlType.DECIMAL)
    except numeric.NumericError as exc:
        raise tr.error(str(exc), node) from None


def _mod_fold(a: Any, b: Any) -> Any:
    if b == 0:
        raise ZeroDivisionError
    if isinstance(a, int) and isinstance(b, int):
        r = abs(a) % abs(b)
        return r if a >= 0 else -r
    if isinstance(a, Decimal):
        return a % b  # Decimal's % truncates, as PostgreSQL's numeric mod does
    import math

    return math.fmod(a, b)


def _mod(tr: Translator, node: exp.Expr) -> Typed:
    try:
        return _binary("$mod", _mod_fold)(tr, node)
    except ZeroDivisionError:
        raise tr.error("division by zero", node) from None


def _neg(tr: Translator, node: exp.Expr) -> Typed:
    value = tr.translate(node.this)
    _check_numeric(tr, node, value)
    if value.is_const:
        v = value.value
        if isinstance(v, int) and not isinstance(v, bool):
            if -v not in numeric.INT64_RANGE:
                raise tr.error("bigint out of range", node)
            # PostgreSQL's parser folds a minus into a literal (-2147483648 is an integer); a
            # negated bigint (CAST(5 AS BIGINT), 3000000000 / 7) stays bigint.
            literal = isinstance(node.this.unnest(), exp.Literal) and -v in numeric.INT32_RANGE
            return numeric.integer_const(-v, numeric.is_int4(value) or literal)
        return replace(const(None if v is None else -v, value.type), int64=v is None and value.int64)
    # -1 * x: an int32 minimum negated leaves int32, which is an error as in PostgreSQL, and a
    # double 0 becomes -0 (float8um; PostgreSQL prints it '-0'), which 0 - x would not.
    negated = numeric.arithmetic("$multiply", const(-1), value)
    return Typed(
        negated,
        value.type,
        scale=value.scale,
        origin=derived("number", value),
        int32=value.type == SqlType.INT and numeric.is_int4(value),
        int64=_bigint(value.type, value),
    )


HANDLERS: dict[type[exp.Expr], Callable[[Translator, exp.Expr], Typed]] = {
    exp.Add: _binary("$add", lambda a, b: a + b, sign=1),
    exp.Sub: _binary("$subtract", lambda a, b: a - b, sign=-1),
    exp.Mul: _binary("$multiply", lambda a, b: a * b),
    exp.Div: _div,
    exp.Mod: _mod,
    exp.Neg: _neg,
}

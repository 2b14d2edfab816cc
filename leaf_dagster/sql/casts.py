"""``CAST`` / ``::`` as PostgreSQL does it, and the text form of values (for ``||`` and ``CONCAT``).

Numbers cast to integers round half away from zero (``CAST(2.5 AS INT)`` = 3); text is trimmed
and parsed, and text that is not a number or boolean makes the server fail, as PostgreSQL does.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from leaf_dagster.sql.values import NUMERIC, SqlType, Typed, const, let, parse_iso

if TYPE_CHECKING:
    from leaf_dagster.sql.expressions import Translator

DType = exp.DataType.Type

INT_TYPES = {DType.TINYINT, DType.SMALLINT, DType.INT, DType.BIGINT}
FLOAT_TYPES = {DType.FLOAT, DType.DOUBLE, DType.DECIMAL}
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


def round_constant(value: float | int, digits: int = 0) -> float | int:
    if isinstance(value, int) and digits >= 0:
        return value
    quantum = decimal.Decimal(1).scaleb(-digits)
    rounded = decimal.Decimal(repr(value)).quantize(quantum, rounding=decimal.ROUND_HALF_UP)
    return float(rounded)


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
    if value.type in NUMERIC or value.type == SqlType.BOOL:
        return Typed({"$toString": value.expr}, SqlType.TEXT)
    body = {"$cond": [{"$eq": [{"$type": "$$v"}, "date"]}, timestamp_text("$$v"), {"$toString": "$$v"}]}
    return Typed(let({"v": value.expr}, body), SqlType.TEXT)


def timestamp_text(date: Any) -> Any:
    """``YYYY-MM-DD HH:MM:SS[.fff]``: PostgreSQL prints fractional seconds without trailing zeros."""
    full = {"$dateToString": {"format": TEXT_FORMAT + ".%L", "date": date}}
    return {"$rtrim": {"input": {"$rtrim": {"input": full, "chars": "0"}}, "chars": "."}}


def _text_constant(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
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
    try:
        if kind in INT_TYPES:
            return _to_int(value, "$toLong" if kind == DType.BIGINT else "$toInt")
        if kind in FLOAT_TYPES:
            result = _to_float(value)
            if kind == DType.DECIMAL and len(params) == 2:
                digits = int(params[1])
                if result.is_const:
                    return const(None if result.value is None else round_constant(result.value, digits))
                return Typed(round_half_away(result.expr, digits), SqlType.FLOAT)
            return result
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
    raise tr.error(f"CAST to {to.sql(dialect='postgres')} is not supported", node)


def _to_int(value: Typed, op: str) -> Typed:
    if value.is_const:
        v = value.value
        if v is None:
            return const(None, SqlType.INT)
        if isinstance(v, str):
            return const(int(v.strip()), SqlType.INT)
        if isinstance(v, bool | int):
            return const(int(v), SqlType.INT)
        if isinstance(v, float):
            return const(int(round_constant(v)), SqlType.INT)
        raise ValueError(repr(v))
    e = value.expr
    if value.type == SqlType.INT:
        return value
    if value.type == SqlType.TEXT:
        return Typed({op: {"$trim": {"input": e}}}, SqlType.INT)
    if value.type in (SqlType.FLOAT, SqlType.NUMBER):
        return Typed({op: round_half_away(e)}, SqlType.INT)
    return Typed(
        {
            "$switch": {
                "branches": [
                    {
                        "case": {"$in": [{"$type": e}, ["double", "decimal"]]},
                        "then": {op: round_half_away(e)},
                    },
                    {"case": {"$eq": [{"$type": e}, "string"]}, "then": {op: {"$trim": {"input": e}}}},
                ],
                "default": {op: e},
            }
        },
        SqlType.INT,
    )


def _to_float(value: Typed) -> Typed:
    if value.is_const:
        v = value.value
        if v is None:
            return const(None, SqlType.FLOAT)
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
    invalid = {"$toInt": {"$concat": ["invalid input syntax for type boolean: ", e]}}
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

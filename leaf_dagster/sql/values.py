"""Translated expressions with their static SQL type, and small MongoDB expression helpers.

The type mapping, followed by every operator and function (``numeric`` decides per value where a
field's type is known only at run time):

====================  ====================  ==============================================
BSON type             PostgreSQL type       notes
====================  ====================  ==============================================
int (int32)           integer               an overflow of integer arithmetic is an error
long (int64)          bigint                COUNT, SUM(integer), ROW_NUMBER, RANK are bigint
double                double precision      ROUND and CAST to integer round half to even
decimal (Decimal128)  numeric               decimal literals (``0.1``); 34 significant digits
string                text
date                  timestamp             milliseconds
bool                  boolean
====================  ====================  ==============================================

A compile-time constant keeps its Python value: ``int``, ``float``, ``decimal.Decimal`` (numeric),
``str``, ``bool``, ``datetime``; ``literal`` turns it into BSON (``Decimal`` → ``Decimal128``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

from bson import Decimal128


class SqlType(Enum):
    INT = "int"  # integer or bigint (int32 or int64 per value)
    FLOAT = "float"  # double precision
    DECIMAL = "numeric"  # numeric (Decimal128)
    NUMBER = "number"  # a number whose type is known only per value at run time
    TEXT = "text"
    BOOL = "bool"
    DATE = "timestamp"
    DAY = "date"  # a calendar date: a BSON date at midnight UTC, printed without a time
    INTERVAL = "interval"
    ARRAY = "array"
    NULL = "null"
    ANY = "any"  # a document field: its type is known only at run time


NUMERIC = {SqlType.INT, SqlType.FLOAT, SqlType.DECIMAL, SqlType.NUMBER}

_NO_VALUE = object()


@dataclass(frozen=True)
class Typed:
    """A MongoDB aggregation expression; ``value`` is set when it is a compile-time constant."""

    expr: Any
    type: SqlType
    value: Any = _NO_VALUE
    path: str | None = None  # set for a plain document field ("a.b.c"), usable in query operators
    non_null: bool = False  # known never to be NULL (COUNT)
    untyped: bool = False  # a quoted SQL literal: PostgreSQL gives it the type of what it meets
    scale: int | None = None  # a numeric's display scale (digits after the point), when known
    int32: bool = False  # an INT known to be PostgreSQL's integer (int4), not bigint: CAST(… AS INT)
    int64: bool = False  # an INT known to be bigint (int64 on every row): CAST(… AS BIGINT), even of NULL
    origin: Any = None  # a plain field of a collection (``probes.Origin``): its type can be probed
    # a catalog's numeric field, read per value as numeric (``paths.numeric_read``): its document
    # path, for query operators that match each BSON type's reading of a constant
    numeric_path: str | None = None

    @property
    def is_const(self) -> bool:
        return self.value is not _NO_VALUE

    @property
    def is_null_const(self) -> bool:
        return self.is_const and self.value is None


def const(value: Any, type_: SqlType | None = None) -> Typed:
    return Typed(literal(value), type_ or type_of_value(value), value=value, non_null=value is not None)


def field(path: str) -> Typed:
    return Typed(f"${path}", SqlType.ANY, path=path)


def literal(value: Any) -> Any:
    """A constant as an aggregation expression: strings starting with $, lists and dicts are quoted."""
    if (isinstance(value, str) and value.startswith("$")) or isinstance(value, list | dict | tuple):
        return {"$literal": to_bson(list(value) if isinstance(value, tuple) else value)}
    return to_bson(value)


def to_bson(value: Any) -> Any:
    """A constant as BSON: a ``Decimal`` (SQL numeric) becomes a ``Decimal128``."""
    if isinstance(value, decimal.Decimal):
        return Decimal128(value)
    if isinstance(value, list):
        return [to_bson(v) for v in value]
    if isinstance(value, dict):
        return {k: to_bson(v) for k, v in value.items()}
    return value


def project_value(expr: Any) -> Any:
    """An expression safe as a ``$project`` value (where 1/true/false mean inclusion).

    A list is an array expression (``ARRAY[1, age]``): ``$project`` evaluates its elements. A constant
    list never gets here bare: ``literal`` quotes it."""
    if isinstance(expr, dict | list) or (isinstance(expr, str) and expr.startswith("$")):
        return expr
    return {"$literal": expr}


def type_of_value(value: Any) -> SqlType:
    if value is None:
        return SqlType.NULL
    if isinstance(value, bool):
        return SqlType.BOOL
    if isinstance(value, int):
        return SqlType.INT
    if isinstance(value, float):
        return SqlType.FLOAT
    if isinstance(value, decimal.Decimal):
        return SqlType.DECIMAL
    if isinstance(value, str):
        return SqlType.TEXT
    if isinstance(value, dt.datetime):
        return SqlType.DATE
    if isinstance(value, list | tuple):
        return SqlType.ARRAY
    return SqlType.ANY


def is_null(expr: Any) -> Any:
    """True when ``expr`` is null or missing (both are SQL NULL)."""
    return {"$eq": [{"$ifNull": [expr, None]}, None]}


def not_null(expr: Any) -> Any:
    return {"$ne": [{"$ifNull": [expr, None]}, None]}


def null_if_any_null(args: list[Typed], expr: Any) -> Any:
    """``expr``, or NULL when any non-constant argument is NULL (strict SQL functions)."""
    checks = [is_null(a.expr) for a in args if not a.is_const]
    if any(a.is_null_const for a in args):
        return None
    if not checks:
        return expr
    return {"$cond": [checks[0] if len(checks) == 1 else {"$or": checks}, None, expr]}


def is_integer(expr: Any) -> Any:
    return {"$in": [{"$type": expr}, ["int", "long"]]}


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$")


def parse_iso(text: str) -> dt.datetime | None:
    """A naive UTC datetime for an ISO date/timestamp string, else None."""
    if not ISO_DATE.match(text.strip()):
        return None
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return to_bson_datetime(value)


def to_bson_datetime(value: dt.datetime | dt.date) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    # BSON dates hold milliseconds.
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def let(variables: dict[str, Any], body: Any) -> Any:
    """``$let`` with each variable bound to NULL rather than "missing" (some servers mishandle it)."""
    return {"$let": {"vars": {k: {"$ifNull": [v, None]} for k, v in variables.items()}, "in": body}}

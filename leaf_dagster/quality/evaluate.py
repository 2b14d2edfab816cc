"""Per-value helpers for computed columns: typed views and CHECK evaluation in SQL's 3-valued logic.

The semantics follow the ``$jsonSchema`` translation in :mod:`leaf_dagster.schema.conditions`, so
the suite and the server's validator agree: a null or missing value makes a comparison UNKNOWN
(the CHECK passes); a present value of the wrong type makes it FALSE.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from bson import Decimal128

from leaf_dagster.quality.frames import MISSING
from leaf_dagster.schema import (
    And,
    Between,
    Comparison,
    Condition,
    InList,
    IsNull,
    Like,
    Not,
    Or,
    Scalar,
)

Number = int | float | Decimal


def as_number(value: Any) -> Number | None:
    """A BSON number as a Python number (Decimal128 as Decimal); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, Decimal128):
        return value.to_decimal()
    return None


def as_string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def as_length(value: Any) -> int | None:
    return len(value) if isinstance(value, list) else None


def as_scalar(value: Any) -> Any:
    """The value when it can sit in a hashed set; a placeholder naming its type otherwise."""
    if value is None:
        return None
    try:
        hash(value)
    except TypeError:
        return f"<{type(value).__name__}>"
    return value


def bson_equal(left: Any, right: Scalar) -> bool:
    """Equality as MongoDB compares BSON values: numbers by value across types, else same type."""
    left_num, right_num = as_number(left), as_number(right)
    if left_num is not None and right_num is not None:
        return left_num == right_num
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    return type(left) is type(right) and bool(left == right)


def _ordered(left: Any, op: str, right: Scalar) -> bool:
    """``left op right`` for ordering operators; FALSE when the types cannot be ordered."""
    pair: tuple[Any, Any] | None = None
    left_num, right_num = as_number(left), as_number(right)
    if left_num is not None and right_num is not None:
        pair = (left_num, right_num)
    elif (isinstance(left, str) and isinstance(right, str)) or (
        isinstance(left, datetime.datetime) and isinstance(right, datetime.datetime)
    ):
        pair = (left, right)
    if pair is None:
        return False
    a, b = pair
    return bool({"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op])


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


Row = Callable[[str], Any]
"""Reads a column (a full dotted path) of the current row; None or MISSING when absent."""


def evaluate(condition: Condition, row: Row) -> bool | None:
    """``condition`` over one row: True, False, or None (UNKNOWN)."""
    if isinstance(condition, And):
        results = [evaluate(item, row) for item in condition.items]
        if any(r is False for r in results):
            return False
        return None if any(r is None for r in results) else True
    if isinstance(condition, Or):
        results = [evaluate(item, row) for item in condition.items]
        if any(r is True for r in results):
            return True
        return None if any(r is None for r in results) else False
    if isinstance(condition, Not):
        inner = evaluate(condition.item, row)
        return None if inner is None else not inner
    value = row(condition.path)
    absent = value is None or value is MISSING
    if isinstance(condition, IsNull):
        return absent != condition.negated
    if absent:
        return None
    if isinstance(condition, Comparison):
        if condition.length:
            if not isinstance(value, str):
                return False
            return _compare(len(value), condition.op, condition.value)
        return _compare(value, condition.op, condition.value)
    if isinstance(condition, Between):
        inside = _ordered(value, ">=", condition.low) and _ordered(value, "<=", condition.high)
        if as_number(value) is None and as_number(condition.low) is not None:
            return False  # a non-number is neither inside nor outside a numeric range
        return inside != condition.negated
    if isinstance(condition, InList):
        found = any(bson_equal(value, v) for v in condition.values if v is not None)
        return found != condition.negated
    if isinstance(condition, Like):
        if not isinstance(value, str):
            return False
        matched = _regex(condition.as_regex()).search(value) is not None
        return matched != condition.negated
    raise TypeError(f"unknown condition {condition!r}")


def _compare(value: Any, op: str, literal: Scalar) -> bool:
    if op == "=":
        return bson_equal(value, literal)
    if op == "!=":
        return not bson_equal(value, literal)
    return _ordered(value, op, literal)

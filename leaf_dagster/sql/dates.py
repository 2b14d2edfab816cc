"""Dates: literals, intervals, ``date ± interval``, ``DATE_TRUNC`` and ``EXTRACT`` as PostgreSQL has them.

Timestamps are BSON dates in UTC. Constant arithmetic (``CURRENT_DATE - INTERVAL '30 days'``) is
folded at compile time so that a WHERE on a date field stays a plain, index-friendly ``$match``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bson.decimal128 import Decimal128

from leaf_dagster.sql.errors import runtime_error
from leaf_dagster.sql.values import SqlType, Typed, const, null_if_any_null

if TYPE_CHECKING:
    from sqlglot import exp

    from leaf_dagster.sql.expressions import Translator

EPOCH = dt.datetime(1970, 1, 1)
THOUSAND = Decimal128("1000")  # seconds from milliseconds, exactly (EXTRACT gives numeric)


@dataclass(frozen=True)
class Interval:
    months: int = 0
    days: int = 0
    millis: int = 0

    def negated(self) -> Interval:
        return Interval(-self.months, -self.days, -self.millis)


_UNITS: dict[str, tuple[str, int]] = {}
for _names, _kind, _factor in [
    (("millennium", "millennia", "millenniums"), "months", 12000),
    (("century", "centuries"), "months", 1200),
    (("decade", "decades"), "months", 120),
    (("year", "years", "yr", "yrs", "y"), "months", 12),
    (("quarter", "quarters"), "months", 3),
    (("month", "months", "mon", "mons"), "months", 1),
    (("week", "weeks", "w"), "days", 7),
    (("day", "days", "d"), "days", 1),
    (("hour", "hours", "hr", "hrs", "h"), "millis", 3_600_000),
    (("minute", "minutes", "min", "mins", "m"), "millis", 60_000),
    (("second", "seconds", "sec", "secs", "s"), "millis", 1000),
    (("millisecond", "milliseconds", "ms", "msec", "msecs"), "millis", 1),
]:
    for _name in _names:
        _UNITS[_name] = (_kind, _factor)

_PAIR = re.compile(r"([+-]?\s*\d+(?:\.\d+)?)\s*([a-z]+)")  # '1 month - 1 day' too
_CLOCK = re.compile(r"([+-])?(\d+):(\d{2})(?::(\d{2}(?:\.\d+)?))?")


def parse_interval(text: str, unit: str | None = None) -> Interval | None:
    """``'1 year 2 months 3 days 04:05:06'`` or ``'30'`` with unit ``day``; None when malformed."""
    text = text.strip().lower()
    if unit:
        text = f"{text} {unit.lower()}"
    months = days = 0
    millis = 0.0
    rest = text
    clock = _CLOCK.search(rest)
    if clock:
        sign = -1 if clock.group(1) == "-" else 1
        secs = float(clock.group(4) or 0)
        millis += sign * ((int(clock.group(2)) * 60 + int(clock.group(3))) * 60 + secs) * 1000
        rest = rest[: clock.start()] + rest[clock.end() :]
    matched_any = bool(clock)
    for amount, name in _PAIR.findall(rest):
        if name not in _UNITS:
            return None
        kind, factor = _UNITS[name]
        value = float(amount.replace(" ", "")) * factor
        if kind == "months":
            if value != int(value):
                return None
            months += int(value)
        elif kind == "days":
            if value != int(value):
                return None
            days += int(value)
        else:
            millis += value
        matched_any = True
    leftover = _PAIR.sub("", rest).replace("ago", "").strip()
    if not matched_any or leftover:
        return None
    if "ago" in rest:
        return Interval(-months, -days, -round(millis))
    return Interval(months, days, round(millis))


def shift_constant(value: dt.datetime, interval: Interval) -> dt.datetime:
    """PostgreSQL's timestamp + interval: months (clamped to month end), then days, then time."""
    if interval.months:
        total = value.year * 12 + value.month - 1 + interval.months
        year, month = divmod(total, 12)
        day = min(value.day, calendar.monthrange(year, month + 1)[1])
        value = value.replace(year=year, month=month + 1, day=day)
    return value + dt.timedelta(days=interval.days, milliseconds=interval.millis)


def shift_expression(date: Typed, interval: Interval) -> Typed:
    if date.is_const:
        return const(None if date.value is None else shift_constant(date.value, interval), SqlType.DATE)
    expr = date.expr
    for unit, amount in (
        ("month", interval.months),
        ("day", interval.days),
        ("millisecond", interval.millis),
    ):
        if amount:
            expr = {"$dateAdd": {"startDate": expr, "unit": unit, "amount": amount}}
    return Typed(expr, SqlType.DATE)


TRUNC_UNITS = {"second", "minute", "hour", "day", "week", "month", "quarter", "year"}


def truncate(unit: str, date: Typed) -> Typed:
    if date.is_const:
        return const(None if date.value is None else truncate_constant(unit, date.value), SqlType.DATE)
    spec: dict[str, Any] = {"date": date.expr, "unit": unit}
    if unit == "week":
        spec["startOfWeek"] = "monday"  # ISO weeks, as PostgreSQL
    return Typed({"$dateTrunc": spec}, SqlType.DATE)


def truncate_constant(unit: str, value: dt.datetime) -> dt.datetime:
    value = value.replace(microsecond=0)
    if unit == "second":
        return value
    value = value.replace(second=0)
    if unit == "minute":
        return value
    value = value.replace(minute=0)
    if unit == "hour":
        return value
    value = value.replace(hour=0)
    if unit == "day":
        return value
    if unit == "week":
        return value - dt.timedelta(days=value.weekday())
    if unit == "month":
        return value.replace(day=1)
    if unit == "quarter":
        return value.replace(day=1, month=(value.month - 1) // 3 * 3 + 1)
    return value.replace(day=1, month=1)


def _part(op: str, expr: Any) -> Any:
    return {op: expr}


EXTRACT_PARTS = {
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "second",
    "millisecond",
    "milliseconds",
    "dow",
    "isodow",
    "doy",
    "week",
    "quarter",
    "epoch",
    "isoyear",
}


def extract(part: str, date: Typed) -> Typed:
    """``EXTRACT(part FROM date)``: dow counts Sunday as 0, week and isoyear are ISO 8601."""
    e = date.expr
    simple = {
        "year": "$year",
        "month": "$month",
        "day": "$dayOfMonth",
        "hour": "$hour",
        "minute": "$minute",
        "isodow": "$isoDayOfWeek",
        "doy": "$dayOfYear",
        "week": "$isoWeek",
        "isoyear": "$isoWeekYear",
    }
    result: Any
    type_ = SqlType.INT
    if part in simple:
        result = _part(simple[part], e)
    elif part == "dow":
        result = {"$subtract": [_part("$dayOfWeek", e), 1]}
    elif part == "quarter":
        result = {"$toInt": {"$ceil": {"$divide": [_part("$month", e), 3]}}}
    elif part == "second":
        # numeric in PostgreSQL: exact thousandths (Decimal128), not 3.7279999999999998
        millis = {"$add": [{"$multiply": [_part("$second", e), 1000]}, _part("$millisecond", e)]}
        result = {"$divide": [millis, THOUSAND]}
        type_ = SqlType.NUMBER
    elif part in ("millisecond", "milliseconds"):
        result = {"$add": [{"$multiply": [_part("$second", e), 1000]}, _part("$millisecond", e)]}
    else:  # epoch
        result = {"$divide": [{"$subtract": [e, EPOCH]}, THOUSAND]}
        type_ = SqlType.NUMBER
    return Typed(null_if_any_null([date], result) if part in ("dow", "epoch") else result, type_)


def day_arithmetic(tr: Translator, node: exp.Expr, a: Typed, b: Typed, sign: int) -> Typed:
    """PostgreSQL's ``date ± integer`` (a date) and ``date - date`` (whole days, an integer)."""
    if sign < 0 and a.type == SqlType.DAY and b.type == SqlType.DAY:
        if a.is_const and b.is_const:
            if a.value is None or b.value is None:
                return const(None, SqlType.INT)
            return const((a.value - b.value).days, SqlType.INT)
        # integer, as PostgreSQL's (``$dateDiff`` gives an int64, which int4 arithmetic would widen)
        days = {"$toInt": {"$dateDiff": {"startDate": b.expr, "endDate": a.expr, "unit": "day"}}}
        return Typed(null_if_any_null([a, b], days), SqlType.INT)
    day, count = (a, b) if a.type == SqlType.DAY else (b, a)
    if count.type not in (SqlType.INT, SqlType.ANY, SqlType.NULL) or (sign < 0 and day is b):
        left, right = (day.type.value, count.type.value) if day is a else (count.type.value, day.type.value)
        raise tr.error(
            f"date arithmetic: operator does not exist: {left} {'+' if sign > 0 else '-'} {right}"
            " (date ± integer, date - date and timestamp ± interval are supported)",
            node,
        )
    if day.is_const and count.is_const:
        if day.value is None or count.value is None:
            return const(None, SqlType.DAY)
        return const(day.value + dt.timedelta(days=sign * count.value), SqlType.DAY)
    amount = count.expr if sign > 0 else {"$multiply": [count.expr, -1]}
    shifted = {"$dateAdd": {"startDate": day.expr, "unit": "day", "amount": amount}}
    return Typed(null_if_any_null([day, count], shifted), SqlType.DAY)


DAY_MILLIS = 86_400_000


def interval_millis(interval: Interval) -> int:
    """An interval as milliseconds, as PostgreSQL compares intervals: a month counts 30 days."""
    return (interval.months * 30 + interval.days) * DAY_MILLIS + interval.millis


def parse_interval_millis(text: str) -> int:
    parsed = parse_interval(text)
    if parsed is None:
        raise ValueError(f'invalid input syntax for type interval: "{text}"')
    return interval_millis(parsed)


def timestamp_difference(a: Typed, b: Typed, interval_wanted: bool = False) -> Typed | None:
    """``timestamp - timestamp``: an interval, held as milliseconds (date - date is whole days).

    A field of unknown type on one side must hold a date (or NULL) in each document; anything else
    fails on the server, as PostgreSQL has no such operator. With fields of unknown type on both
    sides the difference is an interval only where the SQL around it wants one
    (``interval_wanted``, see ``wants_interval``).
    """
    stamps = (SqlType.DATE, SqlType.DAY)
    unknown = a.type == SqlType.ANY and b.type == SqlType.ANY
    if a.type not in stamps and b.type not in stamps and not (interval_wanted and unknown):
        return None
    if a.type == SqlType.DAY and b.type == SqlType.DAY:
        return None
    if not all(x.type in (*stamps, SqlType.ANY, SqlType.NULL) for x in (a, b)):
        return None
    if a.is_null_const or b.is_null_const:
        return const(None, SqlType.INTERVAL)
    if a.is_const and b.is_const:
        delta = a.value - b.value
        return const(
            delta.days * DAY_MILLIS + delta.seconds * 1000 + delta.microseconds // 1000, SqlType.INTERVAL
        )
    result: Any = {"$subtract": [a.expr, b.expr]}
    for other in (a, b):
        if other.type == SqlType.ANY:
            ok = {"$in": [{"$type": other.expr}, ["date", "null", "missing"]]}
            message = "operator does not exist: timestamp - a value that is not a timestamp"
            result = {"$cond": [ok, result, runtime_error(message, other.expr)]}
    return Typed(result, SqlType.INTERVAL)


def wants_interval(node: exp.Expr) -> bool:
    """Whether ``a - b`` stands where only an interval fits, so that it can only be ``timestamp -
    timestamp`` when ``a`` and ``b`` are fields of unknown type (PostgreSQL resolves it from their
    declared types): the argument of ``EXTRACT``/``date_part`` (which takes no number), or compared
    with an interval (``shippedAt - createdAt <= INTERVAL '2 days'``), directly or through
    SUM/AVG/MIN/MAX (``AVG(b - a) > INTERVAL '1 day'``)."""
    from sqlglot import exp

    child, parent = node, node.parent
    while isinstance(parent, exp.Paren):
        child, parent = parent, parent.parent
    if isinstance(parent, exp.Extract):
        return parent.expression is child
    if isinstance(parent, exp.Sum | exp.Avg | exp.Min | exp.Max) and parent.this is child:
        return wants_interval(parent)  # an aggregate of intervals is an interval where one fits
    if isinstance(parent, exp.EQ | exp.NEQ | exp.GT | exp.GTE | exp.LT | exp.LTE):
        other = parent.expression if parent.this is child else parent.this
        return _is_interval(other)
    if isinstance(parent, exp.Between) and parent.this is child:
        return _is_interval(parent.args.get("low")) or _is_interval(parent.args.get("high"))
    return False


def _is_interval(node: exp.Expr | None) -> bool:
    from sqlglot import exp

    while isinstance(node, exp.Paren | exp.Neg):
        node = node.this
    if isinstance(node, exp.Cast):
        return node.to.is_type(exp.DataType.Type.INTERVAL)
    return isinstance(node, exp.Interval)


INTERVAL_PARTS = {
    "epoch",
    "year",
    "month",
    "quarter",
    "day",
    "hour",
    "minute",
    "second",
    "millisecond",
    "milliseconds",
}


def extract_interval(part: str, interval: Typed) -> Typed:
    """EXTRACT from an interval of days and a time of day (a timestamp difference: PostgreSQL
    justifies its hours, so days and time share the sign of the whole), held as milliseconds."""
    from leaf_dagster.sql.date_functions import day_time_only, interval_part

    ms = interval.expr
    day = {"$toLong": {"$trunc": [{"$divide": [ms, DAY_MILLIS]}, 0]}}
    found = interval_part(part, 0, day, {"$mod": [ms, DAY_MILLIS]})
    assert found is not None
    result, type_ = found
    if part == "epoch":
        result = {"$divide": [ms, THOUSAND]}
    return Typed(day_time_only(interval, null_if_any_null([interval], result)), type_)

"""``AGE``, ``MAKE_DATE``, ``MAKE_TIMESTAMP`` and ``DATE_BIN`` as PostgreSQL 15 computes them.

Intervals (see ``dates``) are held as milliseconds, the value PostgreSQL compares and groups them
by (a month counts 30 days, a day 24 hours). A difference of timestamps has only days and a time of
day (PostgreSQL justifies its hours), which the milliseconds give back exactly: it is held as an
integer. An interval with months (``AGE``, ``INTERVAL '1 month'``) or unjustified hours
(``INTERVAL '25 hours'``) cannot be taken apart from its milliseconds, so it is held as a double:
it compares, sorts and groups the same, and ``EXTRACT`` from it fails (at run time when it passed
through a CTE or an aggregate) instead of giving a wrong field. ``EXTRACT(… FROM AGE(…))`` and
``EXTRACT(… FROM INTERVAL '…')`` read the fields directly and are exact.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from leaf_dagster.sql import dates, literals
from leaf_dagster.sql.dates import DAY_MILLIS, THOUSAND
from leaf_dagster.sql.errors import runtime_error
from leaf_dagster.sql.values import NUMERIC, SqlType, Typed, const, is_integer, let, null_if_any_null

if TYPE_CHECKING:
    from leaf_dagster.sql.expressions import Translator

STAMPS = (SqlType.DATE, SqlType.DAY, SqlType.ANY, SqlType.NULL)
INTEGERS = (SqlType.INT, SqlType.NUMBER, SqlType.ANY, SqlType.NULL)  # NUMBER, ANY: checked per value
YEAR_MILLIS = 31_557_600_000  # PostgreSQL's EXTRACT(EPOCH …) counts a year as 365.25 days
MONTH_MILLIS = 30 * DAY_MILLIS
_MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def _typed(tr: Translator, node: exp.Expr, type_: SqlType) -> Typed:
    """An argument declared as ``type_``: a quoted literal is read as one, as in PostgreSQL."""
    value = tr.translate(node)
    if value.untyped:
        return literals.argument(value, type_, tr.conditions.failure(node))
    return value


def _stamp(tr: Translator, node: exp.Expr, what: str) -> Typed:
    value = _typed(tr, node, SqlType.DATE)
    if value.type not in STAMPS:
        raise tr.error(f"{what} does not apply to {value.type.value}", node)
    return value


def _args(tr: Translator, node: exp.Expr, counts: tuple[int, ...], name: str) -> list[exp.Expr]:
    args = list(node.expressions)
    if len(args) not in counts:
        raise tr.error(f"{name} takes {' or '.join(map(str, counts))} arguments", node)
    return args


# ------------------------------------------------------------------------------------------ AGE


def _leap(year: Any) -> Any:
    return {
        "$or": [
            {"$and": [{"$eq": [{"$mod": [year, 4]}, 0]}, {"$ne": [{"$mod": [year, 100]}, 0]}]},
            {"$eq": [{"$mod": [year, 400]}, 0]},
        ]
    }


def _month_days(year: Any, month: Any) -> Any:
    base = {"$arrayElemAt": [_MONTH_DAYS, {"$subtract": [month, 1]}]}
    extra = {"$cond": [{"$and": [{"$eq": [month, 2]}, _leap(year)]}, 1, 0]}
    return {"$add": [base, extra]}


_FIELDS = ("millisecond", "second", "minute", "hour", "day", "month", "year")


def age_parts(x: Any, y: Any) -> Any:
    """PostgreSQL's ``age(x, y)`` as ``{m: months, d: days, t: milliseconds}`` (``timestamp_age``):
    field-by-field differences of the later and the earlier timestamp, each negative field borrowing
    from the next (a day borrows the length of the earlier timestamp's month), signed as ``x - y``."""
    ordered = {"n": {"$lt": [x, y]}}
    parts = {
        "h": {"$dateToParts": {"date": {"$cond": ["$$n", y, x]}}},
        "l": {"$dateToParts": {"date": {"$cond": ["$$n", x, y]}}},
    }
    names = {f: f"f0{f}" for f in _FIELDS}
    body_vars = {names[f]: {"$subtract": [f"$$h.{f}", f"$$l.{f}"]} for f in _FIELDS}
    steps: list[tuple[str, str, Any]] = [
        ("millisecond", "second", 1000),
        ("second", "minute", 60),
        ("minute", "hour", 60),
        ("hour", "day", 24),
        ("day", "month", _month_days("$$l.year", "$$l.month")),
        ("month", "year", 12),
    ]
    levels: list[dict[str, Any]] = [body_vars]
    for i, (low, high, size) in enumerate(steps, 1):
        short = {"$lt": [f"$${names[low]}", 0]}
        new_low, new_high = f"f{i}{low}", f"f{i}{high}"
        levels.append(
            {
                new_low: {"$cond": [short, {"$add": [f"$${names[low]}", size]}, f"$${names[low]}"]},
                new_high: {"$cond": [short, {"$subtract": [f"$${names[high]}", 1]}, f"$${names[high]}"]},
            }
        )
        names[low], names[high] = new_low, new_high
    v = {f: f"$${names[f]}" for f in _FIELDS}
    sign = {"$cond": ["$$n", -1, 1]}
    time = {
        "$add": [
            {
                "$multiply": [
                    {
                        "$add": [
                            {"$multiply": [{"$add": [{"$multiply": [v["hour"], 60]}, v["minute"]]}, 60]},
                            v["second"],
                        ]
                    },
                    1000,
                ]
            },
            v["millisecond"],
        ]
    }
    result: Any = {
        "m": {"$multiply": [sign, {"$add": [{"$multiply": [v["year"], 12]}, v["month"]]}]},
        "d": {"$multiply": [sign, v["day"]]},
        "t": {"$multiply": [sign, time]},
    }
    for level in reversed(levels):
        result = let(level, result)
    return let(ordered, let(parts, result))


def _age_operands(tr: Translator, node: exp.Expr) -> list[Typed]:
    args = _args(tr, node, (1, 2), "AGE")
    values = [_stamp(tr, a, "AGE") for a in args]
    if len(values) == 1:  # age(x): from midnight of the current date, as PostgreSQL
        values.insert(0, const(dates.truncate_constant("day", tr.ctx.now), SqlType.DATE))
    return values


def _with_age(values: list[Typed], body: Any) -> Any:
    """``body`` reading ``$$a.m``, ``$$a.d``, ``$$a.t``; NULL when an operand is NULL."""
    x, y = values
    expr = let({"x": x.expr, "y": y.expr}, let({"a": age_parts("$$x", "$$y")}, body))
    return null_if_any_null(values, expr)


def interval_key(months: Any, days: Any, millis: Any) -> Any:
    return {"$add": [{"$multiply": [{"$add": [{"$multiply": [months, 30]}, days]}, DAY_MILLIS]}, millis]}


def age(tr: Translator, node: exp.Expr) -> Typed:
    values = _age_operands(tr, node)
    if any(v.is_null_const for v in values):
        return const(None, SqlType.INTERVAL)
    key = {"$toDouble": interval_key("$$a.m", "$$a.d", "$$a.t")}
    return Typed(_with_age(values, key), SqlType.INTERVAL)


def interval_part(part: str, months: Any, days: Any, millis: Any) -> tuple[Any, SqlType] | None:
    """PostgreSQL's ``EXTRACT(part FROM interval)`` from the interval's fields (``interval2tm``)."""
    whole = lambda x, n: {"$toLong": {"$trunc": [{"$divide": [x, n]}, 0]}}  # noqa: E731
    if part == "epoch":
        total = {
            "$add": [
                {"$multiply": [whole(months, 12), YEAR_MILLIS]},
                {"$multiply": [{"$mod": [months, 12]}, MONTH_MILLIS]},
                {"$multiply": [days, DAY_MILLIS]},
                millis,
            ]
        }
        return {"$divide": [total, THOUSAND]}, SqlType.NUMBER
    table: dict[str, tuple[Any, SqlType]] = {
        "year": (whole(months, 12), SqlType.INT),
        "month": ({"$mod": [months, 12]}, SqlType.INT),
        "quarter": ({"$add": [whole({"$mod": [months, 12]}, 3), 1]}, SqlType.INT),
        "day": (days, SqlType.INT),
        "hour": (whole(millis, 3_600_000), SqlType.INT),
        "minute": (whole({"$mod": [millis, 3_600_000]}, 60_000), SqlType.INT),
        "second": ({"$divide": [{"$mod": [millis, 60_000]}, THOUSAND]}, SqlType.NUMBER),
        "millisecond": ({"$mod": [millis, 60_000]}, SqlType.INT),
        "milliseconds": ({"$mod": [millis, 60_000]}, SqlType.INT),
    }
    return table.get(part)


def _fold_part(part: str, interval: dates.Interval) -> Any:
    """The same, on a constant interval, in Python."""
    m, d, t = interval.months, interval.days, interval.millis
    trunc = lambda x, n: abs(x) // n * (1 if x >= 0 else -1)  # noqa: E731
    rem = lambda x, n: x - trunc(x, n) * n  # noqa: E731
    values: dict[str, Any] = {
        "epoch": Decimal(trunc(m, 12) * YEAR_MILLIS + rem(m, 12) * MONTH_MILLIS + d * DAY_MILLIS + t) / 1000,
        "year": trunc(m, 12),
        "month": rem(m, 12),
        "quarter": trunc(rem(m, 12), 3) + 1,
        "day": d,
        "hour": trunc(t, 3_600_000),
        "minute": trunc(rem(t, 3_600_000), 60_000),
        "second": Decimal(rem(t, 60_000)) / 1000,
        "millisecond": rem(t, 60_000),
        "milliseconds": rem(t, 60_000),
    }
    return values.get(part)


def extract_special(tr: Translator, part: str, node: exp.Expr) -> Typed | None:
    """``EXTRACT(part FROM AGE(…))`` and ``EXTRACT(part FROM INTERVAL '…')``, from their fields."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Interval):
        unit = node.args.get("unit")
        text = node.this.name if isinstance(node.this, exp.Literal) else None
        parsed = dates.parse_interval(text, unit.name if unit else None) if text is not None else None
        if parsed is None:
            raise tr.error("malformed or unsupported interval", node, "INTERVAL")
        value = _fold_part(part, parsed)
        if value is None:
            raise tr.error(f"EXTRACT part {part!r} of an interval is not supported", node)
        return const(value, SqlType.NUMBER if isinstance(value, Decimal) else SqlType.INT)
    if isinstance(node, exp.Anonymous) and str(node.this).upper() == "AGE":
        values = _age_operands(tr, node)
        found = interval_part(part, "$$a.m", "$$a.d", "$$a.t")
        if found is None:
            raise tr.error(f"EXTRACT part {part!r} of an interval is not supported", node)
        if any(v.is_null_const for v in values):
            return const(None, found[1])
        return Typed(_with_age(values, found[0]), found[1])
    return None


def day_time_only(interval: Typed, result: Any) -> Any:
    """``result`` when ``interval`` holds days and a time of day only (an integer), else a failure."""
    if interval.is_const:
        return result
    message = (
        "EXTRACT from an interval with months or unjustified hours (AGE or an INTERVAL of months) is"
        " only supported directly on AGE(...) or an INTERVAL literal"
    )
    bad = {"$eq": [{"$type": interval.expr}, "double"]}
    return {"$cond": [bad, runtime_error(message, interval.expr), result]}


def interval_constant(interval: dates.Interval) -> Typed:
    """A constant interval's milliseconds: an integer when they give its fields back, else a double."""
    millis = dates.interval_millis(interval)
    days, rest = divmod(abs(millis), DAY_MILLIS)
    sign = 1 if millis >= 0 else -1
    justified = interval.months == 0 and (interval.days, interval.millis) == (sign * days, sign * rest)
    return const(millis if justified else float(millis), SqlType.INTERVAL)


# ------------------------------------------------------------------------- MAKE_DATE, MAKE_TIMESTAMP

_OUT_OF_RANGE = "date field value out of range (MAKE_DATE/MAKE_TIMESTAMP; years 1 to 9999)"


def _integers(tr: Translator, node: exp.Expr, args: list[exp.Expr], name: str) -> list[Typed]:
    values = [_typed(tr, a, SqlType.INT) for a in args]
    for arg, value in zip(args, values, strict=True):
        if value.type not in INTEGERS:
            raise tr.error(f"{name} takes integers, not {value.type.value}", arg)
    return values


def _valid_date(y: Any, m: Any, d: Any) -> Any:
    in_range = [
        {"$gte": [y, 1]},
        {"$lte": [y, 9999]},
        {"$gte": [m, 1]},
        {"$lte": [m, 12]},
        {"$gte": [d, 1]},
    ]
    checks = [*in_range, {"$lte": [d, _month_days(y, m)]}]
    # $and stops at the first false, so the month table is only read for a month in 1..12.
    return {"$and": checks}


def _all_integers(values: list[Typed]) -> Any:
    unknown = [is_integer(v.expr) for v in values if v.type in (SqlType.ANY, SqlType.NUMBER)]
    return {"$and": unknown} if unknown else True


def _fold_date(tr: Translator, node: exp.Expr, y: int, m: int, d: int) -> dt.datetime:
    if not (1 <= y <= 9999 and 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]):
        raise tr.error(f"date field value out of range: {y}-{m:02d}-{d:02d}", node)
    return dt.datetime(y, m, d)


def make_date(tr: Translator, node: exp.Expr) -> Typed:
    values = _integers(tr, node, _args(tr, node, (3,), "MAKE_DATE"), "MAKE_DATE")
    if any(v.is_null_const for v in values):
        return const(None, SqlType.DAY)
    if all(v.is_const for v in values):
        return const(_fold_date(tr, node, *(v.value for v in values)), SqlType.DAY)
    y, m, d = "$$y", "$$m", "$$d"
    built = {"$dateFromParts": {"year": y, "month": m, "day": d}}
    ok = {"$and": [_all_integers(values), _valid_date(y, m, d)]}
    body = {"$cond": [ok, built, runtime_error(_OUT_OF_RANGE, y)]}
    expr = let({"y": values[0].expr, "m": values[1].expr, "d": values[2].expr}, body)
    return Typed(null_if_any_null(values, expr), SqlType.DAY)


_TIME_RANGE = "time field value out of range (MAKE_TIMESTAMP)"
_SUB_MILLI = "MAKE_TIMESTAMP seconds beyond milliseconds: BSON dates hold milliseconds"


def make_timestamp(tr: Translator, node: exp.Expr) -> Typed:
    args: list[exp.Expr]
    if isinstance(node, exp.TimestampFromParts):  # sqlglot's reading of MAKE_TIMESTAMP
        args = [a for a in (node.args.get(k) for k in ("year", "month", "day", "hour", "min", "sec")) if a]
        if len(args) != 6:
            raise tr.error("MAKE_TIMESTAMP takes 6 arguments", node)
    else:
        args = _args(tr, node, (6,), "MAKE_TIMESTAMP")
    values = _integers(tr, node, args[:5], "MAKE_TIMESTAMP")
    sec = _typed(tr, args[5], SqlType.FLOAT)
    if sec.type not in NUMERIC and sec.type not in (SqlType.ANY, SqlType.NULL):
        raise tr.error(f"MAKE_TIMESTAMP seconds must be a number, not {sec.type.value}", args[5])
    every = [*values, sec]
    if any(v.is_null_const for v in every):
        return const(None, SqlType.DATE)
    if all(v.is_const for v in every):
        y, m, d, hour, minute = (v.value for v in values)
        micros = round(float(sec.value) * 1_000_000)  # rint, as PostgreSQL (Python rounds half to even)
        seconds = micros / 1_000_000
        if not (0 <= hour <= 24 and 0 <= minute <= 59 and 0 <= seconds <= 60) or (
            hour == 24 and (minute or seconds)
        ):
            raise tr.error(f"time field value out of range: {hour}:{minute:02d}:{seconds:02g}", node)
        if micros % 1000:
            raise tr.error(_SUB_MILLI, node)
        day = _fold_date(tr, node, y, m, d)
        moment = day + dt.timedelta(hours=hour, minutes=minute, milliseconds=micros // 1000)
        return const(moment, SqlType.DATE)
    names = ("y", "mo", "d", "h", "mi")
    micros_expr = {"$round": [{"$multiply": [{"$toDouble": sec.expr}, 1_000_000.0]}, 0]}
    time_ok = {
        "$and": [
            {"$gte": ["$$h", 0]},
            {"$gte": ["$$mi", 0]},
            {"$lte": ["$$mi", 59]},
            {"$gte": ["$$us", 0]},
            {"$lte": ["$$us", 60_000_000]},
            {"$lte": ["$$h", 24]},
            {"$or": [{"$lt": ["$$h", 24]}, {"$and": [{"$eq": ["$$mi", 0]}, {"$eq": ["$$us", 0]}]}]},
        ]
    }
    built = {
        "$add": [
            {"$dateFromParts": {"year": "$$y", "month": "$$mo", "day": "$$d"}},
            {"$multiply": ["$$h", 3_600_000]},
            {"$multiply": ["$$mi", 60_000]},
            {"$toLong": {"$divide": ["$$us", 1000]}},
        ]
    }
    body = {
        "$cond": [
            {"$and": [_all_integers(values), _valid_date("$$y", "$$mo", "$$d")]},
            {
                "$cond": [
                    time_ok,
                    {
                        "$cond": [
                            {"$eq": [{"$mod": ["$$us", 1000]}, 0]},
                            built,
                            runtime_error(_SUB_MILLI, "$$y"),
                        ]
                    },
                    runtime_error(_TIME_RANGE, "$$y"),
                ]
            },
            runtime_error(_OUT_OF_RANGE, "$$y"),
        ]
    }
    bound = {n: v.expr for n, v in zip(names, values, strict=True)}
    expr = let(bound, let({"us": micros_expr}, body))
    return Typed(null_if_any_null(every, expr), SqlType.DATE)


# --------------------------------------------------------------------------------------- DATE_BIN


def date_bin(tr: Translator, node: exp.Expr) -> Typed:
    """``DATE_BIN(stride, ts, origin)``: the start of ts's bin, bins of ``stride`` from ``origin``
    (PostgreSQL 15's ``timestamp_bin``, also for an origin in the future)."""
    stride_node = node.this
    while isinstance(stride_node, exp.Paren):
        stride_node = stride_node.this
    if not isinstance(stride_node, exp.Interval):
        raise tr.error("DATE_BIN needs a constant INTERVAL '...' stride", node)
    unit = stride_node.args.get("unit")
    text = stride_node.this.name if isinstance(stride_node.this, exp.Literal) else None
    stride = dates.parse_interval(text, unit.name if unit else None) if text is not None else None
    if stride is None:
        raise tr.error("malformed or unsupported interval", stride_node, "INTERVAL")
    if stride.months:
        raise tr.error("timestamps cannot be binned into intervals containing months or years", node)
    size = stride.days * DAY_MILLIS + stride.millis
    if size <= 0:
        raise tr.error("stride must be greater than zero", node)
    origin_node = node.args.get("origin") or node.args.get("unit")
    if isinstance(origin_node, exp.Var):  # sqlglot reads a column or a quoted literal there as a unit
        from leaf_dagster.sql.to_char import last_argument

        written = last_argument(tr, node)
        if len(written) != 1 or written[0].text.upper() != origin_node.name.upper():
            raise tr.error(
                "DATE_BIN origin: write a column as table.column or CAST(column AS TIMESTAMP)", node
            )
        quoted = tr.ctx.source.sql[written[0].start] == "'"
        origin_node = exp.Literal.string(written[0].text) if quoted else exp.column(written[0].text)
    if origin_node is None:
        raise tr.error("DATE_BIN needs an origin: DATE_BIN(stride, ts, origin)", node)
    source = _stamp(tr, node.expression, "DATE_BIN")
    origin = _stamp(tr, origin_node, "DATE_BIN")
    if source.is_null_const or origin.is_null_const:
        return const(None, SqlType.DATE)
    diff = {"$subtract": ["$$s", "$$o"]}
    delta = {"$subtract": ["$$g", "$$r"]}
    # Rounded down, also before the origin, as the PostgreSQL 15.18 oracle does (a timestamp on a
    # bin boundary before the origin is its own bin's start).
    inside = {"$and": [{"$lt": ["$$g", 0]}, {"$ne": ["$$r", 0]}]}
    shifted = {"$cond": [inside, {"$subtract": [delta, size]}, delta]}
    body = let({"g": diff}, let({"r": {"$mod": ["$$g", size]}}, {"$add": ["$$o", shifted]}))
    expr = let({"s": source.expr, "o": origin.expr}, body)
    return Typed(null_if_any_null([source, origin], expr), SqlType.DATE)


ANONYMOUS = {"AGE": age, "MAKE_DATE": make_date, "MAKE_TIMESTAMP": make_timestamp}


def date_call(tr: Translator, node: exp.Expr) -> Typed:
    """``DATE(x)`` (Looker writes it): PostgreSQL's function-style spelling of ``CAST(x AS DATE)``."""
    if node.expressions or node.this is None:
        raise tr.error("DATE takes one argument", node)
    return tr.translate(exp.Cast(this=node.this.copy(), to=exp.DataType.build("date")))


def to_timestamp_text(tr: Translator, node: exp.Expr) -> Typed:
    """``TO_TIMESTAMP(text, format)`` and ``TO_DATE(text, format)`` of constants (BI tools write their
    date filters so), folded at compile time. sqlglot gives the format as strftime directives; a text
    that strptime does not read exactly with it is refused rather than guessed (PostgreSQL's reading
    is more lenient), and so is a value computed per row."""
    name = "TO_DATE" if isinstance(node, exp.StrToDate) else "TO_TIMESTAMP"
    text, fmt = node.this, node.args.get("format")
    if not (isinstance(text, exp.Literal) and text.is_string and isinstance(fmt, exp.Literal)):
        raise tr.error(f"{name} of anything but a quoted text and format is not supported", node)
    try:
        moment = dt.datetime.strptime(text.this, fmt.this)
    except ValueError:
        raise tr.error(f"{name} with this text and format is not supported", node) from None
    if name == "TO_DATE":
        return const(dt.datetime(moment.year, moment.month, moment.day), SqlType.DAY)
    if moment.microsecond % 1000:
        raise tr.error("TO_TIMESTAMP beyond milliseconds: BSON dates hold milliseconds", node)
    return const(moment, SqlType.DATE)  # timestamptz in PostgreSQL: the same instant in UTC

"""IANA time zones: ``AT TIME ZONE`` and ``DATE_TRUNC(unit, ts, zone)`` as PostgreSQL computes them.

A BSON date is a PostgreSQL ``timestamp`` (without time zone); the session time zone is UTC, so a
``timestamptz`` is the same BSON date (the instant, read in UTC). Two conversions, built only on
``$dateToParts`` with a ``timezone`` (an instant's wall clock in a zone, which is unambiguous):

- ``local(instant, zone)``: the wall clock, as a BSON date read in UTC;
- ``instant(wall, zone)``: the instant a wall-clock time names, with PostgreSQL's rule for a time a
  transition skips (the offset before it: 02:30 on a spring-forward night is 03:30 after) or
  repeats (the offset after it: the later of the two instants) — ``DetermineTimeZoneOffset``.

Which conversion ``x AT TIME ZONE z`` is depends on whether ``x`` is a timestamp or a timestamptz,
which the BSON value cannot tell: ``timestamp_kind`` reads it from the syntax, and refuses
expressions it cannot classify (a column of a CTE may hold either).
"""

from __future__ import annotations

import functools
import zoneinfo
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from leaf_dagster.sql.paths import segments
from leaf_dagster.sql.values import SqlType, Typed, const, let, null_if_any_null

if TYPE_CHECKING:
    from leaf_dagster.sql.expressions import Translator

DAY_MILLIS = 86_400_000
UTC_NAMES = {"utc": "UTC", "gmt": "UTC", "etc/utc": "UTC", "etc/gmt": "UTC", "zulu": "UTC", "etc/zulu": "UTC"}
SUB_DAY_UNITS = {"second", "minute", "hour"}


@functools.cache
def _iana_names() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones() if "/" in name}


def zone_name(tr: Translator, node: exp.Expr) -> str:
    """The IANA name of a constant zone argument; PostgreSQL matches names case-insensitively.

    Abbreviations (``'CET'``, ``'EST'``) and POSIX offsets (``'UTC+2'``) are refused: PostgreSQL
    reads them as fixed offsets (with POSIX's inverted sign), not as the IANA zones of that name."""
    value = tr.translate(node)
    if not value.is_const or not isinstance(value.value, str):
        raise tr.error("the time zone must be a constant string (an IANA name such as 'Europe/Paris')", node)
    text = value.value.strip()
    found = UTC_NAMES.get(text.lower()) or _iana_names().get(text.lower())
    if found is None:
        raise tr.error(
            f"unknown or unsupported time zone {value.value!r}: use an IANA name such as"
            " 'Europe/Paris' or 'UTC' (abbreviations and POSIX offsets are not supported)",
            node,
        )
    return found


def local(instant: Any, zone: str) -> Any:
    """The wall clock of ``instant`` in ``zone``, as a BSON date read in UTC."""
    if zone == "UTC":
        return instant
    p = {"$dateToParts": {"date": instant, "timezone": zone}}
    names = ("year", "month", "day", "hour", "minute", "second", "millisecond")
    return let({"p": p}, {"$dateFromParts": {n: f"$$p.{n}" for n in names}})


def _offset(instant: Any, zone: str) -> Any:
    """The UTC offset of ``zone`` at ``instant``, in milliseconds."""
    return {"$subtract": [local(instant, zone), instant]}


def instant(wall: Any, zone: str) -> Any:
    """The instant the wall-clock time ``wall`` (a BSON date read in UTC) names in ``zone``.

    Offsets a day before and after give the two candidates (zones have no two transitions within
    48 hours, PostgreSQL assumes the same); the later one wins when it is valid (a repeated time),
    else the earlier one (a valid one, or a skipped time read with the offset before the gap)."""
    if zone == "UTC":
        return wall
    before = _offset({"$subtract": ["$$w", DAY_MILLIS]}, zone)
    after = _offset({"$add": ["$$w", DAY_MILLIS]}, zone)
    candidates = {"a": {"$subtract": ["$$w", "$$o1"]}, "b": {"$subtract": ["$$w", "$$o2"]}}
    valid_later = {"$eq": [_offset("$$b", zone), "$$o2"]}
    pick = let(candidates, {"$cond": [valid_later, "$$b", "$$a"]})
    return let({"w": wall}, let({"o1": before, "o2": after}, pick))


def truncate(unit: str, value: Typed, zone: str) -> Typed:
    """``DATE_TRUNC(unit, ts, zone)``: truncated on the wall clock of ``zone``; a timestamptz.

    As PostgreSQL: units of a day or more take the offset of the truncated wall-clock time (a
    midnight a transition skips is read before the gap); smaller units keep the input's offset."""
    spec: dict[str, Any] = {"date": "$$l", "unit": unit}
    if unit == "week":
        spec["startOfWeek"] = "monday"
    truncated = {"$dateTrunc": spec}
    if unit in SUB_DAY_UNITS:
        body: Any = {"$subtract": ["$$u", {"$subtract": ["$$l", truncated]}]}
    else:
        body = instant(truncated, zone)
    expr = let({"u": value.expr}, let({"l": local("$$u", zone)}, body))
    return Typed(null_if_any_null([value], expr), SqlType.DATE)


TIMESTAMP, TIMESTAMPTZ = "timestamp", "timestamp with time zone"
_TZ_TYPES = {exp.DataType.Type.TIMESTAMPTZ, exp.DataType.Type.TIMESTAMPLTZ}
_PLAIN_TYPES = {exp.DataType.Type.TIMESTAMP, exp.DataType.Type.DATETIME}
_NOW_TZ = {"NOW", "TRANSACTION_TIMESTAMP", "STATEMENT_TIMESTAMP"}


def timestamp_kind(tr: Translator, node: exp.Expr) -> str | None:
    """``TIMESTAMP`` or ``TIMESTAMPTZ`` for what PostgreSQL would type ``node``; None when unknown."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Column):
        _, relation, _ = tr.ctx.scope.locate(segments(node, tr.ctx.source), node, tr.ctx.source)
        collection = relation.columns is None and relation.element is None
        return TIMESTAMP if collection else None  # a CTE's column may hold a timestamptz
    if isinstance(node, exp.Cast):
        to = node.args["to"].this
        return TIMESTAMPTZ if to in _TZ_TYPES else TIMESTAMP if to in _PLAIN_TYPES else None
    if isinstance(node, exp.AtTimeZone):
        inner = timestamp_kind(tr, node.this)
        return None if inner is None else TIMESTAMP if inner == TIMESTAMPTZ else TIMESTAMPTZ
    if isinstance(node, exp.TimestampTrunc | exp.DateTrunc):
        if node.args.get("zone") is not None:
            return TIMESTAMPTZ
        return timestamp_kind(tr, node.this)
    if isinstance(node, exp.CurrentTimestamp):
        return TIMESTAMPTZ
    if isinstance(node, exp.Anonymous) and not node.expressions:
        name = str(node.this).upper()
        return TIMESTAMPTZ if name in _NOW_TZ else TIMESTAMP if name == "LOCALTIMESTAMP" else None
    if isinstance(node, exp.TimestampFromParts | exp.DateBin):
        return TIMESTAMP
    return None


def at_time_zone(tr: Translator, node: exp.Expr) -> Typed:
    """``x AT TIME ZONE z``: a timestamp becomes the timestamptz of that wall clock in ``z``; a
    timestamptz becomes its wall clock in ``z`` (a timestamp)."""
    zone = zone_name(tr, node.args["zone"])
    kind = timestamp_kind(tr, node.this)
    if kind is None:
        raise tr.error(
            "AT TIME ZONE needs a timestamp whose kind is known: a column of a collection,"
            " CAST(... AS TIMESTAMP) or CAST(... AS TIMESTAMPTZ), DATE_TRUNC or another AT TIME ZONE"
            " (write CAST(x AS TIMESTAMP) AT TIME ZONE ... for a CTE's column or an expression)",
            node,
        )
    value = tr.translate(node.this)
    if value.type not in (SqlType.DATE, SqlType.ANY, SqlType.NULL):
        raise tr.error(f"AT TIME ZONE does not apply to {value.type.value}", node)
    if value.is_null_const:
        return const(None, SqlType.DATE)
    converted = instant("$$x", zone) if kind == TIMESTAMP else local("$$x", zone)
    return Typed(null_if_any_null([value], let({"x": value.expr}, converted)), SqlType.DATE)

"""PostgreSQL's untyped ('unknown') literals: a quoted literal takes the type of what it meets.

``age = '30'`` compares with the integer 30, ``COALESCE(age, '0')`` returns an integer, and
``ts >= '2024-09-02'`` compares with a timestamp. A literal that does not spell a value of that type
is an error, as in PostgreSQL (``age = 'abc'``). Every position that can hold an untyped literal
(comparison operands, IN lists, BETWEEN bounds, CASE/COALESCE/GREATEST/LEAST/NULLIF arguments)
goes through ``resolve``.

The type a literal takes comes from the other operands. A statically typed operand (a CAST, a
field with a catalog type, an arithmetic result) fixes it at compile time. A document field without
a catalog type has a type only per value: the literal becomes a ``$switch`` on the BSON type of the
operand in the current document, with an error branch for each BSON type the literal cannot be
read as. When every other operand is NULL in a document (the literal of ``COALESCE(age, '0')``),
the field's type probed once per query from the collection decides (``probes``; text for a field
that is NULL everywhere); where no probe can be made, the literal's own shape: a number, else a
timestamp, else text.

A CASE/COALESCE/GREATEST/LEAST/NULLIF of quoted literals only is text (PostgreSQL: "if all inputs
are of type unknown, resolve as type text"), and stays text in any outer context: operands of two
type categories have no operator (``comparable``), and a field of unknown type beside such a text
value fails per value where it is not text (``as_text``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from bson.decimal128 import Decimal128
from bson.int64 import Int64

from leaf_dagster.sql.errors import runtime_error
from leaf_dagster.sql.probes import NO_TYPE, NUMBERS, Derived, Origin, active, derived, settle
from leaf_dagster.sql.values import SqlType, Typed, const, parse_iso

INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")
NUMBER = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
_SPECIAL_FLOATS = {"nan": float("nan"), "infinity": float("inf"), "+infinity": float("inf"),
                   "-infinity": float("-inf"), "inf": float("inf"), "+inf": float("inf"),
                   "-inf": float("-inf")}  # fmt: skip


NUMBER_TYPES = set(NUMBERS)  # what arithmetic, SUM and AVG of numbers give


class Unreadable(ValueError):
    """The literal does not spell a value of the type it meets."""


class UnsupportedArray(ValueError):
    """An array literal beyond the exact subset read here (nested arrays, dimension decorations)."""


_DIMENSIONS = re.compile(r"^\s*\[")


def parse_array(text: str) -> list[str | None]:
    """The element texts of a one-dimensional array literal (``'{a,"b c",NULL}'``; NULL for a bare
    NULL): PostgreSQL's array input for the subset of its syntax read exactly here. Raises
    ``Unreadable`` for what PostgreSQL rejects and ``UnsupportedArray`` for what it would read but
    this does not (nested braces, ``[1:2]=`` dimensions, backslashes outside quotes)."""
    body = text.strip()
    if _DIMENSIONS.match(body):
        raise UnsupportedArray("an array literal with dimension decorations")
    if not body.startswith("{") or not body.endswith("}") or len(body) < 2:
        raise Unreadable(f'malformed array literal: "{text}"')
    inner = body[1:-1]
    if not inner.strip():
        return []
    items: list[str | None] = []
    i, n = 0, len(inner)
    while True:
        while i < n and inner[i].isspace():
            i += 1
        if i < n and inner[i] == "{":
            raise UnsupportedArray("a nested array literal")
        if i < n and inner[i] == '"':
            i += 1
            chars: list[str] = []
            while i < n and inner[i] != '"':
                if inner[i] == "\\" and i + 1 < n:
                    i += 1
                chars.append(inner[i])
                i += 1
            if i >= n:
                raise Unreadable(f'malformed array literal: "{text}"')
            i += 1
            while i < n and inner[i].isspace():
                i += 1
            items.append("".join(chars))
        else:
            start = i
            while i < n and inner[i] not in ',"{}\\':
                i += 1
            if i < n and inner[i] == "\\":
                raise UnsupportedArray("a backslash outside quotes in an array literal")
            if i < n and inner[i] in '"{}':
                if inner[i] == "{":
                    raise UnsupportedArray("a nested array literal")
                raise Unreadable(f'malformed array literal: "{text}"')
            word = inner[start:i].strip()
            if not word:
                raise Unreadable(f'malformed array literal: "{text}"')
            items.append(None if word.upper() == "NULL" else word)
        if i >= n:
            return items
        if inner[i] != ",":
            raise Unreadable(f'malformed array literal: "{text}"')
        i += 1


def check_array_syntax(text: str, fail: Callable[[str], Exception]) -> None:
    """Refuses a literal that may meet an array but is an array literal not read exactly here."""
    try:
        parse_array(text)
    except UnsupportedArray as exc:
        raise fail(f"{exc} is not supported: '{text}'") from None
    except Unreadable:
        pass


def parse_bool(text: str) -> bool:
    """PostgreSQL's boolean input: t/true/yes/on/1, f/false/no/off/0 and unique prefixes."""
    word = text.strip().lower()
    if word in ("1", "0"):
        return word == "1"
    if word and ("true".startswith(word) or "yes".startswith(word) or word == "on"):
        return True
    if word and ("false".startswith(word) or "no".startswith(word) or word in ("of", "off")):
        return False
    raise Unreadable(f'invalid input syntax for type boolean: "{text}"')


def parse_integer(text: str, name: str = "integer") -> int:
    if not INTEGER.match(text):
        raise Unreadable(f'invalid input syntax for type {name}: "{text}"')
    value = int(text)
    bits = 31 if name == "integer" else 63
    if not -(2**bits) <= value < 2**bits:
        raise Unreadable(f'value "{text.strip()}" is out of range for type {name}')
    return value


def parse_double(text: str) -> float:
    special = _SPECIAL_FLOATS.get(text.strip().lower())
    if special is not None:
        return special
    if not NUMBER.match(text):
        raise Unreadable(f'invalid input syntax for type double precision: "{text}"')
    return float(text)


def parse_numeric(text: str) -> Decimal128:
    if not NUMBER.match(text) and text.strip().lower() != "nan":
        raise Unreadable(f'invalid input syntax for type numeric: "{text}"')
    try:
        return Decimal128(Decimal(text.strip()))
    except (InvalidOperation, ValueError):
        raise Unreadable(f'invalid input syntax for type numeric: "{text}"') from None


def parse_timestamp(text: str) -> dt.datetime:
    value = parse_iso(text)
    if value is None:
        raise Unreadable(f'invalid input syntax for type timestamp: "{text}"')
    return value


def parse_day(text: str) -> dt.datetime:
    value = parse_iso(text)
    if value is None:
        raise Unreadable(f'invalid input syntax for type date: "{text}"')
    return value.replace(hour=0, minute=0, second=0, microsecond=0)


def _interval(text: str) -> int:
    from leaf_dagster.sql.dates import parse_interval_millis

    try:
        return parse_interval_millis(text)
    except ValueError as exc:
        raise Unreadable(str(exc)) from None


def _number(text: str) -> int | float:
    """A number literal as the compiler's numeric constants are: int when integral, else float."""
    if INTEGER.match(text):
        return int(text)
    return parse_double(text)


def _numeric(text: str) -> Decimal:
    """A numeric literal as the compiler's numeric constants are (``Decimal``)."""
    value = parse_numeric(text).to_decimal()
    if not value.is_finite():
        raise Unreadable(f'invalid input syntax for type numeric: "{text}"')  # NaN: no Decimal128 rule
    return value


# How a literal reads where it meets a value of a static type.
STATIC: dict[SqlType, Callable[[str], Any]] = {
    SqlType.INT: _number,  # an integer expression: PostgreSQL's integer input (checked below)
    SqlType.FLOAT: parse_double,
    SqlType.DECIMAL: _numeric,  # numeric (a catalog's numeric field, a decimal expression)
    SqlType.TEXT: str,
    SqlType.BOOL: parse_bool,
    SqlType.DATE: parse_timestamp,
    SqlType.DAY: parse_day,
    SqlType.INTERVAL: _interval,
}


@dataclass(frozen=True)
class BsonKind:
    """Values of these BSON types: how a literal reads against them, and the SQL type they have."""

    bson: tuple[str, ...]
    sql: SqlType
    read: Callable[[str], Any]


# By BSON type, per the type mapping (int32 integer, int64 bigint, double, decimal128 numeric, ...).
KINDS = (
    BsonKind(("date",), SqlType.DATE, parse_timestamp),
    BsonKind(("int",), SqlType.INT, lambda t: parse_integer(t, "integer")),
    BsonKind(("long",), SqlType.INT, lambda t: parse_integer(t, "bigint")),
    BsonKind(("double",), SqlType.FLOAT, parse_double),
    BsonKind(("decimal",), SqlType.NUMBER, parse_numeric),
    BsonKind(("bool",), SqlType.BOOL, parse_bool),
)


def _integral_or_numeric(name: str) -> Callable[[str], Any]:
    def read(text: str) -> Any:
        if NUMBER.match(text) and not INTEGER.match(text):
            return parse_double(text)
        return parse_integer(text, name)

    return read


# In a comparison, a quoted number that is not an integer ('19.99', '1e3') beside a whole number
# stored as int32/int64 compares as double precision: drivers store a whole double as int32, so such
# a field is a double precision column in PostgreSQL, the only reading under which the query is
# valid (an integer column would reject the literal). Elsewhere (a COALESCE's value) the int32
# value's type decides, and the literal fails as PostgreSQL's integer input does.
COMPARED_KINDS = tuple(
    replace(kind, read=_integral_or_numeric("integer" if kind.bson == ("int",) else "bigint"))
    if kind.sql == SqlType.INT
    else kind
    for kind in KINDS
)


def shape(text: str) -> Any:
    """The literal read by its own shape: a number (an integer, else a double: MongoDB's usual
    number), else a timestamp, else the text itself."""
    if INTEGER.match(text) and int(text) not in range(-(2**63), 2**63):
        return Decimal128(Decimal(text.strip()))
    if NUMBER.match(text):
        return _number(text)
    date = parse_iso(text)
    return date if date is not None else text


def is_unknown(value: Typed) -> bool:
    return value.untyped and value.is_const and isinstance(value.value, str)


def resolve(
    value: Typed, others: Sequence[Typed], fail: Callable[[str], Exception], result: bool = False
) -> Typed:
    """``value`` as PostgreSQL types it next to ``others``: unchanged unless it is an untyped literal.

    ``fail`` builds the compile-time error for a literal that cannot take a static type. ``result``:
    the literal can be the value of its construct (a CASE/COALESCE/GREATEST result, not an operand
    of ``=``): where the fields beside it are NULL it then takes their probed type (``probes``).
    """
    if not is_unknown(value):
        return value
    text: str = value.value
    typed = [o for o in others if not is_unknown(o) and o.type != SqlType.NULL]
    static = [o for o in typed if o.type in STATIC]
    if static:
        return _static(text, static[0], fail)
    dynamic = [o for o in typed if o.type not in STATIC]
    if not dynamic:
        return const(text, SqlType.TEXT)  # beside other literals only: text, as in PostgreSQL
    check_array_syntax(text, fail)
    subject = dynamic[0].expr if len(dynamic) == 1 else {"$ifNull": [*(o.expr for o in dynamic), None]}
    probes = active()
    sources = [settle(o.origin) for o in dynamic] if probes is not None else []
    if probes is None or not all(sources):
        return per_value(text, subject, kinds=KINDS if result else COMPARED_KINDS)
    if not result:
        # Beside an expression or aggregate (``SUM(x) > '2.5'``), PostgreSQL reads the literal as
        # its derived type when it plans the query, rows or not; per row it compares as before.
        # Arithmetic, SUM and AVG are numbers: a literal no number reads fails at compile time, one
        # every number reads needs no check (``x * 2 > '5'``).
        bad = set(unreadable_types(text))
        for source in sources:
            if not isinstance(source, Derived):
                continue
            if source.rule in ("number", "sum", "avg"):
                if bad >= NUMBER_TYPES:
                    raise fail(f'invalid input syntax for type numeric: "{text}"')
                if not bad & NUMBER_TYPES:
                    continue
            # Compared, as beside a field: a non-integer beside an integer reads as double precision
            # (COMPARED_KINDS), since whole doubles are stored as int32.
            probes.check_kind(source, lambda kind: _kind_check(text, kind, COMPARED_KINDS))
        return per_value(text, subject, kinds=COMPARED_KINDS)
    # Beside several members, the literal takes their common type (CASE WHEN b THEN i * 0.1 ELSE
    # -big END is numeric, so '1.25' reads there), not each member's.
    common = derived("common", *dynamic) if len(dynamic) > 1 else None
    for source in [common] if common is not None else sources:
        # PostgreSQL reads the literal when it types the query, rows or not
        probes.check_kind(source, lambda kind: _kind_check(text, kind))
    if common is not None and all(isinstance(source, Origin) for source in sources):
        # Fields only: their common type where they hold one; text where none holds a value.
        kind_of = probes.kind_variable(common)
        return replace(per_value(text, subject, kind_of, every_row=True), origin=sources[0])
    if not all(isinstance(source, Origin) for source in sources):
        # An expression's type is its derived type in every row (COALESCE(i, d) is a double where
        # i is an int32), computed once at the head; the value's own where the fields hold none.
        derived_kind = probes.kind_variable(derived("common", *dynamic) or sources[0])
        return replace(
            per_value(text, subject, derived_kind, default=shape(text), every_row=True), origin=sources[0]
        )
    probed = [probes.kind(source) for source in sources]
    kind = probed[0] if len(probed) == 1 else {"$reduce": _first_typed(probed)}
    # A field NULL everywhere leaves the literal text.
    return replace(per_value(text, subject, kind), origin=sources[0])


def argument(value: Typed, type_: SqlType, fail: Callable[[str], Exception]) -> Typed:
    """A function argument declared as ``type_`` (``SUBSTRING(s FROM '2')`` reads '2' as an integer)."""
    return resolve(value, [Typed(None, type_)], fail)


# PostgreSQL's type categories: a CASE, COALESCE, GREATEST/LEAST or IN list cannot mix two.
CATEGORIES: dict[SqlType, str] = {
    SqlType.INT: "numeric", SqlType.FLOAT: "numeric", SqlType.DECIMAL: "numeric", SqlType.NUMBER: "numeric",
    SqlType.TEXT: "text", SqlType.BOOL: "boolean", SqlType.DATE: "timestamp", SqlType.DAY: "timestamp",
    SqlType.INTERVAL: "interval", SqlType.ARRAY: "array",
}  # fmt: skip


def check_common(values: Sequence[Typed], fail: Callable[[str], Exception], what: str) -> None:
    """PostgreSQL's rule for a common type: the typed members must be of one category."""
    seen: dict[str, SqlType] = {}
    for v in values:
        if is_unknown(v):
            continue
        category = CATEGORIES.get(v.type)
        if category is not None:
            seen.setdefault(category, v.type)
    if len(seen) > 1:
        first, second = list(seen.values())[:2]
        raise fail(f"{what} types {pg_type_name(first)} and {pg_type_name(second)} cannot be matched")


def comparable(a: Typed, b: Typed, fail: Callable[[str], Exception], symbol: str) -> tuple[Typed, Typed]:
    """Two operands of one operator: PostgreSQL has none between two type categories
    (``integer = text``, ``text < date``). A field of unknown type beside a computed text value
    fails so per value (``as_text``)."""
    first, second = CATEGORIES.get(a.type), CATEGORIES.get(b.type)
    if first is not None and second is not None and first != second:
        names = f"{pg_type_name(a.type)} {symbol} {pg_type_name(b.type)}"
        raise fail(f"operator does not exist: {names}")
    if computed_text(b) and a.type == SqlType.ANY and not a.is_const:
        a = as_text(a, lambda name: f"operator does not exist: {name} {symbol} text")
    elif computed_text(a) and b.type == SqlType.ANY and not b.is_const:
        b = as_text(b, lambda name: f"operator does not exist: text {symbol} {name}")
    return a, b


def computed_text(value: Typed) -> bool:
    """A value of type text (an all-quoted CASE, LOWER(...), a text parameter), not an untyped literal."""
    return value.type == SqlType.TEXT and not is_unknown(value)


# PostgreSQL's names of the types of BSON values, as its errors spell them.
BSON_TYPE_NAMES = {"int": "integer", "long": "bigint", "double": "double precision", "decimal": "numeric",
                   "string": "text", "date": "timestamp without time zone", "bool": "boolean",
                   "array": "array", "object": "record"}  # fmt: skip


def as_text(value: Typed, message: Callable[[str], str]) -> Typed:
    """``value`` (of a type known only per value) where PostgreSQL needs text: a value of another
    type fails with ``message(its type's name)``, as PostgreSQL fails for the column's type."""
    probes = active()
    source = settle(value.origin) if probes is not None else None
    if probes is not None and source is not None:  # PostgreSQL fails whether or not rows are read
        probes.check_kind(source, lambda kind: _not_text_kind(kind, message, None, kind))
    guarded = _not_text(value.expr, message, value.expr)
    return Typed(guarded, SqlType.TEXT, non_null=value.non_null, origin=value.origin)


def _not_text(expr: Any, message: Callable[[str], str], otherwise: Any) -> dict[str, Any]:
    """``otherwise`` where ``expr`` is text or NULL, else a failure naming its type."""
    return _not_text_kind({"$type": expr}, message, otherwise, expr)


def _not_text_kind(kind: Any, message: Callable[[str], str], otherwise: Any, witness: Any) -> dict[str, Any]:
    """``otherwise`` where the type named ``kind`` is text or none, else a failure naming it."""
    branches = [
        {"case": {"$eq": [kind, bson]}, "then": runtime_error(message(name), witness)}
        for bson, name in BSON_TYPE_NAMES.items()
        if bson != "string"
    ]
    check = {"$switch": {"branches": branches, "default": otherwise}}
    return {"$cond": [{"$in": [kind, ["string", "null", "missing", NO_TYPE]]}, otherwise, check]}


def origin_of(values: Sequence[Typed]) -> Any:
    """Where the values of a CASE/COALESCE/GREATEST/LEAST/NULLIF of fields come from, for probes:
    the first field's, when every member of a type known only per value is a field (or a literal
    read as one); the fields share one type in PostgreSQL, or the construct is an error there."""
    dynamic = [v for v in values if v.type in (SqlType.ANY, SqlType.NUMBER) and not v.is_const]
    if not dynamic or any(v.origin is None for v in dynamic):
        return None
    if all(v.origin == dynamic[0].origin and isinstance(v.origin, Origin) for v in dynamic):
        return dynamic[0].origin
    # An expression among them: PostgreSQL's common type of all typed members (COALESCE(i * 0.1, d)).
    members = [v for v in values if not is_unknown(v) and (not v.is_const or v.type != SqlType.TEXT)]
    return derived("common", *members)


def pg_type_name(type_: SqlType) -> str:
    names = {SqlType.INT: "integer", SqlType.FLOAT: "double precision", SqlType.DECIMAL: "numeric",
             SqlType.NUMBER: "numeric", SqlType.TEXT: "text", SqlType.BOOL: "boolean",
             SqlType.DATE: "timestamp without time zone", SqlType.DAY: "date"}  # fmt: skip
    return names.get(type_, type_.value)


def resolve_all(
    values: Sequence[Typed],
    fail: Callable[[str], Exception],
    context: SqlType | None = None,
    what: str = "CASE",
) -> list[Typed]:
    """Each member of a list (CASE branches, COALESCE, GREATEST) typed against the rest.

    PostgreSQL fails for a literal its column type cannot read whatever the rows hold, so a value
    of such a BSON type fails here when it is evaluated (even where the literal itself is not).
    ``context``: the type the list's place requires where no member fixes it (text for LOWER's
    argument, boolean for a condition). ``what`` names the construct in the error for members of
    two type categories (``CASE types text and boolean cannot be matched``).
    """
    check_common(values, fail, what)
    values = _text_members(values, what)
    if all(is_unknown(v) or v.type == SqlType.NULL for v in values):
        # "If all inputs are of type unknown, resolve as type text", whatever the place needs
        # (``WHERE COALESCE(b, CASE WHEN x THEN 'true' END)`` is boolean beside text: an error).
        context = None
    required = [Typed(None, context)] if context is not None else []
    resolved = [resolve(v, [*required, *(o for o in values if o is not v)], fail, True) for v in values]
    texts = [v.value for v, r in zip(values, resolved, strict=True) if is_unknown(v) and not r.is_const]
    bad = sorted({t for text in texts for t in unreadable_types(text)})
    if not bad:
        return resolved
    # An expression's derived type was checked against the literal at the head (``resolve``); its
    # values' own BSON types are not its SQL type (COALESCE(i, d) holds int32s and is a double).
    dynamic = [v for v in values if not is_unknown(v) and v.type not in STATIC and not v.is_const]
    probed = active() is not None and all(settle(v.origin) for v in dynamic)

    def checked(v: Typed) -> bool:
        # Several members: the literal was checked against their common type (``resolve``).
        return probed and (isinstance(settle(v.origin), Derived) or len(dynamic) > 1)

    return [r if r.is_const or r.type in STATIC or is_unknown(v) or checked(v) else _failing(r, bad, texts[0])
            for v, r in zip(values, resolved, strict=True)]  # fmt: skip


def _text_members(values: Sequence[Typed], what: str) -> list[Typed]:
    """With a computed text member (an all-quoted CASE), a member of a type known only per value
    must be text too: ``LEAST(d, CASE WHEN b THEN '0.7' END)`` fails where ``d`` is a number."""
    texts = [i for i, v in enumerate(values) if computed_text(v)]
    if not texts:
        return list(values)
    out = []
    for i, v in enumerate(values):
        folded = v.is_null_const and v.origin is not None  # a CASE of fields folded to NULL
        if v.type != SqlType.ANY or (v.is_const and not folded) or is_unknown(v):
            out.append(v)
            continue
        before = i < texts[0]

        def message(name: str, before: bool = before) -> str:
            pair = f"{name} and text" if before else f"text and {name}"
            return f"{what} types {pair} cannot be matched"

        checked = as_text(v, message)  # a folded CASE is NULL on every row, but its fields type it
        out.append(v if folded else checked)
    return out


def _failing(value: Typed, bson_types: list[str], text: str) -> Typed:
    message = f'invalid input syntax for the type of {text!r}: the literal "{text}" cannot be read as it'
    for kind in KINDS:
        if kind.bson[0] in bson_types:
            try:
                kind.read(text)
            except Unreadable as exc:
                message = str(exc)
                break
    expr = value.expr
    check = {"$in": [{"$type": expr}, bson_types]}
    failing = {"$cond": [check, runtime_error(message, expr), expr]}
    return Typed(failing, value.type, non_null=value.non_null, origin=value.origin)


def unreadable_types(text: str, kinds: Sequence[BsonKind] = KINDS) -> list[str]:
    """The BSON types of values a literal cannot be read as (int and long for '30.5', ...)."""
    _, bad = readings_by_kind(text, kinds)
    return [t for kind, _ in bad for t in kind.bson]


def _static(text: str, operand: Typed, fail: Callable[[str], Exception]) -> Typed:
    type_ = operand.type
    try:
        if type_ == SqlType.INT:  # integer or bigint: PostgreSQL names integer when the syntax is wrong
            from leaf_dagster.sql.numeric import INT64, integer_const, is_int4, kinds

            int4 = is_int4(operand) or (operand.int32 and not operand.int64)  # CAST(NULL AS INT) too
            bigint = kinds(operand) == frozenset({INT64}) or operand.int64
            width = "integer" if int4 or not (INTEGER.match(text) or bigint) else "bigint"
            value = parse_integer(text, width)
            if bigint:  # beside a bigint: an int64
                return integer_const(value, False)
            return replace(const(value, SqlType.INT), int32=width == "integer")
        return const(STATIC[type_](text), type_)
    except Unreadable as exc:
        raise fail(str(exc)) from None


def readings_by_kind(
    text: str, kinds: Sequence[BsonKind] = KINDS
) -> tuple[list[tuple[BsonKind, Any]], list[tuple[BsonKind, str]]]:
    """The literal's value per BSON kind it can be read as, and the error for the kinds it cannot."""
    good: list[tuple[BsonKind, Any]] = []
    bad: list[tuple[BsonKind, str]] = []
    for kind in kinds:
        try:
            good.append((kind, kind.read(text)))
        except Unreadable as exc:
            bad.append((kind, str(exc)))
    return good, bad


def reading_groups(text: str, kinds: Sequence[BsonKind] = KINDS) -> list[tuple[list[str], Any]]:
    """The literal's readings, each with the BSON types it is for (the text itself for strings)."""
    good, _ = readings_by_kind(text, kinds)
    grouped: dict[str, tuple[list[str], Any]] = {"str": (["string"], text)}
    for kind, reading in good:
        key = f"{type(reading).__name__}:{reading!r}"
        grouped.setdefault(key, ([], reading))[0].extend(kind.bson)
    return list(grouped.values())


def per_value(
    text: str,
    subject: Any,
    probed: Any = None,
    kinds: Sequence[BsonKind] = KINDS,
    default: Any = None,
    every_row: bool = False,
) -> Typed:
    """The literal as the BSON type of ``subject`` in the current document wants it.

    ``probed``: the BSON type name of the field(s) ``subject`` reads, probed once per query
    (``probes``): where ``subject`` is NULL the literal is read as that type, and as text where the
    field holds no value at all. Without it, the literal's own shape decides there."""
    if probed is not None:
        kind: Any = {"$type": subject}
        null = {"$ne": [probed, NO_TYPE]} if every_row else {"$in": [kind, ["null", "missing"]]}
        body = _switch(text, subject, "$$leafkind", text if default is None else default, kinds)
        typed = {"$let": {"vars": {"leafkind": {"$cond": [null, probed, kind]}}, "in": body}}
        return Typed(typed, SqlType.ANY, non_null=True)
    return Typed(_switch(text, subject, {"$type": subject}, shape(text), kinds), SqlType.ANY, non_null=True)


def column_reading(text: str, other: Typed, fail: Callable[[str], Exception]) -> Typed | None:
    """A set operation's column that is a quoted literal in one branch, read as the type of the
    other branch's column (``SELECT i UNION SELECT '30'`` outputs the integer 30); None where that
    type is not known (a literal or NULL there too: text, as PostgreSQL resolves it)."""
    if other.type in STATIC and not is_unknown(other):
        return _static(text, other, fail)
    probes = active()
    if other.type != SqlType.ANY or not isinstance(other.origin, Origin) or probes is None:
        return None
    probes.check(other.origin, lambda expr: _head_check(text, expr))
    probed = probes.type_of(other.origin)
    return Typed(_switch(text, probed, probed, text), SqlType.ANY, non_null=True)


def _first_typed(probed: list[Any]) -> dict[str, Any]:
    """The first of several probed type names that is a type (not ``NO_TYPE``)."""
    first = {"$cond": [{"$eq": ["$$value", NO_TYPE]}, "$$this", "$$value"]}
    return {"input": probed, "initialValue": NO_TYPE, "in": first}


def _head_check(text: str, expr: Any) -> Any:
    """Fails where the literal cannot be read as the type of ``expr``'s value (None: it reads as any)."""
    return _kind_check(text, {"$type": expr})


def _kind_check(text: str, kind: Any, kinds: Sequence[BsonKind] = KINDS) -> Any:
    """Fails where the literal cannot be read as the BSON type named ``kind`` (None: it reads as any)."""
    branches = _error_branches(text, "$$leafk", "$$leafk", kinds)
    check = {"$switch": {"branches": branches, "default": None}}
    return {"$let": {"vars": {"leafk": kind}, "in": check}} if branches else None


def _switch(
    text: str, subject: Any, kind_of: Any, default: Any, kinds: Sequence[BsonKind] = KINDS
) -> dict[str, Any]:
    groups: list[tuple[list[str], Any]] = []
    for types, v in reading_groups(text, kinds):
        if "long" in types and isinstance(v, int) and not isinstance(v, bool):
            # Next to a bigint the literal is a bigint (an int32 times it is no integer overflow).
            groups += [([t for t in types if t != "long"], v), (["long"], Int64(v))]
        else:
            groups.append((types, v))
    branches = [{"case": {"$in": [kind_of, types]}, "then": _quoted(v)} for types, v in groups if types]
    array = array_reading(text, subject)
    if array is not None:
        branches.append({"case": {"$eq": [kind_of, "array"]}, "then": array})
    branches += _error_branches(text, subject, kind_of, kinds)
    return {"$switch": {"branches": branches, "default": _quoted(default)}}


def _error_branches(
    text: str, subject: Any, kind_of: Any = None, kinds: Sequence[BsonKind] = KINDS
) -> list[dict[str, Any]]:
    _, bad = readings_by_kind(text, kinds)
    kind_of = {"$type": subject} if kind_of is None else kind_of
    branches = [
        {"case": {"$in": [kind_of, list(kind.bson)]}, "then": runtime_error(message, subject)}
        for kind, message in bad
    ]
    try:
        parse_array(text)
    except (Unreadable, UnsupportedArray) as exc:
        branches.append({"case": {"$eq": [kind_of, "array"]}, "then": runtime_error(str(exc), subject)})
    return branches


def array_reading(text: str, subject: Any) -> Any:
    """The literal read as an array beside an array value (None where it is no array literal): its
    elements take the type of the value's elements (the BSON type of its first non-NULL one), as a
    quoted literal beside them would; text where the value has none."""
    try:
        items = parse_array(text)
    except (Unreadable, UnsupportedArray):
        return None
    if not items:
        return {"$literal": []}
    words = [w for w in items if w is not None]
    first = {"$first": {"$filter": {"input": subject, "cond": {"$ne": ["$$this", None]}}}}
    branches = []
    for kind in KINDS:
        try:
            read = {w: kind.read(w) for w in words}
        except Unreadable as exc:
            then: Any = runtime_error(str(exc), subject)
        else:
            then = {"$literal": [None if w is None else read[w] for w in items]}
        branches.append({"case": {"$in": [{"$type": first}, list(kind.bson)]}, "then": then})
    return {"$switch": {"branches": branches, "default": {"$literal": items}}}


def match_guard(path: str, text: str, kinds: Sequence[BsonKind] = KINDS) -> dict[str, Any] | None:
    """A filter that fails on the server for a document whose field the literal cannot be read as.

    PostgreSQL rejects ``age = 'abc'`` for an integer column; a ``$match`` on a field without a
    catalog type does the same for each document whose value is of such a type.
    """
    _, bad = readings_by_kind(text, kinds)
    if not bad:
        return None
    types = [t for kind, _ in bad for t in kind.bson]
    check = {"$switch": {"branches": _error_branches(text, f"${path}", None, kinds), "default": False}}
    return {path: {"$type": types}, "$expr": check}


def _quoted(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        return {"$literal": value}
    return value

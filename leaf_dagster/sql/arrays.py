"""Arrays and membership with PostgreSQL's NULL rules: ``x op ANY/ALL (array or subquery)``,
``ARRAY_POSITION``, ``@>``, ``<@`` and ``&&``.

``x op ANY(a)`` is TRUE when some element compares TRUE, FALSE when every element compares FALSE
(so always for an empty array, even with a NULL ``x``), else NULL; ``ALL`` is the dual (TRUE for an
empty array). A NULL array gives NULL. Each element is compared as ``x op element`` would be, so a
quoted literal takes the element's type. ``@>``/``&&`` compare elements with ``=``: a NULL element
never matches. ``ARRAY_POSITION`` finds the first element not distinct from the value (NULL finds
NULL). Subqueries become the array of their column's values (``subqueries.subquery_values``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from leaf_dagster.sql.errors import runtime_error
from leaf_dagster.sql.values import SqlType, Typed, is_null, let, null_if_any_null

if TYPE_CHECKING:
    from leaf_dagster.sql.expressions import Translator

ELEMENT = "elem"
NOT_AN_ARRAY = "the value is not an array"
QUANTIFIER_NAMES = ("ANY", "SOME", "ALL")


def quantifier(node: exp.Expr) -> tuple[str, exp.Expr] | None:
    """``("ANY"|"ALL", operand)`` for the right side of a comparison like ``x = ANY(…)``, else None."""
    if isinstance(node, exp.Any | exp.All):
        kind, inner = ("ANY" if isinstance(node, exp.Any) else "ALL"), node.this
    elif isinstance(node, exp.Anonymous) and str(node.this).upper() in QUANTIFIER_NAMES:
        if len(node.expressions) != 1:
            return None
        kind, inner = str(node.this).upper(), node.expressions[0]
        kind = "ANY" if kind == "SOME" else kind
    else:
        return None
    while isinstance(inner, exp.Paren):
        inner = inner.this
    return kind, inner


def is_quantified(node: exp.Expr) -> bool:
    return quantifier(node.args.get("expression") or exp.Null()) is not None


def _checked_array(array: Any, body: Any, otherwise: Any) -> Any:
    """``body`` for an array, ``otherwise`` for NULL; a value of another type fails."""
    fails = runtime_error(NOT_AN_ARRAY, "$$arr")
    return let(
        {"arr": array},
        {"$cond": [{"$isArray": "$$arr"}, body, {"$cond": [is_null("$$arr"), otherwise, fails]}]},
    )


def quantified_truth(tr: Translator, op: str, node: exp.Expr, want: bool) -> Any:
    """Truth of ``node.this op ANY/ALL (…)`` for a polarity (``predicates`` three-valued logic)."""
    found = quantifier(node.expression)
    assert found is not None
    kind, inner = found
    left = tr.translate(node.this)
    if isinstance(inner, exp.Subquery | exp.Select):
        from leaf_dagster.sql.subqueries import subquery_values

        array = Typed(subquery_values(tr, inner), SqlType.ARRAY)
    else:
        array = tr.translate(inner)
        if array.type not in (SqlType.ARRAY, SqlType.ANY, SqlType.NULL):
            raise tr.error(f"{kind} needs an array or a subquery, not {array.type.value}", node.expression)
    if array.is_null_const:
        return False
    element = Typed(f"$${ELEMENT}", SqlType.ANY)
    if _text_constructor(inner):
        # ARRAY['19.99'] is text[] in PostgreSQL (its literals resolve as text): a number, a
        # boolean or a timestamp beside it has no operator ("operator does not exist: numeric = text").
        element = Typed(f"$${ELEMENT}", SqlType.TEXT)
        left = _text_only(tr, left, op, node)

    def each(test_want: bool) -> Any:
        test = tr.conditions.compare(op, left, element, test_want, node)
        return {"$map": {"input": "$$arr", "as": ELEMENT, "in": test}}

    # ANY is TRUE when one comparison is TRUE; FALSE when all are FALSE. ALL: the other way round.
    if (kind == "ANY") == want:
        body = {"$anyElementTrue": [each(want)]}
    else:
        body = {"$allElementsTrue": [each(want)]}
    return _checked_array(array.expr, body, False)


SYMBOLS = {"$eq": "=", "$ne": "<>", "$lt": "<", "$lte": "<=", "$gt": ">", "$gte": ">="}


def _text_constructor(inner: exp.Expr) -> bool:
    """``ARRAY['a', 'b']``: an array constructor of quoted literals only, which is text[]."""
    items = inner.expressions if isinstance(inner, exp.Array) else []
    return bool(items) and all(isinstance(e, exp.Literal) and e.is_string for e in items)


def _text_only(tr: Translator, left: Typed, op: str, node: exp.Expr) -> Typed:
    """``left`` compared with text elements: a static type of another category is refused; a value of
    unknown type that is not text fails per row, as PostgreSQL's column type would."""
    from leaf_dagster.sql.literals import is_unknown, pg_type_name

    symbol = SYMBOLS.get(op, op)
    if left.type in (SqlType.TEXT, SqlType.NULL) or is_unknown(left):
        return left
    if left.type != SqlType.ANY:
        raise tr.error(f"operator does not exist: {pg_type_name(left.type)} {symbol} text", node)
    x = left.expr
    fails = runtime_error(f"operator does not exist: a value that is not text {symbol} text", x)
    text_or_null = {"$in": [{"$type": x}, ["string", "null", "missing"]]}
    return Typed({"$cond": [text_or_null, x, fails]}, SqlType.ANY)


KINDS = {"text": ["string"], "number": ["int", "long", "double", "decimal"]}


def _kind(value: Typed) -> str | None:
    """``text``/``number`` for a constant array whose elements are all of that kind (``ARRAY['x']`` is
    text[] in PostgreSQL, so its elements are text)."""
    if not value.is_const or not isinstance(value.value, list):
        return None
    items = [v for v in value.value if v is not None]
    if items and all(isinstance(v, str) for v in items):
        return "text"
    if items and all(isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in items):
        return "number"
    return None


def _same_kind(checked: Any, kind: str | None, body: Any) -> Any:
    """``body``, failing where PostgreSQL fails to compare arrays of different element types."""
    if kind is None:
        return body
    wrong = {
        "$filter": {
            "input": checked,
            "cond": {
                "$and": [{"$ne": ["$$this", None]}, {"$not": [{"$in": [{"$type": "$$this"}, KINDS[kind]]}]}]
            },
        }
    }
    message = f"operator does not exist: an array of other elements compared with a {kind} array"
    return {"$cond": [{"$gt": [{"$size": wrong}, 0]}, runtime_error(message, checked), body]}


def _array_operand(tr: Translator, node: exp.Expr, name: str) -> Typed:
    value = tr.translate(node)
    if value.type not in (SqlType.ARRAY, SqlType.ANY, SqlType.NULL):
        raise tr.error(f"{name} needs arrays, not {value.type.value}", node)
    return value


def _array_operands(tr: Translator, node: exp.Expr, name: str) -> tuple[Typed, Typed]:
    """Both operands; a quoted literal is an array literal read as the other operand's type
    (``tags @> '{vip}'``), as PostgreSQL resolves ``anyarray @> unknown``."""
    from leaf_dagster.sql.literals import is_unknown

    a, b = tr.translate(node.this), tr.translate(node.expression)
    if is_unknown(a) and is_unknown(b):
        raise tr.error(f"{name} of two quoted literals: could not determine polymorphic type", node)
    if is_unknown(a):
        a = _array_literal(tr, a, b, node.this)
    if is_unknown(b):
        b = _array_literal(tr, b, a, node.expression)
    for value, operand in ((a, node.this), (b, node.expression)):
        if value.type not in (SqlType.ARRAY, SqlType.ANY, SqlType.NULL):
            raise tr.error(f"{name} needs arrays, not {value.type.value}", operand)
    return a, b


def _array_literal(tr: Translator, literal: Typed, other: Typed, node: exp.Expr) -> Typed:
    from leaf_dagster.sql.literals import Unreadable, UnsupportedArray, array_reading, parse_array

    text: str = literal.value
    try:
        parse_array(text)
    except Unreadable as exc:
        raise tr.error(str(exc), node) from None
    except UnsupportedArray as exc:
        raise tr.error(f"{exc} is not supported: '{text}'", node) from None
    if other.type not in (SqlType.ARRAY, SqlType.ANY, SqlType.NULL):
        return literal  # refused by the caller: no array beside it
    reading = array_reading(text, other.expr)
    return Typed(reading, SqlType.ARRAY, non_null=True)


def _contains(tr: Translator, node: exp.Expr) -> Typed:
    """``a @> b`` (``b <@ a`` reversed): every element of ``b`` equals a non-NULL element of ``a``."""
    name = "@>" if isinstance(node, exp.ArrayContainsAll) else "<@"
    a, b = _array_operands(tr, node, name)
    if isinstance(node, exp.ArrayContainedBy):
        a, b = b, a
    body = {
        "$and": [
            {"$not": [{"$in": [None, "$$b"]}]},
            {"$setIsSubset": ["$$b", {"$filter": {"input": "$$a", "cond": {"$ne": ["$$this", None]}}}]},
        ]
    }
    return _binary(a, b, body)


def _overlaps(tr: Translator, node: exp.Expr) -> Typed:
    if node.args.get("null_safe"):
        raise tr.error("a NULL-safe && is not supported", node)
    a, b = _array_operands(tr, node, "&&")
    present = {"$filter": {"input": "$$a", "cond": {"$ne": ["$$this", None]}}}
    body = {"$gt": [{"$size": {"$setIntersection": [present, "$$b"]}}, 0]}
    return _binary(a, b, body)


def _binary(a: Typed, b: Typed, body: Any) -> Typed:
    body = _same_kind("$$a", _kind(b), _same_kind("$$b", _kind(a), body))
    inner = _checked_array("$$b", body, None)
    expr = let({"a": a.expr, "b": b.expr}, _checked_array("$$a", inner, None))
    return Typed(null_if_any_null([a, b], expr), SqlType.BOOL)


def _position(tr: Translator, node: exp.Expr) -> Typed:
    if node.args.get("zero_based") is not None:
        raise tr.error("ARRAY_POSITION with a start position is not supported", node.args["zero_based"])
    array = _array_operand(tr, node.this, "ARRAY_POSITION")
    value = tr.translate(node.expression)
    element = Typed(f"$${ELEMENT}", SqlType.ANY)
    value, element = tr.conditions.typed_pair(value, element, node)
    # The searched value is computed once per row, before the array is looked at, as PostgreSQL
    # evaluates a function's arguments (an overflow in it fails on an empty or NULL array too);
    # unless its reading depends on the element (a quoted literal typed per element).
    inline = value.is_const or f"$${ELEMENT}" in repr(value.expr)
    searched = value.expr if inline else "$$search"
    same = {"$eq": [{"$ifNull": [element.expr, None]}, {"$ifNull": [searched, None]}]}
    flags = {"$map": {"input": "$$arr", "as": ELEMENT, "in": same}}
    index = let(
        {"at": {"$indexOfArray": [flags, True]}},
        {"$cond": [{"$lt": ["$$at", 0]}, None, {"$add": ["$$at", 1]}]},
    )
    position = null_if_any_null([array], _checked_array(array.expr, index, None))
    if not inline:
        position = let({"search": {"$ifNull": [value.expr, None]}}, position)
    return Typed(position, SqlType.INT)


HANDLERS: dict[type[exp.Expr], Callable[[Translator, exp.Expr], Typed]] = {
    exp.ArrayContainsAll: _contains,
    exp.ArrayContainedBy: _contains,
    exp.ArrayOverlaps: _overlaps,
    exp.ArrayPosition: _position,
}


def cast_constant(tr: Translator, value: Typed, to: exp.DataType, node: exp.Expr) -> Typed | None:
    """``'{a,b}'::text[]`` (a constant text cast to a one-dimensional array of text, integer,
    bigint, numeric, double precision or boolean): PostgreSQL's array input, each element read as
    the element type. None for anything else (the caller refuses it)."""
    from bson import Int64

    from leaf_dagster.sql.casts import FLOAT_TYPES, INT_TYPES, NUMERIC_TYPES, TEXT_TYPES
    from leaf_dagster.sql.literals import (
        Unreadable,
        UnsupportedArray,
        parse_array,
        parse_bool,
        parse_double,
        parse_integer,
        parse_numeric,
    )

    if not (value.is_const and isinstance(value.value, str)) or len(to.expressions) != 1:
        return None
    element = to.expressions[0]
    kind = element.this if isinstance(element, exp.DataType) else None
    DType = exp.DataType.Type
    readers: dict[Any, Any] = {
        **dict.fromkeys(TEXT_TYPES, str),
        **dict.fromkeys(INT_TYPES - {DType.BIGINT}, lambda w: parse_integer(w, "integer")),
        DType.BIGINT: lambda w: Int64(parse_integer(w, "bigint")),
        **dict.fromkeys(NUMERIC_TYPES, parse_numeric),
        **dict.fromkeys(FLOAT_TYPES, parse_double),
        DType.BOOLEAN: parse_bool,
    }
    read = readers.get(kind)
    if read is None:
        return None
    try:
        items = [None if w is None else read(w) for w in parse_array(value.value)]
    except Unreadable as exc:
        raise tr.error(str(exc), node) from None
    except UnsupportedArray as exc:
        raise tr.error(f"{exc} is not supported: '{value.value}'", node) from None
    return Typed({"$literal": items}, SqlType.ARRAY, non_null=True)

"""CHECK conditions → ``$jsonSchema`` fragments, with SQL's three-valued logic.

A SQL CHECK fails only when its condition is FALSE; NULL (or a missing field) makes a comparison
UNKNOWN, which passes. So a CHECK becomes the schema "the condition is not FALSE". ``NOT`` swaps to
"the inner condition is not TRUE", hence the two translations below. Fragments are built at the
level of the document that declares the CHECK (fields named relative to it); a leaf on the field
itself also has a field-level form, used to keep simple validators readable.

Not expressible (returned as None, left to Great Expectations): ordering comparisons or BETWEEN
against strings, dates or booleans (``$jsonSchema`` has ``minimum``/``maximum`` for numbers only).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from leaf_dagster.schema.model import (
    And,
    Between,
    Comparison,
    Condition,
    InList,
    IsNull,
    LeafCondition,
    Like,
    Not,
    Or,
    Scalar,
)

JsonSchema = dict[str, Any]
NUMBER_TYPES = ["int", "long", "double", "decimal"]


def bson_value(value: Scalar) -> Any:
    """A literal as pymongo can encode it (Decimal literals become doubles)."""
    return float(value) if isinstance(value, Decimal) else value


def _is_number(value: Scalar) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def field_not_false(leaf: LeafCondition) -> JsonSchema | None:
    """The field-level schema a PRESENT value must satisfy so that ``leaf`` is not FALSE.

    ``IsNull`` has no field-level form (it needs ``required``); it returns None here.
    """
    if isinstance(leaf, IsNull):
        return None
    if isinstance(leaf, Comparison) and leaf.op in ("=", "!=") and not leaf.length:
        if leaf.op == "=":
            return {"enum": [bson_value(leaf.value), None]}
        return {"not": {"enum": [bson_value(leaf.value)]}}
    if isinstance(leaf, InList):
        values = [bson_value(v) for v in leaf.values if v is not None]
        return {"not": {"enum": values}} if leaf.negated else {"enum": [*values, None]}
    # A negation is not FALSE exactly where its positive form is not TRUE (null, another type, or
    # a value outside the positive form).
    if isinstance(leaf, Between | Like) and leaf.negated:
        inner = field_is_true(replace(leaf, negated=False))
        return None if inner is None else {"not": inner}
    if isinstance(leaf, Comparison) and leaf.length and leaf.op == "!=":
        inner = field_is_true(replace(leaf, op="="))
        return None if inner is None else {"not": inner}
    positive = field_is_true(leaf)
    if positive is None:
        return None
    if "not" in positive:  # LENGTH(f) < 0 or less: never TRUE, FALSE for every string
        return {"not": {"bsonType": "string"}}
    # minimum/maximum/pattern/minLength only constrain values of their own type: without the
    # type guard they let null and other types through, which are UNKNOWN.
    return {key: value for key, value in positive.items() if key != "bsonType"}


def field_is_true(leaf: LeafCondition) -> JsonSchema | None:
    """The field-level schema of a present value for which ``leaf`` is TRUE (null never is)."""
    if isinstance(leaf, Comparison):
        if leaf.length:
            return _length(leaf.op, leaf.value)
        if leaf.op == "=":
            return {"enum": [bson_value(leaf.value)]}
        if leaf.op == "!=":
            return {"not": {"enum": [bson_value(leaf.value), None]}}
        if not _is_number(leaf.value):
            return None
        bound = bson_value(leaf.value)
        key = "minimum" if leaf.op in (">", ">=") else "maximum"
        schema: JsonSchema = {"bsonType": NUMBER_TYPES, key: bound}
        if leaf.op in (">", "<"):
            schema["exclusiveMinimum" if key == "minimum" else "exclusiveMaximum"] = True
        return schema
    if isinstance(leaf, Between):
        if not (_is_number(leaf.low) and _is_number(leaf.high)):
            return None
        inside = {"bsonType": NUMBER_TYPES, "minimum": bson_value(leaf.low), "maximum": bson_value(leaf.high)}
        return {"bsonType": NUMBER_TYPES, "not": inside} if leaf.negated else inside
    if isinstance(leaf, InList):
        values = [bson_value(v) for v in leaf.values if v is not None]
        return {"not": {"enum": [*values, None]}} if leaf.negated else {"enum": values}
    if isinstance(leaf, Like):
        matching = {"bsonType": "string", "pattern": leaf.as_regex()}
        return {"bsonType": "string", "not": matching} if leaf.negated else matching
    return None


def _length(op: str, value: Scalar) -> JsonSchema | None:
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    bounds = {
        "<=": {"maxLength": value},
        "<": {"maxLength": value - 1},
        ">=": {"minLength": value},
        ">": {"minLength": value + 1},
        "=": {"minLength": value, "maxLength": value},
    }
    if op == "!=":
        return {"bsonType": "string", "not": {"minLength": value, "maxLength": value}}
    if op == "<" and value <= 0:
        return {"bsonType": "string", "not": {}}  # nothing is shorter than 0
    return {"bsonType": "string", **bounds[op]}


def _at(name: str, schema: JsonSchema) -> JsonSchema:
    """``{properties: {a: {properties: {b: schema}}}}`` for ``a.b`` (applies only when present)."""
    for part in reversed(name.split(".")):
        schema = {"properties": {part: schema}}
    return schema


def _present_and_not_null(name: str) -> JsonSchema:
    parts = name.split(".")
    schema: JsonSchema = {"required": [parts[-1]], "properties": {parts[-1]: {"not": {"bsonType": "null"}}}}
    for part in reversed(parts[:-1]):
        schema = {"required": [part], "properties": {part: schema}}
    return schema


def not_false(condition: Condition) -> JsonSchema | None:
    """Document-level schema: ``condition`` is not FALSE (a CHECK passes); None if not expressible."""
    if isinstance(condition, And):
        parts = [not_false(item) for item in condition.items]
        return None if any(p is None for p in parts) else {"allOf": parts}
    if isinstance(condition, Or):
        parts = [not_false(item) for item in condition.items]
        return None if any(p is None for p in parts) else {"anyOf": parts}
    if isinstance(condition, Not):
        return not_true(condition.item)
    if isinstance(condition, IsNull):
        return is_true(condition)
    field_schema = field_not_false(condition)
    return None if field_schema is None else _at(condition.field, field_schema)


def is_true(condition: Condition) -> JsonSchema | None:
    """Document-level schema: ``condition`` is TRUE."""
    if isinstance(condition, IsNull):
        if condition.negated:
            return _present_and_not_null(condition.field)
        return {"not": _present_and_not_null(condition.field)}
    if isinstance(condition, And | Or | Not):
        inner = not_true(condition)
        return None if inner is None else {"not": inner}
    field_schema = field_is_true(condition)
    if field_schema is None:
        return None
    return {"allOf": [_present_and_not_null(condition.field), _at(condition.field, field_schema)]}


def not_true(condition: Condition) -> JsonSchema | None:
    """Document-level schema: ``condition`` is FALSE or UNKNOWN."""
    if isinstance(condition, And):
        parts = [not_true(item) for item in condition.items]
        return None if any(p is None for p in parts) else {"anyOf": parts}
    if isinstance(condition, Or):
        parts = [not_true(item) for item in condition.items]
        return None if any(p is None for p in parts) else {"allOf": parts}
    if isinstance(condition, Not):
        return not_false(condition.item)
    positive = is_true(condition)
    return None if positive is None else {"not": positive}

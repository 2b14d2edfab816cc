"""CHECK → ``$jsonSchema`` keeps SQL's three-valued logic: property test against the server.

A fixed grid of documents (every combination of interesting values of ``a`` and ``b``, including
missing and null) is stored once; for each generated condition the documents the server's
``$jsonSchema`` query operator accepts must be exactly those for which a plain-Python three-valued
evaluation of the CHECK is not FALSE.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymongo.database import Database

from leaf_dagster.connection import Document
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
from leaf_dagster.schema.conditions import not_false

MISSING = object()
VALUES: list[Any] = [MISSING, None, -1, 0, 1, 2.5, 5, "AB", "abc", ""]
FIELDS = ("a", "b")
NUMBERS: list[Scalar] = [-1, 0, 1, Decimal("2.5"), 5]
STRINGS: list[Scalar] = ["AB", "abc", ""]


def grid() -> Iterator[Document]:
    for i, (a, b) in enumerate(itertools.product(VALUES, VALUES)):
        doc: Document = {"_id": i}
        if a is not MISSING:
            doc["a"] = a
        if b is not MISSING:
            doc["b"] = b
        yield doc


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return float(value)


def evaluate(cond: Condition, doc: Document) -> bool | None:
    """SQL three-valued logic: True, False or None (UNKNOWN). A null or missing value makes a
    comparison UNKNOWN; so does an ordering, BETWEEN or LIKE against a value of another type."""
    if isinstance(cond, And):
        results = [evaluate(item, doc) for item in cond.items]
        return False if False in results else None if None in results else True
    if isinstance(cond, Or):
        results = [evaluate(item, doc) for item in cond.items]
        return True if True in results else None if None in results else False
    if isinstance(cond, Not):
        inner = evaluate(cond.item, doc)
        return None if inner is None else not inner
    value = doc.get(cond.field)
    if isinstance(cond, IsNull):
        return (value is not None) if cond.negated else (value is None)
    if value is None:
        return None
    if isinstance(cond, Comparison) and cond.length:
        if not isinstance(value, str):
            return None
        return _compare(len(value), cond.op, float(cond.value))  # type: ignore[arg-type]
    if isinstance(cond, Comparison):
        if cond.op in ("=", "!="):
            equal = _equal(value, cond.value)
            return equal if cond.op == "=" else not equal
        left, right = _num(value), _num(cond.value)
        if left is None or right is None:
            return None
        return _compare(left, cond.op, right)
    if isinstance(cond, Between):
        number, low, high = _num(value), _num(cond.low), _num(cond.high)
        if number is None or low is None or high is None:
            return None
        return (low <= number <= high) != cond.negated
    if isinstance(cond, InList):
        return any(_equal(value, v) for v in cond.values) != cond.negated
    if not isinstance(value, str):
        return None
    return (re.search(cond.as_regex(), value) is not None) != cond.negated


def _compare(left: float, op: str, right: float) -> bool:
    return {
        "=": left == right,
        "!=": left != right,
        "<": left < right,
        "<=": left <= right,
        ">": left > right,
        ">=": left >= right,
    }[op]


def _equal(value: Any, literal: Scalar) -> bool:
    left, right = _num(value), _num(literal)
    if left is not None and right is not None:
        return left == right
    return type(value) is type(literal) and value == literal


field_names = st.sampled_from(FIELDS)
numbers = st.sampled_from(NUMBERS)


def _leaf(draw: Any) -> Condition:
    name = draw(field_names)
    kind = draw(st.sampled_from(["cmp", "eq", "between", "in", "null", "like", "len"]))
    if kind == "len":
        op = draw(st.sampled_from(["=", "!=", "<", "<=", ">", ">="]))
        return Comparison(name, name, op, draw(st.integers(0, 4)), length=True)
    if kind == "cmp":
        return Comparison(name, name, draw(st.sampled_from(["<", "<=", ">", ">="])), draw(numbers))
    if kind == "eq":
        value = draw(st.sampled_from([*NUMBERS, *STRINGS]))
        return Comparison(name, name, draw(st.sampled_from(["=", "!="])), value)
    if kind == "between":
        low, high = sorted([draw(numbers), draw(numbers)], key=float)
        return Between(name, name, low, high, draw(st.booleans()))
    if kind == "in":
        values = tuple(draw(st.lists(st.sampled_from([*NUMBERS, *STRINGS]), min_size=1, max_size=3)))
        return InList(name, name, values, draw(st.booleans()))
    if kind == "null":
        return IsNull(name, name, draw(st.booleans()))
    pattern = draw(st.sampled_from(["A%", "%c", "a_c", "%"]))
    return Like(name, name, pattern, negated=draw(st.booleans()))


@st.composite
def conditions(draw: Any, depth: int = 0) -> Condition:
    if depth >= 2 or draw(st.integers(0, 2)) == 0:
        return _leaf(draw)
    kind = draw(st.sampled_from(["and", "or", "not"]))
    if kind == "not":
        return Not(draw(conditions(depth + 1)))
    items = tuple(draw(st.lists(conditions(depth + 1), min_size=2, max_size=3)))
    return And(items) if kind == "and" else Or(items)


@pytest.fixture
def grid_db(db: Database[Document]) -> Database[Document]:
    db.grid.insert_many(list(grid()))
    return db


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(condition=conditions())
def test_server_accepts_exactly_what_sql_does_not_reject(
    grid_db: Database[Document], condition: Condition
) -> None:
    schema = not_false(condition)
    assert schema is not None
    accepted = {doc["_id"] for doc in grid_db.grid.find({"$jsonSchema": schema}, {"_id": 1})}
    expected = {doc["_id"] for doc in grid() if evaluate(condition, doc) is not False}
    assert accepted == expected, (condition, schema)


def test_evaluator_agrees_on_a_few_hand_cases() -> None:
    gt = Comparison("a", "a", ">", 0)
    assert evaluate(gt, {"a": 1}) is True
    assert evaluate(gt, {}) is None
    assert evaluate(Or((gt, IsNull("b", "b"))), {"a": -1}) is True
    assert evaluate(Not(gt), {"a": None}) is None
    assert evaluate(InList("a", "a", (1, "x")), {"a": 1.0}) is True

"""Errors name functions in SQL words: the name PostgreSQL users write, never sqlglot's class name."""

from __future__ import annotations

import re

import pytest
from sqlglot import exp

from leaf_dagster.sql import LeafSQLError, compile_sql
from leaf_dagster.sql.coverage import construct_words
from leaf_dagster.sql.errors import function_name, in_sql_words


def _all_functions() -> list[type[exp.Func]]:
    out: list[type[exp.Func]] = []
    stack: list[type[exp.Func]] = [exp.Func]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            stack.append(sub)
            out.append(sub)
    return sorted(set(out), key=lambda c: c.__name__)


def _split_class_name(cls: type) -> str:
    """sqlglot's default SQL name of a class: CamelCase split on capitals (``J_S_O_N_ARRAY_AGG``)."""
    return "_".join(re.findall(r"[A-Z][^A-Z]*", cls.__name__)).upper()


def _instance(cls: type[exp.Func]) -> exp.Func | None:
    args = {k: exp.column("x") for k, required in cls.arg_types.items() if required}
    try:
        return cls(**args)
    except Exception:
        return None


ACRONYM = re.compile(r"(^|_)[A-Z](_[A-Z])+(_|$)")  # J_S_O_N, X_M_L: a split acronym


def test_no_function_is_named_by_a_split_class_name() -> None:
    checked = 0
    for cls in _all_functions():
        node = _instance(cls)
        if node is None:
            continue
        words = construct_words(node)
        checked += 1
        assert not ACRONYM.search(words), (cls.__name__, words)
        # A class whose printed name differs from its class name is named as printed.
        printed = node.sql(dialect="postgres") if _prints(node) else ""
        called = printed.upper().split("(")[0]
        called_as_function = re.match(r"^[A-Z_][A-Z0-9_]*\(", printed.upper())
        if words.endswith("()") and called_as_function and not ACRONYM.search(called):
            assert words == called + "()", (cls.__name__, words, printed)
    assert checked > 300


def _prints(node: exp.Expr) -> bool:
    try:
        node.sql(dialect="postgres")
    except Exception:
        return False
    return True


@pytest.mark.parametrize(
    ("sql", "name"),
    [
        ("SELECT TO_CHAR(ts, 'YYYY') FROM t", "TO_CHAR"),
        ("SELECT JSON_AGG(x) FROM t", "JSON_AGG"),
        ("SELECT LPAD(s, 3, 'x') FROM t", "LPAD"),
        ("SELECT GENERATE_SERIES(1, 3) FROM t", "GENERATE_SERIES"),
        ("SELECT MAKE_TIMESTAMP(2024, 1, 1, 0, 0, 0) FROM t", "MAKE_TIMESTAMP"),
    ],
)
def test_refusals_name_the_function_as_written(sql: str, name: str) -> None:
    try:
        compile_sql(sql)
    except LeafSQLError as exc:
        assert name in str(exc)
        assert "_" not in name or _split_class_name(type(exc)) not in str(exc)
    # (compiling is fine too, once another helper teaches the compiler the function)


def test_messages_built_from_sqlglot_names_are_rewritten() -> None:
    node = exp.JSONArrayAgg(this=exp.column("x"))
    assert function_name(node) == "JSON_AGG"
    assert in_sql_words(f"{node.sql_name()} takes one argument", node) == "JSON_AGG takes one argument"
    pad = exp.Pad(this=exp.column("s"), expression=exp.Literal.number(3), is_left=True)
    assert in_sql_words("PAD needs a constant length", pad) == "LPAD needs a constant length"

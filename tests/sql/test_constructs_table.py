"""The README's table of SQL constructs is the code's: complete, compiling, and in sync."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from leaf_dagster.sql import compile_sql
from leaf_dagster.sql.constructs import CONSTRUCTS, END, START, Construct, markdown_table
from leaf_dagster.sql.coverage import CONSUMED

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_translated_node_class_has_a_row() -> None:
    listed = {node for construct in CONSTRUCTS for node in construct.nodes}
    missing = sorted(cls.__name__ for cls in CONSUMED if cls not in listed)
    assert not missing, f"add rows to leaf_dagster/sql/constructs.py for: {missing}"


def test_every_row_lists_only_translated_classes() -> None:
    stray = sorted(
        node.__name__ for construct in CONSTRUCTS for node in construct.nodes if node not in CONSUMED
    )
    assert not stray, f"listed but refused by the guard (coverage.CONSUMED): {stray}"


def _aliased(sql: str) -> str:
    """The example with an alias on every output column, so that names never collide."""
    tree = sqlglot.parse_one(sql, read="postgres")
    for select in tree.find_all(exp.Select):
        if select.parent_select is None or select is tree:
            select.set("expressions", [_alias(e, i) for i, e in enumerate(select.expressions)])
    return tree.sql(dialect="postgres")


def _alias(node: exp.Expr, index: int) -> exp.Expr:
    if isinstance(node, exp.Alias | exp.Star) or (isinstance(node, exp.Column) and node.is_star):
        return node
    return exp.alias_(node, f"c{index}")


@pytest.mark.parametrize("construct", CONSTRUCTS, ids=lambda c: c.sql[:40])
def test_every_example_compiles(construct: Construct) -> None:
    compiled = compile_sql(_aliased(construct.example), params={"n": "x"})
    assert compiled.pipeline


@pytest.mark.parametrize("construct", [c for c in CONSTRUCTS if c.functions], ids=lambda c: c.sql[:40])
def test_every_named_function_compiles(construct: Construct) -> None:
    no_args = {"NOW", "TRANSACTION_TIMESTAMP", "STATEMENT_TIMESTAMP"}
    for name in construct.functions:
        args = "" if name in no_args else "'k', a" if "OBJECT" in name else "a"
        compile_sql(f"SELECT {name}({args}) AS v FROM t")


def test_readme_holds_the_generated_table() -> None:
    text = README.read_text()
    assert START in text and END in text, "README.md lacks the constructs table markers"
    current = text[text.index(START) : text.index(END) + len(END)]
    assert current == markdown_table(), (
        "README's constructs table is stale: run `python -m leaf_dagster.sql.constructs README.md`"
    )

"""The README's table of SQL constructs is the code's: complete, compiling, and in sync."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from leaf_dagster.sql import LeafSQLError, compile_sql
from leaf_dagster.sql.constructs import CONSTRUCTS, END, START, Construct, markdown_table
from leaf_dagster.sql.coverage import CONSUMED
from leaf_dagster.sql.functions import ANONYMOUS

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


def test_every_function_by_name_has_a_row_and_is_in_its_example() -> None:
    listed = {name for construct in CONSTRUCTS for name in construct.functions}
    assert not sorted(set(ANONYMOUS) - listed), "add these function names to a row's functions"
    for construct in CONSTRUCTS:
        text = f"{construct.example} {construct.refused}".upper()
        assert all(f"{name}(" in text for name in construct.functions), construct.sql


@pytest.mark.parametrize("construct", [c for c in CONSTRUCTS if c.refused], ids=lambda c: c.sql[:40])
def test_every_refused_form_is_refused(construct: Construct) -> None:
    with pytest.raises(LeafSQLError):
        compile_sql(construct.refused)


def test_readme_holds_the_generated_table() -> None:
    text = README.read_text()
    assert START in text and END in text, "README.md lacks the constructs table markers"
    current = text[text.index(START) : text.index(END) + len(END)]
    assert current == markdown_table(), (
        "README's constructs table is stale: run `python -m leaf_dagster.sql.constructs README.md`"
    )

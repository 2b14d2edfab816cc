"""Every malformed query gets a one-line LeafSQLError in SQL words, with its line and column.

The inputs are generated: each corpus query cut at every token boundary, and with a token dropped.
"""

from __future__ import annotations

import re

import pytest
from sqlglot import exp

from leaf_dagster.sql import LeafSQLError, compile_sql
from leaf_dagster.sql.parsing import DIALECT
from tests.sql.queries import ALL

# Names of sqlglot's node classes with an inner capital (NullSafeEQ, DPipe, JSONExtract, ...).
_CLASS_NAMES = {
    name
    for name in dir(exp)
    if isinstance(getattr(exp, name), type) and re.search(r"[a-z][A-Z]|^[A-Z]+[a-z]+[A-Z]", name)
}
_INTERNALS = re.compile(r"missing its|its this\b|'this'|<class|TokenType|Expecting|sqlglot|\bexp\.")
_WHERE = re.compile(r"line \d+, column \d+")


def _check(sql: str) -> None:
    try:
        compile_sql(sql)
    except LeafSQLError as error:
        text = str(error)
        assert "\n" not in text, text
        assert _WHERE.search(text), text
        assert not _INTERNALS.search(error.message), text
        words = set(re.findall(r"[A-Za-z_]+", error.message))
        assert not words & _CLASS_NAMES, text


def _samples() -> list[str]:
    # A spread of the corpus: every 7th query, which covers each construct family.
    return [q.sql for q in ALL[::7]]


@pytest.mark.parametrize("sql", _samples())
def test_every_truncation_is_a_clear_error(sql: str) -> None:
    for token in DIALECT.tokenize(sql):
        cut = sql[: token.start]
        if cut.strip():
            _check(cut)


@pytest.mark.parametrize("sql", _samples()[::3])
def test_every_dropped_token_is_a_clear_error(sql: str) -> None:
    tokens = DIALECT.tokenize(sql)
    for token in tokens:
        _check(sql[: token.start] + " " * (token.end - token.start + 1) + sql[token.end + 1 :])


def test_the_reported_wording() -> None:
    with pytest.raises(LeafSQLError) as error:
        compile_sql("SELECT a FROM t WHERE ")
    assert error.value.message == "malformed SQL: incomplete WHERE condition"
    assert (error.value.line, error.value.col) == (1, 17)
    with pytest.raises(LeafSQLError, match=r"incomplete comparison >: an operand is missing"):
        compile_sql("SELECT a FROM t\nWHERE a > ")

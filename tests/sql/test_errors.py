"""Every unsupported construct and malformed query raises LeafSQLError naming it, with a position."""

from __future__ import annotations

import pytest

from leaf_dagster.sql import LeafSQLError, compile_condition, compile_expression, compile_sql

UNSUPPORTED = [
    # (sql, words expected in the message, line, column)
    ("SELECT t.a FROM t RIGHT JOIN u ON t.id = u.id", "RIGHT JOIN", 1, 25),
    ("SELECT t.a FROM t\nFULL JOIN u ON t.id = u.id", "FULL JOIN", 2, 6),
    ("SELECT * FROM t JOIN u USING (id)", "USING", 1, 24),
    ("WITH RECURSIVE x AS (SELECT a FROM t) SELECT a FROM x", "RECURSIVE", 1, 6),
    ("SELECT a FROM (SELECT a FROM t)", "needs an alias", 1, 16),
    ("SELECT a FROM t JOIN u ON t.id = u.id", "ambiguous: qualify it", 1, 8),
    ("SELECT a FROM t WHERE a IN (SELECT b, c FROM u)", "exactly one column", 1, 29),
    ("SELECT SUM((SELECT b FROM u)) FROM t", "inside aggregates", 1, 13),
    ("SELECT a FROM t WHERE a > (SELECT * FROM u)", "exactly one column", 1, 28),
    (
        "SELECT SUM(a) OVER (PARTITION BY a GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t",
        "GROUPS",
        1,
        15,
    ),
    ("SELECT LAG(a, 1, b) OVER (ORDER BY a) FROM t", None, None, None),  # a default of the current row
    ("SELECT a FROM t INTERSECT SELECT a, b FROM u", "INTERSECT query must have the same number", 1, 17),
    ("SELECT a FROM t UNION SELECT a, b FROM u", "same number of columns", 1, 17),
    ("SELECT x FROM t LEFT JOIN UNNEST(t.xs) AS x ON x > 1", "only ON true", 1, 48),
    ("SELECT COUNT(*) FILTER (WHERE SUM(a) > 1) FROM t", "not allowed in FILTER", 1, 31),
    ("SELECT PERCENTILE_CONT(2) WITHIN GROUP (ORDER BY a) FROM t", "between 0 and 1", 1, 8),
    ("SELECT ARRAY_AGG(DISTINCT a ORDER BY b) FROM t", "DISTINCT, ORDER BY", 1, 8),
    ("SELECT FOO(a) FROM t", "unknown function FOO", 1, 8),
    ("SELECT a FROM t WHERE\n  a = 1 AND MYFUNC(b) > 2", "unknown function MYFUNC", 2, 13),
    ("SELECT DISTINCT ON (a) b FROM t ORDER BY b", "DISTINCT ON", 1, 42),
    ("SELECT * , a FROM t", "'*' together", 1, 8),
    ("SELECT a FROM db.t", "current database", 1, 15),
    ("SELECT 1", "FROM clause", 1, 1),
    ("INSERT INTO t (a) VALUES (1)", "only SELECT", 1, 1),
    ("SELECT ts - DATE '2024-01-01' AS d FROM t", "is an interval", 1, 8),
    ("SELECT a FROM t WHERE b LIKE c", "LIKE pattern", 1, 30),
    ("SELECT a, a FROM t", "duplicate output column", 1, 11),
    ("SELECT DATE_TRUNC('fortnight', ts) FROM t", "DATE_TRUNC unit", 1, 8),
    ("SELECT a FROM t WHERE name = :who", "missing parameter :who", 1, 31),
    ("SELECT a FROM t LIMIT -1", "LIMIT", 1, 24),
    ("SELECT a FROM t ORDER BY 3", "position 3", 1, 26),
    ("SELECT SUM(COUNT(a)) FROM t", "aggregate functions are not allowed", 1, 12),
    ("SELECT a FROM t WHERE a", None, None, None),  # a boolean column is a valid condition
]


@pytest.mark.parametrize(("sql", "words", "line", "col"), UNSUPPORTED)
def test_unsupported_constructs_name_themselves_and_their_position(
    sql: str, words: str | None, line: int | None, col: int | None
) -> None:
    if words is None:
        compile_sql(sql)
        return
    with pytest.raises(LeafSQLError) as info:
        compile_sql(sql)
    error = info.value
    assert isinstance(error, ValueError)
    assert words.lower() in str(error).lower()
    assert (error.line, error.col) == (line, col), str(error)
    assert f"line {line}, column {col}" in str(error)


MALFORMED = [
    ("SELECT a FROM", 1, 10),
    ("SELECT a FROM t WHERE (a > 1", 1, 28),
    ("SELECT 'abc FROM t", 1, 8),
    ("SELECT a, FROM t", 1, 9),
    ("SELECT a FROM t WHERE b LIKE", 1, 25),
    ("SELECT a FROM t;\nSELECT b FROM t", 1, 1),
    ("   ", 1, 1),
]


@pytest.mark.parametrize(("sql", "line", "col"), MALFORMED)
def test_malformed_sql_has_a_position(sql: str, line: int, col: int) -> None:
    with pytest.raises(LeafSQLError) as info:
        compile_sql(sql)
    assert (info.value.line, info.value.col) == (line, col), str(info.value)


def test_caret_points_at_the_column() -> None:
    sql = "SELECT a\nFROM t\nWHERE NOPE(a)"
    with pytest.raises(LeafSQLError) as info:
        compile_sql(sql)
    assert info.value.construct == "NOPE(a)"
    assert info.value.caret(sql) == "WHERE NOPE(a)\n      ^"


def test_fragment_errors() -> None:
    with pytest.raises(LeafSQLError, match="aggregate"):
        compile_expression("SUM(a)")
    with pytest.raises(LeafSQLError, match="a condition must be boolean"):
        compile_condition("a + 1")
    with pytest.raises(LeafSQLError, match="malformed"):
        compile_condition("a >")
    with pytest.raises(LeafSQLError, match="single expression"):
        compile_expression("a, b")

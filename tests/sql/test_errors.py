"""Every unsupported construct and malformed query raises LeafSQLError naming it, with a position."""

from __future__ import annotations

import pytest

from leaf_dagster.sql import LeafSQLError, compile_condition, compile_expression, compile_sql

UNSUPPORTED = [
    # (sql, words expected in the message, line, column)
    ("SELECT a FROM t JOIN u ON t.id = u.id", "JOIN", 1, 17),
    ("SELECT a FROM t\nLEFT JOIN u ON t.id = u.id", "JOIN", 2, 6),
    ("WITH x AS (SELECT a FROM t) SELECT a FROM x", "WITH", 1, 1),
    ("SELECT a FROM (SELECT a FROM t) s", "subqueries in FROM", 1, 16),
    ("SELECT a FROM t WHERE a IN (SELECT b FROM u)", "IN (SELECT", 1, 29),
    ("SELECT a, (SELECT 1 FROM u) AS x FROM t", "subqueries", 1, 12),
    ("SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u)", "EXISTS", 1, 23),
    ("SELECT ROW_NUMBER() OVER (ORDER BY a) FROM t", "window", 1, 21),
    ("SELECT SUM(a) OVER (PARTITION BY b) FROM t", "window", 1, 15),
    ("SELECT a FROM t UNION SELECT a FROM u", "UNION", 1, 17),
    ("SELECT a FROM t CROSS JOIN UNNEST(t.xs) AS x", "JOIN", 1, 23),
    ("SELECT COUNT(*) FILTER (WHERE a > 1) FROM t", "FILTER", 1, 8),
    ("SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY a) FROM t", "WITHIN GROUP", 1, 8),
    ("SELECT ARRAY_AGG(a ORDER BY b) FROM t", "ORDER BY inside aggregates", 1, 8),
    ("SELECT FOO(a) FROM t", "unknown function FOO", 1, 8),
    ("SELECT a FROM t WHERE\n  a = 1 AND MYFUNC(b) > 2", "unknown function MYFUNC", 2, 13),
    ("SELECT DISTINCT ON (a) a FROM t", "DISTINCT ON", 1, 17),
    ("SELECT * , a FROM t", "'*' together", 1, 8),
    ("SELECT a FROM db.t", "current database", 1, 15),
    ("SELECT 1", "FROM clause", 1, 1),
    ("INSERT INTO t (a) VALUES (1)", "only SELECT", 1, 1),
    ("SELECT ts - DATE '2024-01-01' AS d FROM t", "date arithmetic", 1, 8),
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

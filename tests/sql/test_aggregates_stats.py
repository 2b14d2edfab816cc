"""Issue 11's aggregates on PostgreSQL 15 and on MongoDB: EVERY/BOOL_AND/BOOL_OR, CORR, COVAR_POP,
COVAR_SAMP, REGR_SLOPE, REGR_INTERCEPT and MODE() WITHIN GROUP, with NULL and missing values,
groups of one row, constant arguments, empty inputs and ties."""

from __future__ import annotations

from typing import Any

import pytest

from leaf_dagster.sql import LeafSQLError, compile_sql
from tests.sql.harness import Env, Query, compare


def Q(id: str, sql: str, **kw: Any) -> Query:
    return Query(id=id, sql=" ".join(sql.split()), **kw)


STATS = (
    "CORR({y}, {x}) AS c, COVAR_POP({y}, {x}) AS cp, COVAR_SAMP({y}, {x}) AS cs, "
    "REGR_SLOPE({y}, {x}) AS rs, REGR_INTERCEPT({y}, {x}) AS ri"
)

QUERIES = [
    Q(
        "every_bool_and_or",
        "SELECT status, EVERY(active) AS e, BOOL_AND(active) AS ba, BOOL_OR(active) AS bo "
        "FROM users GROUP BY status",
    ),
    Q(
        "every_filter_and_empty_groups",
        "SELECT status, EVERY(active) FILTER (WHERE age > 75) AS e, BOOL_OR(age > 70) AS old "
        "FROM users GROUP BY status",
    ),
    Q("every_no_rows", "SELECT EVERY(active) AS e, BOOL_OR(active) AS b FROM nobody"),
    Q("stats_doubles_ints", f"SELECT {STATS.format(y='score', x='age')} FROM users"),
    Q("stats_ints", f"SELECT {STATS.format(y='visits', x='delta')} FROM users"),
    Q("stats_mixed_int_double", f"SELECT {STATS.format(y='amount', x='visits')} FROM users"),
    Q(
        "stats_grouped",
        f"SELECT status, {STATS.format(y='score', x='visits')} FROM users GROUP BY status",
    ),
    Q(
        # Many groups of one or two pairs: fewer than 2 pairs, or a vertical line, give NULL.
        "stats_small_groups",
        f"SELECT age, {STATS.format(y='score', x='visits')} FROM users GROUP BY age",
    ),
    Q(
        "stats_constant_argument",
        "SELECT CORR(score, visits * 0) AS c1, CORR(visits * 0 + 3, score) AS c2, "
        "COVAR_POP(score, visits * 0) AS cp, REGR_SLOPE(score, visits * 0) AS rs, "
        "REGR_INTERCEPT(score, visits * 0) AS ri, REGR_SLOPE(visits * 0, score) AS flat FROM users",
    ),
    Q("stats_filter", f"SELECT {STATS.format(y='score', x='age')} FROM users WHERE active"),
    Q(
        "stats_aggregate_filter",
        "SELECT status, CORR(score, age) FILTER (WHERE visits > 100) AS c, "
        "COVAR_SAMP(score, age) FILTER (WHERE visits > 195) AS cs FROM users GROUP BY status",
    ),
    Q("stats_no_rows", f"SELECT {STATS.format(y='score', x='age')} FROM nobody"),
    Q("stats_events", f"SELECT kind, {STATS.format(y='value', x='duration')} FROM events GROUP BY kind"),
    Q(
        "stats_numeric_argument",
        f"SELECT {STATS.format(y='score * 1.5', x='CAST(age AS NUMERIC) / 7')} FROM users",
    ),
    Q("mode_text", "SELECT MODE() WITHIN GROUP (ORDER BY status) AS m FROM users"),
    Q(
        # Small groups tie often: PostgreSQL keeps the first of the tied values in the ORDER BY's order.
        "mode_ties_both_directions",
        "SELECT status, MODE() WITHIN GROUP (ORDER BY age) AS m, "
        "MODE() WITHIN GROUP (ORDER BY age DESC) AS md, MODE() WITHIN GROUP (ORDER BY score) AS ms "
        "FROM users GROUP BY status",
    ),
    Q(
        "mode_per_age",
        "SELECT age, MODE() WITHIN GROUP (ORDER BY status DESC) AS m, "
        "MODE() WITHIN GROUP (ORDER BY visits % 3) AS r FROM users GROUP BY age",
    ),
    Q(
        "mode_filter",
        "SELECT status, MODE() WITHIN GROUP (ORDER BY visits) FILTER (WHERE age > 60) AS m "
        "FROM users GROUP BY status",
    ),
    Q("mode_no_rows", "SELECT MODE() WITHIN GROUP (ORDER BY age) AS m FROM nobody"),
    Q(
        "mode_timestamps",
        "SELECT kind, MODE() WITHIN GROUP (ORDER BY user_id) AS u FROM events GROUP BY kind",
    ),
]


@pytest.mark.parametrize("query", [pytest.param(q, id=q.id) for q in QUERIES])
def test_same_rows_as_postgresql(sql_env: Env, query: Query) -> None:
    assert sql_env.pg is not None
    difference = compare(sql_env, query)
    assert difference is None, f"{query.id}: {query.sql}\n{difference}"


def test_every_keeps_its_postgresql_column_name() -> None:
    assert compile_sql("SELECT EVERY(active) FROM users").columns == ["every"]


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("SELECT CORR(LOWER(username), age) FROM users", "CORR needs numbers"),
        ("SELECT MODE() WITHIN GROUP (ORDER BY a, b) FROM users", "one ORDER BY expression"),
        ("SELECT CORR(age, score) OVER () FROM users", "CORR"),
    ],
)
def test_refusals_name_the_construct(sql: str, words: str) -> None:
    with pytest.raises(LeafSQLError, match=words.replace("(", r"\(")):
        compile_sql(sql)

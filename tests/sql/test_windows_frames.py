"""Issue 11's window functions on PostgreSQL 15 and on MongoDB: NTH_VALUE on every kind of frame,
GROUPS frames, named WINDOW clauses refined by OVER (w …), and windows over the result of GROUP BY,
with NULL keys (a peer group of their own), ties and empty partitions."""

from __future__ import annotations

from typing import Any

import pytest

from leaf_dagster.sql import LeafSQLError, compile_sql
from tests.sql.harness import Env, Query, compare


def Q(id: str, sql: str, **kw: Any) -> Query:
    return Query(id=id, sql=" ".join(sql.split()), **kw)


QUERIES = [
    Q(
        # The default frame ends at the current row's last peer: NULL until the frame holds n rows.
        "nth_value_default_frame",
        "SELECT _id, NTH_VALUE(age, 3) OVER (ORDER BY _id) AS a3, "
        "NTH_VALUE(username, 1) OVER (PARTITION BY status ORDER BY _id) AS first_name FROM users ORDER BY _id",
    ),
    Q(
        # Ties: peers share the frame, so the 5th value appears for the whole peer group at once.
        "nth_value_peers",
        "SELECT _id, NTH_VALUE(age, 5) OVER (PARTITION BY status ORDER BY age) AS a5, "
        "NTH_VALUE(age, 2) OVER (ORDER BY age DESC NULLS LAST) AS a2 FROM users ORDER BY _id",
    ),
    Q(
        "nth_value_whole_partition",
        "SELECT _id, NTH_VALUE(visits, 2) OVER (PARTITION BY status ORDER BY _id "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS v2, "
        "NTH_VALUE(visits, 4) OVER (PARTITION BY status ORDER BY visits, _id "
        "RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS v4 FROM users ORDER BY _id",
    ),
    Q(
        "nth_value_rows_frames",
        "SELECT _id, NTH_VALUE(visits, 2) OVER (ORDER BY _id ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING) AS a, "
        "NTH_VALUE(score, 1) OVER (PARTITION BY status ORDER BY _id ROWS BETWEEN 1 FOLLOWING AND 3 FOLLOWING) AS b, "
        "NTH_VALUE(age, 3) OVER (ORDER BY _id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS c "
        "FROM users ORDER BY _id",
    ),
    Q(
        "nth_value_beyond_partition",
        "SELECT _id, NTH_VALUE(age, 1000) OVER (PARTITION BY status ORDER BY _id) AS far FROM users ORDER BY _id",
    ),
    Q(
        "nth_value_groups_frame",
        "SELECT _id, NTH_VALUE(age, 2) OVER (ORDER BY age, _id GROUPS BETWEEN 2 PRECEDING AND CURRENT ROW) AS a "
        "FROM users ORDER BY _id",
    ),
    Q(
        # Frames that start after the partition's start: the nth row of the frame, not of the partition
        # (the nth age of a frame sorted by age is the same whichever peers come first).
        "nth_value_offset_frames",
        "SELECT _id, NTH_VALUE(age, 2) OVER (ORDER BY age RANGE BETWEEN 3 PRECEDING AND 2 FOLLOWING) AS r, "
        "NTH_VALUE(age, 3) OVER (PARTITION BY status ORDER BY age GROUPS BETWEEN CURRENT ROW AND 2 FOLLOWING) AS g "
        "FROM users ORDER BY _id",
    ),
    Q(
        # NULL ages are one peer group, last ascending.
        "groups_around_current",
        "SELECT _id, SUM(visits) OVER (ORDER BY age GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS s, "
        "COUNT(*) OVER (PARTITION BY status ORDER BY age GROUPS BETWEEN CURRENT ROW AND 2 FOLLOWING) AS n "
        "FROM users ORDER BY _id",
    ),
    Q(
        "groups_unbounded_and_offsets",
        "SELECT _id, AVG(visits) OVER (ORDER BY age DESC GROUPS UNBOUNDED PRECEDING) AS running, "
        "MIN(score) OVER (ORDER BY age GROUPS BETWEEN 2 PRECEDING AND 1 PRECEDING) AS before, "
        "MAX(score) OVER (PARTITION BY active ORDER BY visits / 20 "
        "GROUPS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS after FROM users ORDER BY _id",
    ),
    Q(
        "groups_on_events",
        "SELECT _id, COUNT(value) OVER (PARTITION BY kind ORDER BY user_id "
        "GROUPS BETWEEN 3 PRECEDING AND 3 FOLLOWING) AS n FROM events ORDER BY _id",
    ),
    Q(
        "named_window_refined",
        "SELECT _id, SUM(visits) OVER w AS total, AVG(visits) OVER (w ORDER BY _id) AS running, "
        "ROW_NUMBER() OVER (w ORDER BY _id DESC) AS rn FROM users WINDOW w AS (PARTITION BY status) ORDER BY _id",
    ),
    Q(
        "named_window_with_order_and_frame",
        "SELECT _id, SUM(visits) OVER (w ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS pair, "
        "RANK() OVER w AS r, NTH_VALUE(_id, 2) OVER w AS second FROM users "
        "WINDOW w AS (PARTITION BY status ORDER BY visits, _id) ORDER BY _id",
    ),
    Q(
        "named_windows_two",
        "SELECT _id, COUNT(*) OVER a AS n, MAX(age) OVER b AS m FROM users "
        "WINDOW a AS (PARTITION BY active), b AS (ORDER BY _id ROWS 2 PRECEDING) ORDER BY _id",
    ),
    Q(
        "windows_after_group_by",
        "SELECT status, COUNT(*) AS n, COUNT(*) OVER () AS groups, SUM(COUNT(*)) OVER () AS total, "
        "RANK() OVER (ORDER BY COUNT(*) DESC) AS r, NTH_VALUE(status, 2) OVER (ORDER BY status) AS second "
        "FROM users GROUP BY status ORDER BY status",
    ),
    Q(
        "windows_after_group_by_empty",
        "SELECT status, COUNT(*) AS n, COUNT(*) OVER () AS groups FROM nobody GROUP BY status",
    ),
    Q(
        "stddev_variance_aggregates",
        "SELECT status, STDDEV(age) AS sd, STDDEV_POP(visits) AS sp, STDDEV_SAMP(score) AS ss, "
        "VARIANCE(age) AS v, VAR_POP(score) AS vp, VAR_SAMP(visits) AS vs FROM users GROUP BY status",
    ),
    Q(
        "stddev_variance_one_row_and_none",
        "SELECT age, STDDEV(visits) AS sd, VAR_POP(visits) AS vp, VARIANCE(score) AS v FROM users GROUP BY age",
    ),
]


@pytest.mark.parametrize("query", [pytest.param(q, id=q.id) for q in QUERIES])
def test_same_rows_as_postgresql(sql_env: Env, query: Query) -> None:
    assert sql_env.pg is not None
    difference = compare(sql_env, query)
    assert difference is None, f"{query.id}: {query.sql}\n{difference}"


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        (
            "SELECT SUM(a) OVER (PARTITION BY b GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t",
            "GROUPS frames need an ORDER BY",
        ),
        (
            "SELECT SUM(a) OVER (ORDER BY a GROUPS BETWEEN 1.5 PRECEDING AND CURRENT ROW) FROM t",
            "GROUPS frame offset",
        ),
        ("SELECT NTH_VALUE(a, 0) OVER (ORDER BY a) FROM t", "NTH_VALUE position"),
        ("SELECT NTH_VALUE(a, b) OVER (ORDER BY a) FROM t", "NTH_VALUE position"),
        ("SELECT SUM(a) OVER (w PARTITION BY b) FROM t WINDOW w AS (ORDER BY a)", "PARTITION BY"),
        ("SELECT SUM(a) OVER v FROM t WINDOW w AS (ORDER BY a)", "window 'v' does not exist"),
        ("SELECT SUM(a) OVER (w ORDER BY b) FROM t WINDOW w AS (ORDER BY a)", "cannot override ORDER BY"),
        (
            "SELECT SUM(a) OVER (w ORDER BY b) FROM t WINDOW w AS (PARTITION BY c ROWS 2 PRECEDING)",
            "has a frame clause",
        ),
    ],
)
def test_refusals_name_the_construct(sql: str, words: str) -> None:
    with pytest.raises(LeafSQLError, match=words):
        compile_sql(sql)


def test_duplicate_output_names_are_refused_with_the_fix() -> None:
    """PostgreSQL may return two columns named count; a document cannot hold them both."""
    with pytest.raises(
        LeafSQLError, match="duplicate output column name 'count': give each column its own AS"
    ):
        compile_sql("SELECT b, COUNT(*), COUNT(*) OVER () FROM t GROUP BY b")
    assert compile_sql("SELECT b, COUNT(*), COUNT(*) OVER () AS total FROM t GROUP BY b").columns == [
        "b",
        "count",
        "total",
    ]

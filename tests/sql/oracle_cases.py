"""The corpus cases that do not (yet) compare cleanly against PostgreSQL, each with its reason.

``DUCKDB_ONLY``: the query's answer depends on data PostgreSQL cannot hold faithfully (or on a
QueryLeaf extension PostgreSQL lacks), so DuckDB stays its oracle. Listed in the README too.

``KNOWN_FAILURES``: real compiler bugs PostgreSQL found, owned by issue 10's other items. Each is an
``xfail(strict=True)``: once the compiler is fixed the case XPASSes and must be deleted from here.
``python -m tests.sql.pg_report --out FILE`` writes them all (SQL, PostgreSQL's answer, ours).
"""

from __future__ import annotations

DUCKDB_ONLY: dict[str, str] = {
    "round_float_digits": "ROUND(double precision, n) is a QueryLeaf extension: PostgreSQL has no such function",
    "first_last_value_frames": "LAST_VALUE over an unordered partition: SQL leaves the row open, PostgreSQL's "
    "sort picks another one than insertion order (DuckDB and we read insertion order)",
}

_NUMERIC_AVG = (
    "items 3, 9: AVG/STDDEV/VARIANCE of integers is exact numeric in PostgreSQL, we return a double"
)

KNOWN_FAILURES: dict[str, str] = {
    # tests/sql/queries.py
    "group_date_trunc_week": _NUMERIC_AVG,
    "agg_int": _NUMERIC_AVG,
    "agg_distinct_two_phases": _NUMERIC_AVG,
    "agg_stddev": _NUMERIC_AVG,
    "agg_nested_expression": _NUMERIC_AVG,
    "rollup_weekly_os": _NUMERIC_AVG,
    "filter_every_aggregate": _NUMERIC_AVG,
    "extract_second_fraction": "items 3, 9: EXTRACT is numeric in PostgreSQL (3.728), we compute in doubles "
    "(3.7279999999999998)",
    # tests/sql/queries_windows.py
    "partition_totals": _NUMERIC_AVG,
    "rank_over_aggregate_ordered": _NUMERIC_AVG,
    "window_stddev_variance": _NUMERIC_AVG,
    # tests/sql/queries_multi.py and the seed queries
    "win_avg_rows_sliding_partition": _NUMERIC_AVG,
    "eager_integers": _NUMERIC_AVG,
    "seed_user_engagement": "items 3, 9: the engagement score (SUM * 0.1 + ...) and its AVGs are exact numeric",
}


def corpus_ids() -> set[str]:
    """Every id of every corpus (and of the seed queries), which both mappings must draw from."""
    from tests.sql.queries import QUERIES
    from tests.sql.queries_multi import QUERIES as MULTI
    from tests.sql.queries_multi import SEED_QUERIES
    from tests.sql.queries_windows import QUERIES as WINDOWS

    seeds = {q.id for q in SEED_QUERIES()}
    return {q.id for q in [*QUERIES, *WINDOWS, *MULTI]} | seeds

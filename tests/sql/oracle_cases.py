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

# Empty since exact NUMERIC landed: all 14 cases PostgreSQL first found (AVG/STDDEV/VARIANCE of
# integers, EXTRACT, the seed's engagement score) now agree with it.
KNOWN_FAILURES: dict[str, str] = {}


def corpus_ids() -> set[str]:
    """Every id of every corpus (and of the seed queries), which both mappings must draw from."""
    from tests.sql.queries import QUERIES
    from tests.sql.queries_multi import QUERIES as MULTI
    from tests.sql.queries_multi import SEED_QUERIES
    from tests.sql.queries_windows import QUERIES as WINDOWS

    seeds = {q.id for q in SEED_QUERIES()}
    return {q.id for q in [*QUERIES, *WINDOWS, *MULTI]} | seeds

"""Every corpus query gives the same rows on MongoDB (compiled by leaf_dagster.sql) as on PostgreSQL
(DuckDB for the ``DUCKDB_ONLY`` cases of ``oracle_cases.py``)."""

from __future__ import annotations

from collections import Counter

import duckdb
import pytest

from tests.sql.harness import Env, Query, compare, diff, run_duck
from tests.sql.oracle_cases import DUCKDB_ONLY, corpus_ids
from tests.sql.queries import KNOWN_FAILURES, QUERIES


def _param(q: Query) -> object:
    reason = KNOWN_FAILURES.get(q.id)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(q, id=q.id, marks=marks)


def test_corpus_is_well_formed() -> None:
    ids = Counter(q.id for q in QUERIES)
    assert [i for i, n in ids.items() if n > 1] == []
    assert len(QUERIES) >= 150
    assert set(KNOWN_FAILURES) <= corpus_ids()
    assert set(DUCKDB_ONLY) <= corpus_ids()


def test_duckdb_side_runs(sql_env: Env) -> None:
    """Every DuckDB spelling runs: a failure here is the corpus's fault, not the compiler's."""
    broken = []
    for q in QUERIES:
        try:
            run_duck(sql_env.duck, q)
        except duckdb.Error as exc:
            broken.append(f"{q.id}: {exc}")
    assert broken == []


@pytest.mark.parametrize("query", [_param(q) for q in QUERIES])
def test_same_rows_as_the_oracle(sql_env: Env, query: Query) -> None:
    difference = compare(sql_env, query)
    assert difference is None, f"{query.id}: {query.sql}\n{difference}"


def test_comparison_catches_differences(sql_env: Env) -> None:
    """The comparison itself: tolerance, integer types, order only under ORDER BY, alias names."""
    q = Query(id="self", sql="SELECT _id, visits / 7 AS d, score AS s FROM users WHERE _id <= 3 ORDER BY _id")
    expected = run_duck(sql_env.duck, q)
    rows = [dict(zip(["_id", "d", "s"], r, strict=True)) for r in expected.rows]
    assert diff(q, expected, rows) is None
    nudged = [{**r, "s": None if r["s"] is None else r["s"] * (1 + 1e-12)} for r in rows]
    assert diff(q, expected, nudged) is None
    assert diff(q, expected, [{**r, "d": float(r["d"])} for r in rows]) is not None
    assert diff(q, expected, [{**r, "d": r["d"] + 1} for r in rows]) is not None
    assert diff(q, expected, rows[::-1]) is not None
    assert diff(q, expected, rows[:-1]) is not None
    assert diff(q, expected, [{"_id": r["_id"], "D": r["d"], "s": r["s"]} for r in rows]) is not None
    unordered = Query(id="self", sql=q.sql.replace(" ORDER BY _id", ""))
    assert diff(unordered, run_duck(sql_env.duck, unordered), rows[::-1]) is None

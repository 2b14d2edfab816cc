"""Issue 3's aggregates and window functions give the same rows on MongoDB as on PostgreSQL."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.sql.harness import Env, Query, compare, run_duck
from tests.sql.oracle_cases import DUCKDB_ONLY, corpus_ids
from tests.sql.queries_windows import KNOWN_FAILURES, QUERIES


def _param(q: Query) -> object:
    reason = KNOWN_FAILURES.get(q.id)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(q, id=q.id, marks=marks)


def test_corpus_is_well_formed() -> None:
    ids = Counter(q.id for q in QUERIES)
    assert [i for i, n in ids.items() if n > 1] == []
    assert set(KNOWN_FAILURES) <= corpus_ids()
    assert set(DUCKDB_ONLY) <= corpus_ids()


@pytest.mark.parametrize("query", [pytest.param(q, id=q.id) for q in QUERIES])
def test_duckdb_side_runs(sql_env: Env, query: Query) -> None:
    run_duck(sql_env.duck, query)


@pytest.mark.parametrize("query", [_param(q) for q in QUERIES])
def test_same_rows_as_the_oracle(sql_env: Env, query: Query) -> None:
    difference = compare(sql_env, query)
    assert difference is None, f"{query.id}: {query.sql}\n{difference}"

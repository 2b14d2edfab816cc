"""Issue 3: every multi-collection corpus query gives the same rows on MongoDB as on PostgreSQL.

The comparison is the issue-2 harness's (multiset of rows, ORDER BY key sequence, float tolerance,
integer and boolean types, column names). For UNION queries the harness cannot see the ORDER BY
(it belongs to the set operation), so an ordered UNION is also compared row by row in order; every
such query in the corpus orders totally.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
import sqlglot
from pymongo import MongoClient
from sqlglot import exp

from leaf_dagster.connection import Document
from tests.sql import duck_multi
from tests.sql.harness import Env, Query, diff, norm, rows_same, run_duck, run_mongo, run_oracle
from tests.sql.oracle_cases import DUCKDB_ONLY, corpus_ids
from tests.sql.pg import PostgresServer
from tests.sql.queries_multi import GROUPS, KNOWN_FAILURES, QUERIES


@pytest.fixture(scope="module")
def multi_env(mongo_client: MongoClient[Document], pg_server: PostgresServer) -> Iterator[Env]:
    with duck_multi.loaded(mongo_client, pg_server) as env:
        yield env


def _ordered_set_operation(sql: str) -> bool:
    try:
        tree = sqlglot.parse_one(sql, read="postgres")
    except sqlglot.errors.ParseError:
        return False
    return isinstance(tree, exp.Union) and bool(tree.args.get("order"))


def compare_multi(env: Env, q: Query) -> str | None:
    """None when the oracle and we agree, else a short description of the first difference."""
    expected = run_oracle(env, q)
    try:
        got = run_mongo(env.db, q)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".strip()[:500]
    difference = diff(q, expected, got)
    if difference is None and _ordered_set_operation(q.sql):
        for k, (e, g) in enumerate(zip(expected.rows, got, strict=True)):
            e_row, g_row = [norm(v) for v in e], [norm(v) for v in g.values()]
            if not rows_same(e_row, g_row):
                return f"order differs at row {k}: expected {e_row!r}, got {g_row!r}"
    return difference


def _param(q: Query) -> object:
    reason = KNOWN_FAILURES.get(q.id)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(q, id=q.id, marks=marks)


def test_corpus_is_well_formed() -> None:
    ids = Counter(q.id for q in QUERIES)
    assert [i for i, n in ids.items() if n > 1] == []
    assert len(QUERIES) >= 120
    assert set(KNOWN_FAILURES) <= corpus_ids()
    assert set(DUCKDB_ONLY) <= corpus_ids()
    assert {q.id.split("_", 1)[0] for q in QUERIES} <= set(GROUPS)


@pytest.mark.parametrize("query", [pytest.param(q, id=q.id) for q in QUERIES])
def test_duckdb_side_runs(multi_env: Env, query: Query) -> None:
    run_duck(multi_env.duck, query)


@pytest.mark.parametrize("query", [_param(q) for q in QUERIES])
def test_same_rows_as_the_oracle(multi_env: Env, query: Query) -> None:
    difference = compare_multi(multi_env, query)
    assert difference is None, f"{query.id}: {query.sql}\n{difference}"

"""``UNNEST(…) WITH ORDINALITY`` against PostgreSQL 15: NULL elements, empty, NULL and missing arrays,
CROSS and LEFT joins, the default column name, filters, grouping and ordering on the position."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import MongoClient

from leaf_dagster.sql import LeafSQLError, compile_sql
from tests.sql.pg import PostgresServer
from tests.sql.textdiff import TextEnv, loaded_text_env


@pytest.fixture(scope="module")
def text_env(mongo_client: MongoClient[Any], pg_server: PostgresServer) -> Iterator[TextEnv]:
    yield from loaded_text_env(mongo_client, pg_server)


QUERIES = [
    "SELECT w._id, u.x, u.n FROM w CROSS JOIN UNNEST(w.nums) WITH ORDINALITY AS u(x, n)",
    "SELECT w._id, u.x, u.n FROM w LEFT JOIN UNNEST(w.tags) WITH ORDINALITY AS u(x, n) ON true",
    "SELECT w._id, x, ordinality FROM w CROSS JOIN UNNEST(w.tags) WITH ORDINALITY AS u(x)",
    "SELECT w._id, u.x FROM w CROSS JOIN UNNEST(w.nums) WITH ORDINALITY AS u(x, n) WHERE u.n = 2",
    "SELECT u.n, COUNT(*) AS c, COUNT(u.x) AS k FROM w CROSS JOIN UNNEST(w.nums) WITH ORDINALITY AS u(x, n) GROUP BY u.n",
    "SELECT w._id, u.n, u.x FROM w CROSS JOIN UNNEST(w.tags) WITH ORDINALITY AS u(x, n) ORDER BY w._id, u.n DESC",
    "SELECT w._id, u.x || '#' || CAST(u.n AS TEXT) AS label FROM w CROSS JOIN UNNEST(w.tags) WITH ORDINALITY AS u(x, n) WHERE u.x IS NOT NULL",
]


@pytest.mark.parametrize("sql", QUERIES)
def test_unnest_with_ordinality_matches_postgresql(text_env: TextEnv, sql: str) -> None:
    text_env.check(sql)


def test_a_column_named_twice_is_refused() -> None:
    with pytest.raises(LeafSQLError, match="named twice"):
        compile_sql("SELECT x FROM w CROSS JOIN UNNEST(w.nums) WITH ORDINALITY AS u(x, x)")
